"""FHIR exports: one person's Bundle, and an organisation's Bulk Data NDJSON files.

Each is audited as ``export`` events naming every person whose record left:
one for a person's Bundle; for an organisation file, one per person, written
batch by batch just before that batch is sent, so the trail shows what
actually left even if the download is stopped half-way.
"""

import json
from collections.abc import Callable, Iterator

from django.db import transaction

from accounts.models import Organisation
from audit.services import audit_record, audit_record_each
from common.actor import Actor
from records.models import Person

from . import fhir
from .selectors import organisation_people_batches

RESOURCE_TYPES = ("Patient", "Goal", "Observation", "CarePlan")
NDJSON_TYPE = "application/fhir+ndjson"


def person_bundle_export(*, actor: Actor, person: Person) -> dict:
    """The person's record as a FHIR Bundle (``person`` as ``person_for_export`` loads it)."""
    bundle = fhir.bundle(person, person.outcome_list)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="export",
            on=person,
            person_id=person.pk,
            summary="Exported as FHIR (Bundle)",
        )
    return bundle


def _resources(resource_type: str, person: Person, link: fhir.Linker) -> list[dict]:
    outcomes = person.outcome_list
    if resource_type == "Patient":
        return [fhir.patient(person, link)]
    if resource_type == "Goal":
        return [fhir.goal(outcome, link) for outcome in outcomes]
    if resource_type == "Observation":
        return list(fhir.person_observations(outcomes, link))
    plan = fhir.care_plan(person, outcomes, link)
    return [plan] if plan else []


# JSON leaves these as they are inside a string, but many readers (Python's
# splitlines, JavaScript before ES2019) take them for line ends: escaped, a resource
# typed with one in a name is still one line.
LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def ndjson_line(resource: dict) -> str:
    """One resource as one line of NDJSON."""
    line = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in LINE_BREAKS.items():
        line = line.replace(character, escaped)
    return line


def organisation_ndjson(
    *,
    actor: Actor,
    organisation: Organisation,
    resource_type: str,
    progress: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """Every resource of ``resource_type`` for the organisation's people, one JSON
    object a line, a batch of people at a time: memory stays the same however many
    people there are. ``progress`` is told how many people have been written."""
    if resource_type not in RESOURCE_TYPES:
        raise ValueError(resource_type)
    link = fhir.Linker(in_bundle=False)
    done = 0
    for people in organisation_people_batches(organisation):
        lines, sent = [], []
        for person in people:
            resources = _resources(resource_type, person, link)
            if resources:
                # Only those with something in this file: a person without
                # outcomes has left in the Patient file, not the Goal file.
                sent.append(person.pk)
                lines.extend(ndjson_line(resource) for resource in resources)
        if sent:
            audit_record_each(
                actor=actor,
                action="export",
                person_ids=sent,
                on=organisation,
                summary=f"Exported as FHIR NDJSON ({resource_type})",
            )
        done += len(people)
        if progress:
            progress(done)
        if lines:
            yield ("\n".join(lines) + "\n").encode()
