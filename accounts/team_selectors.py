"""Reads for a team's members page: who is in the team, and who gave them their role.

Kept apart from ``selectors`` with ``team_views`` and ``team_urls``.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from audit.models import AuditEvent
from common.errors import Refused
from common.ids import possible_id

from .models import Membership, Role, Team, User
from .roles import teams_for_user


@dataclass(frozen=True)
class TeamMember:
    membership: Membership
    added_by: object  # the user who gave the role, or None where the trail does not say


@dataclass(frozen=True)
class MembershipChange:
    event: AuditEvent
    member: object  # the user whose role changed, or None if the account is gone
    what: str


MEMBERSHIP = "accounts.membership"


def team_for_member(user, team_id: int) -> Team:
    """The team, if ``user`` is one of its practitioners or managers; else a refusal (404)."""
    team = teams_for_user(user).filter(pk=team_id).first() if possible_id(team_id) else None
    if team is None:
        raise Refused("accounts.team", team_id)
    return team


def team_members(team: Team) -> list[TeamMember]:
    """The team's members with their roles, and who gave each role (from the audit trail).

    Two queries, whatever the team's size.
    """
    memberships = list(
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__username")
    )
    adders = {
        event.object_id: event.actor
        for event in AuditEvent.objects.filter(
            object_type=MEMBERSHIP,
            action="create",
            object_id__in=[str(m.pk) for m in memberships],
        )
        .select_related("actor")
        .order_by("occurred_at", "id")
    }
    return [TeamMember(membership=m, added_by=adders.get(str(m.pk))) for m in memberships]


def team_membership_changes(team: Team, *, days: int = 90) -> list[MembershipChange]:
    """Roles given, changed and ended in the team in the last ``days`` days, newest first.

    Found in the audit trail by the team (a role given or ended names it) or by
    the membership (a role changed names only the role). Three queries.
    """
    since = timezone.now() - datetime.timedelta(days=days)
    membership_events = AuditEvent.objects.filter(object_type=MEMBERSHIP)
    # A role given or ended names the team; a role changed names only its membership.
    of_the_team = membership_events.filter(
        Q(changes__team_id__0=team.pk) | Q(changes__team_id__1=team.pk)
    ).values("object_id")
    current = Membership.objects.filter(team=team).values_list(Cast("pk", CharField()))
    events = list(
        membership_events.filter(occurred_at__gte=since)
        .filter(Q(object_id__in=of_the_team) | Q(object_id__in=current))
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
    # Only a role given or ended names the user; a role changed is matched to
    # them by its membership, current or ended later (so within the window).
    member_of = dict(Membership.objects.filter(team=team).values_list("pk", "user_id"))
    member_of = {str(pk): user_id for pk, user_id in member_of.items()}
    for event in events:
        before, after = event.changes.get("user_id", [None, None])
        if after or before:
            member_of[event.object_id] = after or before
    users = User.objects.in_bulk(
        {member_of[e.object_id] for e in events if e.object_id in member_of}
    )
    return [
        MembershipChange(
            event=event,
            member=users.get(member_of.get(event.object_id)),
            what=_membership_change(event),
        )
        for event in events
    ]


def _role_name(value) -> str:
    return Role(value).label.lower() if value in Role.values else "no role"


def _membership_change(event: AuditEvent) -> str:
    before, after = event.changes.get("role", [None, None])
    if event.action == "create":
        return f"given the {_role_name(after)} role"
    if event.action == "delete":
        return f"{_role_name(before)} role ended"
    if "role" in event.changes:
        return f"role changed from {_role_name(before)} to {_role_name(after)}"
    return "role changed"
