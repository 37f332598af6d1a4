"""The demo shows a recorded first conversation, a recorded review and a draft."""

from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from conversations.models import Conversation, ConversationKind
from records.models import Outcome


@override_settings(DEBUG=True)
def test_demo_practitioner_has_two_recorded_conversations_and_a_draft(db, client):
    call_command("demo_data")
    morag = User.objects.get(username="demo-practitioner")
    mine = Conversation.objects.filter(created_by=morag)
    recorded = mine.filter(recorded_at__isnull=False)
    assert set(recorded.values_list("kind", flat=True)) == {
        ConversationKind.FIRST,
        ConversationKind.REVIEW,
    }
    first = recorded.get(kind=ConversationKind.FIRST)
    assert first.agreed_outcomes.get().recorded_outcome is not None
    assert first.risks.exists() and first.not_agreed
    assert (
        recorded.get(kind=ConversationKind.REVIEW)
        .review_entries.filter(recorded_review__isnull=False)
        .exists()
    )
    draft = mine.get(recorded_at__isnull=True)
    client.force_login(morag)
    home = client.get("/").content.decode()
    assert "Conversations in progress" in home and draft.person.full_name in home
    # Loading again adds nothing twice.
    call_command("demo_data")
    assert Conversation.objects.filter(created_by=morag).count() == 3


@override_settings(DEBUG=True)
def test_no_demo_outcome_is_due_for_review_before_a_review_already_held(db):
    call_command("demo_data")
    for outcome in Outcome.objects.filter(latest_rated_on__isnull=False):
        assert outcome.next_review_on > outcome.latest_rated_on, outcome
