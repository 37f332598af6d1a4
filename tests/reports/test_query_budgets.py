"""Dashboard and report pages issue the same number of queries at 1,000 and 100,000 people."""

import csv
import datetime
import io
import itertools
import tracemalloc
from collections import Counter

from django.core.management.color import no_style
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from accounts.models import OrganisationRole
from audit.models import AuditEvent
from frameworks.models import Band, FrameworkOutcome, RatingScale
from records.models import CaseloadEntry, Outcome, Person, Review
from reports import tallies
from reports.models import TALLY_MODELS

D = datetime.date
PERIOD = "?period=custom&start=2025-01-01&end=2025-12-31"
BATCH = 5000


def add_people(team, user, count: int, offset: int) -> None:
    """People, each with an outcome rated twice (in January and June 2025), written in bulk."""
    scale = RatingScale.objects.get(key="extent-achieved")
    points = list(scale.points.order_by("score"))
    framework_outcomes = list(FrameworkOutcome.objects.all()[:15])
    people = Person.objects.bulk_create(
        (Person(full_name=f"Person {offset + i}") for i in range(count)), batch_size=BATCH
    )
    CaseloadEntry.objects.bulk_create(
        (CaseloadEntry(person=p, team=team) for p in people), batch_size=BATCH
    )
    outcomes = Outcome.objects.bulk_create(
        (
            Outcome(
                person=p,
                what_matters="I want to get out more",
                started_on=D(2024, 1, 2),
                scale=scale,
                created_by=user,
                first_point=points[i % 2],
                first_score=points[i % 2].score,
                latest_point=points[(i % 5)],
                latest_score=points[i % 5].score,
                latest_band=points[i % 5].band or Band.PARTLY_ACHIEVED,
                first_rated_on=D(2025, 1, 5),
                latest_rated_on=D(2025, 6, 5),
                rating_count=2,
            )
            for i, p in enumerate(people)
        ),
        batch_size=BATCH,
    )
    Review.objects.bulk_create(
        (
            Review(outcome=o, reviewed_on=day, point=point, created_by=user)
            for o in outcomes
            for day, point in ((D(2025, 1, 5), o.first_point), (D(2025, 6, 5), o.latest_point))
        ),
        batch_size=BATCH,
    )
    links = itertools.cycle(framework_outcomes)
    Outcome.framework_outcomes.through.objects.bulk_create(
        (
            Outcome.framework_outcomes.through(outcome=o, frameworkoutcome=next(links))
            for o in outcomes
        ),
        batch_size=BATCH,
    )


def add_reviews(user, count: int) -> None:
    """A review in the period on each of ``count`` outcomes rated achieved: on the
    narrative page, each is a different person's."""
    outcomes = Outcome.objects.filter(latest_band=Band.ACHIEVED).order_by("-pk")[:count]
    Review.objects.bulk_create(
        Review(
            outcome=o,
            reviewed_on=D(2025, 6, 5),
            point=o.latest_point,
            narrative="Out to the shops with a neighbour",
            created_by=user,
        )
        for o in outcomes
    )


def replicate(times: int) -> None:
    """Copy every person, caseload entry, outcome, review and framework link ``times`` more
    times.

    Done in SQL (INSERT ... SELECT with shifted ids), so 100,000 people take
    seconds rather than minutes on either database.
    """
    tables = [
        (Person, {"id"}),
        (CaseloadEntry, {"id", "person_id"}),
        (Outcome, {"id", "person_id"}),
        (Outcome.framework_outcomes.through, {"id", "outcome_id"}),
        (Review, {"id", "outcome_id"}),
    ]
    shifts = {
        model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for model in (Person, CaseloadEntry, Outcome, Outcome.framework_outcomes.through, Review)
    }
    shift_for = {
        "id": None,
        "person_id": shifts[Person],
        "outcome_id": shifts[Outcome],
    }
    with connection.cursor() as cursor:
        for model, shifted in tables:
            table = connection.ops.quote_name(model._meta.db_table)
            columns = [f.column for f in model._meta.concrete_fields]
            for k in range(1, times + 1):
                select = []
                for column in columns:
                    name = connection.ops.quote_name(column)
                    if column in shifted:
                        step = shifts[model] if column == "id" else shift_for[column]
                        select.append(f"{name} + {step * k}")
                    else:
                        select.append(name)
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(map(connection.ops.quote_name, columns))}) "  # noqa: S608
                    f"SELECT {', '.join(select)} FROM {table} WHERE id <= {shifts[model]}"
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(),
                [Person, CaseloadEntry, Outcome, Outcome.framework_outcomes.through, Review],
            ):
                cursor.execute(sql)


def rows_of(response) -> list[list[str]]:
    """The table of a CSV download: the rows after the description and its empty row."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    return rows[rows.index([]) + 1 :]


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def export_peak_memory(client, url: str) -> int:
    """The most memory Python held while the download was made and read to the end."""
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.streaming_content)
        assert size > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reports_query_count_is_the_same_at_1000_and_100000_people(client, roles, frameworks):
    OrganisationRole.objects.create(user=roles.manager, organisation=roles.team.organisation)
    client.force_login(roles.manager)
    org = roles.team.organisation.pk
    pages = [
        f"/reports/teams/{roles.team.pk}/{PERIOD}",
        f"/reports/organisations/{org}/{PERIOD}",
        f"/reports/teams/{roles.team.pk}/narrative/{PERIOD}&band=achieved",
        "/reports/",
        # Dates that are not whole months: the team's records are counted to the day.
        f"/reports/teams/{roles.team.pk}/?period=custom&start=2025-01-02&end=2025-12-30",
    ]
    add_people(roles.team, roles.practitioner, 1_000, 0)
    add_reviews(roles.practitioner, 3)
    tallies.rebuild()  # the people were written in bulk, not through the services
    small = [count(client, url) for url in pages]
    exports = [
        f"/reports/organisations/{org}/export/{table}{PERIOD}"
        for table in ("team_by_outcome.csv", "team_by_outcome.xlsx", "bands.csv")
    ]
    for url in exports:
        export_peak_memory(client, url)  # warm up
    small_memory = [export_peak_memory(client, url) for url in exports]
    replicate(99)  # 1,000 people become 100,000
    add_reviews(roles.practitioner, 60)  # the narrative now shows 50 people's reviews
    # The copies share every attribute with the people copied, so each tally is
    # 100 times what it was: what rebuild() would count, in one statement (the
    # sums of record keys are left as they were: they change no query).
    for model in TALLY_MODELS:
        model.objects.update(n=F("n") * 100)
    large = [count(client, url) for url in pages]
    assert small == large
    # Downloads are made from the tallies, so their memory does not grow with
    # the number of people either (100 times as many would show at once).
    large_memory = [export_peak_memory(client, url) for url in exports]
    for url, before, after in zip(exports, small_memory, large_memory, strict=True):
        assert after < before * 1.5, (url, before, after)
    # dashboard, organisation report, narrative, reports home, dashboard to the day
    assert large == [9, 14, 10, 5, 12]
    # Each person whose words the narrative showed is in the audit trail, once per
    # view: each view shows 50 reviews, a few people with two of them.
    seen = Counter(
        AuditEvent.objects.filter(object_type="reports.narrative").values_list(
            "person_id", flat=True
        )
    )
    assert 2 * 45 <= sum(seen.values()) <= 2 * 50 and max(seen.values()) <= 2
    dashboard = client.get(pages[0]).content.decode()
    assert '<strong class="figure">100000</strong>' in dashboard
    bands = rows_of(client.get(f"/reports/organisations/{org}/export/bands.csv{PERIOD}"))
    # Two ratings of each outcome in 2025, perturbed by at most 2 (reports.disclosure).
    assert bands[-1][0] == "All ratings given"
    assert abs(int(bands[-1][1]) - 200_000) <= 2
    to_the_day = rows_of(client.get(pages[4].replace("/?", "/export/bands.csv?")))
    assert to_the_day[-1] == ["All ratings given", "200000", "100%"]
