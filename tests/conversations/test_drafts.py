"""Drafts resume where they were left, can be discarded, and are offered, not duplicated."""

import pytest

from audit.models import AuditEvent
from conversations.models import Conversation, Stage
from tests.conversations.test_flows import agreed_data, exchange_data, start, text
from tests.factories import AgreedOutcomeFactory, ConversationFactory


@pytest.fixture
def practitioner(client, roles):
    client.force_login(roles.practitioner)
    return client


def at_negotiate(client, person) -> Conversation:
    start(client, person)
    conversation = Conversation.objects.get()
    client.post(f"/conversations/{conversation.pk}/exchange/", exchange_data(conversation))
    conversation.refresh_from_db()
    return conversation


def negotiate_data(conversation, **extra) -> dict:
    return {
        "version": str(conversation.version),
        "differences": "Bill worries about the cooker",
        "risks-TOTAL_FORMS": "1",
        "risks-INITIAL_FORMS": "0",
    } | extra


def test_a_draft_saved_at_negotiate_with_no_risk_resumes_at_negotiate(practitioner, person):
    conversation = at_negotiate(practitioner, person)
    response = practitioner.post(
        f"/conversations/{conversation.pk}/negotiate/",
        negotiate_data(conversation, leave="Save draft and come back later"),
    )
    assert response.headers["Location"] == "/"
    resumed = practitioner.get(f"/conversations/{conversation.pk}/")
    assert resumed.headers["Location"] == f"/conversations/{conversation.pk}/negotiate/"
    home = text(practitioner.get("/"))
    assert 'left at "Negotiate"' in home


def test_a_draft_saved_and_continued_resumes_at_the_next_stage(practitioner, person):
    conversation = at_negotiate(practitioner, person)
    practitioner.post(f"/conversations/{conversation.pk}/negotiate/", negotiate_data(conversation))
    resumed = practitioner.get(f"/conversations/{conversation.pk}/")
    assert resumed.headers["Location"] == f"/conversations/{conversation.pk}/agree/"


def test_a_draft_can_be_discarded_after_a_confirmation_and_it_is_audited(practitioner, person):
    conversation = at_negotiate(practitioner, person)
    AgreedOutcomeFactory(conversation=conversation, what_matters="I want to cook for Bill")
    url = f"/conversations/{conversation.pk}/discard/"
    page = text(practitioner.get(url))
    assert "Discard this draft?" in page
    assert "I want to cook for Bill" in page
    assert Conversation.objects.filter(pk=conversation.pk).exists()  # only asked so far
    response = practitioner.post(url)
    assert response.headers["Location"] == f"/people/{person.pk}/"
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
    event = AuditEvent.objects.get(action="delete")
    assert event.person_id == person.pk
    assert event.summary.startswith("Draft discarded")


def test_a_recorded_conversation_cannot_be_discarded(practitioner, person, roles):
    recorded = ConversationFactory(person=person, recorded=True, created_by=roles.practitioner)
    response = practitioner.post(f"/conversations/{recorded.pk}/discard/")
    assert response.headers["Location"] == f"/conversations/{recorded.pk}/"
    assert Conversation.objects.filter(pk=recorded.pk).exists()


def test_another_teams_practitioner_cannot_discard_a_draft(client, roles, person):
    draft = ConversationFactory(person=person, created_by=roles.practitioner)
    client.force_login(roles.other_practitioner)
    assert client.post(f"/conversations/{draft.pk}/discard/").status_code == 404
    assert Conversation.objects.filter(pk=draft.pk).exists()


def test_starting_a_conversation_with_a_draft_under_way_offers_to_resume_it(
    practitioner, person, roles
):
    draft = ConversationFactory(person=person, created_by=roles.colleague, stage=Stage.NEGOTIATE)
    page = text(practitioner.get(f"/people/{person.pk}/conversations/start/"))
    assert "already has a conversation in progress" in page
    assert f'href="/conversations/{draft.pk}/"' in page
    assert f'href="/conversations/{draft.pk}/discard/"' in page


def test_the_start_page_offers_nothing_when_there_is_no_draft(practitioner, person, roles):
    ConversationFactory(person=person, recorded=True, created_by=roles.practitioner)
    page = text(practitioner.get(f"/people/{person.pk}/conversations/start/"))
    assert "already has a conversation in progress" not in page


def test_two_drafts_with_one_person_are_told_apart_on_the_home_page(practitioner, person):
    start(practitioner, person, leave="Save draft and come back later")
    start(practitioner, person)
    home = text(practitioner.get("/"))
    entries = [line for line in home.splitlines() if "First conversation with Iris" in line]
    assert len(entries) == 2
    detail = [line for line in home.splitlines() if 'left at "' in line]
    assert len(set(detail)) == 2  # each says where it was left and when it was saved


def test_agreed_outcome_save_keeps_the_draft_resuming_at_agree(practitioner, person):
    conversation = at_negotiate(practitioner, person)
    practitioner.post(f"/conversations/{conversation.pk}/negotiate/", negotiate_data(conversation))
    practitioner.post(f"/conversations/{conversation.pk}/agree/add/", agreed_data())
    resumed = practitioner.get(f"/conversations/{conversation.pk}/")
    assert resumed.headers["Location"] == f"/conversations/{conversation.pk}/agree/"
