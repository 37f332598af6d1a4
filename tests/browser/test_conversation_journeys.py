"""A first conversation through the Exchange Model's four stages, as a practitioner holds it."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from frameworks.models import FrameworkOutcome
from tests.browser.harness import assert_accessible, field, sign_in
from tests.factories import KeyPersonFactory

pytestmark = pytest.mark.browser

THEIR_WORDS = "I want to make soup for my husband again; the smell of it makes the house a home."
CANDIDATE = "Cooking in my own kitchen again"
FRIENDS = "Seeing my friends at the lunch club on Fridays."
SON_SAYS = "That Mum is safe at the hob when I am at work."


def open_person_from_the_caseload(page: Page, name: str, *, scan: bool) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People on your caseloads")).to_be_visible()
    if scan:
        assert_accessible(page)
    field(page, "Search by name or CHI number").fill(name.split()[0])
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 person found.")).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    if scan:
        assert_accessible(page)


def start_a_first_conversation(page: Page, name: str, *, scan: bool) -> None:
    """The start page, on which the first stage, the exchange of information, follows."""
    page.get_by_role("link", name="Start a conversation").click()
    expect(page.get_by_role("heading", name=f"Start a conversation with {name}")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Conversation stages").locator("[aria-current=step]")
    ).to_have_text("1 Exchange information")
    if scan:
        assert_accessible(page)
    expect(page.get_by_label("First conversation")).to_be_checked()
    field(page, "Place").fill("At home, in the kitchen")
    page.get_by_label("Direct: talking (verbal)").check()


def test_practitioner_holds_a_first_conversation_and_records_two_agreed_outcomes(
    page: Page, live_server, roles, person
):
    KeyPersonFactory(person=person, name="Alan Mackenzie", relationship="Son")
    sign_in(page, live_server, roles.practitioner)
    open_person_from_the_caseload(page, "Iris Mackenzie", scan=True)
    start_a_first_conversation(page, "Iris Mackenzie", scan=True)

    # 1. Exchange information, on the same page: what matters, in Iris's own words,
    # what matters to her son once he is ticked as taking part, and a possible outcome.
    iris = page.get_by_role("group", name="Iris Mackenzie (The person)")
    iris.get_by_label("What matters to them").fill(THEIR_WORDS)
    iris.get_by_label("Why").fill("Cooking was always how she looked after her family.")
    alan = page.get_by_role("group", name="Alan Mackenzie (Son)")
    expect(alan.get_by_label("What matters to them")).to_be_hidden()
    alan.get_by_label("Alan Mackenzie took part").check()
    alan.get_by_label("What matters to them").fill(SON_SAYS)
    field(page, "The person's strengths, skills and resources").fill("Knows every recipe by heart.")
    possible = page.get_by_role("group", name="Possible outcome 1")
    possible.get_by_label("Possible outcome").fill(CANDIDATE)
    possible.get_by_label("Closest framework outcome (optional)").select_option(
        label="Improved skills"
    )
    assert_accessible(page)
    # A date in the future is refused; everything typed is still there to send again.
    field(page, "Date").fill("2999-01-01")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Please check the form")).to_be_visible()
    expect(iris.get_by_label("What matters to them")).to_have_value(THEIR_WORDS)
    expect(alan.get_by_label("What matters to them")).to_have_value(SON_SAYS)
    expect(possible.get_by_label("Possible outcome")).to_have_value(CANDIDATE)
    assert_accessible(page)
    field(page, "Date").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Save and continue").click()

    # 2. Negotiate: each view side by side, a difference of view and a risk talked through.
    expect(page.get_by_role("heading", name="2. Negotiate")).to_be_visible()
    expect(page.get_by_text(SON_SAYS)).to_be_visible()
    assert_accessible(page)
    field(page, "Where views differ, and how it was talked through").fill(
        "Her son worries about the hob; Iris wants to cook on her own."
    )
    risk = page.get_by_role("group", name="Risk 1")
    risk.get_by_label("The risk").fill("A burn or a pan left on the hob.")
    risk.get_by_label("The person's view").fill("Worth it to cook again.")
    risk.get_by_label("What was agreed as reasonable").fill("Cooking when someone is in the house.")
    risk.get_by_label("Safeguards").fill("A hob timer that switches itself off.")
    page.get_by_role("button", name="Save and continue").click()

    # 3. Agree outcomes: straight to the possible outcome noted in the first stage,
    # its framework outcome chosen, and why it matters carried over.
    expect(page.get_by_role("heading", name="Add an agreed outcome")).to_be_visible()
    expect(field(page, "The agreed outcome")).to_have_value(CANDIDATE)
    expect(field(page, "Why it matters to them")).to_have_value(
        "Cooking was always how she looked after her family."
    )
    expect(field(page, "Framework outcome it relates to")).to_have_value(
        str(
            FrameworkOutcome.objects.get(
                short_name="Improved skills",
                category__framework__name="Adults living in the community",
            ).pk
        )
    )
    assert_accessible(page)
    field(page, "What the person will do").fill("Practise with the hob timer.")
    # Steps are one click away; a second one is added in place.
    page.get_by_text("Steps towards it: what will happen, who and when").click()
    page.get_by_role("button", name="Add a step").click()
    steps = page.get_by_role("group", name="Step 2")
    expect(steps).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="Step 1").get_by_label("What will happen").fill(
        "Fit a hob timer."
    )
    steps.get_by_label("What will happen").fill("Cook soup with her son on Sunday.")
    page.get_by_role("button", name="Save the agreed outcome").click()
    expect(page.get_by_role("heading", name="3. Agree outcomes")).to_be_visible()
    assert_accessible(page)

    # The second one typed in, after a form error.
    page.get_by_role("link", name="Add an agreed outcome").click()
    expect(page.get_by_role("heading", name="Add an agreed outcome")).to_be_visible()
    field(page, "The agreed outcome").fill("")
    page.get_by_role("button", name="Save the agreed outcome").click()
    expect(page.get_by_role("heading", name="Please check the form")).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert_accessible(page)
    field(page, "The agreed outcome").fill(FRIENDS)
    field(page, "Framework outcome it relates to").select_option(label="Seeing people")
    field(page, "What the person will do").fill("Ring Jean to arrange a lift.")
    page.get_by_role("button", name="Save the agreed outcome").click()
    agreed = page.get_by_role("blockquote")
    expect(agreed).to_have_count(2)
    expect(agreed.filter(has_text=FRIENDS)).to_be_visible()
    expect(agreed.filter(has_text=CANDIDATE)).to_be_visible()
    field(page, "Anything still not agreed").fill("Whether to give up the car.")
    page.get_by_role("button", name="Save and continue").click()

    # 4. Record outcomes: check, then write into the record.
    expect(page.get_by_role("heading", name="4. Record outcomes")).to_be_visible()
    expect(page.get_by_text("A hob timer that switches itself off.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record this in Iris Mackenzie's record").click()

    expect(page.get_by_role("heading", name="Iris Mackenzie", level=1)).to_be_visible()
    expect(page.get_by_text("Recorded. 2 agreed outcomes are now in the record.")).to_be_visible()
    what_matters = page.get_by_role("region", name="What matters to me")
    expect(what_matters.get_by_text(FRIENDS)).to_be_visible()
    expect(what_matters.get_by_text(CANDIDATE)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^First conversation, "))).to_be_visible()
    assert_accessible(page)


def test_practitioner_saves_a_draft_and_picks_it_up_from_the_home_page(
    page: Page, live_server, roles, person
):
    sign_in(page, live_server, roles.practitioner)
    # The pages on the way are scanned in the journey above; this one adds the drafts list.
    open_person_from_the_caseload(page, "Iris Mackenzie", scan=False)
    start_a_first_conversation(page, "Iris Mackenzie", scan=False)
    iris = page.get_by_role("group", name="Iris Mackenzie (The person)")
    iris.get_by_label("What matters to them").fill(THEIR_WORDS)
    # Saved as a draft from the start page: it resumes at the first stage.
    page.get_by_role("button", name="Save draft and come back later").click()

    expect(page.get_by_text("Your draft is saved. Pick it up from your home page.")).to_be_visible()
    drafts = page.get_by_role("region", name="Conversations in progress")
    expect(drafts).to_contain_text('left at "Exchange information"')
    assert_accessible(page)

    # Picked up where it was left: the first stage, with what was typed.
    drafts.get_by_role("link", name=re.compile("^First conversation with Iris Mackenzie")).click()
    expect(page.get_by_role("heading", name="1. Exchange information")).to_be_visible()
    expect(iris.get_by_label("What matters to them")).to_have_value(THEIR_WORDS)
    assert_accessible(page)

    # A draft not to be finished is discarded, after a confirmation.
    page.get_by_role("link", name="Discard this draft").click()
    expect(page.get_by_role("heading", name="Discard this draft?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Discard the draft").click()
    expect(page.get_by_text("The draft has been discarded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Iris Mackenzie", level=1)).to_be_visible()
