from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who works where: organisations, their teams, and each user's role in a team."""

    name = "accounts"
    verbose_name = "Organisations, teams and users"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from . import receivers

        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="accounts_sign_in")
        user_logged_out.connect(receivers.on_user_logged_out, dispatch_uid="accounts_sign_out")
        user_login_failed.connect(
            receivers.on_user_login_failed, dispatch_uid="accounts_sign_in_failed"
        )
        user_locked_out.connect(
            receivers.on_user_locked_out, dispatch_uid="accounts_sign_in_locked_out"
        )
