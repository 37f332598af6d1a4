"""An admin sets up a rating scale and a framework on it, then retires one of its outcomes."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_accessible, field, sign_in

pytestmark = pytest.mark.browser

SCALE = "Met / partly met / not met"
POINTS = [
    ("1", "Not met", "Not achieved"),
    ("2", "Partly met", "Partly achieved"),
    ("3", "Met", "Achieved"),
]


def fill_point(page: Page, number: int, score: str, label: str, band: str) -> None:
    field(page, f"Score of point {number}").fill(score)
    field(page, f"Label of point {number}").fill(label)
    field(page, f"Report band of point {number}").select_option(label=band)


def test_admin_creates_a_scale_and_a_framework_then_retires_an_outcome(
    page: Page, live_server, roles, frameworks
):
    sign_in(page, live_server, roles.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Frameworks").click()
    expect(page.get_by_role("heading", name="Outcome frameworks", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Rating scales").click()
    expect(page.get_by_role("heading", name="Rating scales", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a rating scale", exact=True).click()
    expect(page.get_by_role("heading", name="Add a rating scale", level=1)).to_be_visible()
    assert_accessible(page)

    # First attempt: the third point repeats the second point's score.
    field(page, "Name").fill(SCALE)
    for number, (score, label, band) in enumerate(POINTS, start=1):
        fill_point(page, number, score, label, band)
    field(page, "Score of point 3").fill("2")
    page.get_by_role("button", name="Save the scale").click()

    expect(page.get_by_role("alert")).to_contain_text("Please check the form")
    expect(page.get_by_text("each score may appear once")).to_be_visible()
    expect(field(page, "Name")).to_have_value(SCALE)
    assert_accessible(page)

    field(page, "Score of point 3").fill("3")
    page.get_by_role("button", name="Save the scale").click()

    expect(page.get_by_role("heading", name=SCALE, level=1)).to_be_visible()
    expect(page.get_by_text(f"The scale “{SCALE}” has been created.")).to_be_visible()
    points = page.get_by_role("table", name=f"Points of the {SCALE} scale")
    for score, label, band in POINTS:
        expect(points.get_by_role("row", name=f"{score} {label} {band}")).to_be_visible()
    assert_accessible(page)

    # The framework, on the new scale.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Frameworks").click()
    page.get_by_role("link", name="Add a framework").click()
    expect(page.get_by_role("heading", name="Add a framework", level=1)).to_be_visible()
    assert_accessible(page)

    field(page, "Name").fill("Young carers")
    field(page, "Who it is for").fill("Children and young people who look after someone at home")
    field(page, "Rating scale").select_option(label=f"{SCALE} (Extent achieved)")
    field(page, "Category name").first.fill("Caring and me")
    field(page, "Kind").first.select_option(label="Managing the caring role")
    field(page, "Short name of outcome 1").first.fill("Time for myself")
    field(page, "Description of outcome 1").first.fill("I have time to do things I enjoy")
    field(page, "Short name of outcome 2").first.fill("Keeping up at school")
    field(page, "Description of outcome 2").first.fill("Caring does not stop me learning")
    page.get_by_role("button", name="Save the framework").click()

    expect(page.get_by_role("heading", name="Young carers", level=1)).to_be_visible()
    expect(page.get_by_text("The framework “Young carers” has been created.")).to_be_visible()
    expect(page.get_by_role("heading", name="Caring and me", level=3)).to_be_visible()
    expect(page.get_by_role("link", name=SCALE)).to_be_visible()
    assert_accessible(page)

    # Retire one outcome.
    page.get_by_role("button", name="Retire Time for myself").click()

    expect_only_time_for_myself_retired(page)


def expect_only_time_for_myself_retired(page: Page) -> None:
    """After retiring "Time for myself": it says so, offers it again, and the other stays."""
    expect(page.get_by_text("“Time for myself” is retired")).to_be_visible()
    retired = page.get_by_role("listitem").filter(has_text="Time for myself")
    expect(retired.get_by_text("Retired", exact=True)).to_be_visible()
    expect(retired.get_by_role("button", name="Offer it again Time for myself")).to_be_visible()
    kept = page.get_by_role("listitem").filter(has_text="Keeping up at school")
    expect(kept.get_by_text("Retired", exact=True)).to_have_count(0)
    assert_accessible(page)
