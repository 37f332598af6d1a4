"""Conversation pages issue the same number of queries however much was said."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations.models import (
    AgreedAction,
    AgreedOutcome,
    Conversation,
    Participant,
    RiskDiscussion,
    Stage,
)
from frameworks.models import FrameworkOutcome


def grow(conversation: Conversation, n: int) -> None:
    fos = list(FrameworkOutcome.objects.all()[:2])
    for i in range(n):
        Participant.objects.create(conversation=conversation, kind="family", name=f"Cousin {i}")
        RiskDiscussion.objects.create(conversation=conversation, risk=f"Risk {i}")
        agreed = AgreedOutcome.objects.create(
            conversation=conversation, what_matters=f"I want to do thing {i}"
        )
        agreed.framework_outcomes.set(fos)
        AgreedAction.objects.create(agreed_outcome=agreed, description="A step")


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make(person, user, **extra) -> Conversation:
    return Conversation.objects.create(
        person=person,
        kind="first",
        held_on=timezone.localdate(),
        stage=Stage.RECORD,
        created_by=user,
        **extra,
    )


def test_record_screen_and_read_only_view_do_not_grow(client, roles, person):
    client.force_login(roles.practitioner)
    draft = make(person, roles.practitioner)
    recorded = make(
        person, roles.practitioner, recorded_at=timezone.now(), recorded_by=roles.practitioner
    )
    for conversation in (draft, recorded):
        grow(conversation, 1)
    small = (
        count(client, f"/conversations/{draft.pk}/record/"),
        count(client, f"/conversations/{recorded.pk}/"),
    )
    for conversation in (draft, recorded):
        grow(conversation, 8)
    large = (
        count(client, f"/conversations/{draft.pk}/record/"),
        count(client, f"/conversations/{recorded.pk}/"),
    )
    assert small == large


def test_home_page_with_drafts_does_not_grow(client, roles, person):
    client.force_login(roles.practitioner)
    make(person, roles.practitioner)
    small = count(client, "/")
    for _ in range(6):
        make(person, roles.practitioner)
    assert count(client, "/") == small
