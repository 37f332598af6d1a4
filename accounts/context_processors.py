from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .roles import navigation_for


def navigation(request: HttpRequest) -> dict:
    """What the navigation may offer this user, worked out once per page."""
    return {
        "nav": SimpleLazyObject(lambda: navigation_for(request.user)),
        # For static/js/idle.js, which warns before an idle session ends.
        "idle_seconds": int(settings.SESSION_IDLE_MINUTES * 60),
    }
