"""A practitioner's day from the home page, and an outcome's every review, by keyboard."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_accessible, sign_in, tab_to
from tests.factories import ActionFactory, OutcomeFactory, ReviewFactory

pytestmark = pytest.mark.browser


def test_from_the_days_overdue_review_to_every_review_of_the_outcome_by_keyboard(
    page: Page, live_server, roles, person
):
    today = timezone.localdate()
    outcome = OutcomeFactory(
        person=person,
        what_matters="I want to walk to the harbour on dry days",
        next_review_on=today - datetime.timedelta(days=3),
    )
    ActionFactory(outcome=outcome, description="Phone the walking group", due_on=today)
    for day, words in ((1, "First walk with Sam."), (5, "Walked half way alone.")):
        ReviewFactory(outcome=outcome, reviewed_on=datetime.date(2025, day, 1), narrative=words)
    sign_in(page, live_server, roles.practitioner)
    day = page.get_by_role("region", name="Reviews due in the next 14 days or overdue")
    expect(day).to_contain_text("Overdue")
    expect(page.get_by_role("region", name="Steps falling due")).to_contain_text(
        "Phone the walking group"
    )
    assert_accessible(page)
    tab_to(page, day.get_by_role("link", name="Iris Mackenzie: I want to walk to the harbour"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Iris Mackenzie", level=1)).to_be_visible()
    every = page.get_by_role("link", name="A chart of the ratings, and every review")
    tab_to(page, every)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Every rating and review")).to_be_visible()
    expect(page.get_by_text("First walk with Sam.")).to_be_visible()
    expect(page.get_by_text("Walked half way alone.")).to_be_visible()
    assert_accessible(page)
