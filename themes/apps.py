from django.apps import AppConfig


class ThemesConfig(AppConfig):
    """Each organisation's themes of what helps and what hinders, for grouping reviews."""

    name = "themes"
    verbose_name = "Themes of what helps and what hinders"
