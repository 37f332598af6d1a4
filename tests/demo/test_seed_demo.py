"""seed_demo: the national data set in miniature, the same every time, consistent, and safe."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationRole, Role, Team
from demo.seed import (
    BULK_TABLES,
    ORGANISATION_NAME,
    TALLY_TABLES,
    THEMES,
    baseline_sql,
    seed_counts,
    seed_demo,
)
from frameworks.services import defaults_load
from records.models import Action, CaseloadEntry, Outcome, OutcomeStatus, Person, Review
from records.progress import current_reviews
from records.services import outcome_quality, review_quality
from reports.models import ALL_AGES
from tests.factories import OrganisationFactory, UserFactory
from themes.models import Theme

pytestmark = pytest.mark.slow

PEOPLE = 300
TODAY = datetime.date(2026, 3, 31)


def seed(people: int = PEOPLE, seed: int = 7, today: datetime.date = TODAY) -> str:
    out = io.StringIO()
    call_command("seed_demo", people=people, seed=seed, today=today, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    defaults_load()
    seed()
    return Organisation.objects.get(name=ORGANISATION_NAME)


class _Undo(Exception):
    pass


def snapshot_of_seeding(seed_number: int) -> dict:
    """Seed, read back every seeded row's key columns, then undo the seeding.

    Framework outcomes and scale points are read by what they are, not by id: each
    seeding makes its organisation anew, with its own copies of the defaults.
    """
    taken = {}
    with pytest.raises(_Undo), transaction.atomic():
        seed(seed=seed_number)
        through = Outcome.framework_outcomes.through
        taken = {
            "teams": list(Team.objects.order_by("pk").values_list("pk", "name")),
            "people": list(
                Person.objects.order_by("pk").values_list(
                    "pk", "full_name", "date_of_birth", "closed_on", "engagement_channels"
                )
            ),
            "caseloads": list(
                CaseloadEntry.objects.order_by("pk").values_list("pk", "person", "team")
            ),
            "outcomes": list(
                Outcome.objects.order_by("pk").values_list(
                    "pk",
                    "person",
                    "what_matters",
                    "started_on",
                    "next_review_on",
                    "status",
                    "first_point__score",
                    "first_rated_on",
                    "latest_point__score",
                    "latest_rated_on",
                    "latest_band",
                    "rating_count",
                    "meets_personalised",
                    "created_by",
                )
            ),
            "links": list(
                through.objects.order_by("pk").values_list(
                    "pk", "outcome", "frameworkoutcome__short_name"
                )
            ),
            "actions": list(Action.objects.order_by("pk").values_list("pk", "outcome", "order")),
            "reviews": list(
                Review.objects.order_by("pk").values_list(
                    "pk",
                    "outcome",
                    "reviewed_on",
                    "point__score",
                    "narrative",
                    "what_helped",
                    "amends",
                    "meets_own_voice",
                    "created_at",
                )
            ),
            "helped": list(
                Review.helped_themes.through.objects.order_by("pk").values_list(
                    "pk", "review", "theme"
                )
            ),
        }
        raise _Undo
    assert not Person.objects.exists()
    return taken


@pytest.mark.django_db
def test_same_people_seed_and_day_give_identical_rows():
    defaults_load()
    first = snapshot_of_seeding(7)
    again = snapshot_of_seeding(7)
    other = snapshot_of_seeding(8)

    assert first == again
    assert first["reviews"] != other["reviews"]


def test_shape_is_the_national_one_in_miniature(seeded):
    people = Person.objects.count()
    outcomes = Outcome.objects.count()
    ratings = Outcome.objects.aggregate(n=Sum("rating_count"))["n"]
    amendments = Review.objects.filter(amends__isnull=False).count()
    overdue = Outcome.objects.filter(status=OutcomeStatus.ACTIVE, next_review_on__lt=TODAY)

    assert people == PEOPLE
    assert Team.objects.filter(organisation=seeded).count() == PEOPLE // 150
    assert 4 <= outcomes / people <= 6
    assert 3 <= ratings / outcomes <= 4
    assert 0.01 <= amendments / Review.objects.count() <= 0.06
    assert Person.objects.filter(outcomes__isnull=True).exists()
    assert Person.objects.filter(closed_on__isnull=False).exists()
    assert Person.objects.filter(date_of_birth__isnull=True).count() < people / 10
    assert overdue.exists()
    assert Theme.objects.filter(organisation=seeded).count() == len(THEMES)
    assert Review.helped_themes.through.objects.exists()
    assert Review.hindered_themes.through.objects.exists()
    links = Outcome.objects.annotate(n=Count("framework_outcomes")).values_list("n", flat=True)
    assert set(links) == {1}
    oldest = TODAY - datetime.timedelta(days=3 * 365)
    assert Review.objects.filter(reviewed_on__lt=oldest).count() == 0
    assert Review.objects.filter(reviewed_on__gt=TODAY).count() == 0


def test_stored_progress_and_quality_match_the_reviews_of_every_outcome(seeded):
    outcomes = Outcome.objects.prefetch_related("reviews__point", "framework_outcomes")
    mismatches = []
    for outcome in outcomes:
        reviews = current_reviews(outcome.reviews.all())
        first, latest = (reviews[0], reviews[-1]) if reviews else (None, None)
        expected = (
            first and first.point_id,
            first and first.reviewed_on,
            first and first.point.score,
            latest and latest.point_id,
            latest and latest.reviewed_on,
            latest and latest.point.score,
            latest.point.band if latest else "",
            len(reviews),
            sorted(outcome_quality(outcome, list(outcome.framework_outcomes.all()))),
            [sorted(review_quality(r)) for r in outcome.reviews.all()],
        )
        stored = (
            outcome.first_point_id,
            outcome.first_rated_on,
            outcome.first_score,
            outcome.latest_point_id,
            outcome.latest_rated_on,
            outcome.latest_score,
            outcome.latest_band,
            outcome.rating_count,
            sorted(outcome.quality),
            [sorted(r.quality) for r in outcome.reviews.all()],
        )
        if stored != expected:
            mismatches.append(outcome.pk)
    assert mismatches == []
    # The rules that make "first" and "latest" subtle are all exercised.
    assert Review.objects.filter(amends__amends__isnull=False).exists()


@pytest.mark.django_db
def test_refuses_to_seed_where_people_exist():
    Person.objects.create(full_name="Someone Real")

    with pytest.raises(CommandError, match="people in this database already"):
        seed()

    assert not Organisation.objects.filter(name=ORGANISATION_NAME).exists()
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_team_dashboard_and_organisation_report_show_the_seeded_data(client):
    defaults_load()
    seed(today=timezone.localdate())
    organisation = Organisation.objects.get(name=ORGANISATION_NAME)
    team = Team.objects.filter(organisation=organisation).order_by("pk").first()
    manager = UserFactory(username="seed-manager")
    Membership.objects.create(user=manager, team=team, role=Role.MANAGER)
    OrganisationRole.objects.create(user=manager, organisation=organisation)
    client.force_login(manager)

    dashboard = client.get(reverse("team_dashboard", args=[team.pk]))
    report = client.get(
        reverse("organisation_report", args=[organisation.pk]) + "?period=last_12_months"
    )

    assert dashboard.status_code == 200
    open_people = team.people.filter(closed_on__isnull=True).count()
    assert dashboard.context["dashboard"].caseload_size == open_people > 0
    assert dashboard.context["dashboard"].rollup.current.rated > 0
    assert report.status_code == 200
    assert report.context["rollup"].current.rated > 0


def constraints_and_indexes() -> list[tuple]:
    """Every foreign key and index definition of the tables seeding loads in bulk."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text LIKE ANY(%s) "
            "UNION ALL SELECT indrelid::regclass::text, pg_get_indexdef(indexrelid) "
            "FROM pg_index WHERE indrelid::regclass::text LIKE ANY(%s) ORDER BY 1, 2",
            [["records_%", "themes_%", "accounts_%"]] * 2,
        )
        return cursor.fetchall()


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_bulk_loading_on_postgresql_leaves_every_foreign_key_and_index_in_place():
    defaults_load()
    before = constraints_and_indexes()
    assert len(before) > 2 * len(BULK_TABLES)

    seed(people=40)

    assert constraints_and_indexes() == before
    with pytest.raises(Exception, match="foreign key"), transaction.atomic():
        Outcome.objects.filter(pk=Outcome.objects.first().pk).update(person_id=10**9)


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_generate_series_baseline_writes_as_many_rows_as_seeding_would():
    # The baseline links its rows to an existing organisation's default frameworks.
    OrganisationFactory(name="Reference Partnership")
    before = constraints_and_indexes()
    counts, amendments = seed_counts(people=40, seed=7, today=TODAY)
    with transaction.atomic():
        seeded = seed_demo(people=40, seed=7, today=TODAY)
        transaction.set_rollback(True)
    assert {k: seeded.counts[k] for k in counts} == counts
    counts = seeded.counts

    seconds = baseline_sql(counts=counts, amendments=amendments)

    assert seconds > 0
    assert Person.objects.count() == counts["people"] == 40
    assert Outcome.objects.count() == counts["outcomes"]
    assert Review.objects.count() == counts["reviews"]
    assert Review.objects.filter(amends__isnull=False).count() == amendments
    for label, model in TALLY_TABLES.items():
        assert model.objects.count() == counts[label] > 0
    assert constraints_and_indexes() == before


@pytest.mark.django_db(transaction=True)
def test_the_seeded_report_tallies_are_what_the_rules_count():
    """seed_demo counts the tallies in bulk (in SQL on PostgreSQL); the rules in Python agree."""
    from reports import tallies
    from tests.reports.test_tallies import stored

    seed_demo(people=150, seed=3, today=TODAY)
    seeded = stored()
    by_band = [
        n
        for key, (n, _) in seeded.items()
        if key[1:4] == (0, tallies.REVIEWED, "") and key[4] != ALL_AGES
    ]
    assert sum(by_band) == (Review.objects.filter(amendment__isnull=True).count())
    for model in TALLY_TABLES.values():
        model.objects.all().delete()
    tallies.rebuild_in_python()
    assert stored() == seeded
