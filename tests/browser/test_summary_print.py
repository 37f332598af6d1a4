"""The one-page summary, printed from the browser, fits one sheet of A4."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_accessible, sign_in
from tests.records.test_summary import planned  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_the_summary_prints_on_one_page_from_the_browser(
    page: Page,
    live_server,
    roles,
    planned,  # noqa: F811
):
    sign_in(page, live_server, roles.practitioner)
    page.goto(f"{live_server.url}/people/{planned.pk}/summary/")
    expect(page.get_by_role("heading", name="What matters to Iris Mackenzie")).to_be_visible()
    assert_accessible(page)
    printed = page.pdf(format="A4", print_background=True)
    assert printed.startswith(b"%PDF")
    # Chromium writes each page as an uncompressed "/Type /Page" object.
    assert len(re.findall(rb"/Type\s*/Page(?!s)", printed)) == 1
