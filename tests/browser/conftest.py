"""Fixtures for the browser tests: one headless Chromium per session, a fresh page per test.

The tests drive Debian's Chromium (``/usr/bin/chromium``, or ``BROWSER_EXECUTABLE``);
Playwright never downloads a browser of its own. Where there is no Chromium, every
browser test is reported as skipped with the reason, never passed.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the main thread for
# the rest of the session, so Django would refuse every ORM call from the tests
# (factories, assertions on the database) and from later non-browser tests with
# SynchronousOnlyOperation. The ORM is in fact used from one thread at a time here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
# Long enough for a busy two-core CI machine, short enough that a missing element fails fast.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        reason = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "or set BROWSER_EXECUTABLE to a Chromium binary to run the browser tests."
        )
        # .ci/run installs Chromium, so in CI a missing browser is a failure, never a skip.
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies), opening paths on the live server.

    Requesting ``live_server`` makes the test's database transactional, so the
    server thread sees what factories and the ``roles`` fixture create.
    """
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Save a screenshot of the page when a browser test fails, and say where."""
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.failed and report.when == "call" and page is not None and not page.is_closed():
        path = _screenshot_path(item)
        try:
            page.screenshot(path=path, full_page=True)
        except Exception as error:  # a failed screenshot must not hide the failure
            report.sections.append(("Screenshot", f"could not be saved: {error}"))
        else:
            report.sections.append(("Screenshot", f"saved to {path}"))
    return report


def _screenshot_path(item: pytest.Item) -> Path:
    folder = item.config.rootpath / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder / (re.sub(r"[^\w.-]+", "_", item.nodeid).strip("_") + ".png")
