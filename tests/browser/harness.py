"""Helpers that keep each browser journey a few lines long.

A journey signs in with ``sign_in``, clicks and types as a person would, and calls
``assert_accessible(page)`` on every page and form state it reaches. Keyboard-only
journeys move with ``tab_to`` and ``page.keyboard``.
"""

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD

# WCAG 2.2 levels A and AA, as axe-core tags its rules.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# WCAG 1.4.10 Reflow: content fits 320 CSS pixels without scrolling sideways.
NARROW = {"width": 320, "height": 640}
# More presses than any page here needs to reach its last control.
MAX_TABS = 40

_axe = Axe()


def sign_in(page: Page, live_server, user, password: str = PASSWORD) -> None:
    """Sign ``user`` in through the sign-in form (and the code step, if they have a
    code app) and wait for the home page."""
    page.goto(f"{live_server.url}/login/")
    field(page, "Username").fill(user.username)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        field(page, "Code").fill(app_code(device.bin_key, after_step=device.last_t))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()


def app_code(key: bytes, after_step: int = -1) -> str:
    """The code an authenticator app holding ``key`` shows now, or the next one if
    the current one was used already (at step ``after_step``)."""
    totp = TOTP(key)
    totp.time = max(time.time(), (after_step + 1) * totp.step)
    return f"{totp.token():06d}"


def assert_accessible(page: Page) -> None:
    """Fail on any WCAG 2.2 A/AA violation axe-core finds, or on sideways scrolling at 320 px."""
    page.wait_for_load_state()
    _wait_for_transitions(page)
    problems = [_describe(v) for v in _axe_violations(page)]
    scroll_width, window_width = _widths_when_narrow(page)
    if scroll_width > window_width:
        problems.append(
            f"reflow (WCAG 1.4.10): in a {window_width} px wide window the page is "
            f"{scroll_width} px wide and scrolls sideways"
        )
    if problems:
        pytest.fail(f"{page.url} is not accessible:\n" + "\n".join(problems), pytrace=False)


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the keyboard focus, and check the focus ring shows."""
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            assert _focus_is_visible(target), f"{target} has the focus but no visible focus ring"
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{target} was not reached with {MAX_TABS} presses of Tab", pytrace=False)


def field(page: Page, label: str) -> Locator:
    """The form control labelled ``label``, with or without the required-field asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def _wait_for_transitions(page: Page) -> None:
    # A colour part-way through a transition (a button under the pointer fading to its
    # hover colour) is not what the user settles on reading; scan the settled page.
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null)))"""
    )


def _axe_violations(page: Page) -> list[dict]:
    # axe-playwright-python injects axe-core through page.evaluate (the DevTools
    # protocol), which the site's Content-Security-Policy does not block.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _axe.run(page, options=options).response["violations"]


def _describe(violation: dict) -> str:
    nodes = "\n".join(
        f"    at {', '.join(map(str, node['target']))}: {node['html']}"
        for node in violation["nodes"]
    )
    return (
        f"{violation['id']} ({violation['impact']}): {violation['help']}"
        f" <{violation['helpUrl']}>\n{nodes}"
    )


def _widths_when_narrow(page: Page) -> tuple[int, int]:
    size = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        return tuple(
            page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        )
    finally:
        page.set_viewport_size(size)


def _focus_is_visible(target: Locator) -> bool:
    # site.css draws the same solid focus ring on every control (WCAG 2.4.7);
    # Bootstrap's own faint glow does not count.
    return target.evaluate(
        """element => {
            const style = getComputedStyle(element);
            return style.outlineStyle === "solid" && parseFloat(style.outlineWidth) >= 2;
        }"""
    )
