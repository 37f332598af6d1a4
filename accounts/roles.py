"""Who may do what: every rule about roles, in one place.

A practitioner records for the people on their teams' caseloads; a manager
reads those records and sees their teams' dashboards; an organisation-wide
manager sees the organisation report; an admin configures the system and sees
the organisation report, and no person's record through that role alone.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet

from common.ids import possible_id

from .models import Membership, Organisation, OrganisationRole, Role, Team

# Team roles that may change a person's record, and that may read it.
EDIT_ROLES = (Role.PRACTITIONER,)
VIEW_ROLES = (Role.PRACTITIONER, Role.MANAGER)
# Not a team role: held through OrganisationRole, for the whole organisation.
ORGANISATION_MANAGER = "organisation_manager"


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def roles_for_user(user) -> frozenset[str]:
    """Every role the user holds in any team, plus ``organisation_manager`` for an
    organisation-wide manager, in one query (empty for anonymous or inactive users).

    Every page asks this for its navigation, so it is one short SQL statement:
    the ORM took three times as long to build its union as the database took
    to answer it.
    """
    if not _active(user):
        return frozenset()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT role FROM {Membership._meta.db_table} WHERE user_id = %s "  # noqa: S608
            f"UNION SELECT %s FROM {OrganisationRole._meta.db_table} WHERE user_id = %s",
            [user.pk, ORGANISATION_MANAGER, user.pk],
        )
        return frozenset(role for (role,) in cursor.fetchall())


def role_required(*roles: str) -> Callable:
    """Refuse (403) a signed-in user who holds none of ``roles`` in any team."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not roles_for_user(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_admin(user) -> bool:
    return Role.ADMIN in roles_for_user(user)


def navigation_for(user) -> dict[str, bool]:
    """What the navigation may offer the user."""
    roles = roles_for_user(user)
    return {
        "is_practitioner": Role.PRACTITIONER in roles,
        "is_manager": Role.MANAGER in roles,
        "is_admin": Role.ADMIN in roles,
        "sees_reports": bool(roles & {Role.MANAGER, Role.ADMIN, ORGANISATION_MANAGER}),
    }


def teams_for_user(user, *, roles: Iterable[str] = VIEW_ROLES) -> QuerySet[Team]:
    """Teams in which the user holds one of ``roles``."""
    if not _active(user):
        return Team.objects.none()
    return Team.objects.filter(
        memberships__user=user, memberships__role__in=list(roles)
    ).select_related("organisation")


def managed_teams(user) -> QuerySet[Team]:
    """Teams whose dashboards the user may see: those they manage."""
    return teams_for_user(user, roles=(Role.MANAGER,))


def _columns(model, alias: str) -> tuple[list[str], str]:
    names = [f.attname for f in model._meta.concrete_fields]
    return names, ", ".join(f"{alias}.{f.column}" for f in model._meta.concrete_fields)


_TEAM_FIELDS, _TEAM_COLUMNS = _columns(Team, "t")
_ORGANISATION_FIELDS, _ORGANISATION_COLUMNS = _columns(Organisation, "o")
# The team and its organisation, if the user holds the role in it: one short
# statement, asked on every dashboard request, which the ORM took longer to build
# than the database took to answer.
TEAM_WITH_ROLE_SQL = f"""
    SELECT {_TEAM_COLUMNS}, {_ORGANISATION_COLUMNS}
    FROM {Team._meta.db_table} t
    JOIN {Organisation._meta.db_table} o ON o.id = t.organisation_id
    WHERE t.id = %s AND EXISTS (
        SELECT 1 FROM {Membership._meta.db_table} m
        WHERE m.team_id = t.id AND m.user_id = %s AND m.role = %s
    )
"""  # noqa: S608  (table and column names only; every value is a parameter)


def managed_team(user, team_id: object) -> Team | None:
    """The team (its organisation with it) if the user manages it, else None: the
    same as ``managed_teams(user).filter(pk=team_id).first()``, in one statement."""
    if not _active(user) or not possible_id(team_id):
        return None
    with connection.cursor() as cursor:
        cursor.execute(TEAM_WITH_ROLE_SQL, [int(str(team_id)), user.pk, Role.MANAGER])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_TEAM_FIELDS)
    team = Team.from_db(connection.alias, _TEAM_FIELDS, row[:split])
    team.organisation = Organisation.from_db(connection.alias, _ORGANISATION_FIELDS, row[split:])
    return team


def report_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose organisation-wide report the user may see.

    Admins of any team in the organisation, and managers given the
    organisation-wide role.
    """
    if not _active(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(teams__memberships__user=user, teams__memberships__role=Role.ADMIN)
        | Q(wide_roles__user=user)
    ).distinct()


def organisations_administered_by(user) -> QuerySet[Organisation]:
    """Organisations in which the user is an admin of at least one team."""
    if not _active(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        teams__memberships__user=user, teams__memberships__role=Role.ADMIN
    ).distinct()


SELF_GRANT_REFUSED = (
    "You cannot give yourself, or change, a role that opens people's records: "
    "another admin of the organisation must do it."
)


def may_set_membership(by, user, *, role: str, previous_role: str | None = None) -> bool:
    """Whether ``by`` may give ``user`` this team role (changing ``previous_role``).

    Nobody opens records to themselves: an admin's own practitioner or manager
    role is given or changed by another admin of the organisation, so the
    change always has a second person behind it. Ending one's own role is fine.
    """
    if by.pk != user.pk:
        return True
    return role not in VIEW_ROLES and previous_role not in VIEW_ROLES


# Roles that see many people's records or configure the system: a stolen
# password alone must not be enough for them.
MFA_ROLES = frozenset({Role.ADMIN, Role.MANAGER, ORGANISATION_MANAGER})


def mfa_required(user) -> bool:
    """Whether ``user`` must use a second sign-in step (a code from an app).

    Admins, managers and organisation-wide managers always; practitioners when
    their organisation, or the organisation of any of their teams, asks for it.
    """
    roles = roles_for_user(user)
    if roles & MFA_ROLES:
        return True
    if Role.PRACTITIONER not in roles:
        return False
    return Organisation.objects.filter(
        Q(pk=user.organisation_id) | Q(teams__memberships__user=user),
        practitioners_need_mfa=True,
    ).exists()
