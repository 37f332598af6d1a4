"""Who a service acts for: the signed-in user, and where the request came from.

Built once for each request (``audit.middleware``), so services never see the
request itself; commands and demo data act as ``Actor.system()``.
"""

import ipaddress
from dataclasses import dataclass
from typing import Any

# The path is the client's to choose: kept short so it never fails a write.
PATH_LENGTH = 500


@dataclass(frozen=True)
class Actor:
    user: Any  # a signed-in user, or None for the system itself
    ip_address: str | None = None
    path: str = ""

    @classmethod
    def from_request(cls, request) -> "Actor":
        try:
            # Normalised, so the value kept is the value the database hands back.
            ip_address = str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
        except ValueError:
            ip_address = None
        user = getattr(request, "user", None)
        return cls(user=user, ip_address=ip_address, path=request.path[:PATH_LENGTH])

    @classmethod
    def system(cls) -> "Actor":
        return cls(user=None)

    @property
    def signed_in_user(self):
        """The user, or None when nobody is signed in (the system, or a signed-out visitor)."""
        if self.user is None or not self.user.is_authenticated:
            return None
        return self.user
