"""Reads about who a user is and where they work."""

from django.db import connection
from django.db.models import QuerySet

from .models import CASELOAD_ROLES, Membership, Organisation, OrganisationRole, Role, Team


def memberships_for_user(user) -> QuerySet[Membership]:
    """The user's team memberships with team and organisation loaded, for display."""
    return (
        Membership.objects.filter(user=user, user__is_active=True)
        .select_related("team__organisation")
        .order_by("team__organisation__name", "team__name")
    )


ORGANISATION_MANAGER = "organisation_manager"


def roles_for_user(user) -> frozenset[str]:
    """Every role the user holds in any team, plus ``organisation_manager`` for an
    organisation-wide manager, in one query (empty for anonymous or inactive users).

    Every page asks this for its navigation, so it is one short SQL statement:
    the ORM took three times as long to build its union as the database took
    to answer it.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT role FROM {Membership._meta.db_table} WHERE user_id = %s "  # noqa: S608
            f"UNION SELECT %s FROM {OrganisationRole._meta.db_table} WHERE user_id = %s",
            [user.pk, ORGANISATION_MANAGER, user.pk],
        )
        return frozenset(role for (role,) in cursor.fetchall())


def caseload_teams_for_user(user) -> QuerySet[Team]:
    """Teams whose caseloads the user works with (as practitioner or manager)."""
    return Team.objects.filter(
        memberships__user=user,
        memberships__user__is_active=True,
        memberships__role__in=CASELOAD_ROLES,
    ).distinct()


def is_admin(user) -> bool:
    return Role.ADMIN in roles_for_user(user)


def organisations_administered_by(user) -> QuerySet[Organisation]:
    """Organisations in which the user is an admin of at least one team."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        teams__memberships__user=user, teams__memberships__role=Role.ADMIN
    ).distinct()
