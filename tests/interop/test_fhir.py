"""The FHIR export: every resource valid against the R4B models, with the codes checked
one by one (the models accept any string where a code belongs), and a person with
corrections, a retired framework outcome and Goal Attainment Scaling round-tripped."""

import datetime
import json

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from common.actor import Actor
from frameworks.models import Band
from frameworks.services import framework_outcome_retire
from interop import fhir
from interop.exports import RESOURCE_TYPES, organisation_ndjson, person_bundle_export
from interop.selectors import person_for_export
from records import services
from records.models import OutcomeStatus
from tests.factories import (
    CaseloadEntryFactory,
    FrameworkCategoryFactory,
    FrameworkFactory,
    FrameworkOutcomeFactory,
    KeyPersonFactory,
    RatingScaleFactory,
    ScalePointFactory,
)

MODELS = {"Patient": Patient, "Goal": Goal, "Observation": Observation, "CarePlan": CarePlan}

# The value sets of FHIR R4 (and R4B) for each coded element the export writes.
GOAL_LIFECYCLE = {
    "proposed",
    "planned",
    "accepted",
    "active",
    "on-hold",
    "completed",
    "cancelled",
    "entered-in-error",
    "rejected",
}
GOAL_ACHIEVEMENT = {
    "in-progress",
    "improving",
    "worsening",
    "no-change",
    "achieved",
    "sustaining",
    "not-achieved",
    "no-progress",
    "not-attainable",
}
OBSERVATION_STATUS = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
CAREPLAN_STATUS = {
    "draft",
    "active",
    "on-hold",
    "revoked",
    "completed",
    "entered-in-error",
    "unknown",
}
CAREPLAN_INTENT = {"proposal", "plan", "order", "option"}
ACTIVITY_STATUS = {
    "not-started",
    "scheduled",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "stopped",
    "unknown",
    "entered-in-error",
}
# From the HL7 PCO guide, STU 1 (1.0.0): its category codes, the codes of a GAS score
# observation, and the measure its GAS goal profile fixes.
PCO_CATEGORIES = {
    ("http://hl7.org/fhir/us/pco/CodeSystem/pco-concepts-temporary", code)
    for code in ("person-centered", "what-matters", "well-being")
}
GAS_SCORE_CODES = {"112296-9", "107333-7", "107334-5", "107331-1"}
GAS_GOAL_MEASURE = "107332-9"
GAS_LOINC = {
    "LA34479-8": 2,
    "LA34480-6": 1,
    "LA34481-4": 0,
    "LA34483-0": -1,
    "LA34484-8": -2,
}


def code_problems(resource: dict) -> list[str]:
    """Every code in ``resource`` that its value set does not hold."""
    kind = resource["resourceType"]
    found = []

    def expect(value, allowed, where):
        if value not in allowed:
            found.append(f"{kind}.{where} = {value!r}")

    profiles = resource.get("meta", {}).get("profile", [])
    pco = any("/us/pco/" in profile for profile in profiles)
    if pco and kind in ("Goal", "CarePlan"):
        # PCO slices category by its own codes: at least one must be there, and right.
        pco_codings = [
            (coding["system"], coding["code"])
            for concept in resource.get("category", [])
            for coding in concept.get("coding", [])
            if "/us/pco/" in coding["system"]
        ]
        if not pco_codings:
            found.append(f"{kind}.category has no PCO category")
        for coding in pco_codings:
            expect(coding, PCO_CATEGORIES, "category (PCO)")
    if kind == "Goal" and any(p.endswith("pco-gas-goal-profile") for p in profiles):
        for target in resource.get("target", []):
            for coding in target.get("measure", {}).get("coding", []):
                expect(coding["code"], {GAS_GOAL_MEASURE}, "target.measure")
    if kind == "Observation" and any(p.endswith("pco-gas-score-observation") for p in profiles):
        codes = {c["code"] for c in resource["code"].get("coding", []) if c["system"] == fhir.LOINC}
        if not codes & GAS_SCORE_CODES:
            found.append(f"{kind}.code {sorted(codes)} is not a PCO GAS score code")
    if kind == "Goal":
        expect(resource["lifecycleStatus"], GOAL_LIFECYCLE, "lifecycleStatus")
        for coding in resource.get("achievementStatus", {}).get("coding", []):
            expect(coding["system"], {fhir.GOAL_ACHIEVEMENT}, "achievementStatus.system")
            expect(coding["code"], GOAL_ACHIEVEMENT, "achievementStatus")
    if kind == "Observation":
        expect(resource["status"], OBSERVATION_STATUS, "status")
        for coding in resource["valueCodeableConcept"]["coding"]:
            if coding["system"] == fhir.LOINC:
                expect(coding["code"], GAS_LOINC, "value (LOINC answer)")
    if kind == "CarePlan":
        expect(resource["status"], CAREPLAN_STATUS, "status")
        expect(resource["intent"], CAREPLAN_INTENT, "intent")
        for activity in resource.get("activity", []):
            expect(activity["detail"]["status"], ACTIVITY_STATUS, "activity.detail.status")
    return found


def validated(resource: dict) -> dict:
    """``resource`` after the R4B model has read it and its codes are checked."""
    MODELS[resource["resourceType"]].model_validate(resource)
    assert code_problems(resource) == []
    return resource


def test_the_code_check_catches_what_the_library_lets_through():
    goal = {
        "resourceType": "Goal",
        "lifecycleStatus": "finished",
        "description": {"text": "x"},
        "subject": {"reference": "Patient/1"},
    }
    Goal.model_validate(goal)  # accepted by the library...
    assert code_problems(goal) == ["Goal.lifecycleStatus = 'finished'"]  # ...not by us


def test_the_code_check_catches_a_pco_category_from_the_wrong_code_system():
    goal = {
        "resourceType": "Goal",
        "meta": {"profile": ["http://hl7.org/fhir/us/pco/StructureDefinition/pco-goal-profile"]},
        "lifecycleStatus": "active",
        "category": [
            {
                "coding": [
                    {"system": "http://hl7.org/fhir/us/pco/CodeSystem/x", "code": "what-matters"}
                ]
            }
        ],
    }
    assert code_problems(goal) == [
        "Goal.category (PCO) = ('http://hl7.org/fhir/us/pco/CodeSystem/x', 'what-matters')"
    ]


def gas_scale(organisation):
    scale = RatingScaleFactory(organisation=organisation, kind="gas", name="Goal Attainment")
    for score, label, band in (
        (-2, "Much less than expected", Band.NOT_ACHIEVED),
        (-1, "Less than expected", Band.NOT_ACHIEVED),
        (0, "As expected", Band.ACHIEVED),
        (1, "More than expected", Band.ACHIEVED),
        (2, "Much more than expected", Band.ACHIEVED),
    ):
        ScalePointFactory(
            scale=scale, score=score, label=label, band=band, description=f"{label}, for me"
        )
    return scale


@pytest.fixture
def rich_person(roles, frameworks, actor_as):
    """Iris, with a GAS outcome (a correction among its ratings), an outcome tied to a
    framework outcome retired since, and an outcome achieved."""
    actor = actor_as(roles.practitioner)
    organisation = roles.team.organisation
    today = timezone.localdate()
    person = CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Iris Mackenzie",
        person__preferred_name="Iris",
        person__chi_number="1403482314",
        person__date_of_birth=datetime.date(1948, 3, 14),
    ).person
    KeyPersonFactory(person=person, name="Mary Mackenzie", relationship="daughter")
    framework = FrameworkFactory(
        organisation=organisation, scale=gas_scale(organisation), name="Goals"
    )
    category = FrameworkCategoryFactory(framework=framework)
    gas_outcome_link = FrameworkOutcomeFactory(category=category, short_name="Being active")
    gas = services.outcome_record(
        actor=actor,
        person=person,
        what_matters="I want to walk to the shop on my own — “without the frame”",
        framework_outcomes=[gas_outcome_link],
        started_on=today - datetime.timedelta(days=90),
        next_review_on=today + datetime.timedelta(days=30),
        why_it_matters="I like to choose my own bread",
        actions=[services.ActionData(description="Walk with Mary on Sundays", who="Mary")],
    )
    points = {p.score: p for p in gas.scale.points.all()}
    first = services.review_add(
        actor=actor,
        outcome=gas,
        reviewed_on=today - datetime.timedelta(days=60),
        point=points[-2],
        narrative="Could not get to the door",
    )
    services.review_amend(
        actor=actor,
        review=first,
        reason="Rated on the wrong day's notes",
        reviewed_on=first.reviewed_on,
        point=points[-1],
        narrative="Got to the door with help",
    )
    services.review_add(
        actor=actor,
        outcome=gas,
        reviewed_on=today - datetime.timedelta(days=10),
        point=points[1],
        narrative="Walked to the corner",
    )
    retiring = FrameworkOutcomeFactory(
        category=category, short_name="Seeing people", description="Old wording"
    )
    kept = services.outcome_record(
        actor=actor,
        person=person,
        what_matters="See my friends at the club",
        framework_outcomes=[retiring],
        in_own_words=False,
        started_on=today - datetime.timedelta(days=80),
    )
    framework_outcome_retire(actor=actor_as(roles.admin), outcome=retiring)
    extent = services.outcome_record(
        actor=actor, person=person, what_matters="Sleep through the night"
    )
    achieved_point = extent.scale.points.order_by("-score").first()
    services.review_add(
        actor=actor, outcome=extent, reviewed_on=today, point=achieved_point, narrative="Yes"
    )
    extent.refresh_from_db()
    services.outcome_update(
        actor=actor,
        outcome=extent,
        version=extent.version,
        status=OutcomeStatus.ACHIEVED,
        status_changed_on=today,
    )
    for outcome in (gas, kept, extent):
        outcome.refresh_from_db()
    return {"person": person, "gas": gas, "retired": kept, "extent": extent}


def bundle_of(user, person) -> dict:
    loaded = person_for_export(user, person.pk)
    return json.loads(json.dumps(person_bundle_export(actor=Actor.system(), person=loaded)))


def of_type(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_resource_of_the_bundle_is_valid_r4_with_valid_codes(roles, rich_person):
    bundle = bundle_of(roles.practitioner, rich_person["person"])
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        validated(entry["resource"])
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == ["Patient", "Goal", "Goal", "Goal", *["Observation"] * 4, "CarePlan"]


def test_every_reference_in_the_bundle_points_at_an_entry(roles, rich_person):
    bundle = bundle_of(roles.practitioner, rich_person["person"])
    urls = {e["fullUrl"] for e in bundle["entry"]}

    def references(value):
        if isinstance(value, dict):
            if "reference" in value:
                yield value["reference"]
            for inner in value.values():
                yield from references(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from references(inner)

    found = list(references(bundle))
    assert found and set(found) <= urls


def test_the_patient_carries_the_chi_number_names_and_key_people(roles, rich_person):
    (patient,) = of_type(bundle_of(roles.practitioner, rich_person["person"]), "Patient")
    assert patient["identifier"] == [{"system": fhir.CHI_SYSTEM, "value": "1403482314"}]
    assert patient["meta"]["profile"] == [
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
    ]
    assert patient["name"] == [
        {"use": "official", "text": "Iris Mackenzie"},
        {"use": "usual", "text": "Iris"},
    ]
    assert patient["birthDate"] == "1948-03-14"
    assert patient["contact"] == [
        {"relationship": [{"text": "daughter"}], "name": {"text": "Mary Mackenzie"}}
    ]


def test_a_gas_outcome_follows_the_pco_gas_goal_profile(roles, rich_person):
    bundle = bundle_of(roles.practitioner, rich_person["person"])
    gas = rich_person["gas"]
    gas_id = fhir.resource_id("outcome", gas.pk)
    goal = next(g for g in of_type(bundle, "Goal") if g["id"] == gas_id)
    assert goal["meta"]["profile"] == [
        "http://hl7.org/fhir/us/pco/StructureDefinition/pco-gas-goal-profile"
    ]
    # The person's words exactly as written, with who expressed them.
    assert goal["description"]["text"] == gas.what_matters
    assert goal["expressedBy"] == goal["subject"]
    levels = [
        {e["url"]: e.get("valueCoding", {}).get("code") or e["valueString"] for e in x["extension"]}
        for x in goal["extension"]
    ]
    assert [level["level"] for level in levels] == list(GAS_LOINC)
    assert levels[2]["text"] == "As expected, for me"
    assert all(x["url"] == fhir.PCO_GAS_EXTENSION for x in goal["extension"])
    assert goal["target"] == [
        {
            "measure": {"coding": [fhir.GAS_MEASURE]},
            "detailCodeableConcept": {
                "coding": [
                    {"system": fhir.LOINC, "code": "LA34481-4", "display": "Expected outcome"}
                ]
            },
            "dueDate": gas.next_review_on.isoformat(),
        }
    ]
    assert goal["lifecycleStatus"] == "active"
    # Rated -1 (the correction) then +1: better, and in the achieved band.
    assert goal["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert goal["startDate"] == gas.started_on.isoformat()
    assert {"text": "Why it matters: I like to choose my own bread"} in goal["note"]


def test_ratings_are_observations_and_a_correction_amends_the_original(roles, rich_person):
    bundle = bundle_of(roles.practitioner, rich_person["person"])
    gas = rich_person["gas"]
    goal_ref = {"reference": f"urn:uuid:{fhir.resource_id('outcome', gas.pk)}"}
    ratings = [o for o in of_type(bundle, "Observation") if o["focus"] == [goal_ref]]
    by_status = {o["status"]: o for o in ratings}
    assert sorted(by_status) == ["amended", "entered-in-error", "final"]
    original, correction = by_status["entered-in-error"], by_status["amended"]
    assert correction["derivedFrom"] == [{"reference": f"urn:uuid:{original['id']}"}]
    assert {"text": "Correction: Rated on the wrong day's notes"} in correction["note"]
    assert {"text": "Could not get to the door"} in original["note"]
    scale = gas.scale
    assert correction["valueCodeableConcept"]["coding"] == [
        {"system": fhir.LOINC, "code": "LA34483-0", "display": "Less than expected"},
        {
            "system": f"urn:uuid:{scale.lineage}",
            "version": str(scale.version),
            "code": "-1",
            "display": "Less than expected",
        },
    ]
    assert correction["code"] == {
        "coding": [
            {
                "system": "http://loinc.org",
                "code": "107333-7",
                "display": "Practitioner follow-up goal attainment scaling score",
            }
        ]
    }
    assert by_status["final"]["valueCodeableConcept"]["coding"][0]["code"] == "LA34480-6"
    assert original["meta"]["profile"][-1].endswith("pco-gas-score-observation")


def test_a_retired_framework_outcome_still_names_the_goal_it_was_recorded_with(roles, rich_person):
    bundle = bundle_of(roles.practitioner, rich_person["person"])
    retired = rich_person["retired"]
    goal = next(
        g for g in of_type(bundle, "Goal") if g["id"] == fhir.resource_id("outcome", retired.pk)
    )
    framework_outcome = retired.framework_outcomes.get()
    assert framework_outcome.retired_at is not None
    assert {
        "coding": [
            {
                "system": f"urn:uuid:{framework_outcome.category.framework.lineage}",
                "code": str(framework_outcome.identity),
                "display": "Seeing people",
            }
        ],
        "text": "Seeing people",
    } in goal["category"]
    # Someone else's account of what matters: not expressed by the person.
    assert "expressedBy" not in goal
    assert goal["achievementStatus"]["coding"][0]["code"] == "in-progress"


def test_an_achieved_outcome_is_a_completed_goal_and_its_scale_has_its_own_codes(
    roles, rich_person
):
    bundle = bundle_of(roles.practitioner, rich_person["person"])
    extent = rich_person["extent"]
    goal = next(
        g for g in of_type(bundle, "Goal") if g["id"] == fhir.resource_id("outcome", extent.pk)
    )
    assert (goal["lifecycleStatus"], goal["achievementStatus"]["coding"][0]["code"]) == (
        "completed",
        "achieved",
    )
    assert goal["statusDate"] == timezone.localdate().isoformat()
    (rating,) = [
        o
        for o in of_type(bundle, "Observation")
        if o["focus"] == [{"reference": f"urn:uuid:{goal['id']}"}]
    ]
    (coding,) = rating["valueCodeableConcept"]["coding"]
    assert coding["system"] == f"urn:uuid:{extent.scale.lineage}"
    assert coding["code"] == str(extent.scale.points.order_by("-score").first().score)


def test_the_care_plan_groups_every_goal_with_the_steps_as_activities(roles, rich_person):
    bundle = bundle_of(roles.practitioner, rich_person["person"])
    (plan,) = of_type(bundle, "CarePlan")
    goals = of_type(bundle, "Goal")
    gas_id = fhir.resource_id("outcome", rich_person["gas"].pk)
    assert plan["goal"] == [{"reference": f"urn:uuid:{g['id']}"} for g in goals]
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert plan["activity"] == [
        {
            "detail": {
                "status": "in-progress",
                "description": "Walk with Mary on Sundays",
                "goal": [{"reference": f"urn:uuid:{gas_id}"}],
                "performer": [{"display": "Mary"}],
            }
        }
    ]


def test_a_person_with_nothing_recorded_is_a_patient_alone(roles, person):
    bundle = bundle_of(roles.practitioner, person)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]
    validated(bundle["entry"][0]["resource"])


def test_every_line_of_every_organisation_file_is_a_valid_resource(roles, rich_person):
    CaseloadEntryFactory(team=roles.other_team, person__full_name="Zeb Shore")
    organisation = roles.team.organisation
    counts = {}
    for resource_type in RESOURCE_TYPES:
        body = b"".join(
            organisation_ndjson(
                actor=Actor.system(), organisation=organisation, resource_type=resource_type
            )
        )
        lines = [json.loads(line) for line in body.decode().splitlines()]
        for resource in lines:
            assert resource["resourceType"] == resource_type
            validated(resource)
        counts[resource_type] = len(lines)
    assert counts == {"Patient": 2, "Goal": 3, "Observation": 4, "CarePlan": 1}


def test_organisation_files_refer_across_files_by_type_and_id(roles, rich_person):
    body = b"".join(
        organisation_ndjson(
            actor=Actor.system(), organisation=roles.team.organisation, resource_type="Goal"
        )
    )
    goal = json.loads(body.decode().splitlines()[0])
    assert goal["subject"] == {
        "reference": f"Patient/{fhir.resource_id('person', rich_person['person'].pk)}"
    }


def test_a_line_break_typed_into_a_name_leaves_one_resource_a_line(roles, person):
    person.full_name = "Iris\u2028Mackenzie\x85"
    person.preferred_name = "Iris\u2029"
    person.save()
    body = b"".join(
        organisation_ndjson(
            actor=Actor.system(), organisation=roles.team.organisation, resource_type="Patient"
        )
    ).decode()
    # However a reader splits lines, each line is one whole resource.
    (line,) = body.splitlines()
    assert json.loads(line)["name"][0]["text"] == "Iris\u2028Mackenzie\x85"


def test_every_reference_between_the_organisation_files_finds_its_resource(roles, rich_person):
    ids, references = set(), []

    def collect(value):
        if isinstance(value, dict):
            if "reference" in value:
                references.append(value["reference"])
            for inner in value.values():
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    for resource_type in RESOURCE_TYPES:
        body = b"".join(
            organisation_ndjson(
                actor=Actor.system(),
                organisation=roles.team.organisation,
                resource_type=resource_type,
            )
        )
        for line in body.decode().split("\n")[:-1]:
            resource = json.loads(line)
            ids.add(f"{resource['resourceType']}/{resource['id']}")
            collect(resource)
    assert any(r.startswith("Observation/") for r in references)  # a correction's original
    assert references and set(references) <= ids
