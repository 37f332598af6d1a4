"""Reads about who a user is and where they work (what they may do: ``roles``)."""

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership


def memberships_for_user(user) -> QuerySet[Membership]:
    """The user's team memberships with team and organisation loaded, for display."""
    return (
        Membership.objects.filter(user=user, user__is_active=True)
        .select_related("team__organisation")
        .order_by("team__organisation__name", "team__name")
    )


def has_code_app(user) -> bool:
    """Whether ``user`` has a confirmed code app, so signing in asks for a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
