"""Every model of the project's apps has a factory in tests/factories.py, or is
named below with why it has none."""

import inspect

from django.apps import apps
from factory.django import DjangoModelFactory

from tests import factories

# The project's apps whose models tests make. The audit app is left out: its
# rows are written only through audit.services (AuditEventFactory goes through
# it), and the chain head is kept by that service alone.
PROJECT_APPS = ("accounts", "frameworks", "themes", "records", "conversations", "reports")

# Models deliberately without a factory. Many-to-many tables Django makes on its
# own are not models get_models() lists; CaseloadEntry, the one through table
# declared in code, has a factory.
WITHOUT_FACTORY = {
    # Derived data: counted from the records by reports.tallies whenever an
    # outcome or a review is written, never made by hand.
    "reports.Tally",
    "reports.OrganisationTally",
    "reports.TeamTally",
    "reports.TeamOutcomeTally",
    "reports.TeamOutcomeSpan",
    "reports.OutcomeAgeBand",
    "reports.ReviewAgeBand",
    # A create form's one-time key, claimed only by records.submissions.saved_once.
    "records.Submission",
}


def factory_models() -> set[str]:
    made = set()
    for _, factory in inspect.getmembers(factories, inspect.isclass):
        if issubclass(factory, DjangoModelFactory) and factory._meta.model is not None:
            made.add(factory._meta.get_model_class()._meta.label)
    return made


def project_models() -> set[str]:
    return {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and not model._meta.abstract
        and not model._meta.proxy
    }


def test_every_project_model_has_a_factory_or_is_excluded_on_purpose():
    models = project_models()
    missing = models - factory_models() - WITHOUT_FACTORY
    assert not missing, f"add a factory to tests/factories.py for {sorted(missing)}"
    # An exclusion for a model that is gone, or that has a factory after all, is stale.
    stale = WITHOUT_FACTORY - (models - factory_models())
    assert not stale, f"{sorted(stale)} has a factory or is no longer a model"
