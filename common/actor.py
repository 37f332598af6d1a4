"""Who a service acts for: the signed-in user, and where the request came from.

Built once for each request (``audit.middleware``), so services never see the
request itself; commands and demo data act as ``Actor.system()``.
"""

import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# The path is the client's to choose: kept short, and without the NUL character
# (%00 in a URL) that PostgreSQL cannot store, so it never fails a write.
PATH_LENGTH = 500


@dataclass(frozen=True)
class Actor:
    user: Any  # a signed-in user, or None for the system itself
    ip_address: str | None = None
    path: str = ""

    @classmethod
    def from_request(cls, request) -> "Actor":
        ip_address = client_address(request)
        user = getattr(request, "user", None)
        path = request.path[:PATH_LENGTH].replace("\x00", "\ufffd")
        return cls(user=user, ip_address=ip_address, path=path)

    @classmethod
    def system(cls) -> "Actor":
        return cls(user=None)

    @property
    def signed_in_user(self):
        """The user, or None when nobody is signed in (the system, or a signed-out visitor)."""
        if self.user is None or not self.user.is_authenticated:
            return None
        return self.user


def client_address(request) -> str | None:
    """The address the request came from, normalised, or None if it is not one.

    REMOTE_ADDR, unless the site runs behind a TLS proxy (``BEHIND_TLS_PROXY``):
    then the last address in X-Forwarded-For, the one the proxy itself added
    (any before it are the client's to invent). The audit trail and sign-in
    lockout both use this, so they always name the same address.
    """
    raw = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            raw = forwarded.split(",")[-1]
    try:
        # Normalised, so the value kept is the value the database hands back.
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None
