"""Response headers that keep personal data out of caches and switch off browser features."""

from django.conf import settings

NO_STORE = "no-store"


def permissions_policy(disabled: tuple[str, ...]) -> str:
    """``camera=(), microphone=()``: each feature allowed to no origin, not even this one."""
    return ", ".join(f"{feature}=()" for feature in disabled)


class PrivacyHeadersMiddleware:
    """Adds ``Cache-Control: no-store`` and ``Permissions-Policy`` to every response.

    Nothing the app serves itself is meant to be kept: every page but the
    sign-in pages needs a signed-in user, and almost every page shows someone's
    record, so a browser or proxy must not store any of it. A response that
    sets its own Cache-Control keeps it: static files (placed after this, so
    WhiteNoise answers inside it) keep their long cache, and views marked
    ``never_cache`` keep Django's fuller header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = permissions_policy(tuple(settings.PERMISSIONS_POLICY_DISABLED))

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = NO_STORE
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
