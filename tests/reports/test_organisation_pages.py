"""The organisation report's team-by-framework-outcome table is shown 50 teams at a time."""

import pytest

from accounts.models import OrganisationRole, Team
from tests.reports.conftest import PERIOD, D
from tests.reports.test_figures import rows_of


@pytest.fixture
def commissioner(client, roles):
    OrganisationRole.objects.create(user=roles.manager, organisation=roles.team.organisation)
    client.force_login(roles.manager)
    return client


def test_the_team_table_pages_through_teams_and_downloads_hold_them_all(commissioner, roles, build):
    organisation = roles.team.organisation
    for n in range(1, 56):
        team = Team.objects.create(organisation=organisation, name=f"Team {n:02d}")
        person = build.person(f"Person {n}", team=team)
        build.outcome(person, "Seeing people", [(D(2025, 3, 1), 3)])
    # Every team of the organisation is listed by name, with the two that have no
    # outcomes (Hillside Team and Shoreline Team) first.
    page = commissioner.get(f"/reports/organisations/{organisation.pk}/{PERIOD}")
    html = page.content.decode()
    assert "Teams 1 to 50 of 57, by name. The downloads hold every team." in html
    assert '<th scope="row">Team 48</th>' in html
    assert '<th scope="row">Team 49</th>' not in html
    assert "teams_from=50#grid-h" in html

    second = commissioner.get(
        f"/reports/organisations/{organisation.pk}/{PERIOD}&teams_from=50"
    ).content.decode()
    assert "Teams 51 to 57 of 57" in second
    assert '<th scope="row">Team 49</th>' in second
    assert '<th scope="row">Team 01</th>' not in second
    assert "Previous teams" in second and "Next teams" not in second

    grid = rows_of(
        commissioner.get(
            f"/reports/organisations/{organisation.pk}/export/team_by_outcome.csv{PERIOD}"
        )
    )
    assert [row[0] for row in grid[1:]] == [
        "Hillside Team",
        "Shoreline Team",
        *[f"Team {n:02d}" for n in range(1, 56)],
    ]
    assert set(grid[1][1:]) == {"0"}  # nothing worked on: every cell 0
    # One outcome each: perturbed (reports.disclosure) to 0 or 5, never shown as 1.
    assert {row[1] for row in grid[1:]} <= {"0", "5"}

    nonsense = commissioner.get(f"/reports/organisations/{organisation.pk}/{PERIOD}&teams_from=abc")
    assert nonsense.status_code == 200
    assert "Teams 1 to 50 of 57" in nonsense.content.decode()


def test_team_choices_are_escaped_and_the_chosen_one_selected(commissioner, roles, build):
    organisation = roles.team.organisation
    odd = Team.objects.create(organisation=organisation, name="<b>Bold</b> & Co")
    html = commissioner.get(
        f"/reports/organisations/{organisation.pk}/{PERIOD}&team={odd.pk}"
    ).content.decode()
    assert f'<option value="{odd.pk}" selected>&lt;b&gt;Bold&lt;/b&gt; &amp; Co</option>' in html
    assert "<b>Bold</b>" not in html


@pytest.mark.parametrize(
    ("start", "end"), [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31")]
)
def test_custom_dates_at_the_ends_of_the_calendar_are_refused_with_a_message(
    commissioner, roles, start, end
):
    query = f"?period=custom&start={start}&end={end}"
    for url in (
        f"/reports/organisations/{roles.team.organisation.pk}/{query}",
        f"/reports/teams/{roles.team.pk}/{query}",
    ):
        page = commissioner.get(url)
        assert page.status_code == 200, url
        assert "Choose dates between 1 January 1900 and 31 December 2199." in page.content.decode()
