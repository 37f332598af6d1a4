"""How many failed sign-ins lock an account, and how many lock an address.

A whole office often reaches the app from one address. Locking that address
after as few failures as lock one account would let five mistyped passwords,
by five different people, keep everyone in the office out; so an address has
a limit of its own, higher than an account's (``SIGN_IN_FAILURES_ALLOWED``
and ``SIGN_IN_FAILURES_ALLOWED_PER_ADDRESS``). Guessing many accounts' passwords
from one address is still stopped, just later.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler with a separate limit for an address.

    Axes compares one number with one limit (``AXES_FAILURE_LIMIT``, an
    account's); an address's failures are scaled so that they reach it at the
    address's own limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _failures(recent.filter(username=username)) if username else 0
        by_address = _failures(recent.filter(ip_address=request.axes_ip_address))
        per_address = max(settings.SIGN_IN_FAILURES_ALLOWED_PER_ADDRESS, 1)
        return max(by_account, by_address * settings.AXES_FAILURE_LIMIT // per_address)
