"""The configuration site in a browser: every page meets WCAG 2.2 AA, and works by keyboard.

The pages are found from the site's own registry, so a newly registered model's
list, add, change, history and delete pages are scanned without changing this file.
"""

import pytest
from playwright.sync_api import Page, expect

from accounts.configuration import site
from accounts.models import Membership, Role
from tests.browser.harness import assert_accessible, sign_in, tab_to
from tests.factories import MembershipFactory, UserFactory
from themes.models import Theme

pytestmark = pytest.mark.browser


def own_object(model, roles):
    """One of the admin's organisation's rows of ``model``."""
    organisation = roles.team.organisation
    if model._meta.label == "accounts.Organisation":
        return organisation
    if model._meta.label == "accounts.User":
        return roles.practitioner
    return model.objects.filter(organisation=organisation).order_by("pk").first()


def configuration_pages(roles) -> list[str]:
    pages = ["/admin/"]
    for model, model_admin in site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pk = own_object(model, roles).pk
        pages += [
            base,
            f"{base}?organisation={roles.team.organisation_id}",
            f"{base}{pk}/change/",
            f"{base}{pk}/history/",
        ]
        if model_admin.has_add_permission(_AsAdmin(roles.admin)):
            pages.append(f"{base}add/")
        if model_admin.has_delete_permission(_AsAdmin(roles.admin)):
            pages.append(f"{base}{pk}/delete/")
    pages.append(f"/admin/accounts/user/{roles.practitioner.pk}/password/")
    return pages


class _AsAdmin:
    """Just enough of a request for a ModelAdmin's permission checks."""

    def __init__(self, user):
        self.user = user


@pytest.fixture
def configured(roles):
    Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    return roles


def test_every_configuration_page_meets_wcag_22_aa(page: Page, live_server, configured):
    sign_in(page, live_server, configured.admin)
    for url in configuration_pages(configured):
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
        assert_accessible(page)


def test_configuration_forms_with_errors_meet_wcag_22_aa(page: Page, live_server, configured):
    sign_in(page, live_server, configured.admin)
    for url in ("/admin/accounts/team/add/", "/admin/accounts/user/add/"):
        page.goto(url)
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".errornote")).to_be_visible()
        assert_accessible(page)


def test_an_admin_adds_an_existing_user_to_a_team_with_the_keyboard_alone(
    page: Page, live_server, configured
):
    roles = configured
    newcomer = UserFactory(username="rhona", first_name="Rhona", last_name="Gillies")
    MembershipFactory(user=newcomer, team=roles.team, role=Role.PRACTITIONER)
    sign_in(page, live_server, roles.admin)

    page.goto("/admin/")
    assert_accessible(page)
    teams = page.get_by_role("link", name="Teams", exact=True)
    tab_to(page, teams)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Select team to change")).to_be_visible()
    assert_accessible(page)

    shoreline = page.get_by_role("link", name="Shoreline Team")
    tab_to(page, shoreline)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Change team")).to_be_visible()
    assert_accessible(page)

    member = page.get_by_label("Member 2: user")
    tab_to(page, member)
    page.keyboard.type("Rhona")
    role = page.get_by_label("Member 2: role")
    tab_to(page, role)
    page.keyboard.type("Practitioner")
    assert_accessible(page)
    save = page.get_by_role("button", name="Save", exact=True)
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert_accessible(page)
    assert Membership.objects.get(user=newcomer, team=roles.other_team).role == Role.PRACTITIONER
