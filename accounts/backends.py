"""How a username and password are checked at sign-in."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class SignInBackend(ModelBackend):
    """Django's own check, refusing demo accounts outside development.

    The demo password is published, so a demo account on a real server would be
    an open door. It is refused exactly as a wrong password is: the same message,
    and a failed sign-in in the audit trail.
    """

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)
