from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .roles import navigation_for


def navigation(request: HttpRequest) -> dict:
    """What the navigation may offer this user, worked out once per page."""
    return {"nav": SimpleLazyObject(lambda: navigation_for(request.user))}
