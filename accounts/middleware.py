"""What every signed-in request passes through: the idle timeout and the second step."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .roles import mfa_required
from .selectors import has_code_app

LAST_ACTIVITY_KEY = "accounts_last_activity"
SECOND_STEP_KEY = "accounts_second_step"
CODE, ENROL = "code", "enrol"
# The last-activity time is saved at most this often, so most requests write no session.
REFRESH_SECONDS = 60


def idle_seconds() -> float:
    return settings.SESSION_IDLE_MINUTES * 60


def activity_touch(session, now: float | None = None) -> None:
    """Record that the session's user did something just now."""
    session[LAST_ACTIVITY_KEY] = int(time.time() if now is None else now)


def second_step_for(user) -> str | None:
    """What ``user`` must still do after their password: ``CODE`` (type a code from
    their app), ``ENROL`` (set up an app, as their role requires), or nothing."""
    if has_code_app(user):
        return CODE
    if not settings.MFA_ENFORCED or (settings.DEBUG and user.is_demo):
        return None
    return ENROL if mfa_required(user) else None


class IdleTimeoutMiddleware:
    """Sign the user out after ``SESSION_IDLE_MINUTES`` without a request.

    Place after the message middleware. The sign-in page then says why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > idle_seconds():
                path = request.get_full_path()
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.SESSION_IDLE_MINUTES:g} minutes "
                    "without activity.",
                )
                return redirect_to_login(path)
            if last is None or now - last >= min(REFRESH_SECONDS, idle_seconds() / 4):
                activity_touch(request.session, now)
        return self.get_response(request)


# Pages open to a user who has given their password but not yet their second step.
OPEN_DURING = {
    CODE: {"login_code", "logout", "healthz"},
    ENROL: {"mfa_security", "mfa_recovery_codes", "logout", "healthz", "still_here"},
}


class SecondStepMiddleware:
    """Keep a user who still owes a code, or must set up an app, to those pages.

    What they owe is worked out when they sign in and kept in the session, so an
    ordinary request costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if SECOND_STEP_KEY not in request.session:
            # Signed in before this check existed: work it out once.
            request.session[SECOND_STEP_KEY] = second_step_for(request.user)
        step = request.session[SECOND_STEP_KEY]
        if step is None or request.resolver_match.url_name in OPEN_DURING[step]:
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if step == CODE:
            return redirect(f"{reverse('login_code')}?next={quote(request.get_full_path())}")
        return redirect("mfa_security")
