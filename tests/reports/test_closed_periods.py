"""A period's figures stay as they were once it has ended, unless records dated in it
are corrected: a quarterly return can be reproduced a month later."""

import pytest

from accounts.models import OrganisationRole
from records import services
from records.models import Outcome, OutcomeStatus
from tests.reports.conftest import D
from tests.reports.test_disclosure import csv_rows

QUARTER = "?period=custom&start=2025-01-01&end=2025-03-31"
# Every table but the trend (which runs up to the quarter the period ends in, and
# so takes in later quarters when asked about them).
TABLES = ("bands", "framework_outcomes", "distance", "quality", "comparison", "themes")


@pytest.fixture
def first_quarter(client, roles, build, actor_as):
    """Outcomes rated in the first quarter of 2025, by two teams."""
    OrganisationRole.objects.create(user=roles.manager, organisation=roles.team.organisation)
    client.force_login(roles.manager)
    outcomes = []
    for i in range(12):
        team = roles.team if i % 2 else roles.other_team
        person = build.person(f"Person {i}", team=team)
        outcomes.append(
            build.outcome(
                person,
                ("Seeing people", "Feeling safe", "Having things to do")[i % 3],
                [(D(2024, 11, 4), 1 + i % 3), (D(2025, 2, 3), 1 + (i * 7) % 5)],
                started_on=D(2024, 10, 1),
            )
        )
    return outcomes


def figures(client, roles) -> dict:
    """What the organisation report (whole and for one team) and a team dashboard say
    about the first quarter of 2025."""
    org = roles.team.organisation.pk
    found = {}
    for scope in ("", f"&team={roles.team.pk}"):
        for table in (*TABLES, "team_by_outcome"):
            url = f"/reports/organisations/{org}/export/{table}.csv{QUARTER}{scope}"
            found[url] = csv_rows(client.get(url))
    for table in TABLES:
        url = f"/reports/teams/{roles.team.pk}/export/{table}.csv{QUARTER}"
        found[url] = csv_rows(client.get(url))
    return found


def test_a_closed_quarter_keeps_its_figures_when_the_next_quarter_is_recorded(
    client, roles, build, actor_as, first_quarter
):
    practitioner = actor_as(roles.practitioner)
    before = figures(client, roles)
    # The next quarter: every outcome rated again, some corrected, one ended, one new.
    for i, outcome in enumerate(first_quarter):
        review = build.rate(outcome, D(2025, 5, 6), 1 + (i * 3) % 5, "Going well")
        if i % 4 == 0:
            services.review_amend(
                actor=practitioner,
                review=review,
                reason="Wrong score",
                reviewed_on=D(2025, 5, 7),
                point=outcome.scale.points.get(score=5),
            )
    ended = first_quarter[1]
    services.outcome_update(
        actor=practitioner,
        outcome=ended,
        version=Outcome.objects.get(pk=ended.pk).version,
        status=OutcomeStatus.ACHIEVED,
        status_changed_on=D(2025, 6, 1),
    )
    build.outcome(
        build.person("Newcomer"), "Seeing people", [(D(2025, 4, 2), 2)], started_on=D(2025, 4, 1)
    )
    after = figures(client, roles)
    assert after == before
    # The next quarter itself has its ratings.
    bands = csv_rows(
        client.get(
            f"/reports/teams/{roles.team.pk}/export/bands.csv"
            "?period=custom&start=2025-04-01&end=2025-06-30"
        )
    )
    assert bands[-1] == ["All ratings given", "7", "100%"]  # 6 outcomes and the newcomer


def test_a_correction_dated_in_the_closed_quarter_changes_it(
    client, roles, actor_as, first_quarter
):
    before = figures(client, roles)
    outcome = first_quarter[1]  # on the team
    rating = outcome.reviews.get(reviewed_on=D(2025, 2, 3))
    services.review_amend(
        actor=actor_as(roles.practitioner),
        review=rating,
        reason="Wrong score",
        reviewed_on=D(2025, 2, 3),
        point=outcome.scale.points.get(score=5 if rating.point.score < 5 else 1),
    )
    after = figures(client, roles)
    changed = [url for url in before if before[url] != after[url]]
    dashboard_bands = f"/reports/teams/{roles.team.pk}/export/bands.csv{QUARTER}"
    assert dashboard_bands in changed
