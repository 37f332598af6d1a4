from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who works where: organisations, their teams, and each user's role in a team."""

    name = "accounts"
    verbose_name = "Organisations, teams and users"
