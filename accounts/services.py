"""Writes about users that carry rules: deactivating and reactivating an account."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from audit.services import audit_record, changes_between
from common.actor import Actor

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
def user_deactivate(*, actor: Actor, user: User) -> User:
    """Stop a user signing in, and end their sessions at once.

    The account and everything it recorded stay (the audit trail and records
    keep naming them); reactivating lets them sign in again. An admin cannot
    deactivate their own account, so an organisation is never left without one
    by accident.
    """
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.pk == actor.user.pk:
        raise ValidationError(
            {"is_active": "You cannot deactivate your own account; ask another admin."}
        )
    if not current.is_active:
        raise ValidationError("This account is already deactivated.")
    current.is_active = False
    current.save(update_fields=["is_active"])
    ended = sessions_end_for_user(current)
    audit_record(
        actor=actor,
        action="deactivate",
        on=current,
        summary="User deactivated",
        changes={"is_active": [True, False], "sessions_ended": [None, ended]},
    )
    return current


@transaction.atomic
def user_reactivate(*, actor: Actor, user: User) -> User:
    """Let a deactivated user sign in again."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.is_active:
        raise ValidationError("This account is already active.")
    current.is_active = True
    current.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="reactivate",
        on=current,
        summary="User reactivated",
        changes={"is_active": [False, True]},
    )
    return current


_DONE = {
    "create": "added",
    "update": "changed",
    "delete": "deleted",
    "deactivate": "deactivated",
    "reactivate": "reactivated",
    "password_set": "password set",
    "retire": "retired",
    "reinstate": "reinstated",
}


def configuration_changed(
    *, actor: Actor, obj: models.Model, action: str, before: dict, after: dict, summary: str = ""
) -> None:
    """Write a change made on the configuration site to the audit trail.

    Django's admin saves the object itself; this is called in the same request
    transaction, with the object's fields before and after.
    """
    label = str(obj._meta.verbose_name).capitalize()
    audit_record(
        actor=actor,
        action=action,
        on=obj,
        summary=summary or f"{label} {_DONE[action]}",
        changes=changes_between(before, after),
    )
