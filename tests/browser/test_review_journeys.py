"""A review conversation: rating each active outcome, the story behind it, then the summary."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from records.models import Review
from records.services import outcome_record
from tests.browser.harness import assert_accessible, field, sign_in, tab_to
from tests.factories import PASSWORD
from themes.models import Theme

pytestmark = pytest.mark.browser

SOUP = "I want to make soup for my husband again."
GARDEN = "I want to sit out in my garden when the weather is fine."


@pytest.fixture
def outcomes(roles, person, actor_as):
    """Two active outcomes for Iris, and the themes her team's organisation uses."""
    actor = actor_as(roles.practitioner)
    for name in ("Family support", "Transport"):
        Theme.objects.create(organisation=roles.team.organisation, name=name)
    return [
        outcome_record(
            actor=actor,
            person=person,
            what_matters=words,
            started_on=datetime.date.today() - datetime.timedelta(days=90),
        )
        for words in (SOUP, GARDEN)
    ]


def test_practitioner_records_a_review_conversation_and_prints_the_summary(
    page: Page, live_server, roles, person, outcomes
):
    sign_in(page, live_server, roles.practitioner)
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Start a conversation").click()
    page.get_by_label("Review", exact=True).check()
    # A review has no exchange of information: its parts of the page step aside.
    expect(page.get_by_role("group", name="Possible outcome 1")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Conversation stages")).to_be_hidden()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Review outcomes", level=1)).to_be_visible()
    soup = page.get_by_role("group", name="Outcome 1")
    expect(soup.get_by_role("blockquote")).to_have_text(SOUP)
    expect(page.get_by_role("group", name="Outcome 2").get_by_role("blockquote")).to_have_text(
        GARDEN
    )
    assert_accessible(page)

    # Nothing rated: the review cannot be recorded yet.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Rate at least one outcome to record this review.")).to_be_visible()
    assert_accessible(page)

    soup.get_by_label("4: Mostly achieved").check()
    soup.get_by_label("How it is going, in the person's words and yours").fill(
        "Made leek and potato soup on Sunday. “It smelled like home.”"
    )
    soup.get_by_label("What helped").fill("Her son came round while she cooked.")
    soup.get_by_label("What got in the way").fill("The bus to the shops is not running.")
    soup.get_by_role("group", name="Themes of what helped").get_by_label("Family support").check()
    soup.get_by_role("group", name="Themes of what got in the way").get_by_label(
        "Transport"
    ).check()
    soup.get_by_label("The plan needs to change").check()
    page.get_by_role("button", name="Save and continue").click()

    # A plan change without saying how: the field error, with everything typed kept.
    expect(
        soup.get_by_text("Say how the plan should change, or change the steps below.")
    ).to_be_visible()
    expect(soup.get_by_label("4: Mostly achieved")).to_be_checked()
    assert_accessible(page)
    soup.get_by_label("How the plan should change").fill("Ask the lunch club about a lift.")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Check and record the review")).to_be_visible()
    expect(page.get_by_text("4: Mostly achieved")).to_be_visible()
    expect(page.get_by_text("Not rated this time.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record this in Iris Mackenzie's record").click()

    expect(page.get_by_text("Recorded. 1 review(s) added.")).to_be_visible()
    what_matters = page.get_by_role("region", name="What matters to me")
    expect(what_matters.get_by_role("listitem").filter(has_text=SOUP)).to_contain_text(
        "Latest: Mostly achieved"
    )
    expect(what_matters.get_by_role("listitem").filter(has_text=GARDEN)).to_contain_text(
        "not reviewed yet"
    )
    assert_accessible(page)
    # The themes are not on the person's page; they feed the reports.
    review = Review.objects.get(outcome=outcomes[0])
    assert [t.name for t in review.helped_themes.all()] == ["Family support"]
    assert [t.name for t in review.hindered_themes.all()] == ["Transport"]

    pdf_link = page.get_by_role("link", name="Download summary (PDF)")
    page.get_by_role("link", name="Print summary").click()
    expect(page.get_by_role("heading", name="What matters to Iris Mackenzie")).to_be_visible()
    expect(page.get_by_text("Mostly achieved (")).to_be_visible()
    assert_accessible(page)

    page.go_back()
    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_practitioner_records_a_review_with_the_keyboard_alone(
    page: Page, live_server, roles, person, outcomes
):
    page.goto("/login/")
    tab_to(page, field(page, "Username"))
    page.keyboard.type(roles.practitioner.username)
    tab_to(page, field(page, "Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="People", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, field(page, "Search by name or CHI number"))
    page.keyboard.type("Mackenzie")
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Iris Mackenzie"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="Start a conversation"))
    page.keyboard.press("Enter")

    # A radio group is one Tab stop; the arrow keys move the choice within it.
    tab_to(page, page.get_by_label("First conversation"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Review", exact=True)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Review outcomes", level=1)).to_be_visible()
    soup = page.get_by_role("group", name="Outcome 1")
    # With nothing chosen yet, Tab lands on the first rating; Space chooses it.
    tab_to(page, soup.get_by_label("1: Not achieved: things have got worse"))
    page.keyboard.press("Space")
    for _ in range(2):
        page.keyboard.press("ArrowDown")
    expect(soup.get_by_label("3: Partly achieved")).to_be_checked()
    tab_to(page, soup.get_by_label("How it is going, in the person's words and yours"))
    page.keyboard.type("Soup twice this month, with her son beside her.")
    tab_to(page, soup.get_by_label("What helped"))
    page.keyboard.type("Her son's visits.")
    helped = soup.get_by_role("group", name="Themes of what helped").get_by_label("Family support")
    tab_to(page, helped)
    page.keyboard.press("Space")
    expect(helped).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check and record the review")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Record this in Iris Mackenzie's record"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Recorded. 1 review(s) added.")).to_be_visible()
    expect(
        page.get_by_role("region", name="What matters to me").get_by_role("listitem").first
    ).to_contain_text("Latest: Partly achieved")
