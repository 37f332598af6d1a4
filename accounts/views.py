"""Sign-in security pages: the code step, setting up a code app, the lockout page,
keeping an idle session alive, and an admin unlocking an account."""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .forms import CodeForm, ConfirmAppForm
from .middleware import CODE, SECOND_STEP_KEY, second_step_for
from .models import User
from .roles import mfa_required, organisations_administered_by
from .selectors import has_code_app
from .services import (
    mfa_code_check,
    mfa_enrolment_confirm,
    mfa_recovery_codes_renew,
    mfa_remove,
    sign_in_unlock,
)

PENDING_KEY = "accounts_pending_app_key"
CODES_TO_SHOW_KEY = "accounts_recovery_codes_to_show"
WRONG_CODE = (
    "That code did not work. Type the newest code your app shows, or a recovery code. "
    "After a wrong code, wait a few seconds before trying again."
)


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page while django-axes refuses attempts (its lockout callable).

    The same words for every username, so it never tells whether an account exists.
    """
    context = {
        "form": AuthenticationForm(request),
        "minutes": settings.SIGN_IN_COOL_OFF_MINUTES,
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME, ""),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _next_url(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    # Only a path on this site: anything else ("abc", say) would be taken for a view name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _second_step_done(request, device) -> None:
    django_otp.login(request, device)
    # A new session key now that the session carries more trust.
    request.session.cycle_key()
    request.session[SECOND_STEP_KEY] = None


def login_code(request):
    """After the password: a code from the user's app, or a recovery code."""
    if request.session.get(SECOND_STEP_KEY) != CODE:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa_code_check(
            actor=request.actor, user=request.user, code=form.cleaned_data["code"]
        )
        if device is not None:
            _second_step_done(request, device)
            return redirect(_next_url(request))
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "registration/login_code.html",
        {"form": form, REDIRECT_FIELD_NAME: _next_url(request)},
    )


def _qr_svg(url: str) -> str:
    """The QR code for ``url`` as inline SVG, drawn here: nothing leaves the server."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    svg = svg[svg.index("<svg") :]
    label = 'role="img" aria-label="QR code to scan with your authenticator app"'
    return svg.replace("<svg ", f"<svg {label} ", 1)


def _grouped(key_hex: str) -> str:
    secret = b32encode(bytes.fromhex(key_hex)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def mfa_security(request):
    """Sign-in security: set up a code app, or manage the one set up."""
    user = request.user
    if has_code_app(user):
        return render(request, "accounts/security.html", {"has_app": True})
    key = request.session.get(PENDING_KEY) or random_hex(20)
    request.session[PENDING_KEY] = key
    form = ConfirmAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa_enrolment_confirm(
            actor=request.actor, user=user, key=key, code=form.cleaned_data["code"]
        )
        if codes is not None:
            del request.session[PENDING_KEY]
            _second_step_done(request, TOTPDevice.objects.get(user=user, confirmed=True))
            request.session[CODES_TO_SHOW_KEY] = codes
            messages.success(request, "Your code app is set up.")
            return redirect("mfa_recovery_codes")
        form.add_error("code", "That code did not match. Type the newest code the app shows.")
    device = TOTPDevice(user=user, key=key)
    context = {
        "has_app": False,
        "required": settings.MFA_ENFORCED and mfa_required(user),
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped(key),
    }
    return render(request, "accounts/security.html", context)


def mfa_recovery_codes(request):
    """New recovery codes, shown once (GET); or make new ones (POST)."""
    if request.method == "POST":
        if not has_code_app(request.user):
            return redirect("mfa_security")
        request.session[CODES_TO_SHOW_KEY] = mfa_recovery_codes_renew(
            actor=request.actor, user=request.user
        )
        messages.success(request, "Your new recovery codes are ready. The old ones no longer work.")
        return redirect("mfa_recovery_codes")
    codes = request.session.pop(CODES_TO_SHOW_KEY, None)
    if not codes:
        return redirect("mfa_security")
    shown = [f"{code[:4]}-{code[4:]}" for code in codes]
    return render(request, "accounts/recovery_codes.html", {"codes": shown})


@require_POST
def mfa_app_remove(request):
    mfa_remove(actor=request.actor, user=request.user)
    request.session[SECOND_STEP_KEY] = second_step_for(request.user)
    messages.success(request, "The code app and your recovery codes were removed.")
    return redirect("mfa_security")


@require_POST
def still_here(request):
    """Called by idle.js when the user chooses to stay signed in: the request itself
    refreshes the session (accounts.middleware.IdleTimeoutMiddleware)."""
    return HttpResponse(status=204)


@require_POST
def user_unlock(request, user_id: int):
    """An admin lets a user of their organisation try to sign in again at once."""
    user = get_object_or_404(
        User, pk=user_id, organisation__in=organisations_administered_by(request.user)
    )
    sign_in_unlock(actor=request.actor, user=user)
    messages.success(request, f"{user.get_full_name() or user.username} can try to sign in again.")
    return redirect("admin:accounts_user_change", user.pk)
