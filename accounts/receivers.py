"""Signing in and out, written to the audit trail as Django and django-axes report it.

Connected in ``AccountsConfig.ready``. The signals hand over the request, which
may not have passed the actor middleware yet, so the actor is built from it here.
"""

from django.contrib.auth import get_user_model

from common.actor import Actor

from .middleware import SECOND_STEP_KEY, activity_touch, second_step_for
from .services import (
    sign_in_failed_recorded,
    sign_in_locked_out_recorded,
    sign_in_recorded,
    sign_out_recorded,
)


def _actor(request) -> Actor:
    return Actor.from_request(request) if request is not None else Actor.system()


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    sign_in_recorded(actor=_actor(request), user=user)
    if request is not None and hasattr(request, "session"):
        request.session[SECOND_STEP_KEY] = second_step_for(user)
        activity_touch(request.session)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    sign_out_recorded(actor=_actor(request), user=user)


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password in ``credentials`` with stars.
    username = credentials.get(get_user_model().USERNAME_FIELD)
    sign_in_failed_recorded(actor=_actor(request), username=username)


def on_user_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    sign_in_locked_out_recorded(actor=_actor(request), username=username)
