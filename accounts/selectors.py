"""Reads about who a user is and where they work."""

from django.db.models import QuerySet

from .models import CASELOAD_ROLES, Membership, Role, Team


def memberships_for_user(user) -> QuerySet[Membership]:
    """The user's team memberships with team and organisation loaded, for display."""
    return (
        Membership.objects.filter(user=user, user__is_active=True)
        .select_related("team__organisation")
        .order_by("team__organisation__name", "team__name")
    )


def roles_for_user(user) -> frozenset[str]:
    """Every role the user holds in any team (empty for anonymous or inactive users)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())


def caseload_teams_for_user(user) -> QuerySet[Team]:
    """Teams whose caseloads the user works with (as practitioner or manager)."""
    return Team.objects.filter(
        memberships__user=user,
        memberships__user__is_active=True,
        memberships__role__in=CASELOAD_ROLES,
    ).distinct()


def is_admin(user) -> bool:
    return Role.ADMIN in roles_for_user(user)
