"""The configuration site: admins set up teams, users and themes; nobody else gets in."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from accounts.configuration import site
from accounts.models import Membership, OrganisationRole, Role, Team, User
from audit.models import AuditEvent
from tests.accounts.admin_forms import form_data
from tests.factories import (
    CaseloadEntryFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)
from tests.url_walk import all_routes
from themes.models import Theme


def admin_routes():
    return [r for r in all_routes() if r.pattern.startswith("admin/")]


def sample_values(roles) -> dict:
    theme = Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    return {
        "object_id": roles.team.pk,
        "id": roles.practitioner.pk,
        "app_label": "accounts",
        "url": "accounts/nothing/",
        "_theme": theme,
    }


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles.admin)
    return client


def test_the_site_offers_only_configuration_models():
    # Never person records, conversations or the audit trail.
    assert {model._meta.label_lower for model in site._registry} == {
        "accounts.organisation",
        "accounts.team",
        "accounts.user",
        "themes.theme",
    }


def test_admin_sees_the_configuration_index_with_frameworks_linked(admin_client):
    page = admin_client.get("/admin/").content.decode()
    for link in ("/admin/accounts/team/", "/admin/accounts/user/", "/admin/themes/theme/"):
        assert f'href="{link}"' in page
    assert 'href="/frameworks/"' in page
    assert 'href="/frameworks/scales/"' in page


def test_admins_find_configuration_in_the_navigation(client, roles):
    client.force_login(roles.admin)
    assert 'href="/admin/">Configuration</a>' in client.get("/").content.decode()
    client.force_login(roles.practitioner)
    assert "Configuration" not in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["practitioner", "manager"])
def test_practitioners_and_managers_are_refused_every_configuration_page(client, roles, who):
    values = sample_values(roles)
    client.force_login(getattr(roles, who))
    teams_before = list(Team.objects.values_list("pk", "name"))
    checked = 0
    for route in admin_routes():
        url = route.path(**values)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"name": "Changed"} if method == "post" else {})
            assert response.status_code == 403, f"{method.upper()} {url}: {response.status_code}"
            checked += 1
    assert checked > 50
    assert list(Team.objects.values_list("pk", "name")) == teams_before


def test_staff_and_superusers_without_the_admin_role_are_refused(client, db):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403


def test_signed_out_visitors_go_to_the_sites_own_sign_in_page(client, roles):
    values = sample_values(roles)
    for route in admin_routes():
        url = route.path(**values)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login/?next="), url


def test_an_admin_is_never_shown_the_admins_own_sign_in_form(client, roles):
    response = client.get("/admin/login/?next=/admin/accounts/team/")
    assert response.headers["Location"] == "/login/?next=/admin/accounts/team/"
    client.force_login(roles.admin)
    assert client.get("/admin/login/").headers["Location"] == "/admin/"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/accounts/team/",
        "/admin/accounts/team/add/",
        "/admin/accounts/team/{team}/change/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/user/{user}/change/",
        "/admin/accounts/user/{user}/password/",
        "/admin/themes/theme/add/",
        "/admin/accounts/organisation/{organisation}/change/",
    ],
)
def test_configuration_pages_work_under_the_content_security_policy(admin_client, roles, url):
    url = url.format(
        team=roles.team.pk, user=roles.practitioner.pk, organisation=roles.team.organisation_id
    )
    response = admin_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(page), "an inline script would be blocked"
    assert " style=" not in page, "an inline style would be blocked"


def test_adding_a_team_is_audited(admin_client, roles):
    response = admin_client.post(
        "/admin/accounts/team/add/",
        {
            "organisation": roles.team.organisation_id,
            "name": "Riverside Team",
            "description": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    team = Team.objects.get(name="Riverside Team")
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="accounts.team", object_id=str(team.pk))
    assert (event.action, event.actor, event.summary) == ("create", roles.admin, "Team added")
    assert event.changes["name"] == [None, "Riverside Team"]


@pytest.mark.parametrize(
    ("model", "url", "data"),
    [
        (
            Team,
            "/admin/accounts/team/add/",
            {
                "name": "Riverside Team",
                "description": "",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        ),
        (Theme, "/admin/themes/theme/add/", {"name": "Riverside Team", "description": ""}),
    ],
)
def test_a_name_saved_by_someone_else_a_moment_before_is_a_form_error(
    admin_client, roles, monkeypatch, model, url, data
):
    # Two saves of one new name at once: both pass the form's check before
    # either is written. Here the other save has landed just after this
    # form's first check, so the database refuses this one.
    organisation = roles.team.organisation
    model.objects.create(organisation=organisation, name="Riverside Team")
    checked = model.validate_constraints
    checks = []

    def other_save_not_yet_seen(self, exclude=None):
        checks.append(self.name)
        if len(checks) > 1:
            checked(self, exclude=exclude)

    monkeypatch.setattr(model, "validate_constraints", other_save_not_yet_seen)
    response = admin_client.post(url, {"organisation": organisation.pk, **data})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page
    assert re.search(r"already (exists|has a theme with this name)", page)
    assert 'value="Riverside Team"' in page
    assert model.objects.filter(name="Riverside Team").count() == 1
    assert not AuditEvent.objects.filter(action="create", object_type=model._meta.label_lower)


def test_giving_a_user_a_role_in_a_team_is_audited(admin_client, roles):
    newcomer = UserFactory(username="newcomer")
    MembershipFactory(user=newcomer, team=roles.team, role=Role.PRACTITIONER)
    url = f"/admin/accounts/user/{newcomer.pk}/change/"
    data = form_data(admin_client.get(url).content.decode())
    data |= {
        "memberships-1-team": str(roles.other_team.pk),
        "memberships-1-role": Role.MANAGER,
        "memberships-1-user": str(newcomer.pk),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=newcomer, team=roles.other_team)
    assert membership.role == Role.MANAGER
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=str(membership.pk))
    assert event.action == "create"
    assert event.changes["role"] == [None, "manager"]


def test_adding_a_user_lets_them_sign_in_with_their_role(admin_client, client, roles):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "morag",
            "organisation": str(roles.team.organisation_id),
            "first_name": "Morag",
            "last_name": "Campbell",
            "email": "morag@example.org",
            "usable_password": "true",
            "password1": "a-long-new-password-9",
            "password2": "a-long-new-password-9",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-team": str(roles.team.pk),
            "memberships-0-role": Role.PRACTITIONER,
            "organisation_roles-TOTAL_FORMS": "0",
            "organisation_roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    morag = User.objects.get(username="morag")
    assert morag.memberships.get().role == Role.PRACTITIONER
    created = AuditEvent.objects.get(object_type="accounts.user", object_id=str(morag.pk))
    assert "password" not in created.changes
    admin_client.logout()
    assert admin_client.login(username="morag", password="a-long-new-password-9")
    assert admin_client.get("/people/").status_code == 200


def test_a_team_in_use_cannot_be_deleted_and_the_message_says_what_uses_it(admin_client, roles):
    CaseloadEntryFactory(team=roles.team)
    response = admin_client.post(f"/admin/accounts/team/{roles.team.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Team.objects.filter(pk=roles.team.pk).exists()
    page = admin_client.get(response.headers["Location"]).content.decode()
    assert "“Hillside Team” cannot be deleted: it is used by 4 memberships and 1 person." in (page)


def test_an_unused_team_can_be_deleted_and_it_is_audited(admin_client, roles):
    spare = TeamFactory(organisation=roles.team.organisation, name="Spare Team")
    response = admin_client.post(f"/admin/accounts/team/{spare.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Team.objects.filter(pk=spare.pk).exists()
    event = AuditEvent.objects.get(object_type="accounts.team", action="delete")
    assert event.object_id == str(spare.pk)
    assert event.changes["name"] == ["Spare Team", None]


def test_users_are_never_deleted(admin_client, roles):
    response = admin_client.post(
        f"/admin/accounts/user/{roles.practitioner.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=roles.practitioner.pk).exists()


def test_an_admin_sees_only_their_own_organisations_teams(admin_client, roles):
    elsewhere = TeamFactory(organisation=OrganisationFactory(name="Elsewhere"), name="Far Team")
    listing = admin_client.get("/admin/accounts/team/").content.decode()
    assert "Hillside Team" in listing
    assert "Far Team" not in listing
    response = admin_client.get(f"/admin/accounts/team/{elsewhere.pk}/change/")
    # The same "Page not found" as a missing team, and the attempt is audited.
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(object_type="accounts.team")
    assert (refusal.action, refusal.object_id) == ("access_denied", str(elsewhere.pk))


def test_bulk_deletion_is_not_offered(admin_client):
    page = admin_client.get("/admin/accounts/team/").content.decode()
    assert "delete_selected" not in page


def test_admin_changes_also_appear_in_the_admin_history(admin_client, roles):
    admin_client.post(
        "/admin/accounts/team/add/",
        {
            "organisation": roles.team.organisation_id,
            "name": "Harbour Team",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert LogEntry.objects.filter(object_repr="Harbour Team").exists()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(roles, size: int) -> None:
    organisation = roles.team.organisation
    for _ in range(size):
        team = TeamFactory(organisation=organisation)
        MembershipFactory(team=team, user=UserFactory(), role=Role.PRACTITIONER)
        MembershipFactory(team=team, user=UserFactory(), role=Role.MANAGER)
        Theme.objects.create(organisation=organisation, name=f"Theme {team.pk}")


@pytest.mark.parametrize(
    "url", ["/admin/accounts/team/", "/admin/accounts/user/", "/admin/themes/theme/"]
)
def test_configuration_lists_do_not_grow_in_queries_with_their_rows(admin_client, roles, url):
    grow(roles, 2)
    small = count_queries(admin_client, url)
    grow(roles, 20)
    assert count_queries(admin_client, url) == small


def test_users_of_other_organisations_are_not_offered_for_a_team(admin_client, roles):
    elsewhere = TeamFactory(organisation=OrganisationFactory(name="Elsewhere"))
    far_away = UserFactory(username="far-away-worker", first_name="Fenella", last_name="Farr")
    MembershipFactory(team=elsewhere, user=far_away)
    page = admin_client.get(f"/admin/accounts/team/{roles.team.pk}/change/").content.decode()
    # Escaped as the page writes it: a name may hold an apostrophe (O'Donnell).
    assert escape(str(roles.other_practitioner)) in page
    assert "Fenella Farr" not in page
    assert "far-away-worker" not in admin_client.get("/admin/accounts/user/").content.decode()


def test_setting_a_users_password_is_audited_without_the_password(admin_client, client, roles):
    url = f"/admin/accounts/user/{roles.practitioner.pk}/password/"
    data = form_data(admin_client.get(url).content.decode())
    data |= {"password1": "a-fresh-password-42", "password2": "a-fresh-password-42"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="password_set")
    assert (event.actor, event.object_id) == (roles.admin, str(roles.practitioner.pk))
    assert "a-fresh-password-42" not in str(event.changes)
    assert client.login(username="practitioner", password="a-fresh-password-42")


def test_giving_a_manager_the_organisation_wide_role_opens_the_organisation_report(
    admin_client, roles
):
    organisation = roles.team.organisation
    report = f"/reports/organisations/{organisation.pk}/"
    manager = Client()
    manager.force_login(roles.manager)
    assert manager.get(report).status_code == 404
    url = f"/admin/accounts/user/{roles.manager.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "Organisation-wide roles" in page
    data = form_data(page) | {
        "organisation_roles-0-organisation": str(organisation.pk),
        "organisation_roles-0-role": OrganisationRole.Kind.MANAGER,
        "organisation_roles-TOTAL_FORMS": "1",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    granted = OrganisationRole.objects.get(user=roles.manager, organisation=organisation)
    event = AuditEvent.objects.get(
        object_type="accounts.organisationrole", object_id=str(granted.pk)
    )
    assert (event.action, event.actor) == ("create", roles.admin)
    assert manager.get(report).status_code == 200


def test_only_the_admins_own_organisations_are_offered_for_a_wide_role(admin_client, roles):
    elsewhere = OrganisationFactory(name="Elsewhere Partnership")
    page = admin_client.get(f"/admin/accounts/user/{roles.manager.pk}/change/").content.decode()
    template = page[page.index('id="organisation_roles-empty"') :]
    assert roles.team.organisation.name in template
    assert elsewhere.name not in page
