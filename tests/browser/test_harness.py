"""The harness itself: its checks must be able to fail."""

import pytest
from playwright.sync_api import Page

from tests.browser.harness import assert_accessible

pytestmark = pytest.mark.browser


def test_accessibility_check_names_each_violation_and_where_it_is(page: Page, db):
    page.goto("/login/")
    # Through the DevTools protocol, as a broken template would leave the page.
    page.evaluate("document.querySelector('#id_username').removeAttribute('id')")
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)
    assert "label (critical): Form elements must have labels" in str(failure.value)
    assert 'name="username"' in str(failure.value)


def test_accessibility_check_fails_a_page_that_scrolls_sideways_at_320_px(page: Page, db):
    page.goto("/login/")
    page.evaluate("document.querySelector('h1').style.width = '500px'")
    with pytest.raises(pytest.fail.Exception, match="scrolls sideways"):
        assert_accessible(page)
