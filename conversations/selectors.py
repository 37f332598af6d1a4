"""Reads of conversations, scoped through the person's caseloads like every record."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.roles import EDIT_ROLES, VIEW_ROLES
from common.errors import Refused
from common.ids import possible_id
from frameworks.models import FrameworkOutcome
from records.selectors import people_for_user

from .models import AgreedOutcome, Conversation, ReviewEntry, RiskDiscussion


def conversation_for_user(user, conversation_id: int, *, edit: bool = False) -> Conversation:
    """The conversation, if its person is on the user's teams' caseloads; else a logged 404."""
    if not possible_id(conversation_id):
        raise Refused("conversations.conversation", conversation_id)
    roles = EDIT_ROLES if edit else VIEW_ROLES
    conversation = (
        Conversation.objects.filter(
            pk=conversation_id, person__in=people_for_user(user, roles=roles)
        )
        .select_related("person", "created_by", "recorded_by")
        .first()
    )
    if conversation is None:
        raise Refused("conversations.conversation", conversation_id)
    return conversation


def agreed_outcome_for_user(conversation: Conversation, agreed_id: int) -> AgreedOutcome:
    agreed = (
        conversation.agreed_outcomes.filter(pk=agreed_id).first()
        if possible_id(agreed_id)
        else None
    )
    if agreed is None:
        raise Refused("conversations.agreedoutcome", agreed_id)
    return agreed


def with_everything(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """``conversations`` with all they hold (participants, candidates, risks, agreed
    outcomes with their framework outcomes and steps, review entries, addenda), in a
    fixed number of queries however many there are."""
    return conversations.select_related("created_by", "recorded_by").prefetch_related(
        "participants",
        Prefetch("candidates__suggested"),
        "risks",
        Prefetch(
            "agreed_outcomes",
            queryset=AgreedOutcome.objects.prefetch_related(
                Prefetch(
                    "framework_outcomes",
                    queryset=FrameworkOutcome.objects.select_related("category__framework"),
                ),
                "actions",
            ),
        ),
        Prefetch(
            "review_entries",
            queryset=ReviewEntry.objects.select_related("outcome__scale", "point"),
        ),
        "addenda__created_by",
    )


def conversation_full(conversation: Conversation) -> Conversation:
    """Everything the record screen shows, in a fixed number of queries."""
    return (
        with_everything(Conversation.objects.filter(pk=conversation.pk))
        .select_related("person")
        .get()
    )


def drafts_for_user(user) -> QuerySet[Conversation]:
    """Draft conversations this user started, for people still on their caseloads."""
    return (
        Conversation.objects.filter(
            created_by=user,
            recorded_at__isnull=True,
            person__in=people_for_user(user, roles=EDIT_ROLES),
        )
        .select_related("person")
        .order_by("-updated_at")
    )


def drafts_for_person(person) -> QuerySet[Conversation]:
    """The person's conversations not yet recorded, most recently saved first."""
    return (
        Conversation.objects.filter(person=person, recorded_at__isnull=True)
        .select_related("created_by")
        .order_by("-updated_at", "-pk")
    )


def conversations_for_person(person) -> QuerySet[Conversation]:
    """The person's conversations, newest first, with who started each."""
    return (
        Conversation.objects.filter(person=person)
        .select_related("created_by")
        .order_by("-held_on", "-pk")
    )


def person_page_conversations(person) -> dict:
    """The person page's (and summary's) conversations section, registered in
    ``apps.py``: the conversations, and from those recorded the strengths noted,
    the risks agreed and what is still not agreed. Two queries."""
    conversations = list(conversations_for_person(person))
    recorded = [c for c in conversations if not c.is_draft]
    risks = (
        list(
            RiskDiscussion.objects.filter(conversation__in=[c.pk for c in recorded]).order_by(
                "-conversation__held_on", "order", "pk"
            )
        )
        if recorded
        else []
    )
    strengths = next(
        (c for c in recorded if c.strengths_person or c.strengths_family or c.strengths_community),
        None,
    )
    return {
        "conversation_list": conversations,
        "strengths_from": strengths,
        "risks_agreed": risks,
        "not_agreed": [(c, c.not_agreed) for c in recorded if c.not_agreed.strip()],
    }


def risks_to_look_at_again(user, *, today: datetime.date | None = None):
    """Risks agreed in recorded conversations with people on the user's caseloads
    whose "look again" date has come, earliest first."""
    today = today or timezone.localdate()
    return (
        RiskDiscussion.objects.filter(
            conversation__person__in=people_for_user(user, roles=EDIT_ROLES),
            conversation__person__closed_on__isnull=True,
            conversation__recorded_at__isnull=False,
            look_again_on__lte=today,
        )
        .select_related("conversation__person")
        .order_by("look_again_on", "pk")
    )
