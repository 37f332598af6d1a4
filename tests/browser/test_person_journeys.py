"""A practitioner moves a person from one of their teams' caseloads to another."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import assert_accessible, sign_in
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.browser


def test_practitioner_moves_a_person_to_their_other_team(page: Page, live_server, roles, person):
    riverside = TeamFactory(organisation=roles.team.organisation, name="Riverside Team")
    MembershipFactory(user=roles.practitioner, team=riverside)
    sign_in(page, live_server, roles.practitioner)
    page.goto(f"/people/{person.pk}/")

    page.get_by_role("link", name="Change teams").click()
    expect(page.get_by_role("heading", name="Which teams support Iris Mackenzie")).to_be_visible()
    hillside = page.get_by_role("checkbox", name="Hillside Team")
    expect(hillside).to_be_checked()
    assert_accessible(page)

    # Taken off every team: refused, with the reason beside the choices.
    hillside.uncheck()
    page.get_by_role("button", name="Save the teams").click()
    expect(page.get_by_text("Choose at least one team whose caseload they are on.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Hillside Team")).not_to_be_checked()
    assert_accessible(page)

    page.get_by_role("checkbox", name="Riverside Team").check()
    page.get_by_role("button", name="Save the teams").click()
    expect(page.get_by_text("The teams have been saved.")).to_be_visible()
    about = page.get_by_role("region", name="About Iris Mackenzie")
    expect(about.get_by_text("Riverside Team")).to_be_visible()
    expect(about.get_by_text("Hillside Team")).to_have_count(0)
    assert_accessible(page)
