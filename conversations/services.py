"""Writes to conversations: each stage saves a draft; confirming writes the record.

Every write is one transaction with its audit event. A draft can be changed by
any practitioner on the person's teams; the version that travels with each
form stops one person silently overwriting another. Confirming is idempotent:
a second confirm (double click, back button) writes nothing more.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from common.actor import Actor
from common.dates import HAPPENED, PLANNED, dates_check
from common.errors import ConflictError
from frameworks.models import FrameworkOutcome, ScalePoint
from records import services as records
from records.models import KeyPerson, Outcome, OutcomeStatus, Person

from .models import (
    Addendum,
    AgreedAction,
    AgreedOutcome,
    CandidateOutcome,
    Channel,
    Conversation,
    ConversationKind,
    Participant,
    ParticipantKind,
    ReviewEntry,
    RiskDiscussion,
    Stage,
)


@dataclass(frozen=True)
class ParticipantData:
    kind: str
    name: str
    role: str = ""
    key_person_id: int | None = None
    # What matters to them, when it is noted as the conversation starts.
    what_matters: str = ""
    why: str = ""
    in_own_words: bool = False


@dataclass(frozen=True)
class ViewData:
    """What matters to one person who took part, and why."""

    what_matters: str = ""
    why: str = ""
    in_own_words: bool = False

    @property
    def said(self) -> bool:
        return bool(self.what_matters.strip() or self.why.strip())


NO_VIEW = ViewData()


@dataclass(frozen=True)
class PerspectiveData:
    participant_id: int
    what_matters: str = ""
    why: str = ""
    in_own_words: bool = False


@dataclass(frozen=True)
class CandidateData:
    statement: str
    suggested: FrameworkOutcome | None = None


@dataclass(frozen=True)
class RiskData:
    risk: str
    persons_view: str = ""
    agreed_reasonable: str = ""
    safeguards: str = ""
    look_again_on: datetime.date | None = None


@dataclass(frozen=True)
class ReviewEntryData:
    outcome_id: int
    point: ScalePoint | None = None
    narrative: str = ""
    what_helped: str = ""
    what_hindered: str = ""
    unintended_outcomes: str = ""
    plan_needs_change: bool = False
    plan_change: str = ""
    next_review_on: datetime.date | None = None
    helped_themes: tuple = ()
    hindered_themes: tuple = ()
    # The outcome's steps as changed at the review; None leaves them as they are.
    new_steps: Sequence[records.ActionData] | None = None


def _audit(actor: Actor, conversation: Conversation, action: str, summary: str) -> None:
    audit_record(actor=actor, action=action, on=conversation, summary=summary)


def _lock_draft(conversation: Conversation, version: int | None) -> Conversation:
    """The conversation, locked for this transaction, if it is still a draft."""
    current = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if not current.is_draft:
        raise ValidationError(
            "This conversation has been recorded and can no longer be changed. "
            "Add an addendum to correct or add to it."
        )
    if version is not None and current.version != version:
        raise ConflictError(current)
    return current


def _advance(conversation: Conversation, to: str, *, left_at: str | None = None) -> None:
    """Reach stage ``to``; the draft resumes there, or at ``left_at`` when the
    practitioner saved and left from that stage."""
    stages = conversation.stages
    if stages.index(to) > stages.index(conversation.stage):
        conversation.stage = to
    conversation.resume_stage = left_at or to
    conversation.version += 1
    conversation.save()


@transaction.atomic
def conversation_start(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    held_on: datetime.date,
    place: str = "",
    channels: Sequence[str] = (),
    communication_support: str = "",
    person_took_part: bool = True,
    key_people: Sequence[KeyPerson] = (),
    others: Sequence[ParticipantData] = (),
    framework=None,
) -> Conversation:
    """Start a draft conversation with the person and whoever else took part.

    ``framework`` (a framework lineage), if given, is kept on the person's record as
    the framework that fits them.
    """
    if person.closed_on:
        raise ValidationError("This record is closed. Reopen it to start a conversation.")
    if framework is not None:
        person = records.person_framework_choose(actor=actor, person=person, lineage=framework)
    if kind not in ConversationKind.values:
        raise ValidationError({"kind": "Choose what kind of conversation this is."})
    dates_check(held_on=(held_on, HAPPENED))
    if set(channels) - set(Channel.values):
        raise ValidationError({"channels": "Choose from the ways listed."})
    if any(kp.person_id != person.pk for kp in key_people):
        raise ValidationError({"key_people": "Choose from this person's key people."})
    active = person.outcomes.filter(status=OutcomeStatus.ACTIVE)
    if kind == ConversationKind.REVIEW and not active.exists():
        raise ValidationError(
            {"kind": "There are no active outcomes to review yet. Start a first conversation."}
        )
    conversation = Conversation.objects.create(
        person=person,
        kind=kind,
        held_on=held_on,
        place=place,
        channels=[c for c in Channel.values if c in channels],
        communication_support=communication_support,
        stage=Stage.REVIEW if kind == ConversationKind.REVIEW else Stage.EXCHANGE,
        resume_stage=Stage.REVIEW if kind == ConversationKind.REVIEW else Stage.EXCHANGE,
        created_by=actor.user,
    )
    people = []
    if person_took_part:
        people.append(ParticipantData(kind=ParticipantKind.PERSON, name=person.display_name))
    people += [
        ParticipantData(
            kind=ParticipantKind.FAMILY, name=kp.name, role=kp.relationship, key_person_id=kp.pk
        )
        for kp in key_people
    ]
    people += [p for p in others if p.name.strip()]
    Participant.objects.bulk_create(
        Participant(
            conversation=conversation,
            kind=p.kind,
            name=p.name.strip(),
            role=p.role.strip(),
            key_person_id=p.key_person_id,
            what_matters=p.what_matters,
            why=p.why,
            in_own_words=p.kind == ParticipantKind.PERSON or p.in_own_words,
            order=i,
        )
        for i, p in enumerate(people)
    )
    if kind == ConversationKind.REVIEW:
        ReviewEntry.objects.bulk_create(
            ReviewEntry(conversation=conversation, outcome=o) for o in active
        )
    _audit(actor, conversation, "create", "Conversation started")
    return conversation


@transaction.atomic
def exchange_save(
    *,
    actor: Actor,
    conversation: Conversation,
    version: int,
    perspectives: Sequence[PerspectiveData],
    strengths_person: str = "",
    strengths_family: str = "",
    strengths_community: str = "",
    candidates: Sequence[CandidateData] = (),
    leaving: bool = False,
) -> Conversation:
    """Stage 1: what matters from each perspective, strengths, candidate outcomes."""
    current = _lock_draft(conversation, version)
    participants = {p.pk: p for p in current.participants.all()}
    for view in perspectives:
        participant = participants.get(view.participant_id)
        if participant is None:
            raise ValidationError("That perspective is not from someone in this conversation.")
        participant.what_matters = view.what_matters
        participant.why = view.why
        participant.in_own_words = view.in_own_words
    Participant.objects.bulk_update(participants.values(), ["what_matters", "why", "in_own_words"])
    current.strengths_person = strengths_person
    current.strengths_family = strengths_family
    current.strengths_community = strengths_community
    current.candidates.all().delete()
    CandidateOutcome.objects.bulk_create(
        CandidateOutcome(
            conversation=current, statement=c.statement, suggested=c.suggested, order=i
        )
        for i, c in enumerate(c for c in candidates if c.statement.strip())
    )
    _advance(current, Stage.NEGOTIATE, left_at=Stage.EXCHANGE if leaving else None)
    _audit(actor, current, "update", "Exchange information saved")
    return current


REVIEW_HAS_NO_EXCHANGE = (
    "A review conversation does not note what matters, strengths or possible outcomes "
    "here, so what is written for them would be lost. Choose First conversation to keep "
    "it, or clear it to start a review."
)


def _not_taking_part(name: str) -> str:
    return (
        f"{name} is not ticked as taking part, but something is written for them. Tick "
        f"that they took part, or clear what is written."
    )


@transaction.atomic
def conversation_begin(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    held_on: datetime.date,
    place: str = "",
    channels: Sequence[str] = (),
    communication_support: str = "",
    person_took_part: bool = True,
    person_view: ViewData = NO_VIEW,
    key_people: Sequence[KeyPerson] = (),
    key_people_views: Mapping[KeyPerson, ViewData] | None = None,
    others: Sequence[ParticipantData] = (),
    strengths_person: str = "",
    strengths_family: str = "",
    strengths_community: str = "",
    candidates: Sequence[CandidateData] = (),
    framework=None,
    leaving: bool = False,
) -> Conversation:
    """Start a conversation and, unless it is a review, save its exchange of
    information with it: the first screen of a first conversation holds both.

    ``person_view`` and ``key_people_views`` are what matters to the person and to
    each of their key people; each is kept only for someone who took part, and
    words written for someone who did not are refused rather than dropped. Others'
    views travel in their ``ParticipantData``. Nothing is saved unless all is.
    """
    views = key_people_views or {}
    if kind == ConversationKind.REVIEW:
        written = (
            person_view.said
            or any(view.said for view in views.values())
            or any(o.what_matters.strip() or o.why.strip() for o in others)
            or any(s.strip() for s in (strengths_person, strengths_family, strengths_community))
            or any(c.statement.strip() for c in candidates)
        )
        if written:
            raise ValidationError({"kind": REVIEW_HAS_NO_EXCHANGE})
    if person_view.said and not person_took_part:
        raise ValidationError({"person_took_part": _not_taking_part(person.display_name)})
    chosen = {kp.pk for kp in key_people}
    left_out = [kp.name for kp, view in views.items() if view.said and kp.pk not in chosen]
    if left_out:
        raise ValidationError({"key_people": [_not_taking_part(name) for name in left_out]})
    conversation = conversation_start(
        actor=actor,
        person=person,
        kind=kind,
        held_on=held_on,
        place=place,
        channels=channels,
        communication_support=communication_support,
        person_took_part=person_took_part,
        key_people=key_people,
        others=others,
        framework=framework,
    )
    if kind == ConversationKind.REVIEW:
        return conversation
    by_key_person = {kp.pk: view for kp, view in views.items()}
    perspectives = []
    for participant in conversation.participants.all():
        if participant.kind == ParticipantKind.PERSON:
            view = person_view
        elif participant.key_person_id is not None:
            view = by_key_person.get(participant.key_person_id, NO_VIEW)
        else:
            continue  # written as they were added
        if view.said:
            perspectives.append(PerspectiveData(participant_id=participant.pk, **vars(view)))
    return exchange_save(
        actor=actor,
        conversation=conversation,
        version=conversation.version,
        perspectives=perspectives,
        strengths_person=strengths_person,
        strengths_family=strengths_family,
        strengths_community=strengths_community,
        candidates=candidates,
        leaving=leaving,
    )


@transaction.atomic
def negotiate_save(
    *,
    actor: Actor,
    conversation: Conversation,
    version: int,
    differences: str = "",
    risks: Sequence[RiskData] = (),
    leaving: bool = False,
) -> Conversation:
    """Stage 2: where views differ, and the risks talked through."""
    current = _lock_draft(conversation, version)
    for risk in risks:
        dates_check(look_again_on=(risk.look_again_on, PLANNED))
    current.differences = differences
    current.risks.all().delete()
    RiskDiscussion.objects.bulk_create(
        RiskDiscussion(conversation=current, order=i, **vars(r))
        for i, r in enumerate(r for r in risks if r.risk.strip())
    )
    _advance(current, Stage.AGREE, left_at=Stage.NEGOTIATE if leaving else None)
    _audit(actor, current, "update", "Negotiation saved")
    return current


@transaction.atomic
def agreed_outcome_save(
    *,
    actor: Actor,
    conversation: Conversation,
    agreed: AgreedOutcome | None,
    what_matters: str,
    framework_outcomes: Sequence[FrameworkOutcome] = (),
    in_own_words: bool = True,
    why_it_matters: str = "",
    person_contribution: str = "",
    family_contribution: str = "",
    practitioner_contribution: str = "",
    community_contribution: str = "",
    next_review_on: datetime.date | None = None,
    actions: Sequence[records.ActionData] = (),
) -> AgreedOutcome:
    """Stage 3: add or change one agreed outcome of the draft."""
    current = _lock_draft(conversation, None)
    if not what_matters.strip():
        raise ValidationError({"what_matters": "Write the agreed outcome in the person's words."})
    if any(fo.retired_at for fo in framework_outcomes):
        raise ValidationError({"framework_outcomes": "Choose current framework outcomes only."})
    dates_check(next_review_on=(next_review_on, PLANNED))
    if next_review_on and next_review_on < current.held_on:
        raise ValidationError(
            {"next_review_on": "The next review should be after the conversation."}
        )
    if agreed is None:
        agreed = AgreedOutcome(conversation=current, order=current.agreed_outcomes.count() + 1)
    elif agreed.conversation_id != current.pk:
        raise ValidationError("That outcome belongs to another conversation.")
    agreed.what_matters = what_matters
    agreed.in_own_words = in_own_words
    agreed.why_it_matters = why_it_matters
    agreed.person_contribution = person_contribution
    agreed.family_contribution = family_contribution
    agreed.practitioner_contribution = practitioner_contribution
    agreed.community_contribution = community_contribution
    agreed.next_review_on = next_review_on
    agreed.save()
    agreed.framework_outcomes.set(framework_outcomes)
    agreed.actions.all().delete()
    AgreedAction.objects.bulk_create(
        AgreedAction(agreed_outcome=agreed, order=i, **vars(a))
        for i, a in enumerate((a for a in actions if a.description.strip()), start=1)
    )
    _advance(current, Stage.AGREE)
    _audit(actor, current, "update", "Agreed outcome saved")
    return agreed


@transaction.atomic
def agreed_outcome_remove(
    *, actor: Actor, conversation: Conversation, agreed: AgreedOutcome
) -> None:
    current = _lock_draft(conversation, None)
    if agreed.conversation_id != current.pk:
        raise ValidationError("That outcome belongs to another conversation.")
    agreed.delete()
    current.version += 1
    current.save()
    _audit(actor, current, "update", "Agreed outcome removed from the draft")


@transaction.atomic
def agree_save(
    *,
    actor: Actor,
    conversation: Conversation,
    version: int,
    not_agreed: str = "",
    leaving: bool = False,
) -> Conversation:
    """Stage 3: anything still not agreed; then on to the record screen."""
    current = _lock_draft(conversation, version)
    if not current.agreed_outcomes.exists() and not not_agreed.strip():
        raise ValidationError(
            {"not_agreed": "Add at least one agreed outcome, or say what is not yet agreed."}
        )
    current.not_agreed = not_agreed
    _advance(current, Stage.RECORD, left_at=Stage.AGREE if leaving else None)
    _audit(actor, current, "update", "Agreement saved")
    return current


@transaction.atomic
def review_entries_save(
    *,
    actor: Actor,
    conversation: Conversation,
    version: int,
    entries: Sequence[ReviewEntryData],
    leaving: bool = False,
) -> Conversation:
    """A review conversation: the rating and story of each active outcome."""
    current = _lock_draft(conversation, version)
    by_outcome = {e.outcome_id: e for e in current.review_entries.select_related("outcome")}
    for data in entries:
        entry = by_outcome.get(data.outcome_id)
        if entry is None:
            raise ValidationError("That outcome is not part of this review.")
        if data.point and data.point.scale_id != entry.outcome.scale_id:
            raise ValidationError("Choose a rating from the outcome's own scale.")
        if data.plan_needs_change and not data.plan_change.strip() and data.new_steps is None:
            raise ValidationError(
                {"plan_change": "Say how the plan should change, or change the steps."}
            )
        dates_check(next_review_on=(data.next_review_on, PLANNED))
        if data.next_review_on is not None:
            records.next_review_check(data.next_review_on, reviewed_on=current.held_on)
        for field, value in vars(data).items():
            if field not in {"outcome_id", "helped_themes", "hindered_themes", "new_steps"}:
                setattr(entry, field, value)
        entry.new_steps = _steps_json(data.new_steps)
        entry.helped_themes.set(data.helped_themes)
        entry.hindered_themes.set(data.hindered_themes)
    ReviewEntry.objects.bulk_update(
        by_outcome.values(),
        [
            "point",
            "narrative",
            "what_helped",
            "what_hindered",
            "unintended_outcomes",
            "plan_needs_change",
            "plan_change",
            "next_review_on",
            "new_steps",
        ],
    )
    if not any(e.point for e in by_outcome.values()):
        raise ValidationError("Rate at least one outcome to record this review.")
    _advance(current, Stage.RECORD, left_at=Stage.REVIEW if leaving else None)
    _audit(actor, current, "update", "Review ratings saved")
    return current


@dataclass(frozen=True)
class Confirmed:
    conversation: Conversation
    outcomes: list[Outcome]
    reviews_written: int
    already_recorded: bool


@transaction.atomic
def conversation_confirm(*, actor: Actor, conversation: Conversation) -> Confirmed:
    """Write the agreed outcomes (or the reviews) into the person's record, once.

    The conversation row is locked for the whole write, so a second confirm waits
    and then finds the conversation already recorded: nothing is written twice.
    """
    current = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if not current.is_draft:
        return Confirmed(current, [], 0, already_recorded=True)
    if current.stage != Stage.RECORD:
        raise ValidationError("Finish the earlier stages before recording.")
    outcomes, reviews = [], 0
    if current.kind == ConversationKind.REVIEW:
        for entry in current.review_entries.select_related("outcome__person", "point"):
            if entry.point is None:
                continue
            entry.recorded_review = records.review_add(
                actor=actor,
                outcome=entry.outcome,
                reviewed_on=current.held_on,
                point=entry.point,
                narrative=entry.narrative,
                what_helped=entry.what_helped,
                what_hindered=entry.what_hindered,
                unintended_outcomes=entry.unintended_outcomes,
                plan_needs_change=entry.plan_needs_change,
                plan_change=entry.plan_change,
                views_included=_views_included(current),
                channels=current.channels,
                next_review_on=entry.next_review_on,
                helped_themes=list(entry.helped_themes.all()),
                hindered_themes=list(entry.hindered_themes.all()),
                actions=steps_from_json(entry.new_steps),
            )
            entry.save(update_fields=["recorded_review"])
            reviews += 1
    else:
        person = Person.objects.get(pk=current.person_id)
        agreed_list = current.agreed_outcomes.prefetch_related("framework_outcomes", "actions")
        for agreed in agreed_list:
            outcome = records.outcome_record(
                actor=actor,
                person=person,
                what_matters=agreed.what_matters,
                framework_outcomes=list(agreed.framework_outcomes.all()),
                in_own_words=agreed.in_own_words,
                why_it_matters=agreed.why_it_matters,
                contribution=agreed.contribution_text(),
                next_review_on=agreed.next_review_on,
                started_on=current.held_on,
                actions=[
                    records.ActionData(
                        description=a.description, who=a.who, when=a.when, where=a.where
                    )
                    for a in agreed.actions.all()
                ]
                + _practitioner_actions(agreed),
            )
            agreed.recorded_outcome = outcome
            agreed.save(update_fields=["recorded_outcome"])
            outcomes.append(outcome)
    current.recorded_at = timezone.now()
    current.recorded_by = actor.user
    current.version += 1
    current.save()
    _audit(actor, current, "create", "Conversation recorded")
    return Confirmed(current, outcomes, reviews, already_recorded=False)


def _steps_json(steps: Sequence[records.ActionData] | None) -> list | None:
    if steps is None:
        return None
    return [
        {**vars(step), "due_on": step.due_on.isoformat() if step.due_on else None} for step in steps
    ]


def steps_from_json(rows: list | None) -> list[records.ActionData] | None:
    """The steps a review entry holds (see ``ReviewEntry.new_steps``), as service data."""
    if rows is None:
        return None
    return [
        records.ActionData(
            **{
                **row,
                "due_on": datetime.date.fromisoformat(row["due_on"]) if row["due_on"] else None,
            }
        )
        for row in rows
    ]


def _views_included(conversation: Conversation) -> str:
    return ", ".join(
        f"{p.name} ({p.role})" if p.role else p.name for p in conversation.participants.all()
    )


def _practitioner_actions(agreed: AgreedOutcome) -> list[records.ActionData]:
    # What practitioners and the community will do become steps of the plan, so
    # every party's part is in the record, not only the person's and family's.
    steps = []
    if agreed.practitioner_contribution.strip():
        steps.append(
            records.ActionData(
                description=agreed.practitioner_contribution.strip(), who="Practitioners"
            )
        )
    if agreed.community_contribution.strip():
        steps.append(
            records.ActionData(description=agreed.community_contribution.strip(), who="Community")
        )
    return steps


@transaction.atomic
def conversation_discard(*, actor: Actor, conversation: Conversation) -> None:
    """Throw away a draft: nothing of it reached the record. A recorded
    conversation is never discarded; an addendum corrects it instead."""
    current = _lock_draft(conversation, None)
    audit_record(
        actor=actor,
        action="delete",
        on=current,
        person_id=current.person_id,
        summary=f"Draft discarded ({current.get_kind_display().lower()}, "
        f"left at {current.get_resume_stage_display() or current.get_stage_display()})",
    )
    current.delete()


@transaction.atomic
def addendum_add(*, actor: Actor, conversation: Conversation, text: str, reason: str):
    """Correct or add to a recorded conversation; the original stays as it was."""
    current = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if current.is_draft:
        raise ValidationError("A draft can still be changed directly; addenda are for records.")
    if not text.strip():
        raise ValidationError({"text": "Write the correction or addition."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is being added."})
    addendum = Addendum.objects.create(
        conversation=current, text=text, reason=reason.strip(), created_by=actor.user
    )
    _audit(actor, current, "amend", "Addendum added")
    return addendum
