"""Reports: a manager's team dashboard and an admin's organisation report, with their narrative."""

import csv
import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import OrganisationRole
from frameworks.models import FrameworkOutcome
from records import services
from records.models import CaseloadEntry, Person
from tests.browser.harness import assert_accessible, field, sign_in

pytestmark = pytest.mark.browser

LUNCH_CLUB = "Back at the lunch club every Friday."


def heading(page: Page, words: str):
    """The page's main heading, which goes on to name the period."""
    return page.get_by_role("heading", level=1, name=re.compile(re.escape(words)))


@pytest.fixture
def rated(roles, frameworks, actor_as):
    """Outcomes on the team's caseload rated some months ago: in the last 12 months,
    but not in this quarter."""
    actor = actor_as(roles.practitioner)
    today = datetime.date.today()
    seeing_people = FrameworkOutcome.objects.get(
        short_name="Seeing people", category__framework__key="adults-community"
    )

    def rated_outcome(name: str, ratings) -> None:
        person = Person.objects.create(full_name=name)
        CaseloadEntry.objects.create(person=person, team=roles.team)
        outcome = services.outcome_record(
            actor=actor,
            person=person,
            what_matters="I want to see my friends again.",
            framework_outcomes=[seeing_people],
            started_on=today - datetime.timedelta(days=300),
        )
        for days_ago, score, narrative, helped in ratings:
            services.review_add(
                actor=actor,
                outcome=outcome,
                reviewed_on=today - datetime.timedelta(days=days_ago),
                point=outcome.scale.points.get(score=score),
                narrative=narrative,
                what_helped=helped,
            )

    rated_outcome(
        "Iris Mackenzie",
        [(200, 2, "Not out since the fall.", ""), (150, 4, LUNCH_CLUB, "A neighbour drives her.")],
    )
    rated_outcome("Tom Baird", [(160, 5, "Sees his brother every week.", "The bus pass.")])


def test_manager_reads_the_team_dashboard_its_narrative_and_downloads_a_table(
    page: Page, live_server, roles, rated
):
    sign_in(page, live_server, roles.manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Hillside Team").click()
    expect(heading(page, "Team dashboard, This quarter")).to_be_visible()
    expect(page.get_by_text("No ratings were given in this period.")).to_be_visible()
    assert_accessible(page)

    # Custom dates without the dates: the form says what is missing.
    field(page, "Period").select_option(label="Custom dates")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Give both a start and an end date.")).to_be_visible()
    assert_accessible(page)

    field(page, "Period").select_option(label="Last 12 months")
    page.get_by_role("button", name="Show").click()
    expect(heading(page, "Team dashboard, Last 12 months")).to_be_visible()
    narrative_links = page.get_by_role("list").filter(has_text="Seeing people:")
    expect(narrative_links.get_by_role("link", name="1 achieved", exact=True)).to_be_visible()
    assert_accessible(page)

    narrative_links.get_by_role("link", name="1 partly achieved").click()
    expect(heading(page, "What people said: Seeing people")).to_be_visible()
    expect(page.get_by_text(LUNCH_CLUB)).to_be_visible()
    expect(page.get_by_text("A neighbour drives her.")).to_be_visible()
    expect(page.get_by_text("Sees his brother every week.")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Back to the Hillside Team dashboard").click()
    expect(heading(page, "Team dashboard, Last 12 months")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^CSV\s+of By framework outcome$")).click()
    assert re.fullmatch(
        r"team-\d+-framework_outcomes-\d{8}-\d{8}\.csv", download.value.suggested_filename
    )
    with open(download.value.path(), encoding="utf-8-sig", newline="") as csv_file:
        rows = list(csv.reader(csv_file))
    # The file says what it is, then an empty row, then the table.
    about = dict(rows[: rows.index([])])
    assert about["About this file"] == "Team dashboard: Hillside Team (Test Partnership)"
    assert about["Period"].startswith("Last 12 months")
    header, first_row = rows[rows.index([]) + 1 :][:2]
    assert header[:3] == ["Framework outcome", "Framework", "Outcomes worked on"]
    figures = dict(zip(header, first_row, strict=True))
    assert figures["Framework outcome"] == "Seeing people"
    # Three ratings in the last 12 months: Iris's two and Tom's one, one in each band.
    assert figures["Ratings given"] == "3"
    assert (figures["Not achieved"], figures["Partly achieved"], figures["Achieved"]) == (
        "1",
        "1",
        "1",
    )


def test_admin_filters_the_organisation_report_by_team_and_period(
    page: Page, live_server, roles, rated
):
    sign_in(page, live_server, roles.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Test Partnership").click()
    expect(heading(page, "Organisation report, This quarter")).to_be_visible()
    assert_accessible(page)

    field(page, "Period").select_option(label="Last 12 months")
    field(page, "Team").select_option(label="Hillside Team")
    page.get_by_role("button", name="Show").click()
    expect(heading(page, "Organisation report, Last 12 months")).to_be_visible()
    expect(field(page, "Team")).to_have_value(str(roles.team.pk))
    by_outcome = page.get_by_role("table", name="By framework outcome")
    # Three ratings: no count from 1 to 4 is ever shown (cell-key perturbation).
    row = by_outcome.get_by_role("row", name=re.compile("^Seeing people"))
    expect(row).to_be_visible()
    assert not {"1", "2", "3", "4"} & set(row.get_by_role("cell").all_inner_texts())
    assert_accessible(page)


def test_manager_shares_a_story_and_a_commissioner_reads_it_beside_the_figures(
    page: Page, live_server, roles, rated
):
    sign_in(page, live_server, roles.manager)
    iris = Person.objects.get(full_name="Iris Mackenzie")
    page.goto(f"{live_server.url}/people/{iris.pk}/")
    page.get_by_role(
        "link", name=re.compile(r"^A chart of the ratings, and every review")
    ).first.click()
    page.get_by_role("link", name=re.compile(r"^Share as an example")).last.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Share a story"))).to_be_visible()
    assert_accessible(page)

    # Not agreed yet: nothing is shared, and the page says why.
    field(page, "The example, as it may be shared").fill("Iris is back at the club in Leith.")
    page.get_by_role("button", name="Share the example").click()
    expect(page.get_by_text("Share a story only after the person has agreed.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("checkbox", name=re.compile("The person agreed to their story")).check()
    field(page, "How and when they agreed").fill("Asked at the review")
    page.get_by_role("button", name="Share the example").click()
    flagged = page.locator("#flagged-words")
    expect(flagged).to_contain_text("Name: Iris")
    expect(flagged).to_contain_text("Capitalised word: Leith")
    assert_accessible(page)

    field(page, "The example, as it may be shared").fill("She is back at the club each week.")
    page.get_by_role("button", name="Share the example").click()
    expect(page.get_by_text("The example is shared.")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw the example")).to_be_visible()
    assert_accessible(page)

    commissioner = roles.manager
    OrganisationRole.objects.create(user=commissioner, organisation=roles.team.organisation)
    page.goto(f"{live_server.url}/reports/organisations/{roles.team.organisation.pk}/")
    field(page, "Period").select_option(label="Last 12 months")
    page.get_by_role("button", name="Show").click()
    examples = page.locator(".shared-examples").first
    expect(examples).to_contain_text("Seeing people")
    expect(examples).to_contain_text("She is back at the club each week.")
    expect(page.get_by_text("Iris Mackenzie")).to_have_count(0)
    assert_accessible(page)
