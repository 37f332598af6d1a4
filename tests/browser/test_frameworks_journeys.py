"""Reaching the outcome frameworks: admins from the navigation, nobody else at all."""

import pytest
from playwright.sync_api import Page, expect

from frameworks.services import defaults_load
from tests.browser.harness import assert_accessible, sign_in, tab_to

pytestmark = pytest.mark.browser


def test_admin_opens_the_frameworks_page_from_the_navigation(page: Page, live_server, roles):
    defaults_load()
    sign_in(page, live_server, roles.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Frameworks").click()

    expect(page.get_by_role("heading", name="Outcome frameworks", level=1)).to_be_visible()
    expect(page.get_by_text("Adults living in the community").first).to_be_visible()
    expect(page.get_by_role("link", name="Frameworks")).to_have_attribute("aria-current", "page")
    assert_accessible(page)


def test_admin_reaches_the_frameworks_page_with_the_keyboard(page: Page, live_server, roles):
    sign_in(page, live_server, roles.admin)
    tab_to(page, page.get_by_role("link", name="Frameworks"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Outcome frameworks", level=1)).to_be_visible()


def test_practitioner_has_no_frameworks_link_and_is_refused_the_address(
    page: Page, live_server, roles
):
    sign_in(page, live_server, roles.practitioner)
    expect(page.get_by_role("link", name="Frameworks")).to_have_count(0)

    response = page.goto("/frameworks/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="This page is not available to you")).to_be_visible()
    assert_accessible(page)
