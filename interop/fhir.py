"""A person's record as FHIR R4 resources, built as plain dictionaries.

Patient (UK Core Patient), a Goal for each outcome (HL7 Person-Centered
Outcomes goal, or its Goal Attainment Scaling profile when the outcome is rated
on a GAS scale), an Observation for each rating (UK Core Observation; PCO GAS
score observation on a GAS scale) and one CarePlan grouping the goals with their
steps (UK Core CarePlan). The README says where the app departs from each.

Every builder takes objects already loaded (see ``interop.selectors``), so
building runs no query. References are made by a ``Linker``: ``urn:uuid:``
within one person's Bundle, ``Patient/<id>`` between NDJSON files.
"""

import datetime
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone

from frameworks.models import Band, ScaleKind
from records.models import Action, Outcome, OutcomeStatus, Person, Review
from records.progress import current_reviews

# Resource ids are name-based UUIDs of the row they come from, the same in every
# export, so a receiving system sees a second export as an update, not new data.
ID_NAMESPACE = uuid.UUID("6f0c4f0e-61a8-5d0b-9e36-6b8f8f3a8e01")

# Scotland's Community Health Index number, by the OID other UK FHIR guides use for it.
CHI_SYSTEM = "urn:oid:2.16.840.1.113883.2.1.3.2.4.16.53"
LOINC = "http://loinc.org"
# The PCO guide (STU 1) publishes its category codes under this "temporary" URL.
PCO_CONCEPTS = "http://hl7.org/fhir/us/pco/CodeSystem/pco-concepts-temporary"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PCO_GAS_EXTENSION = "http://hl7.org/fhir/us/pco/StructureDefinition/pco-goal-attainment-scaling"

PROFILES = {
    "Patient": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"],
    "Goal": ["http://hl7.org/fhir/us/pco/StructureDefinition/pco-goal-profile"],
    "GasGoal": ["http://hl7.org/fhir/us/pco/StructureDefinition/pco-gas-goal-profile"],
    "Observation": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation"],
    "GasObservation": [
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation",
        "http://hl7.org/fhir/us/pco/StructureDefinition/pco-gas-score-observation",
    ],
    # Not PCO Care Plan: it allows only activities that refer to other
    # resources, and the app's steps are activity details, so claiming it
    # would make every validator refuse the plan.
    "CarePlan": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-CarePlan"],
}

# The GAS score's LOINC answer (answer list LL6900-6), as the PCO guide codes it.
GAS_ANSWERS = {
    2: ("LA34479-8", "Much better than expected"),
    1: ("LA34480-6", "Better than expected"),
    0: ("LA34481-4", "Expected outcome"),
    -1: ("LA34483-0", "Less than expected"),
    -2: ("LA34484-8", "Much less than expected"),
}
WHAT_MATTERS = {
    "coding": [{"system": PCO_CONCEPTS, "code": "what-matters", "display": "What Matters"}]
}
SURVEY = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
# A GAS goal's target measure (fixed by the PCO GAS goal profile); a rating is a
# practitioner's follow-up score, the code PCO STU 1 gives a score recorded by staff
# (it took 107332-9 out of the score observation's codes).
GAS_MEASURE = {"system": LOINC, "code": "107332-9", "display": "Goal attainment scale - Reported"}
GAS_SCORE = {
    "system": LOINC,
    "code": "107333-7",
    "display": "Practitioner follow-up goal attainment scaling score",
}

# Goal.lifecycleStatus (http://hl7.org/fhir/goal-status) for each outcome status.
LIFECYCLE = {
    OutcomeStatus.ACTIVE: "active",
    OutcomeStatus.ACHIEVED: "completed",
    OutcomeStatus.NO_LONGER_RELEVANT: "cancelled",
}
ACHIEVEMENT_DISPLAY = {
    "in-progress": "In Progress",
    "improving": "Improving",
    "worsening": "Worsening",
    "no-change": "No Change",
    "achieved": "Achieved",
    "not-achieved": "Not Achieved",
}
# CarePlan.activity.detail.status for the steps of an outcome of each status.
STEP_STATUS = {
    OutcomeStatus.ACTIVE: "in-progress",
    OutcomeStatus.ACHIEVED: "completed",
    OutcomeStatus.NO_LONGER_RELEVANT: "cancelled",
}


def resource_id(kind: str, pk: int) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}/{pk}"))


@dataclass(frozen=True)
class Linker:
    """How one resource refers to another: within a Bundle, or between NDJSON files."""

    in_bundle: bool

    def __call__(self, resource_type: str, kind: str, pk: int) -> dict:
        rid = resource_id(kind, pk)
        return {"reference": f"urn:uuid:{rid}" if self.in_bundle else f"{resource_type}/{rid}"}


def scale_system(scale) -> str:
    """The code system of a rating scale's points: one URI for every version of the
    scale (its lineage), with the version in each coding."""
    return f"urn:uuid:{scale.lineage}"


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _without_empty(resource: dict) -> dict:
    return {k: v for k, v in resource.items() if v not in (None, "", [], {})}


def patient(person: Person, link: Linker) -> dict:
    names = [{"use": "official", "text": person.full_name}] if person.full_name else []
    if person.preferred_name:
        names.append({"use": "usual", "text": person.preferred_name})
    return _without_empty(
        {
            "resourceType": "Patient",
            "id": resource_id("person", person.pk),
            "meta": {"profile": PROFILES["Patient"]},
            "identifier": (
                [{"system": CHI_SYSTEM, "value": person.chi_number}] if person.chi_number else []
            ),
            "active": person.closed_on is None,
            "name": names,
            "birthDate": _date(person.date_of_birth),
            "contact": [
                _without_empty(
                    {
                        "relationship": [{"text": kp.relationship}],
                        "name": {"text": kp.name},
                    }
                )
                for kp in person.key_people.all()
            ],
        }
    )


def achievement(outcome: Outcome) -> str | None:
    """Goal.achievementStatus from the outcome's status and its ratings so far."""
    if outcome.status == OutcomeStatus.ACHIEVED:
        return "achieved"
    if outcome.rating_count == 0:
        return "in-progress" if outcome.status == OutcomeStatus.ACTIVE else None
    if outcome.latest_band == Band.ACHIEVED:
        return "achieved"
    if outcome.status == OutcomeStatus.NO_LONGER_RELEVANT:
        return "not-achieved"
    if outcome.rating_count < 2:
        return "in-progress"
    if outcome.latest_score == outcome.first_score:
        return "no-change"
    return "improving" if outcome.latest_score > outcome.first_score else "worsening"


def _point_coding(point, scale) -> dict:
    return {
        "system": scale_system(scale),
        "version": str(scale.version),
        "code": str(point.score),
        "display": point.label,
    }


def _rating_on(scale) -> dict:
    return {"text": f"Rating on the scale “{scale.name}”"}


def _loinc(code: str, display: str) -> dict:
    return {"system": LOINC, "code": code, "display": display}


def _gas_levels(scale) -> list[dict]:
    levels = []
    for point in sorted(scale.points.all(), key=lambda p: -p.score):
        code, display = GAS_ANSWERS[point.score]
        levels.append(
            {
                "url": PCO_GAS_EXTENSION,
                "extension": [
                    {"url": "level", "valueCoding": _loinc(code, display)},
                    {"url": "text", "valueString": point.description or point.label},
                ],
            }
        )
    return levels


def goal(outcome: Outcome, link: Linker) -> dict:
    scale = outcome.scale
    gas = scale.kind == ScaleKind.GAS
    status = achievement(outcome)
    categories = [WHAT_MATTERS]
    for framework_outcome in outcome.framework_outcomes.all():
        framework = framework_outcome.category.framework
        categories.append(
            {
                "coding": [
                    {
                        "system": f"urn:uuid:{framework.lineage}",
                        "code": str(framework_outcome.identity),
                        "display": framework_outcome.short_name,
                    }
                ],
                "text": framework_outcome.short_name,
            }
        )
    target = {}
    if gas:
        code, display = GAS_ANSWERS[0]
        target = {
            "measure": {"coding": [GAS_MEASURE]},
            "detailCodeableConcept": {"coding": [_loinc(code, display)]},
        }
    elif outcome.next_review_on:
        target = {"measure": _rating_on(scale)}
    if target and outcome.next_review_on:
        target["dueDate"] = outcome.next_review_on.isoformat()
    notes = []
    if outcome.why_it_matters:
        notes.append({"text": f"Why it matters: {outcome.why_it_matters}"})
    if outcome.contribution:
        notes.append({"text": f"What the person and family will do: {outcome.contribution}"})
    patient_ref = link("Patient", "person", outcome.person_id)
    return _without_empty(
        {
            "resourceType": "Goal",
            "id": resource_id("outcome", outcome.pk),
            "meta": {"profile": PROFILES["GasGoal" if gas else "Goal"]},
            "extension": _gas_levels(scale) if gas else [],
            "lifecycleStatus": LIFECYCLE[outcome.status],
            "achievementStatus": (
                {
                    "coding": [
                        {
                            "system": GOAL_ACHIEVEMENT,
                            "code": status,
                            "display": ACHIEVEMENT_DISPLAY[status],
                        }
                    ]
                }
                if status
                else None
            ),
            "category": categories,
            "description": {"text": outcome.what_matters},
            "subject": patient_ref,
            "startDate": outcome.started_on.isoformat(),
            "target": [target] if target else [],
            "statusDate": _date(outcome.status_changed_on),
            "expressedBy": patient_ref if outcome.in_own_words else None,
            "note": notes,
        }
    )


def observation_status(review: Review, superseded: set[int]) -> str:
    """A corrected review is ``entered-in-error``; the correction that replaces it is
    ``amended``; any other rating is ``final``."""
    if review.pk in superseded:
        return "entered-in-error"
    return "amended" if review.amends_id else "final"


def observation(review: Review, outcome: Outcome, superseded: set[int], link: Linker) -> dict:
    scale = outcome.scale
    gas = scale.kind == ScaleKind.GAS
    codings = [_point_coding(review.point, scale)]
    if gas:
        code, display = GAS_ANSWERS[review.point.score]
        codings.insert(0, _loinc(code, display))
    notes = [
        {"text": f"{label}{text}"}
        for label, text in (
            ("", review.narrative),
            ("What helped: ", review.what_helped),
            ("What hindered: ", review.what_hindered),
            ("Correction: ", review.amendment_reason),
        )
        if text
    ]
    return _without_empty(
        {
            "resourceType": "Observation",
            "id": resource_id("review", review.pk),
            "meta": {"profile": PROFILES["GasObservation" if gas else "Observation"]},
            "status": observation_status(review, superseded),
            "category": [SURVEY],
            "code": {"coding": [GAS_SCORE]} if gas else _rating_on(scale),
            "subject": link("Patient", "person", outcome.person_id),
            "focus": [link("Goal", "outcome", outcome.pk)],
            "effectiveDateTime": review.reviewed_on.isoformat(),
            "issued": timezone.localtime(review.created_at).isoformat(),
            "valueCodeableConcept": {"coding": codings, "text": review.point.label},
            "note": notes,
            "derivedFrom": (
                [link("Observation", "review", review.amends_id)] if review.amends_id else []
            ),
        }
    )


def _activity(action: Action, outcome: Outcome, link: Linker) -> dict:
    detail = _without_empty(
        {
            "status": STEP_STATUS[outcome.status],
            "description": action.description,
            "goal": [link("Goal", "outcome", outcome.pk)],
            "scheduledString": action.when,
            "location": {"display": action.where} if action.where else None,
            "performer": [{"display": action.who}] if action.who else [],
        }
    )
    return {"detail": detail}


def care_plan(person: Person, outcomes: list[Outcome], link: Linker) -> dict | None:
    """The person's plan: every goal, each step an activity; None with no outcomes."""
    if not outcomes:
        return None
    active = person.closed_on is None and any(o.status == OutcomeStatus.ACTIVE for o in outcomes)
    return _without_empty(
        {
            "resourceType": "CarePlan",
            "id": resource_id("plan", person.pk),
            "meta": {"profile": PROFILES["CarePlan"]},
            "status": "active" if active else "completed",
            "intent": "plan",
            "category": [WHAT_MATTERS],
            "title": "What matters to me",
            "subject": link("Patient", "person", person.pk),
            "goal": [link("Goal", "outcome", o.pk) for o in outcomes],
            "activity": [
                _activity(action, outcome, link)
                for outcome in outcomes
                for action in outcome.actions.all()
            ],
        }
    )


def person_resources(person: Person, outcomes: Iterable[Outcome], link: Linker) -> Iterator[dict]:
    """Every resource of one person, Patient first."""
    outcomes = list(outcomes)
    yield patient(person, link)
    for outcome in outcomes:
        yield goal(outcome, link)
    yield from person_observations(outcomes, link)
    plan = care_plan(person, outcomes, link)
    if plan:
        yield plan


def person_observations(outcomes: Iterable[Outcome], link: Linker) -> Iterator[dict]:
    for outcome in outcomes:
        reviews = list(outcome.reviews.all())
        superseded = {r.amends_id for r in reviews if r.amends_id}
        # The reviews that count first, in their order; then what they corrected.
        counted = current_reviews(reviews)
        ordered = counted + [r for r in reviews if r.pk in superseded]
        for review in ordered:
            yield observation(review, outcome, superseded, link)


def bundle(person: Person, outcomes: Iterable[Outcome]) -> dict:
    """One person's record as a FHIR R4 Bundle of type ``collection``."""
    link = Linker(in_bundle=True)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in person_resources(person, outcomes, link)
        ],
    }
