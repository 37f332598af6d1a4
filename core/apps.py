from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site's shell: the home page, the health check and the error pages."""

    name = "core"
    verbose_name = "Site"
