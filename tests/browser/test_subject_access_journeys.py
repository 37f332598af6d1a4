"""A manager exports everything held about a person from the person's page."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_accessible, sign_in
from tests.factories import OutcomeFactory

pytestmark = pytest.mark.browser

IRIS_SAYS = "I want my confidence back in the kitchen: the smell of soup on the stove."


def test_manager_downloads_a_subject_access_export_as_pdf_and_json(
    page: Page, live_server, roles, person
):
    OutcomeFactory(person=person, what_matters=IRIS_SAYS, created_by=roles.practitioner)
    sign_in(page, live_server, roles.manager)
    page.goto(f"{live_server.url}/people/{person.pk}/")

    page.get_by_role("link", name="Subject access").click()
    expect(
        page.get_by_role("heading", name="Subject access: everything held about Iris Mackenzie")
    ).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download as PDF").click()
    with open(pdf.value.path(), "rb") as document:
        assert document.read(4) == b"%PDF"

    with page.expect_download() as download:
        page.get_by_role("button", name="Download as JSON").click()
    with open(download.value.path(), encoding="utf-8") as document:
        export = json.load(document)
    assert export["person"]["full_name"] == "Iris Mackenzie"
    assert export["outcomes"][0]["what_matters"] == IRIS_SAYS
