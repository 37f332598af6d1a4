from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from .selectors import roles_for_user


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
