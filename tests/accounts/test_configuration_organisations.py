"""The configuration site keeps each organisation's users, teams and roles to its own admins.

A user works for one organisation: only its admins see or change the account,
and the user holds roles only in its teams. An admin never opens people's
records to themselves.
"""

import pytest
from django.utils.html import escape

from accounts.models import Membership, OrganisationRole, Role, User
from audit.models import AuditEvent
from tests.accounts.admin_forms import form_data
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    TeamFactory,
    UserFactory,
)
from themes.models import Theme


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles.admin)
    return client


@pytest.fixture
def elsewhere(db):
    """Another organisation: a team, a practitioner in it, and a commissioner with no team."""
    organisation = OrganisationFactory(name="Farshore Partnership")
    team = TeamFactory(organisation=organisation, name="Farshore Team")
    MembershipFactory(
        team=team, user=UserFactory(username="far-practitioner", first_name="Fenella")
    )
    commissioner = UserFactory(username="far-commissioner", first_name="Cormac")
    OrganisationRoleFactory(user=commissioner, organisation=organisation)
    Theme.objects.create(organisation=organisation, name="Farshore ferries")
    return organisation


def test_another_organisations_wide_manager_cannot_have_their_password_set(
    admin_client, client, roles, elsewhere
):
    commissioner = User.objects.get(username="far-commissioner")
    url = f"/admin/accounts/user/{commissioner.pk}/password/"

    assert admin_client.get(url).status_code == 404
    response = admin_client.post(
        url, {"password1": "taken-over-now-42", "password2": "taken-over-now-42"}
    )

    assert response.status_code == 404
    assert not client.login(username="far-commissioner", password="taken-over-now-42")
    assert AuditEvent.objects.filter(
        actor=roles.admin, action="access_denied", object_id=str(commissioner.pk)
    ).exists()


@pytest.mark.parametrize("page", ["change", "history"])
def test_another_organisations_users_pages_are_not_found(admin_client, elsewhere, page):
    commissioner = User.objects.get(username="far-commissioner")
    response = admin_client.get(f"/admin/accounts/user/{commissioner.pk}/{page}/")
    assert response.status_code == 404


def test_the_user_list_shows_only_the_admins_organisations_users(admin_client, roles, elsewhere):
    UserFactory(username="nowhere-newcomer")  # belongs to no organisation: shown to nobody
    listing = admin_client.get("/admin/accounts/user/").content.decode()
    assert "practitioner" in listing
    for username in ("far-commissioner", "far-practitioner", "nowhere-newcomer"):
        assert username not in listing


def test_another_organisations_user_cannot_be_deactivated_from_the_list(admin_client, elsewhere):
    commissioner = User.objects.get(username="far-commissioner")
    admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [str(commissioner.pk)]},
    )
    commissioner.refresh_from_db()
    assert commissioner.is_active


def test_a_new_user_must_belong_to_one_of_the_admins_organisations(admin_client, roles, elsewhere):
    page = admin_client.get("/admin/accounts/user/add/").content.decode()
    own = roles.team.organisation
    # The admin's one organisation is already chosen; no other is offered.
    assert f'<option value="{own.pk}" selected>{own.name}</option>' in page
    assert "Farshore" not in page

    data = {
        "username": "nadia",
        "usable_password": "false",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "organisation_roles-TOTAL_FORMS": "0",
        "organisation_roles-INITIAL_FORMS": "0",
    }
    for organisation in ("", str(elsewhere.pk)):
        response = admin_client.post(
            "/admin/accounts/user/add/", data | {"organisation": organisation}
        )
        assert response.status_code == 200
        assert not User.objects.filter(username="nadia").exists()
    response = admin_client.post("/admin/accounts/user/add/", data | {"organisation": str(own.pk)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="nadia").organisation == own


@pytest.fixture
def admin_of_two(roles, elsewhere):
    """The admin also administers the other organisation: both are offered to them."""
    MembershipFactory(
        user=roles.admin, team=elsewhere.teams.get(name="Farshore Team"), role=Role.ADMIN
    )
    return roles.admin


def test_a_user_is_refused_a_role_in_another_organisations_team(
    admin_client, roles, elsewhere, admin_of_two
):
    url = f"/admin/accounts/user/{roles.practitioner.pk}/change/"
    far_team = elsewhere.teams.get()
    data = form_data(admin_client.get(url).content.decode()) | {
        "memberships-TOTAL_FORMS": "2",
        "memberships-1-team": str(far_team.pk),
        "memberships-1-role": Role.PRACTITIONER,
        "memberships-1-user": str(roles.practitioner.pk),
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert (
        escape(
            f"{roles.practitioner} works for Test Partnership: a user holds roles only in their "
            "own organisation's teams."
        )
        in response.content.decode()
    )
    assert not Membership.objects.filter(user=roles.practitioner, team=far_team).exists()


def test_a_users_page_offers_only_their_own_organisations_teams(
    admin_client, roles, elsewhere, admin_of_two
):
    page = admin_client.get(f"/admin/accounts/user/{roles.practitioner.pk}/change/")
    template = page.content.decode()
    assert "Shoreline Team" in template
    assert "Farshore Team" not in template


def test_a_team_is_refused_a_member_from_another_organisation(
    admin_client, roles, elsewhere, admin_of_two
):
    url = f"/admin/accounts/team/{roles.team.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "far-practitioner" not in page and "Fenella" not in page
    far_practitioner = User.objects.get(username="far-practitioner")
    data = form_data(page)
    n = int(data["memberships-TOTAL_FORMS"])
    data |= {
        "memberships-TOTAL_FORMS": str(n),
        f"memberships-{n - 1}-user": str(far_practitioner.pk),
        f"memberships-{n - 1}-role": Role.PRACTITIONER,
        f"memberships-{n - 1}-team": str(roles.team.pk),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Only people who work for Test Partnership can be members" in response.content.decode()
    assert not Membership.objects.filter(user=far_practitioner, team=roles.team).exists()


def test_an_organisation_wide_role_is_only_in_the_users_own_organisation(
    admin_client, roles, elsewhere, admin_of_two
):
    url = f"/admin/accounts/user/{roles.manager.pk}/change/"
    page = admin_client.get(url).content.decode()
    template = page[page.index('id="organisation_roles-empty"') :]
    assert "Test Partnership" in template and "Farshore" not in template
    data = form_data(page) | {
        "organisation_roles-TOTAL_FORMS": "1",
        "organisation_roles-0-organisation": str(elsewhere.pk),
        "organisation_roles-0-role": OrganisationRole.Kind.MANAGER,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not OrganisationRole.objects.filter(user=roles.manager).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/team/",
        "/admin/accounts/user/",
        "/admin/themes/theme/",
    ],
)
def test_list_filters_name_only_the_admins_organisations(admin_client, roles, elsewhere, url):
    page = admin_client.get(url).content.decode()
    assert "Farshore" not in page
    filtered = admin_client.get(f"{url}?organisation={roles.team.organisation_id}")
    assert filtered.status_code == 200
    assert "Farshore" not in filtered.content.decode()


def test_the_user_list_filters_by_the_admins_teams(admin_client, roles, elsewhere):
    page = admin_client.get("/admin/accounts/user/").content.decode()
    assert "Shoreline Team" in page
    filtered = admin_client.get(f"/admin/accounts/user/?team={roles.other_team.pk}")
    listing = filtered.content.decode()
    assert "other-practitioner" in listing
    assert "colleague" not in listing


# Self-granted access to records.


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER])
def test_an_admin_cannot_join_a_team_to_read_its_records(admin_client, roles, role):
    url = f"/admin/accounts/team/{roles.other_team.pk}/change/"
    data = form_data(admin_client.get(url).content.decode())
    n = int(data["memberships-TOTAL_FORMS"])
    data |= {
        f"memberships-{n - 1}-user": str(roles.admin.pk),
        f"memberships-{n - 1}-role": role,
        f"memberships-{n - 1}-team": str(roles.other_team.pk),
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "another admin of the organisation must do it" in response.content.decode()
    assert not Membership.objects.filter(user=roles.admin, team=roles.other_team).exists()


def test_an_admin_cannot_turn_their_own_admin_role_into_a_practitioners(admin_client, roles):
    url = f"/admin/accounts/user/{roles.admin.pk}/change/"
    data = form_data(admin_client.get(url).content.decode())
    own = next(k for k, v in data.items() if k.endswith("-team") and v == str(roles.team.pk))
    data[own.replace("-team", "-role")] = Role.PRACTITIONER

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "another admin of the organisation must do it" in response.content.decode()
    assert Membership.objects.get(user=roles.admin, team=roles.team).role == Role.ADMIN


def test_another_admin_may_give_an_admin_a_practitioners_role_and_it_is_audited(client, roles):
    second_admin = UserFactory(username="second-admin")
    MembershipFactory(user=second_admin, team=roles.other_team, role=Role.ADMIN)
    client.force_login(second_admin)
    url = f"/admin/accounts/team/{roles.other_team.pk}/change/"
    data = form_data(client.get(url).content.decode())
    n = int(data["memberships-TOTAL_FORMS"])
    data |= {
        f"memberships-{n - 1}-user": str(roles.admin.pk),
        f"memberships-{n - 1}-role": Role.PRACTITIONER,
        f"memberships-{n - 1}-team": str(roles.other_team.pk),
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    granted = Membership.objects.get(user=roles.admin, team=roles.other_team)
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=str(granted.pk))
    assert (event.action, event.actor) == ("create", second_admin)


def test_the_data_check_names_users_who_belong_to_no_organisation(roles):
    from django.core import checks

    UserFactory(username="nowhere-newcomer")
    warnings = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    assert [w.id for w in warnings] == ["accounts.W001"]
    assert "nowhere-newcomer" in warnings[0].msg
