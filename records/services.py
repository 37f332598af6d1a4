"""Writes to person records. Each is one transaction with its audit event."""

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Team
from audit.selectors import recent_events
from audit.services import audit_record, audit_record_each, changes_between
from common.actor import Actor
from common.dates import HAPPENED, PLANNED, dates_check
from common.errors import ConflictError
from frameworks.models import Framework, FrameworkOutcome, RatingScale, ScalePoint
from themes.selectors import themes_for_recording

from . import hooks
from .chi import chi_normalise, chi_problem
from .models import (
    Action,
    CaseloadEntry,
    EngagementChannel,
    KeyPerson,
    Outcome,
    OutcomeStatus,
    Person,
    Review,
)
from .progress import current_reviews
from .quality import (
    OUTCOME_CRITERIA,
    REVIEW_CRITERIA,
    criteria_met,
    outcome_prompts,
    review_prompts,
)
from .selectors import people_for_user

DEFAULT_SCALE_KEY = "extent-achieved"

PERSON_FIELDS = (
    "full_name",
    "preferred_name",
    "date_of_birth",
    "chi_number",
    "communication_needs",
    "engagement_channels",
    "engagement_notes",
)
OUTCOME_FIELDS = (
    "what_matters",
    "in_own_words",
    "why_it_matters",
    "contribution",
    "next_review_on",
    "status",
    "started_on",
    "status_changed_on",
    "gas_weight",
)
GAS_WEIGHTS = (1, 100)


@dataclass(frozen=True)
class KeyPersonData:
    name: str
    relationship: str
    contact: str = ""
    may_speak_for_person: bool = False


@dataclass(frozen=True)
class ActionData:
    description: str
    who: str = ""
    when: str = ""
    where: str = ""
    due_on: datetime.date | None = None


def _snapshot(obj, fields: Iterable[str]) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _check_person(*, chi_number: str, date_of_birth) -> str:
    """The CHI number, normalised, if it is well formed and fits the date of birth.

    Whether another record has it is for ``_chi_check_in`` to say, within an organisation.
    """
    dates_check(date_of_birth=(date_of_birth, HAPPENED))
    chi = chi_normalise(chi_number or "")
    if not chi:
        return ""
    problem = chi_problem(chi)
    if problem:
        raise ValidationError({"chi_number": problem})
    if date_of_birth and date_of_birth.strftime("%d%m%y") != chi[:6]:
        raise ValidationError(
            {"chi_number": "The CHI number does not match the date of birth given."}
        )
    return chi


CHI_DUPLICATE = "chi_duplicate_found"
# Refusals one user may meet in the window before CHI numbers are refused outright,
# so the check cannot be used to find out, number by number, who is recorded.
CHI_DUPLICATES_ALLOWED = 5
CHI_DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
CHI_TAKEN = (
    "A record with this CHI number already exists in your organisation. "
    "Ask the person's team to add your team to that record, rather than adding another."
)
CHI_CHECKS_PAUSED = (
    "You have checked several CHI numbers that are already recorded. "
    "Wait 10 minutes, or ask your team."
)


class _ChiDuplicate(Exception):
    """Raised inside a write that found its CHI number on another record of the organisation."""

    def __init__(self, existing: Person, field: str):
        super().__init__(field)
        self.existing = existing
        self.field = field


def _chi_checks_paused(actor: Actor) -> bool:
    user = actor.signed_in_user
    if user is None:
        return False
    # Counted from the trail rather than a per-process cache: every process sees
    # the same count, and a restart forgets nothing. Served by the (actor,
    # occurred_at) index: only this user's last ten minutes of events are read.
    since = timezone.now() - CHI_DUPLICATE_WINDOW
    found = recent_events(actor=user, action=CHI_DUPLICATE, since=since).count()
    return found >= CHI_DUPLICATES_ALLOWED


def _chi_check_in(
    *, actor: Actor, chi: str, organisation_ids, person_id: int | None, field: str
) -> None:
    """Raise ``_ChiDuplicate`` if another person on a caseload of these organisations'
    teams has ``chi``. Another organisation's record of the same person is no duplicate.

    Call inside the write's transaction: the organisations stay locked until it
    ends, so two writers adding one CHI number to an organisation check in turn
    and the second finds the first (SQLite takes one writer at a time anyway).
    """
    organisation_ids = sorted(set(organisation_ids))
    if not chi or not organisation_ids:
        return
    if _chi_checks_paused(actor):
        raise ValidationError({field: CHI_CHECKS_PAUSED})
    # NO KEY: adding a team to the organisation meanwhile need not wait.
    list(
        Organisation.objects.select_for_update(no_key=True)
        .filter(pk__in=organisation_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    existing = (
        Person.objects.filter(
            chi_number=chi, caseload_entries__team__organisation_id__in=organisation_ids
        )
        .exclude(pk=person_id)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        raise _ChiDuplicate(existing, field)


def _refuses_chi_duplicates(service):
    """Turn a ``_ChiDuplicate`` into a refusal, once the write has rolled back, and
    record it (with no CHI number) in a transaction of its own so the event is kept.

    The refusal names nobody. It carries the existing record's id, for a link,
    only when the user may already see that record.
    """

    @functools.wraps(service)
    def refusing(*, actor: Actor, **kwargs):
        try:
            return service(actor=actor, **kwargs)
        except _ChiDuplicate as error:
            found = error
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=CHI_DUPLICATE,
                on=found.existing,
                person_id=found.existing.pk,
                summary="Refused: the CHI number is on another record in the organisation",
            )
        user = actor.signed_in_user
        visible = user is not None and people_for_user(user).filter(pk=found.existing.pk).exists()
        raise ValidationError(
            {
                found.field: ValidationError(
                    CHI_TAKEN,
                    code=CHI_DUPLICATE,
                    params={"person_id": found.existing.pk if visible else None},
                )
            }
        )

    return refusing


def _check_channels(channels: Sequence[str], field: str = "engagement_channels") -> list[str]:
    unknown = set(channels) - set(EngagementChannel.values)
    if unknown:
        raise ValidationError({field: "Choose from the ways listed."})
    return [c for c in EngagementChannel.values if c in channels]


def _replace_key_people(person: Person, key_people: Sequence[KeyPersonData]) -> None:
    person.key_people.all().delete()
    KeyPerson.objects.bulk_create(
        KeyPerson(person=person, **vars(kp)) for kp in key_people if kp.name.strip()
    )


def _person_audited(
    actor: Actor, person: Person, action: str, summary: str, changes: dict | None = None
) -> None:
    audit_record(
        actor=actor, action=action, on=person, person_id=person.pk, summary=summary, changes=changes
    )


@_refuses_chi_duplicates
@transaction.atomic
def person_create(
    *,
    actor: Actor,
    teams: Sequence[Team],
    full_name: str,
    preferred_name: str = "",
    date_of_birth: datetime.date | None = None,
    chi_number: str = "",
    communication_needs: str = "",
    engagement_channels: Sequence[str] = (),
    engagement_notes: str = "",
    key_people: Sequence[KeyPersonData] = (),
) -> Person:
    """Add a person to one or more of the user's teams' caseloads.

    Refused if another person on a caseload of those teams' organisations has the
    same CHI number (see ``_refuses_chi_duplicates``).
    """
    if not teams:
        raise ValidationError({"teams": "Choose at least one team whose caseload they join."})
    if not full_name.strip():
        raise ValidationError({"full_name": "Enter the person's full name."})
    chi = _check_person(chi_number=chi_number, date_of_birth=date_of_birth)
    _chi_check_in(
        actor=actor,
        chi=chi,
        organisation_ids=[t.organisation_id for t in teams],
        person_id=None,
        field="chi_number",
    )
    person = Person.objects.create(
        full_name=full_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        chi_number=chi,
        communication_needs=communication_needs,
        engagement_channels=_check_channels(engagement_channels),
        engagement_notes=engagement_notes,
    )
    CaseloadEntry.objects.bulk_create(CaseloadEntry(person=person, team=t) for t in teams)
    _replace_key_people(person, key_people)
    _person_audited(
        actor,
        person,
        "create",
        "Added to caseload",
        changes={"teams": [None, [t.pk for t in teams]]},
    )
    return person


@_refuses_chi_duplicates
@transaction.atomic
def person_update(
    *,
    actor: Actor,
    person: Person,
    version: int,
    key_people: Sequence[KeyPersonData] | None = None,
    **fields,
) -> Person:
    """Change a person's details. Raises ConflictError if someone saved in between."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != version:
        raise ConflictError(current)
    fields["chi_number"] = _check_person(
        chi_number=fields.get("chi_number", current.chi_number),
        date_of_birth=fields.get("date_of_birth", current.date_of_birth),
    )
    if fields["chi_number"] != current.chi_number:
        _chi_check_in(
            actor=actor,
            chi=fields["chi_number"],
            organisation_ids=current.caseload_entries.values_list(
                "team__organisation_id", flat=True
            ),
            person_id=current.pk,
            field="chi_number",
        )
    if "engagement_channels" in fields:
        fields["engagement_channels"] = _check_channels(fields["engagement_channels"])
    if not fields.get("full_name", current.full_name).strip():
        raise ValidationError({"full_name": "Enter the person's full name."})
    before = _snapshot(current, PERSON_FIELDS)
    for name in fields:
        if name not in PERSON_FIELDS:
            raise TypeError(f"person_update() got an unexpected field {name!r}")
    # A new date of birth can move the person's outcomes to another age band.
    with hooks.outcomes_changing(
        Outcome.objects.filter(person=current)
        if fields.get("date_of_birth", current.date_of_birth) != current.date_of_birth
        else Outcome.objects.none()
    ):
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
    changes = changes_between(before, _snapshot(current, PERSON_FIELDS))
    if key_people is not None:
        old = [str(kp) for kp in current.key_people.all()]
        _replace_key_people(current, key_people)
        new = [str(kp) for kp in current.key_people.all()]
        if old != new:
            changes["key_people"] = [len(old), len(new)]
    _person_audited(actor, current, "update", "Details changed", changes=changes)
    return current


@_refuses_chi_duplicates
@transaction.atomic
def person_teams_change(
    *, actor: Actor, person: Person, teams: Sequence[Team], version: int | None = None
) -> Person:
    """Move a person to other teams' caseloads; their figures move with them.

    ``teams`` is every team whose caseload they are on afterwards. With
    ``version``, raises ConflictError if someone saved the record in between.
    """
    current = Person.objects.select_for_update().get(pk=person.pk)
    if version is not None and current.version != version:
        raise ConflictError(current)
    if current.closed_on:
        # Another team would otherwise gain sight of a record whose support has ended.
        raise ValidationError("This record is closed. Reopen it to change its teams.")
    if not teams:
        raise ValidationError({"teams": "Choose at least one team whose caseload they are on."})
    old = sorted(current.caseload_entries.values_list("team_id", flat=True))
    new = sorted({t.pk for t in teams})
    if old == new:
        return current
    joining = {t.organisation_id for t in teams} - set(
        current.caseload_entries.values_list("team__organisation_id", flat=True)
    )
    _chi_check_in(
        actor=actor,
        chi=current.chi_number,
        organisation_ids=joining,
        person_id=current.pk,
        field="teams",
    )
    with hooks.outcomes_changing(Outcome.objects.filter(person=current)):
        current.caseload_entries.exclude(team_id__in=new).delete()
        CaseloadEntry.objects.bulk_create(
            CaseloadEntry(person=current, team_id=t) for t in new if t not in old
        )
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
    _person_audited(
        actor, current, "update", "Moved to other teams' caseloads", changes={"teams": [old, new]}
    )
    return current


@transaction.atomic
def person_close(*, actor: Actor, person: Person, closed_on: datetime.date, reason: str) -> Person:
    """Close a record when support ends: it leaves the active caseload and stays readable."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.closed_on:
        raise ValidationError("This record is already closed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why support has ended."})
    dates_check(closed_on=(closed_on, HAPPENED))
    current.closed_on = closed_on
    current.closed_reason = reason.strip()
    current.version += 1
    current.save()
    _person_audited(
        actor, current, "close", "Record closed", changes={"closed_on": [None, str(closed_on)]}
    )
    return current


@transaction.atomic
def person_reopen(*, actor: Actor, person: Person) -> Person:
    current = Person.objects.select_for_update().get(pk=person.pk)
    if not current.closed_on:
        raise ValidationError("This record is already open.")
    if current.anonymised_on:
        raise ValidationError(
            "This record was anonymised under the retention policy, so it cannot be reopened."
        )
    before = str(current.closed_on)
    current.closed_on = None
    current.closed_reason = ""
    current.version += 1
    current.save()
    _person_audited(
        actor, current, "reopen", "Record reopened", changes={"closed_on": [before, None]}
    )
    return current


def organisation_ids_of(person: Person) -> list[int]:
    """The organisations whose teams support the person, lowest id first."""
    return sorted(
        set(
            CaseloadEntry.objects.filter(person=person).values_list(
                "team__organisation_id", flat=True
            )
        )
    )


def _scale_for(person: Person, framework_outcomes: Sequence[FrameworkOutcome]) -> RatingScale:
    # An outcome is rated on the scale of the first framework it is tied to, or
    # else on the default scale of the organisation supporting the person.
    if framework_outcomes:
        return framework_outcomes[0].category.framework.scale
    return RatingScale.objects.get(
        key=DEFAULT_SCALE_KEY, organisation_id=organisation_ids_of(person)[0]
    )


def _refuse_other_organisations(
    person: Person, framework_outcomes: Sequence[FrameworkOutcome]
) -> None:
    """Framework outcomes come from the frameworks of the organisations supporting the person."""
    own = set(organisation_ids_of(person))
    if any(fo.category.framework.organisation_id not in own for fo in framework_outcomes):
        raise ValidationError(
            {"framework_outcomes": "Choose framework outcomes from your organisation's frameworks."}
        )


def _check_outcome(*, what_matters: str, status: str, status_changed_on, gas_weight=1) -> None:
    low, high = GAS_WEIGHTS
    if not isinstance(gas_weight, int) or not low <= gas_weight <= high:
        raise ValidationError({"gas_weight": f"Give a whole number from {low} to {high}."})
    if not what_matters.strip():
        raise ValidationError({"what_matters": "Write what matters to the person."})
    if status not in OutcomeStatus.values:
        raise ValidationError({"status": "Choose a status from the list."})
    if status != OutcomeStatus.ACTIVE and not status_changed_on:
        raise ValidationError(
            {"status_changed_on": "Give the date the outcome was achieved or stopped mattering."}
        )


def _refuse_retired(framework_outcomes: Iterable[FrameworkOutcome]) -> None:
    retired = [
        fo
        for fo in framework_outcomes
        if fo.retired_at or fo.category.framework.retired_at or fo.category.framework.superseded_at
    ]
    if retired:
        raise ValidationError(
            {"framework_outcomes": f"{retired[0]} is retired; choose a current outcome."}
        )


OUTCOME_DATES = {"started_on": HAPPENED, "status_changed_on": HAPPENED, "next_review_on": PLANNED}


def outcome_quality(outcome: Outcome, framework_outcomes: Sequence[FrameworkOutcome]) -> list:
    """The core recording criteria the outcome meets (see records.quality)."""
    prompts = outcome_prompts(
        what_matters=outcome.what_matters,
        in_own_words=outcome.in_own_words,
        why_it_matters=outcome.why_it_matters,
        contribution=outcome.contribution,
        framework_names=tuple(fo.short_name for fo in framework_outcomes),
    )
    return criteria_met(OUTCOME_CRITERIA, prompts)


def review_quality(review: Review) -> list:
    prompts = review_prompts(
        narrative=review.narrative,
        what_helped=review.what_helped,
        what_hindered=review.what_hindered,
    )
    return criteria_met(REVIEW_CRITERIA, prompts)


def _check_actions(actions: Sequence[ActionData]) -> None:
    for action in actions:
        if action.due_on is not None:
            problem = PLANNED.problem(action.due_on)
            if problem:
                raise ValidationError({"actions": f"{action.description[:40]}: {problem}"})


def _replace_actions(outcome: Outcome, actions: Sequence[ActionData]) -> None:
    _check_actions(actions)
    outcome.actions.all().delete()
    Action.objects.bulk_create(
        Action(outcome=outcome, order=i, **vars(a))
        for i, a in enumerate((a for a in actions if a.description.strip()), start=1)
    )


@transaction.atomic
def outcome_record(
    *,
    actor: Actor,
    person: Person,
    what_matters: str,
    framework_outcomes: Sequence[FrameworkOutcome] = (),
    in_own_words: bool = True,
    why_it_matters: str = "",
    contribution: str = "",
    next_review_on: datetime.date | None = None,
    started_on: datetime.date | None = None,
    actions: Sequence[ActionData] = (),
    gas_weight: int = 1,
) -> Outcome:
    """Record a new personal outcome for the person, with its actions."""
    if person.closed_on:
        raise ValidationError("This record is closed. Reopen it to add outcomes.")
    _check_outcome(
        what_matters=what_matters,
        status=OutcomeStatus.ACTIVE,
        status_changed_on=None,
        gas_weight=gas_weight,
    )
    _refuse_retired(framework_outcomes)
    _refuse_other_organisations(person, framework_outcomes)
    dates_check(started_on=(started_on, HAPPENED), next_review_on=(next_review_on, PLANNED))
    outcome = Outcome(
        person=person,
        what_matters=what_matters,
        in_own_words=in_own_words,
        why_it_matters=why_it_matters,
        contribution=contribution,
        next_review_on=next_review_on,
        started_on=started_on or timezone.localdate(),
        scale=_scale_for(person, framework_outcomes),
        gas_weight=gas_weight,
        created_by=actor.user,
    )
    outcome.quality = outcome_quality(outcome, framework_outcomes)
    outcome.save()
    outcome.framework_outcomes.set(framework_outcomes)
    _replace_actions(outcome, actions)
    hooks.outcome_added(outcome)
    audit_record(
        actor=actor, action="create", on=outcome, person_id=person.pk, summary="Outcome recorded"
    )
    return outcome


@transaction.atomic
def outcome_update(
    *,
    actor: Actor,
    outcome: Outcome,
    version: int,
    framework_outcomes: Sequence[FrameworkOutcome] | None = None,
    actions: Sequence[ActionData] | None = None,
    **fields,
) -> Outcome:
    """Change an outcome. Raises ConflictError if someone else saved it in between."""
    current = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if current.version != version:
        raise ConflictError(current)
    for name in fields:
        if name not in OUTCOME_FIELDS:
            raise TypeError(f"outcome_update() got an unexpected field {name!r}")
    merged = {**_snapshot(current, OUTCOME_FIELDS), **fields}
    if merged["status"] == OutcomeStatus.ACTIVE:
        merged["status_changed_on"] = None
    _check_outcome(
        what_matters=merged["what_matters"],
        status=merged["status"],
        status_changed_on=merged["status_changed_on"],
        gas_weight=merged["gas_weight"],
    )
    # Only dates being changed: one kept as it was never stops the rest being saved.
    dates_check(
        **{
            name: (merged[name], allowed)
            for name, allowed in OUTCOME_DATES.items()
            if merged[name] != getattr(current, name)
        }
    )
    if framework_outcomes is not None:
        # Keeping a link to an outcome retired since is fine; adding one is not.
        kept = set(current.framework_outcomes.values_list("pk", flat=True))
        _refuse_retired(fo for fo in framework_outcomes if fo.pk not in kept)
        _refuse_other_organisations(
            current.person, [fo for fo in framework_outcomes if fo.pk not in kept]
        )
    with hooks.outcomes_changing(Outcome.objects.filter(pk=current.pk)):
        before = _snapshot(current, OUTCOME_FIELDS)
        for name, value in merged.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        changes = changes_between(before, _snapshot(current, OUTCOME_FIELDS))
        if framework_outcomes is not None:
            old = sorted(current.framework_outcomes.values_list("pk", flat=True))
            new = sorted(fo.pk for fo in framework_outcomes)
            if old != new:
                current.framework_outcomes.set(framework_outcomes)
                changes["framework_outcomes"] = [old, new]
        if actions is not None:
            _replace_actions(current, actions)
        current.quality = outcome_quality(current, list(current.framework_outcomes.all()))
        Outcome.objects.filter(pk=current.pk).update(
            **{f"meets_{c}": c in current.quality for c in OUTCOME_CRITERIA}
        )
    audit_record(
        actor=actor, action="update", on=current, summary="Outcome changed", changes=changes
    )
    return current


def outcome_progress_refresh(outcome: Outcome) -> None:
    """Recompute the outcome's first and latest rating from the reviews that count."""
    reviews = current_reviews(outcome.reviews.select_related("point"))
    first = reviews[0] if reviews else None
    latest = reviews[-1] if reviews else None
    Outcome.objects.filter(pk=outcome.pk).update(
        first_point=first.point if first else None,
        first_rated_on=first.reviewed_on if first else None,
        latest_point=latest.point if latest else None,
        latest_rated_on=latest.reviewed_on if latest else None,
        first_score=first.point.score if first else None,
        latest_score=latest.point.score if latest else None,
        latest_band=latest.point.band if latest else "",
        rating_count=len(reviews),
    )


def _set_themes(review: Review, person_id: int, helped: Sequence, hindered: Sequence) -> None:
    """Tag the review with themes of the organisations whose teams support the person."""
    chosen = {*helped, *hindered}
    if chosen:
        allowed = set(
            themes_for_recording(
                CaseloadEntry.objects.filter(person_id=person_id).values_list(
                    "team__organisation_id", flat=True
                )
            ).values_list("pk", flat=True)
        )
        if any(t.pk not in allowed for t in chosen):
            raise ValidationError("Choose themes from your organisation's current list.")
    review.helped_themes.set(helped)
    review.hindered_themes.set(hindered)


def _write_review(
    *,
    actor: Actor,
    outcome: Outcome,
    reviewed_on: datetime.date,
    point: ScalePoint,
    helped_themes: Sequence,
    hindered_themes: Sequence,
    **fields,
) -> Review:
    """Check and save a review (or a correction) with its themes; refresh the outcome's progress."""
    _check_review(outcome=outcome, point=point, reviewed_on=reviewed_on)
    if fields.get("plan_needs_change") and not fields.get("plan_change", "").strip():
        raise ValidationError({"plan_change": "Say how the plan should change."})
    review = Review(
        outcome=outcome,
        reviewed_on=reviewed_on,
        point=point,
        created_by=actor.user,
        **fields,
    )
    review.quality = review_quality(review)
    with hooks.outcomes_changing(Outcome.objects.filter(pk=outcome.pk)):
        review.save()
        _set_themes(review, outcome.person_id, helped_themes, hindered_themes)
        outcome_progress_refresh(outcome)
    return review


def _check_review(*, outcome: Outcome, point: ScalePoint, reviewed_on: datetime.date) -> None:
    if point.scale_id != outcome.scale_id:
        raise ValidationError({"point": "Choose a rating from this outcome's scale."})
    dates_check(reviewed_on=(reviewed_on, HAPPENED))
    if reviewed_on < outcome.started_on:
        raise ValidationError(
            {"reviewed_on": "The review date cannot be before the outcome was recorded."}
        )


# How far ahead the next review is suggested when the outcome has no usual
# interval yet: about three months, the usual rhythm of outcome reviews.
DEFAULT_REVIEW_INTERVAL = datetime.timedelta(weeks=13)


def review_interval(outcome: Outcome) -> datetime.timedelta:
    """The outcome's usual time between reviews: the gap last planned, from its
    latest rating (or from when it was agreed) to the review set then."""
    since = outcome.latest_rated_on or outcome.started_on
    if outcome.next_review_on and since and outcome.next_review_on > since:
        return outcome.next_review_on - since
    return DEFAULT_REVIEW_INTERVAL


def next_review_suggested(outcome: Outcome, *, reviewed_on: datetime.date) -> datetime.date:
    """When to review the outcome next after a review on ``reviewed_on``: one usual
    interval on, and never in the past (a review entered late counts from today)."""
    interval = review_interval(outcome)
    today = timezone.localdate()
    suggested = reviewed_on + interval
    return suggested if suggested > today else today + interval


def next_review_check(next_review_on: datetime.date, *, reviewed_on: datetime.date) -> None:
    """Refuse a next review that is in the past or before the review itself."""
    if next_review_on < reviewed_on:
        raise ValidationError({"next_review_on": "The next review cannot be before this review."})
    if next_review_on < timezone.localdate():
        raise ValidationError(
            {"next_review_on": "The next review cannot be in the past: give a date from today."}
        )


REVIEW_TEXT_FIELDS = (
    "narrative",
    "what_helped",
    "what_hindered",
    "unintended_outcomes",
    "plan_change",
    "views_included",
)


@transaction.atomic
def review_add(
    *,
    actor: Actor,
    outcome: Outcome,
    reviewed_on: datetime.date,
    point: ScalePoint,
    narrative: str = "",
    what_helped: str = "",
    what_hindered: str = "",
    unintended_outcomes: str = "",
    plan_needs_change: bool = False,
    plan_change: str = "",
    views_included: str = "",
    next_review_on: datetime.date | None = None,
    helped_themes: Sequence = (),
    hindered_themes: Sequence = (),
    actions: Sequence[ActionData] | None = None,
    channels: Sequence[str] = (),
) -> Review:
    """Add a review of an outcome and move its plan on.

    The outcome's next review becomes ``next_review_on``, or, if none is given,
    the date its usual interval suggests (``next_review_suggested``); it is never
    in the past nor before the review, so the outcome stops being overdue at
    once. With ``actions``, the outcome's steps are replaced by them: the plan
    changed there and then.
    """
    outcome = Outcome.objects.select_for_update().select_related("person").get(pk=outcome.pk)
    if outcome.person.closed_on:
        raise ValidationError("This record is closed. Reopen it to add reviews.")
    dates_check(next_review_on=(next_review_on, PLANNED))
    if next_review_on is None:
        next_review_on = next_review_suggested(outcome, reviewed_on=reviewed_on)
    next_review_check(next_review_on, reviewed_on=reviewed_on)
    if plan_needs_change and actions is not None and not plan_change.strip():
        plan_change = "The steps were changed at this review."
    review = _write_review(
        actor=actor,
        outcome=outcome,
        reviewed_on=reviewed_on,
        point=point,
        helped_themes=helped_themes,
        hindered_themes=hindered_themes,
        narrative=narrative,
        what_helped=what_helped,
        what_hindered=what_hindered,
        unintended_outcomes=unintended_outcomes,
        plan_needs_change=plan_needs_change,
        plan_change=plan_change,
        views_included=views_included,
        channels=_check_channels(channels, field="channels"),
    )
    changes = changes_between(
        {"next_review_on": outcome.next_review_on}, {"next_review_on": next_review_on}
    )
    Outcome.objects.filter(pk=outcome.pk).update(next_review_on=next_review_on)
    outcome.next_review_on = next_review_on
    if actions is not None:
        before = list(outcome.actions.values_list("description", flat=True))
        _replace_actions(outcome, actions)
        after = list(outcome.actions.values_list("description", flat=True))
        if before != after:
            changes["actions"] = [len(before), len(after)]
    audit_record(
        actor=actor,
        action="create",
        on=review,
        person_id=outcome.person_id,
        summary="Review added",
        changes=changes,
    )
    return review


@transaction.atomic
def review_amend(
    *,
    actor: Actor,
    review: Review,
    reason: str,
    reviewed_on: datetime.date,
    point: ScalePoint,
    helped_themes: Sequence = (),
    hindered_themes: Sequence = (),
    **texts,
) -> Review:
    """Correct a review by adding an amendment; the original stays visible."""
    original = Review.objects.select_for_update().select_related("outcome").get(pk=review.pk)
    if Review.objects.filter(amends=original).exists():
        raise ValidationError("This review has already been corrected; amend the correction.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the review is being corrected."})
    unknown = set(texts) - {*REVIEW_TEXT_FIELDS, "plan_needs_change"}
    if unknown:
        raise TypeError(f"review_amend() got unexpected fields {sorted(unknown)}")
    # Lock the outcome as review_add does, so concurrent reviews refresh its progress in turn.
    outcome = Outcome.objects.select_for_update().get(pk=original.outcome_id)
    amendment = _write_review(
        actor=actor,
        outcome=outcome,
        reviewed_on=reviewed_on,
        point=point,
        helped_themes=helped_themes,
        hindered_themes=hindered_themes,
        amends=original,
        amendment_reason=reason.strip(),
        **texts,
    )
    changes = changes_between(
        {"reviewed_on": original.reviewed_on, "score": original.point.score},
        {"reviewed_on": reviewed_on, "score": point.score},
    )
    audit_record(
        actor=actor,
        action="amend",
        on=amendment,
        person_id=original.outcome.person_id,
        summary=f"Correction of review {original.pk}",
        changes=changes,
    )
    return amendment


def person_viewed(*, actor: Actor, person: Person, what: str = "record") -> None:
    """Note in the audit trail that the user looked at the person's record."""
    _person_audited(actor, person, "view", f"Viewed {what}")


def people_listed_viewed(*, actor: Actor, person_ids: Iterable[int], what: str) -> None:
    """Note, for each person a page lists (the home page's day), that the user saw
    them there: one statement however many."""
    user = actor.signed_in_user
    audit_record_each(
        actor=actor,
        action="view",
        on=("core.home", user.pk if user else ""),
        person_ids=sorted(set(person_ids)),
        summary=f"Viewed {what}",
    )


@transaction.atomic
def person_framework_choose(*, actor: Actor, person: Person, lineage) -> Person:
    """Keep on the record which outcome framework fits the person (by lineage):
    one of the current frameworks of the organisations supporting them, or none."""
    current = Person.objects.select_for_update().get(pk=person.pk)
    if (
        lineage is not None
        and not Framework.objects.filter(
            lineage=lineage, organisation_id__in=organisation_ids_of(current)
        ).exists()
    ):
        raise ValidationError({"framework": "Choose one of your organisation's frameworks."})
    if current.framework_lineage == lineage:
        return current
    before = current.framework_lineage
    current.framework_lineage = lineage
    current.version += 1
    current.save(update_fields=["framework_lineage", "version", "updated_at"])
    _person_audited(
        actor,
        current,
        "update",
        "Framework chosen",
        changes=changes_between({"framework": before}, {"framework": lineage}),
    )
    return current
