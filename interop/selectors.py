"""Reads for import and export, scoped to what the user may do."""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from accounts.models import Organisation
from accounts.roles import organisations_administered_by
from common.errors import Refused
from common.ids import possible_id
from frameworks.models import FrameworkOutcome
from records.models import Action, CaseloadEntry, KeyPerson, Outcome, Person, Review
from records.selectors import person_for_user, person_page

EXPORT_BATCH = 500


def organisation_for_admin(user, organisation_id: int) -> Organisation:
    """The organisation, if the user is one of its admins; else ``Refused``."""
    organisation = None
    if possible_id(organisation_id):
        organisation = organisations_administered_by(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Refused("accounts.organisation", organisation_id)
    return organisation


def person_for_export(user, person_id: int) -> Person:
    """The person with everything their FHIR export holds (a practitioner or manager
    of one of their teams), in a fixed number of queries; else ``Refused``."""
    return person_page(person_for_user(user, person_id))


def _outcomes() -> QuerySet[Outcome]:
    return (
        Outcome.objects.select_related("scale")
        .prefetch_related(
            Prefetch(
                "framework_outcomes",
                queryset=FrameworkOutcome.objects.select_related("category__framework"),
            ),
            Prefetch("actions", queryset=Action.objects.order_by("order", "pk")),
            Prefetch("reviews", queryset=Review.objects.select_related("point")),
            "scale__points",
        )
        .order_by("pk")
    )


def organisation_people(organisation: Organisation) -> QuerySet[Person]:
    """Everyone on a caseload of one of the organisation's teams."""
    return Person.objects.filter(
        pk__in=CaseloadEntry.objects.filter(team__organisation=organisation).values("person_id")
    )


def organisation_people_batches(
    organisation: Organisation, *, batch: int | None = None
) -> Iterator[list[Person]]:
    """The organisation's people, ``batch`` at a time in id order, each with their
    key people and outcomes (``outcome_list``) loaded: the same few queries for every
    batch, and only one batch in memory at a time."""
    batch = batch or EXPORT_BATCH
    people = organisation_people(organisation).order_by("pk")
    last = 0
    while True:
        chunk = list(
            people.filter(pk__gt=last).prefetch_related(
                Prefetch("key_people", queryset=KeyPerson.objects.order_by("name", "pk")),
                Prefetch("outcomes", queryset=_outcomes(), to_attr="outcome_list"),
            )[:batch]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def organisation_export_counts(organisation: Organisation) -> dict[str, int]:
    """How many resources of each type the organisation's export holds."""
    people = organisation_people(organisation)
    outcomes = Outcome.objects.filter(person__in=people)
    return {
        "Patient": people.count(),
        "Goal": outcomes.count(),
        "Observation": Review.objects.filter(outcome__in=outcomes).count(),
        "CarePlan": people.filter(outcomes__isnull=False).distinct().count(),
    }
