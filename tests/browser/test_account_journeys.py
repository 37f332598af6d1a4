"""Signing in, changing a password and signing out, as a practitioner would."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_accessible, field, sign_in, tab_to
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-brand-new-passphrase-42"


def test_practitioner_signs_in_sees_their_teams_changes_password_and_signs_out(
    page: Page, live_server, roles
):
    page.goto("/login/")
    assert_accessible(page)
    field(page, "Username").fill("practitioner")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    expect(page.get_by_role("heading", name="Hillside Team")).to_be_visible()
    expect(page.get_by_text("Shoreline Team")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert_accessible(page)

    field(page, "Old password").fill("not-my-password")
    field(page, "New password").fill("short")
    field(page, "New password confirmation").fill("short")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your old password was entered incorrectly")).to_be_visible()
    expect(page.get_by_text("This password is too short")).to_be_visible()
    assert_accessible(page)

    field(page, "Old password").fill(PASSWORD)
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")

    sign_in(page, live_server, roles.practitioner, password=NEW_PASSWORD)


def test_wrong_password_on_sign_in_shows_the_error_and_keeps_the_username(page: Page, roles):
    page.goto("/login/")
    field(page, "Username").fill("practitioner")
    field(page, "Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(field(page, "Username")).to_have_value("practitioner")
    expect(page.get_by_role("link", name="Change password")).to_have_count(0)
    assert_accessible(page)


def test_practitioner_does_it_all_with_the_keyboard_alone(page: Page, roles):
    page.goto("/login/")
    # The username field has the focus when the page opens.
    tab_to(page, field(page, "Username"))
    page.keyboard.type("practitioner")
    tab_to(page, field(page, "Password"))
    page.keyboard.type("not-my-password")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    tab_to(page, field(page, "Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Hillside Team")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Skip to main content"))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, page.get_by_role("link", name="Change password"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    tab_to(page, field(page, "Old password"))
    page.keyboard.type(PASSWORD)
    tab_to(page, field(page, "New password"))
    page.keyboard.type("short")
    tab_to(page, field(page, "New password confirmation"))
    page.keyboard.type("short")
    page.keyboard.press("Enter")
    expect(page.get_by_text("This password is too short")).to_be_visible()

    tab_to(page, field(page, "Old password"))
    page.keyboard.type(PASSWORD)
    for label in ("New password", "New password confirmation"):
        tab_to(page, field(page, label))
        page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
