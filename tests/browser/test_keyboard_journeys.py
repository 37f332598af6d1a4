"""Journeys done with the keyboard alone (WCAG 2.1.1): Tab moves, arrow keys choose within a
radio group, Space ticks a checkbox, Enter follows a link or presses a button.

Nothing here clicks or fills: every step is a key a practitioner could press.
"""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from records.services import outcome_record
from tests.browser.harness import assert_accessible, field, sign_in, tab_to
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

THEIR_WORDS = "I want to make soup for my husband again; the smell of it makes the house a home."
CANDIDATE = "Cooking in my own kitchen again"
FRIENDS = "Seeing my friends at the lunch club on Fridays."
HOB_TIMER = "A hob timer that switches itself off."

SOUP = "I want to make soup for my husband again."
GARDEN = "I want to sit out in my garden when the weather is fine."


def press_enter_on(page: Page, target) -> None:
    """Tab to a link or button and press Enter on it."""
    tab_to(page, target)
    page.keyboard.press("Enter")


def type_into(page: Page, target, text: str) -> None:
    """Tab to a text field and type into it."""
    tab_to(page, target)
    page.keyboard.type(text)


def test_practitioner_holds_a_first_conversation_with_the_keyboard_alone(page: Page, roles, person):
    page.goto("/login/")
    assert_accessible(page)
    type_into(page, field(page, "Username"), roles.practitioner.username)
    type_into(page, field(page, "Password"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    assert_accessible(page)

    # Find Iris on the caseload.
    press_enter_on(
        page, page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    )
    expect(page.get_by_role("heading", name="People on your caseloads")).to_be_visible()
    type_into(page, field(page, "Search by name or CHI number"), "Iris")
    press_enter_on(page, page.get_by_role("button", name="Show"))
    expect(page.get_by_text("1 person found.")).to_be_visible()
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("link", name="Iris Mackenzie"))
    expect(page.get_by_role("heading", name="Iris Mackenzie", level=1)).to_be_visible()
    expect(page.get_by_text("No conversations recorded yet.")).to_be_visible()
    assert_accessible(page)

    # Start a first conversation: the kind is already chosen, and the first stage,
    # exchanging information, is on the same page.
    press_enter_on(page, page.get_by_role("link", name="Start a conversation"))
    expect(
        page.get_by_role("heading", name="Start a conversation with Iris Mackenzie")
    ).to_be_visible()
    expect(page.get_by_label("First conversation")).to_be_checked()
    type_into(page, field(page, "Place"), "At home, in the kitchen")
    iris = page.get_by_role("group", name="Iris Mackenzie (The person)")
    type_into(page, iris.get_by_label("What matters to them"), THEIR_WORDS)
    type_into(page, iris.get_by_label("Why"), "Cooking was always how she looked after her family.")
    talking = page.get_by_label("Direct: talking (verbal)")
    tab_to(page, talking)
    page.keyboard.press("Space")
    expect(talking).to_be_checked()
    type_into(
        page,
        field(page, "The person's strengths, skills and resources"),
        "Knows every recipe by heart.",
    )
    possible = page.get_by_role("group", name="Possible outcome 1")
    type_into(page, possible.get_by_label("Possible outcome"), CANDIDATE)
    closest = possible.get_by_label("Closest framework outcome (optional)")
    tab_to(page, closest)
    # A closed select chooses the option whose text is typed.
    page.keyboard.type("Improved skills")
    expect(closest.locator("option:checked")).to_have_text("Improved skills")
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("button", name="Save and continue"))

    # 2. Negotiate.
    expect(page.get_by_role("heading", name="2. Negotiate")).to_be_visible()
    type_into(
        page,
        field(page, "Where views differ, and how it was talked through"),
        "Her son worries about the hob; Iris wants to cook on her own.",
    )
    risk = page.get_by_role("group", name="Risk 1")
    type_into(page, risk.get_by_label("The risk"), "A burn or a pan left on the hob.")
    type_into(page, risk.get_by_label("The person's view"), "Worth it to cook again.")
    type_into(
        page,
        risk.get_by_label("What was agreed as reasonable"),
        "Cooking when someone is in the house.",
    )
    type_into(page, risk.get_by_label("Safeguards"), HOB_TIMER)
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("button", name="Save and continue"))

    # 3. Agree outcomes: straight to the possible outcome noted in the first stage,
    # with its framework outcome and why it matters carried over.
    expect(page.get_by_role("heading", name="Add an agreed outcome")).to_be_visible()
    expect(field(page, "The agreed outcome")).to_have_value(CANDIDATE)
    relates_to = field(page, "Framework outcome it relates to")
    expect(relates_to.locator("option:checked")).to_have_text("Improved skills")
    type_into(page, field(page, "What the person will do"), "Practise with the hob timer.")
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("button", name="Save the agreed outcome"))

    # The second one typed in, its framework outcome chosen by typing its name.
    expect(page.get_by_role("heading", name="3. Agree outcomes")).to_be_visible()
    agreed = page.get_by_role("blockquote")
    expect(agreed).to_have_text([CANDIDATE])
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("link", name="Add an agreed outcome"))
    expect(page.get_by_role("heading", name="Add an agreed outcome")).to_be_visible()
    type_into(page, field(page, "The agreed outcome"), FRIENDS)
    relates_to = field(page, "Framework outcome it relates to")
    tab_to(page, relates_to)
    page.keyboard.type("Seeing people")
    expect(relates_to.locator("option:checked")).to_have_text("Seeing people")
    type_into(page, field(page, "What the person will do"), "Ring Jean to arrange a lift.")
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("button", name="Save the agreed outcome"))

    expect(page.get_by_role("heading", name="3. Agree outcomes")).to_be_visible()
    expect(agreed.filter(has_text=FRIENDS)).to_be_visible()
    expect(agreed.filter(has_text=CANDIDATE)).to_be_visible()
    type_into(page, field(page, "Anything still not agreed"), "Whether to give up the car.")
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("button", name="Save and continue"))

    # 4. Record outcomes: check, then write into the record.
    expect(page.get_by_role("heading", name="4. Record outcomes")).to_be_visible()
    expect(page.get_by_text(HOB_TIMER)).to_be_visible()
    assert_accessible(page)
    press_enter_on(page, page.get_by_role("button", name="Record this in Iris Mackenzie's record"))

    expect(page.get_by_role("heading", name="Iris Mackenzie", level=1)).to_be_visible()
    expect(page.get_by_text("Recorded. 2 agreed outcomes are now in the record.")).to_be_visible()
    what_matters = page.get_by_role("region", name="What matters to me")
    expect(what_matters.get_by_text(FRIENDS)).to_be_visible()
    expect(what_matters.get_by_text(CANDIDATE)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^First conversation, "))).to_be_visible()
    assert_accessible(page)


@pytest.fixture
def outcomes(roles, person, actor_as):
    """Two active outcomes on Iris's record, each saying what she and her family will do."""
    actor = actor_as(roles.practitioner)
    return [
        outcome_record(
            actor=actor,
            person=person,
            what_matters=words,
            contribution=contribution,
            started_on=datetime.date.today() - datetime.timedelta(days=90),
        )
        for words, contribution in (
            (SOUP, "Iris will write the shopping list."),
            (GARDEN, "Her son will fix the garden bench."),
        )
    ]


def test_practitioner_opens_and_downloads_the_summary_with_the_keyboard_alone(
    page: Page, live_server, roles, person, outcomes
):
    sign_in(page, live_server, roles.practitioner)
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_role("heading", name="Iris Mackenzie", level=1)).to_be_visible()
    assert_accessible(page)

    press_enter_on(page, page.get_by_role("link", name="Print summary"))
    expect(page.get_by_role("heading", name="What matters to Iris Mackenzie")).to_be_visible()
    expect(page.get_by_role("blockquote")).to_have_text([SOUP, GARDEN])
    expect(
        page.get_by_role("listitem").filter(has_text="Iris will write the shopping list.")
    ).to_be_visible()
    assert_accessible(page)

    # Back to the full record, still by keyboard, for the PDF.
    press_enter_on(page, page.get_by_role("link", name="Back to the full record"))
    expect(page.get_by_role("heading", name="Iris Mackenzie", level=1)).to_be_visible()
    pdf_link = page.get_by_role("link", name="Download summary (PDF)")
    tab_to(page, pdf_link)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"what-matters-{person.pk}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    response = page.request.get(pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
