from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Role
from .selectors import ORGANISATION_MANAGER, roles_for_user


def navigation(request: HttpRequest) -> dict:
    """What the navigation may offer this user, worked out once per page."""

    def _nav() -> dict[str, bool]:
        roles = roles_for_user(request.user)
        return {
            "is_practitioner": Role.PRACTITIONER in roles,
            "is_manager": Role.MANAGER in roles,
            "is_admin": Role.ADMIN in roles,
            "sees_reports": bool(roles & {Role.MANAGER, Role.ADMIN, ORGANISATION_MANAGER}),
        }

    return {"nav": SimpleLazyObject(_nav)}
