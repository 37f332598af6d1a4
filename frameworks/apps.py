from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    """Outcome frameworks, their categories and outcomes, and the scales outcomes are rated on."""

    name = "frameworks"
    verbose_name = "Outcome frameworks"
