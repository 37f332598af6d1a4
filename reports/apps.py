from django.apps import AppConfig
from django.db.models.signals import post_migrate


def recount_missing_tallies(sender, verbosity=1, stdout=None, **kwargs) -> None:
    """After ``migrate``: reviews but no tallies (a database just upgraded, see
    migration 0006) means the tallies are counted again, once."""
    from records.models import Review

    from . import tallies
    from .models import Tally

    if Review.objects.exists() and not Tally.objects.exists():
        written = tallies.rebuild()
        if verbosity and stdout is not None:
            stdout.write(f"Counted {written:,} report tallies again for this version.")


class ReportsConfig(AppConfig):
    """Team dashboards and organisation reports that pair rolled-up ratings with narrative."""

    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Every change to an outcome or a review keeps the report tallies right.
        from records.hooks import (
            OutcomeWatcher,
            outcome_watcher_register,
            retention_anonymiser_register,
        )

        from . import tallies
        from .services import person_examples_anonymise

        outcome_watcher_register(
            OutcomeWatcher(changing=tallies.kept_up_to_date, added=tallies.outcome_added)
        )
        # Shared examples lose their words when their record is anonymised.
        retention_anonymiser_register(person_examples_anonymise)
        post_migrate.connect(recount_missing_tallies, sender=self)
