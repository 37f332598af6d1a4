from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site's shell: home page, health check, error pages and the configuration site."""

    name = "core"
    verbose_name = "Site"
