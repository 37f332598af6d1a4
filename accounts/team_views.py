"""A team's members page: who can open the team's records, and who gave them that role.

Read-only, for the team's own practitioners and managers, so that a role given
to anyone (an admin included) is seen by the people who work in the team.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .team_selectors import team_for_member, team_members, team_membership_changes

CHANGES_DAYS = 90


def team_members_page(request: HttpRequest, team_id: int) -> HttpResponse:
    team = team_for_member(request.user, team_id)
    return render(
        request,
        "accounts/team_members.html",
        {
            "team": team,
            "members": team_members(team),
            "changes": team_membership_changes(team, days=CHANGES_DAYS),
            "days": CHANGES_DAYS,
        },
    )
