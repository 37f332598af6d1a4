"""The agree stage measured as a practitioner meets it: screens, sends, controls, Tab presses.

Before the agree stage was reworked (issue 15) the same journeys counted 9 screens
and 7 sends from the start page to the record check, 61 visible controls on the
agreed outcome form and 127 presses of Tab from Agree to recorded for one outcome.
Before the start page took in the first stage, the exchange of information, a first
conversation with two agreed outcomes counted 6 screens and 6 sends.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_accessible, field, sign_in
from tests.browser.test_conversation_journeys import open_person_from_the_caseload

pytestmark = pytest.mark.browser

# Form controls a sighted user sees (hidden inputs and closed "more" sections left out).
VISIBLE_CONTROLS = """() => [...document.querySelectorAll(
    'main form input, main form select, main form textarea, main form button')]
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null).length"""


def tabs_until(page: Page, target, limit: int = 200) -> int:
    """Press Tab until ``target`` has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return presses
    pytest.fail(f"{target} not reached in {limit} presses of Tab", pytrace=False)


def through_exchange_and_negotiate(page: Page, candidates: list[str]) -> None:
    """Start page (with the exchange of information on it), then Negotiate."""
    page.get_by_role("link", name="Start a conversation").click()
    page.get_by_label("Direct: talking (verbal)").check()
    iris = page.get_by_role("group", name="Iris Mackenzie (The person)")
    iris.get_by_label("What matters to them").fill("I want to cook again, and see my pals.")
    iris.get_by_label("Why").fill("Cooking is how I look after my family.")
    for n, words in enumerate(candidates, start=1):
        group = page.get_by_role("group", name=f"Possible outcome {n}")
        group.get_by_label("Possible outcome").fill(words)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="2. Negotiate")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()


def test_a_first_conversation_with_two_agreed_outcomes_in_six_screens(
    page: Page, live_server, roles, person
):
    sign_in(page, live_server, roles.practitioner)
    open_person_from_the_caseload(page, "Iris Mackenzie", scan=False)
    screens, sends = [], []
    page.on("framenavigated", lambda frame: frame == page.main_frame and screens.append(frame.url))
    page.on("request", lambda request: request.method == "POST" and sends.append(request.url))
    through_exchange_and_negotiate(page, ["Cooking in my own kitchen again", "Lunch club"])

    expect(page.get_by_role("heading", name="Add an agreed outcome")).to_be_visible()
    controls = page.evaluate(VISIBLE_CONTROLS)
    assert_accessible(page)
    field(page, "What the person will do").fill("Choose the recipes.")
    page.get_by_role("button", name=re.compile("^Save and agree the next one")).click()
    expect(field(page, "The agreed outcome")).to_have_value("Lunch club")
    field(page, "What the person will do").fill("Ring Jean for a lift.")
    page.get_by_role("button", name="Save and check before recording").click()
    expect(page.get_by_role("heading", name="4. Record outcomes")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Record this")).click()
    expect(page.get_by_text("Recorded. 2 agreed outcomes are now in the record.")).to_be_visible()

    shown = screens[:-1]  # the last is the person's page, after recording
    print(f"\nagree stage: {len(shown)} screens, {len(sends)} sends, {controls} controls")
    assert len(shown) <= 6, shown
    assert controls <= 20
    # Start with the exchange, negotiate, each agreed outcome, and the record check.
    assert len(sends) <= 5, sends


def test_one_outcome_from_agree_to_recorded_by_keyboard_in_40_tabs(
    page: Page, live_server, roles, person
):
    sign_in(page, live_server, roles.practitioner)
    open_person_from_the_caseload(page, "Iris Mackenzie", scan=False)
    through_exchange_and_negotiate(page, ["Cooking in my own kitchen again"])
    expect(page.get_by_role("heading", name="Add an agreed outcome")).to_be_visible()
    page.locator("body").focus()
    tabs = tabs_until(page, field(page, "Framework outcome it relates to"))
    page.keyboard.type("Improved skills")
    tabs += tabs_until(page, field(page, "What the person will do"))
    page.keyboard.type("Choose the recipes.")
    tabs += tabs_until(page, page.get_by_role("button", name="Save and check before recording"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="4. Record outcomes")).to_be_visible()
    page.locator("body").focus()
    tabs += tabs_until(page, page.get_by_role("button", name=re.compile("^Record this")))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Recorded. 1 agreed outcome is now in the record.")).to_be_visible()
    expect(page.get_by_text("Improved skills")).to_be_visible()
    print(f"\nagree to recorded by keyboard: {tabs} presses of Tab")
    assert tabs <= 40
