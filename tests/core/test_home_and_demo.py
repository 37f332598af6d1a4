import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import Membership, Organisation, Role, Team, User
from demo.people import DEMO_PASSWORD
from records.models import Person
from tests.factories import CaseloadEntryFactory, MembershipFactory, TeamFactory


def test_home_lists_the_users_teams_with_role_and_caseload_size(client, roles):
    CaseloadEntryFactory.create_batch(3, team=roles.team)
    CaseloadEntryFactory(team=roles.other_team)
    client.force_login(roles.practitioner)
    html = client.get("/").content.decode()
    assert "Hillside Team" in html
    assert "Shoreline Team" not in html
    assert "Your role: Practitioner." in html
    assert "3 people on the caseload" in html


def test_home_explains_what_to_do_when_the_user_has_no_team(client, db):
    user = User.objects.create_user("newcomer", password="x" * 20)
    client.force_login(user)
    assert "You are not in a team yet" in client.get("/").content.decode()


def test_home_query_count_does_not_grow_with_teams(client, roles, django_assert_num_queries):
    client.force_login(roles.practitioner)
    with django_assert_num_queries(9):
        client.get("/")
    for _ in range(6):
        team = TeamFactory(organisation=roles.team.organisation)
        MembershipFactory(user=roles.practitioner, team=team)
        CaseloadEntryFactory.create_batch(2, team=team)
    with django_assert_num_queries(9):
        response = client.get("/")
    assert response.content.decode().count('class="card mb-3"') == 7


@override_settings(DEBUG=False)
def test_demo_data_refuses_to_run_without_debug(db):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_data")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_demo_data_creates_exactly_the_documented_logins(db, client):
    call_command("demo_data")
    assert set(User.objects.values_list("username", flat=True)) == {
        "demo-practitioner",
        "demo-practitioner-2",
        "demo-manager",
        "demo-admin",
    }
    for username in User.objects.values_list("username", flat=True):
        assert client.login(username=username, password=DEMO_PASSWORD)
    first, second = Team.objects.order_by("name")
    roles = {
        (m.user.username, m.team_id, m.role) for m in Membership.objects.select_related("user")
    }
    assert roles == {
        ("demo-practitioner", first.pk, Role.PRACTITIONER),
        ("demo-practitioner-2", second.pk, Role.PRACTITIONER),
        ("demo-manager", first.pk, Role.MANAGER),
        ("demo-manager", second.pk, Role.MANAGER),
        ("demo-admin", first.pk, Role.ADMIN),
    }


@override_settings(DEBUG=True)
def test_demo_data_run_twice_creates_no_duplicates(db):
    call_command("demo_data")
    counts = [m.objects.count() for m in (Organisation, Team, User, Membership, Person)]
    call_command("demo_data")
    assert [m.objects.count() for m in (Organisation, Team, User, Membership, Person)] == counts
    assert counts[0:2] == [1, 2]


@override_settings(DEBUG=True)
def test_demo_practitioner_sees_their_team_after_signing_in(db, client):
    call_command("demo_data")
    client.post("/login/", {"username": "demo-practitioner", "password": DEMO_PASSWORD})
    html = client.get("/").content.decode()
    assert "North Locality Team" in html
    assert "Riverside Community Team" not in html
    assert "Demo Health and Social Care Partnership" in html
