"""Signing in safely, as a manager, a practitioner and a stranger would meet it:
setting up a code app, the code step, lockout, and the idle warning."""

from base64 import b32decode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import app_code, assert_accessible, field, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in_with_password(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    field(page, "Username").fill(username)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_manager_sets_up_a_code_app_then_signs_in_with_a_code(
    page: Page, live_server, roles, settings
):
    settings.MFA_ENFORCED = True
    page.goto("/login/")
    assert_accessible(page)
    sign_in_with_password(page, "manager")

    expect(page.get_by_role("heading", name="Sign-in security")).to_be_visible()
    expect(page.get_by_text("Your role needs a second step")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    assert_accessible(page)
    # Every other page waits until the app is set up.
    page.goto("/people/")
    expect(page.get_by_role("heading", name="Sign-in security")).to_be_visible()

    # Type the key as a person would into their app, and the app's code back.
    key = b32decode(page.locator(".setup-key").inner_text().replace(" ", ""))
    field(page, "Code from the app").fill("000000")
    page.get_by_role("button", name="Set up the app").click()
    expect(page.get_by_text("That code did not match")).to_be_visible()
    assert_accessible(page)
    field(page, "Code from the app").fill(app_code(key))
    page.get_by_role("button", name="Set up the app").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_with_password(page, "manager")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    field(page, "Code").fill(app_code(key, after_step=roles.manager.totpdevice_set.get().last_t))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()

    # The harness's own sign-in goes through the code step too.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, roles.manager)


def test_repeated_wrong_passwords_lock_sign_in_even_for_the_right_one(
    page: Page, live_server, roles, settings
):
    settings.AXES_ENABLED = True
    for _ in range(5):
        sign_in_with_password(page, "practitioner", "not-my-password")
    message = page.get_by_text("Too many attempts to sign in. Wait 15 minutes and try again")
    expect(message).to_be_visible()
    assert_accessible(page)

    field(page, "Username").fill("practitioner")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(message).to_be_visible()
    expect(page.get_by_role("heading", name="Your teams")).to_have_count(0)


def test_idle_warning_appears_only_with_unsaved_typing_then_the_session_ends(
    page: Page, live_server, roles, settings
):
    # Six seconds idle: the warning comes after three.
    settings.SESSION_IDLE_MINUTES = 0.1
    sign_in(page, live_server, roles.practitioner)
    warning = page.get_by_role("alertdialog", name="You are about to be signed out")
    page.wait_for_timeout(4000)
    expect(warning).to_have_count(0)  # nothing typed on the home page

    page.get_by_role("link", name="Change password").click()
    field(page, "Old password").fill("half-typed")
    expect(warning).to_be_visible(timeout=8000)
    expect(warning).to_be_focused()
    assert_accessible(page)

    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    page.wait_for_timeout(2000)
    page.reload()  # within six seconds of staying: still signed in
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()

    page.wait_for_timeout(7000)
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(
        page.get_by_text("You were signed out after 0.1 minutes without activity.")
    ).to_be_visible()
    assert_accessible(page)
