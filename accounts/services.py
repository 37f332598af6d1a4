"""Writes about users that carry rules: deactivating and reactivating an account,
and signing in (the audit of each attempt, unlocking, and the second step)."""

from axes.utils import reset as axes_reset
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

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


# Signing in. Each event names the account only when it is certainly theirs,
# and never holds a password, a code or the username that was typed.


def sign_in_recorded(*, actor: Actor, user: User) -> None:
    """Write a successful password check to the audit trail."""
    audit_record(actor=actor, action="sign_in", on=user, summary="Signed in")


def sign_out_recorded(*, actor: Actor, user: User | None) -> None:
    """Write a sign-out (by the user, or after inactivity) to the audit trail."""
    if user is None or not user.is_authenticated:
        return
    audit_record(actor=actor, action="sign_out", on=user, summary="Signed out")


def _account_named(username: str | None) -> User | None:
    if not username:
        return None
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()


def sign_in_failed_recorded(*, actor: Actor, username: str | None) -> None:
    """Write a failed sign-in to the audit trail.

    The username typed is not stored (it may be a password typed in the wrong
    box); the event points at the account only when the username is a real one.
    """
    user = _account_named(username)
    audit_record(
        actor=actor,
        action="sign_in_failed",
        on=("accounts.user", user.pk) if user else None,
        summary="Sign-in failed",
    )


def sign_in_locked_out_recorded(*, actor: Actor, username: str | None) -> None:
    """Write to the audit trail that too many failures locked sign-in out."""
    user = _account_named(username)
    audit_record(
        actor=actor,
        action="sign_in_locked_out",
        on=("accounts.user", user.pk) if user else None,
        summary="Sign-in locked out after too many failures",
    )


@transaction.atomic
def sign_in_unlock(*, actor: Actor, user: User) -> int:
    """Let ``user`` try to sign in again at once, ending a lockout early.

    Clears the failed attempts counted against their username (not those counted
    against an address, which may be shared). Returns how many were cleared.
    """
    cleared = axes_reset(username=user.get_username())
    audit_record(
        actor=actor,
        action="sign_in_unlock",
        on=user,
        summary="Sign-in unlocked",
        changes={"failed_attempts_cleared": [None, cleared]},
    )
    return cleared


# The second sign-in step: a time-based code from an authenticator app
# (RFC 6238), with one-use recovery codes for when the phone is lost.

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def mfa_enrolment_confirm(*, actor: Actor, user: User, key: str, code: str) -> list[str] | None:
    """Set up the code app holding secret ``key``, once a code from it proves it
    is set up right, and return ``user``'s new recovery codes.

    Returns None, and audits a wrong code, when the code does not match. The new
    app replaces any earlier one, and earlier recovery codes stop working.
    """
    device = TOTPDevice(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    code = _normalised(code)
    if not (code.isdigit() and totp.verify(int(code), tolerance=device.tolerance)):
        audit_record(
            actor=actor, action="mfa_code_wrong", on=user, summary="Wrong code when setting up"
        )
        return None
    # The code just used cannot be used again to sign in.
    device.last_t, device.drift = totp.t(), totp.drift
    TOTPDevice.objects.filter(user=user).delete()
    device.save()
    codes = _recovery_codes_replace(user)
    audit_record(actor=actor, action="mfa_enrol", on=user, summary="Code app set up")
    return codes


def mfa_code_check(*, actor: Actor, user: User, code: str) -> Device | None:
    """The device that ``code`` (from the app, or a recovery code) belongs to, or None.

    A recovery code works once. django-otp slows guessing: after each wrong code
    a device refuses every code for a doubling delay (1, 2, 4... seconds).
    """
    code = _normalised(code)
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    with transaction.atomic():
        for device in devices:
            if device.verify_token(code):
                used = "recovery_code" if isinstance(device, StaticDevice) else "app"
                audit_record(
                    actor=actor,
                    action="mfa_code_accepted",
                    on=user,
                    summary="Second sign-in step passed",
                    changes={"with": [None, used]},
                )
                return device
        audit_record(actor=actor, action="mfa_code_wrong", on=user, summary="Wrong code")
    return None


@transaction.atomic
def mfa_recovery_codes_renew(*, actor: Actor, user: User) -> list[str]:
    """Replace ``user``'s recovery codes with new ones; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("Set up a code app first.")
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=actor, action="mfa_recovery_codes_renew", on=user, summary="New recovery codes"
    )
    return codes


@transaction.atomic
def mfa_remove(*, actor: Actor, user: User) -> None:
    """Remove ``user``'s code app and recovery codes: they sign in with a password alone,
    unless their role requires a code, when they must set up an app again."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    StaticDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        action="mfa_remove",
        on=user,
        summary="Code app removed",
        changes={"apps_removed": [None, removed]},
    )
