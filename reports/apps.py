from django.apps import AppConfig


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
