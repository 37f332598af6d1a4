from django.apps import AppConfig
from django.db.models.signals import post_save


class FrameworksConfig(AppConfig):
    """Outcome frameworks, their categories and outcomes, and the scales outcomes are rated on."""

    name = "frameworks"
    verbose_name = "Outcome frameworks"

    def ready(self) -> None:
        from accounts.models import Organisation

        post_save.connect(
            _organisation_saved, sender=Organisation, dispatch_uid="frameworks_defaults"
        )


def _organisation_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A new organisation starts with its own copies of the default frameworks."""
    if created and not raw:
        from .services import defaults_load

        defaults_load(organisation=instance)
