"""Framework outcomes suggested from the words typed, as a practitioner meets them when agreeing."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from conversations.models import AgreedOutcome, Stage
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.harness import NARROW, assert_accessible, field, sign_in
from tests.factories import ConversationFactory, FrameworkOutcomeFactory

pytestmark = pytest.mark.browser

WORDS = "I want to cook in my own kitchen again"


@pytest.fixture
def agreeing(roles, person):
    """A draft conversation at the agree stage, and a framework outcome about cooking
    in the practitioner's organisation."""
    FrameworkOutcomeFactory(
        category__framework__scale__organisation=roles.team.organisation,
        short_name="Cooking and meals",
        description="Making meals in their own kitchen.",
    )
    return ConversationFactory(person=person, stage=Stage.AGREE, created_by=roles.practitioner)


def type_the_outcome(page: Page) -> None:
    words = field(page, "The agreed outcome")
    words.click()
    words.press_sequentially(WORDS)


def test_typed_words_offer_a_framework_outcome_which_is_chosen_and_saved(
    page: Page, live_server, roles, agreeing
):
    sign_in(page, live_server, roles.practitioner)
    page.goto(f"/conversations/{agreeing.pk}/agree/add/")
    cooking = page.get_by_role("button", name="Cooking and meals")
    expect(cooking).to_have_count(0)  # nothing typed, nothing suggested
    loads = []
    page.on("load", lambda _: loads.append(page.url))
    type_the_outcome(page)
    expect(cooking).to_have_accessible_description("shares the words: cook, kitchen")
    # Drawn in place as the words were typed: the page was not sent, the typing goes on.
    expect(field(page, "The agreed outcome")).to_be_focused()
    expect(field(page, "The agreed outcome")).to_have_value(WORDS)
    expect(field(page, "Framework outcome it relates to")).to_have_value("")  # not chosen for them
    assert_accessible(page)
    cooking.click()
    expect(cooking).to_have_attribute("aria-pressed", "true")
    expect(cooking).to_be_focused()  # the page did not jump away
    expect(page.locator("#id_framework_outcome option:checked")).to_have_text("Cooking and meals")
    expect(field(page, "The agreed outcome")).to_have_value(WORDS)  # what was typed stays
    assert loads == [] and not AgreedOutcome.objects.exists()
    assert_accessible(page)
    # Another choice made in the list shows at once: the suggestion is no longer chosen.
    field(page, "Framework outcome it relates to").select_option(label="Improved skills")
    expect(cooking).to_have_attribute("aria-pressed", "false")
    cooking.click()
    expect(cooking).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="Save and check before recording").click()
    expect(page.get_by_role("heading", name="4. Record outcomes")).to_be_visible()
    agreed = AgreedOutcome.objects.get()
    assert agreed.what_matters == WORDS
    assert [fo.short_name for fo in agreed.framework_outcomes.all()] == ["Cooking and meals"]


def test_without_javascript_a_suggestion_is_chosen_by_sending_the_page(
    browser: Browser, live_server, roles, agreeing
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, live_server, roles.practitioner)
        page.goto(f"/conversations/{agreeing.pk}/agree/add/")
        type_the_outcome(page)
        page.get_by_role("button", name="Suggest framework outcomes from the words typed").click()
        page.get_by_role("button", name="Cooking and meals").click()
        expect(page.locator("#id_framework_outcome option:checked")).to_have_text(
            "Cooking and meals"
        )
        expect(field(page, "The agreed outcome")).to_have_value(WORDS)
        page.get_by_role("button", name="Save the agreed outcome").click()
        expect(page.get_by_role("status").first).to_contain_text("Saved")
        agreed = AgreedOutcome.objects.get()
        assert [fo.short_name for fo in agreed.framework_outcomes.all()] == ["Cooking and meals"]
    finally:
        context.close()


def test_suggestions_fit_a_320_pixel_screen(page: Page, live_server, roles, agreeing):
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, roles.practitioner)
    page.goto(f"/conversations/{agreeing.pk}/agree/add/")
    type_the_outcome(page)
    cooking = page.get_by_role("button", name="Cooking and meals")
    expect(cooking).to_be_visible()
    box = cooking.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"the page is {width} px wide at 320 px"
    expect(page.get_by_text(re.compile("shares the words: cook, kitchen"))).to_be_visible()
    assert_accessible(page)
