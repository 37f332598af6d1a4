"""A team's members page: its practitioners and managers see who can open its records."""

import datetime
import re
from unittest import mock

import pytest
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Membership, Role
from audit.models import AuditEvent
from tests.accounts.admin_forms import form_data
from tests.factories import MembershipFactory, UserFactory


def members_url(team) -> str:
    return f"/teams/{team.pk}/members/"


def give_role(client, team, user, role) -> None:
    """An admin gives ``user`` a role in ``team`` on the configuration site."""
    url = f"/admin/accounts/team/{team.pk}/change/"
    data = form_data(client.get(url).content.decode())
    n = int(data["memberships-TOTAL_FORMS"])
    data |= {
        f"memberships-{n - 1}-user": str(user.pk),
        f"memberships-{n - 1}-role": role,
        f"memberships-{n - 1}-team": str(team.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S
    )


@pytest.fixture
def second_admin(roles):
    user = UserFactory(username="second-admin", first_name="Sorcha", last_name="Baird")
    MembershipFactory(user=user, team=roles.other_team, role=Role.ADMIN)
    return user


def test_the_team_sees_an_admin_another_admin_added_and_who_added_them(client, roles, second_admin):
    client.force_login(second_admin)
    give_role(client, roles.other_team, roles.admin, Role.PRACTITIONER)

    client.force_login(roles.other_practitioner)
    response = client.get(members_url(roles.other_team))

    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f"<td>{escape(roles.admin)}</td>") :].split("</tr>")[0]
    assert "Practitioner" in row
    assert timezone.localdate().strftime("%-d %b %Y") in row
    assert "Sorcha Baird" in row
    changes = page[page.index("Changes in the last 90 days") :]
    assert f"{escape(roles.admin)}, given the practitioner role, by Sorcha Baird." in changes


def test_members_added_outside_the_configuration_site_say_not_recorded(client, roles):
    client.force_login(roles.practitioner)
    page = client.get(members_url(roles.team)).content.decode()
    for user in (roles.practitioner, roles.colleague, roles.manager, roles.admin):
        assert f"<td>{escape(user)}</td>" in page
    assert "Not recorded" in page
    assert "No one has joined or left" in page


def test_roles_changed_and_ended_in_the_last_90_days_are_listed(client, roles, second_admin):
    client.force_login(second_admin)
    give_role(client, roles.other_team, roles.colleague, Role.PRACTITIONER)
    membership = Membership.objects.get(user=roles.colleague, team=roles.other_team)
    url = f"/admin/accounts/user/{roles.colleague.pk}/change/"
    data = form_data(client.get(url).content.decode())
    row = next(k for k, v in data.items() if k.endswith("-id") and v == str(membership.pk))
    data[row.replace("-id", "-role")] = Role.MANAGER
    assert client.post(url, data).status_code == 302
    data = form_data(client.get(url).content.decode())
    data[row.replace("-id", "-DELETE")] = "on"
    assert client.post(url, data).status_code == 302
    # The trail cannot be rewritten, so the clock moves on instead: 90 days after
    # these changes, they are off the list.
    given = AuditEvent.objects.get(object_type="accounts.membership", action="create")

    client.force_login(roles.other_practitioner)
    page = client.get(members_url(roles.other_team)).content.decode()

    assert f"<td>{escape(roles.colleague)}</td>" not in page
    changes = page[page.index("Changes in the last 90 days") :]
    assert f"{roles.colleague}, manager role ended, by Sorcha Baird." in changes
    assert f"{roles.colleague}, role changed from practitioner to manager" in changes
    assert f"{roles.colleague}, given the practitioner role" in changes

    later = given.occurred_at + datetime.timedelta(days=90, minutes=1)
    with mock.patch("accounts.team_selectors.timezone") as clock:
        clock.now.return_value = later
        page = client.get(members_url(roles.other_team)).content.decode()
    assert "given the practitioner role" not in page
    assert "No one has joined or left, and no role has changed." in page


@pytest.mark.parametrize("who", ["admin", "other_practitioner"])
def test_anyone_not_practising_or_managing_in_the_team_gets_an_audited_404(client, roles, who):
    user = getattr(roles, who)
    client.force_login(user)
    response = client.get(members_url(roles.team))
    assert response.status_code == 404
    refusal = AuditEvent.objects.get(actor=user, action="access_denied")
    assert (refusal.object_type, refusal.object_id) == ("accounts.team", str(roles.team.pk))


def test_the_home_page_links_each_teams_members_for_practitioners_not_admins(client, roles):
    link = f'href="{members_url(roles.team)}"'
    client.force_login(roles.practitioner)
    assert link in client.get("/").content.decode()
    client.force_login(roles.admin)
    assert link not in client.get("/").content.decode()


def test_the_members_page_does_not_grow_in_queries_with_the_team(
    client, roles, second_admin, django_assert_num_queries
):
    def grow(size: int) -> None:
        client.force_login(second_admin)
        for _ in range(size):
            give_role(
                client,
                roles.team,
                UserFactory(organisation=roles.team.organisation),
                "practitioner",
            )

    grow(1)
    client.force_login(roles.manager)
    with django_assert_num_queries(9):
        client.get(members_url(roles.team))
    grow(5)
    client.force_login(roles.manager)
    with django_assert_num_queries(9):
        response = client.get(members_url(roles.team))
    assert response.content.decode().count("given the practitioner role") == 6
