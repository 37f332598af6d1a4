"""Who may see a team's dashboard: the team's managers, and nobody else."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import managed_team, managed_teams
from common.ids import UnreadableId
from tests.factories import UserFactory


def test_a_manager_gets_their_team_and_its_organisation_in_one_query(roles):
    with CaptureQueriesContext(connection) as queries:
        team = managed_team(roles.manager, roles.team.pk)
        assert (team.pk, team.name, team.description) == (
            roles.team.pk,
            "Hillside Team",
            roles.team.description,
        )
        assert team.organisation.name == "Test Partnership"
    assert len(queries) == 1
    assert team == managed_teams(roles.manager).get()


def test_nobody_else_gets_the_team(roles):
    elsewhere = UserFactory(username="other-manager")
    elsewhere.memberships.create(team=roles.other_team, role="manager")
    assert managed_team(roles.practitioner, roles.team.pk) is None  # practitioner of it
    assert managed_team(roles.admin, roles.team.pk) is None  # admin of it
    assert managed_team(elsewhere, roles.team.pk) is None  # manages another
    assert managed_team(elsewhere, roles.other_team.pk) == roles.other_team
    assert managed_team(AnonymousUser(), roles.team.pk) is None
    roles.manager.is_active = False
    assert managed_team(roles.manager, roles.team.pk) is None


def test_an_impossible_team_id_is_no_team(roles):
    for team_id in (0, -1, 2**63, UnreadableId("9" * 5000), "x"):
        assert managed_team(roles.manager, team_id) is None
