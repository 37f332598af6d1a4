"""Writes about users that carry rules: deactivating and reactivating an account."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import audit_record

from .models import User


def sessions_end_for_user(user: User) -> int:
    """Sign ``user`` out everywhere at once: delete every session they are signed in to.

    Sessions are stored in the database (Django's default engine) and hold the
    user id only in their encoded data, so each unexpired one is decoded.
    Returns how many were ended.
    """
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def user_deactivate(*, request: HttpRequest, user: User) -> User:
    """Stop a user signing in, and end their sessions at once.

    The account and everything it recorded stay (the audit trail and records
    keep naming them); reactivating lets them sign in again. An admin cannot
    deactivate their own account, so an organisation is never left without one
    by accident.
    """
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.pk == request.user.pk:
        raise ValidationError(
            {"is_active": "You cannot deactivate your own account; ask another admin."}
        )
    if not current.is_active:
        raise ValidationError("This account is already deactivated.")
    current.is_active = False
    current.save(update_fields=["is_active"])
    ended = sessions_end_for_user(current)
    audit_record(
        actor=request.user,
        action="deactivate",
        object_type="accounts.user",
        object_id=current.pk,
        summary="User deactivated",
        changes={"is_active": [True, False], "sessions_ended": [None, ended]},
        request=request,
    )
    return current


@transaction.atomic
def user_reactivate(*, request: HttpRequest, user: User) -> User:
    """Let a deactivated user sign in again."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.is_active:
        raise ValidationError("This account is already active.")
    current.is_active = True
    current.save(update_fields=["is_active"])
    audit_record(
        actor=request.user,
        action="reactivate",
        object_type="accounts.user",
        object_id=current.pk,
        summary="User reactivated",
        changes={"is_active": [False, True]},
        request=request,
    )
    return current
