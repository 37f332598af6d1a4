"""The report and framework admin journeys again, with the keyboard alone (WCAG 2.1.1).

Nothing here is clicked, filled or picked with the mouse: focus moves with Tab
(``tab_to``, which also checks the focus ring shows), text is typed, a select's
choice changes with the arrow keys, and links and buttons are followed with Enter.
"""

import csv
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from records.models import Person
from tests.browser.harness import assert_accessible, field, tab_to
from tests.browser.test_framework_admin_journeys import expect_only_time_for_myself_retired
from tests.browser.test_report_journeys import LUNCH_CLUB, heading, rated  # noqa: F401
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

FRAMEWORK_OUTCOME_HEADER = [
    "Framework outcome",
    "Framework",
    "Outcomes worked on",
    "Achieved",
    "Partly achieved",
    "Not achieved",
    "Ratings given",
    "Achieved share",
    "Ratings after the first",
    "Mean distance travelled",
]
SCALE = "Met / partly met / not met"
POINTS = [
    ("1", "Not met", "Not achieved"),
    ("2", "Partly met", "Partly achieved"),
    ("3", "Met", "Achieved"),
]


def sign_in_by_keyboard(page: Page, username: str) -> None:
    page.goto("/login/")
    tab_to(page, field(page, "Username"))
    page.keyboard.type(username)
    tab_to(page, field(page, "Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()


def follow(page: Page, target: Locator) -> None:
    """Tab to a link or button and press Enter on it."""
    tab_to(page, target)
    page.keyboard.press("Enter")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)
    expect(target).to_have_value(text)


def choose(page: Page, select: Locator, label: str) -> None:
    """Tab to ``select`` and move its choice to ``label`` with the arrow keys."""
    tab_to(page, select)
    options = [text.strip() for text in select.locator("option").all_inner_texts()]
    assert label in options, f"{select} has no option {label!r}, only {options}"
    steps = options.index(label) - select.evaluate("select => select.selectedIndex")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    expect(select.locator("option:checked")).to_have_text(label)


def main_nav(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


# ``rated``, imported from the report journeys: outcomes rated in the last 12 months.
@pytest.mark.usefixtures("rated")
def test_manager_reads_the_dashboard_and_its_narrative_and_downloads_a_table_by_keyboard(
    page: Page, roles
):
    sign_in_by_keyboard(page, roles.manager.username)

    follow(page, main_nav(page, "Reports"))
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Hillside Team"))
    expect(heading(page, "Team dashboard, This quarter")).to_be_visible()
    expect(page.get_by_text("No ratings were given in this period.")).to_be_visible()
    assert_accessible(page)

    # This quarter → Last quarter → Last 12 months, then Show.
    tab_to(page, field(page, "Period"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(field(page, "Period").locator("option:checked")).to_have_text("Last 12 months")
    follow(page, page.get_by_role("button", name="Show"))
    expect(heading(page, "Team dashboard, Last 12 months")).to_be_visible()
    narrative_links = page.get_by_role("list").filter(has_text="Seeing people:")
    expect(narrative_links.get_by_role("link", name="1 achieved", exact=True)).to_be_visible()
    assert_accessible(page)

    follow(page, narrative_links.get_by_role("link", name="1 partly achieved"))
    expect(heading(page, "What people said: Seeing people")).to_be_visible()
    expect(page.get_by_text(LUNCH_CLUB)).to_be_visible()
    expect(page.get_by_text("A neighbour drives her.")).to_be_visible()
    expect(page.get_by_text("Sees his brother every week.")).to_have_count(0)
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Back to the Hillside Team dashboard"))
    expect(heading(page, "Team dashboard, Last 12 months")).to_be_visible()
    tab_to(page, page.get_by_role("link", name=re.compile(r"^CSV\s+of By framework outcome$")))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as csv_file:
        text = csv_file.read()
    assert text.startswith("About this file,Team dashboard: Hillside Team"), text[:200]
    assert "\r\n\r\n" + ",".join(FRAMEWORK_OUTCOME_HEADER) + "\r\n" in text, text[:200]
    rows = list(csv.reader(text.splitlines()))
    header, first_row = rows[rows.index([]) + 1 :][:2]
    figures = dict(zip(header, first_row, strict=True))
    assert figures["Framework outcome"] == "Seeing people"
    assert figures["Ratings given"] == "3"
    assert (figures["Not achieved"], figures["Partly achieved"], figures["Achieved"]) == (
        "1",
        "1",
        "1",
    )


def test_admin_creates_a_scale_and_a_framework_then_retires_an_outcome_by_keyboard(
    page: Page, roles, frameworks
):
    sign_in_by_keyboard(page, roles.admin.username)

    follow(page, main_nav(page, "Frameworks"))
    expect(page.get_by_role("heading", name="Outcome frameworks", level=1)).to_be_visible()
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Rating scales"))
    expect(page.get_by_role("heading", name="Rating scales", level=1)).to_be_visible()
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Add a rating scale", exact=True))
    expect(page.get_by_role("heading", name="Add a rating scale", level=1)).to_be_visible()
    assert_accessible(page)

    type_into(page, field(page, "Name"), SCALE)
    for number, (score, label, band) in enumerate(POINTS, start=1):
        type_into(page, field(page, f"Score of point {number}"), score)
        type_into(page, field(page, f"Label of point {number}"), label)
        choose(page, field(page, f"Report band of point {number}"), band)
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Save the scale"))

    expect(page.get_by_role("heading", name=SCALE, level=1)).to_be_visible()
    expect(page.get_by_text(f"The scale “{SCALE}” has been created.")).to_be_visible()
    points = page.get_by_role("table", name=f"Points of the {SCALE} scale")
    for score, label, band in POINTS:
        expect(points.get_by_role("row", name=f"{score} {label} {band}")).to_be_visible()
    assert_accessible(page)

    # The framework, on the new scale.
    follow(page, main_nav(page, "Frameworks"))
    expect(page.get_by_role("heading", name="Outcome frameworks", level=1)).to_be_visible()
    follow(page, page.get_by_role("link", name="Add a framework"))
    expect(page.get_by_role("heading", name="Add a framework", level=1)).to_be_visible()
    assert_accessible(page)

    type_into(page, field(page, "Name"), "Young carers")
    type_into(
        page,
        field(page, "Who it is for"),
        "Children and young people who look after someone at home",
    )
    choose(page, field(page, "Rating scale"), f"{SCALE} (Extent achieved)")
    type_into(page, field(page, "Category name").first, "Caring and me")
    choose(page, field(page, "Kind").first, "Managing the caring role")
    type_into(page, field(page, "Short name of outcome 1").first, "Time for myself")
    type_into(
        page, field(page, "Description of outcome 1").first, "I have time to do things I enjoy"
    )
    type_into(page, field(page, "Short name of outcome 2").first, "Keeping up at school")
    type_into(
        page, field(page, "Description of outcome 2").first, "Caring does not stop me learning"
    )
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Save the framework"))

    expect(page.get_by_role("heading", name="Young carers", level=1)).to_be_visible()
    expect(page.get_by_text("The framework “Young carers” has been created.")).to_be_visible()
    expect(page.get_by_role("heading", name="Caring and me", level=3)).to_be_visible()
    expect(page.get_by_role("link", name=SCALE)).to_be_visible()
    assert_accessible(page)

    # Retire one outcome.
    follow(page, page.get_by_role("button", name="Retire Time for myself"))

    expect_only_time_for_myself_retired(page)


@pytest.mark.usefixtures("rated")
def test_manager_shares_and_withdraws_an_example_by_keyboard(page: Page, roles):
    sign_in_by_keyboard(page, roles.manager.username)
    iris = Person.objects.get(full_name="Iris Mackenzie")
    page.goto(f"/people/{iris.pk}/")
    every_review = page.get_by_role(
        "link", name=re.compile(r"^A chart of the ratings, and every review")
    )
    follow(page, every_review.first)
    follow(page, page.get_by_role("link", name=re.compile(r"^Share as an example")).last)
    expect(page.get_by_role("heading", level=1, name=re.compile("Share a story"))).to_be_visible()

    tab_to(page, page.get_by_role("checkbox", name=re.compile("The person agreed")))
    page.keyboard.press("Space")
    type_into(page, field(page, "How and when they agreed"), "Asked at the review")
    text = field(page, "The example, as it may be shared")
    tab_to(page, text)
    page.keyboard.press("Control+A")
    page.keyboard.type("She met Morag at the club.")
    follow(page, page.get_by_role("button", name="Share the example"))
    expect(page.locator("#flagged-words")).to_contain_text("Capitalised word: Morag")
    assert_accessible(page)

    # Checked: Morag is a volunteer at every club, and names no one.
    tab_to(page, page.get_by_role("checkbox", name=re.compile("I have checked the flagged")))
    page.keyboard.press("Space")
    follow(page, page.get_by_role("button", name="Share the example"))
    expect(page.get_by_text("The example is shared.")).to_be_visible()
    assert_accessible(page)

    follow(page, page.get_by_role("button", name="Withdraw the example"))
    expect(page.get_by_text("The example is withdrawn")).to_be_visible()
    expect(page.get_by_role("button", name="Share the example")).to_be_visible()
    assert_accessible(page)
