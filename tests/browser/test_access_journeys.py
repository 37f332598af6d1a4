"""A practitioner of another team who types the address of a record is refused it."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from conversations.services import conversation_start
from tests.browser.harness import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_practitioner_of_another_team_typing_a_record_address_gets_page_not_found(
    page: Page, live_server, roles, person, actor_as
):
    conversation = conversation_start(
        actor=actor_as(roles.practitioner),
        person=person,
        kind="first",
        held_on=datetime.date.today(),
    )
    sign_in(page, live_server, roles.other_practitioner)

    for address in (
        f"/people/{person.pk}/",
        f"/conversations/{conversation.pk}/",
        f"/conversations/{conversation.pk}/exchange/",
    ):
        response = page.goto(address)
        assert response.status == 404, address
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.get_by_text("Iris Mackenzie")).to_have_count(0)
        assert_accessible(page)

    pdf = page.request.get(f"/people/{person.pk}/summary.pdf")
    assert pdf.status == 404
    assert pdf.headers["content-type"].startswith("text/html")

    # Their own caseload does not list her either.
    page.get_by_role("link", name="Back to home").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_text("0 people found.")).to_be_visible()
