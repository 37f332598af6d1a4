from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Team dashboards and organisation reports that pair rolled-up ratings with narrative."""

    name = "reports"
    verbose_name = "Reports"
