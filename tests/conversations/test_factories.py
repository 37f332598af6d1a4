"""Each conversation factory makes rows the conversation pages show as they would real ones."""

import pytest

from conversations.models import ConversationKind
from tests.factories import (
    AddendumFactory,
    AgreedActionFactory,
    AgreedOutcomeFactory,
    CandidateOutcomeFactory,
    CaseloadEntryFactory,
    ConversationFactory,
    ParticipantFactory,
    ReviewEntryFactory,
    RiskDiscussionFactory,
)


@pytest.fixture
def person(roles, frameworks):
    return CaseloadEntryFactory(team=roles.team, person__full_name="Ada Example").person


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_draft_conversation_is_listed_on_its_persons_page(practitioner_client, person, roles):
    conversation = ConversationFactory(person=person, created_by=roles.colleague)
    assert str(conversation) == "First conversation with Ada Example on 2025-01-06"
    assert conversation.is_draft

    html = page(practitioner_client, f"/people/{person.pk}/")
    assert f'href="/conversations/{conversation.pk}/"' in html
    assert "First conversation, 6 Jan 2025" in html
    assert "Draft" in html


def test_a_draft_conversation_is_not_shown_to_another_teams_practitioner(client, person, roles):
    conversation = ConversationFactory(person=person)
    client.force_login(roles.other_practitioner)
    assert client.get(f"/conversations/{conversation.pk}/").status_code == 404


def test_a_recorded_conversation_shows_who_took_part_risks_and_agreed_outcomes(
    practitioner_client, person, roles
):
    conversation = ConversationFactory(person=person, recorded=True, created_by=roles.practitioner)
    assert not conversation.is_draft
    assert conversation.recorded_by == roles.practitioner
    relative = ParticipantFactory(conversation=conversation, name="Robin Example")
    risk = RiskDiscussionFactory(conversation=conversation)
    agreed = AgreedOutcomeFactory(conversation=conversation)
    action = AgreedActionFactory(agreed_outcome=agreed, description="Try the harbour path")
    assert str(relative) == "Robin Example (Relative or carer)"
    assert str(risk) == risk.risk
    assert str(agreed) == agreed.what_matters
    assert str(action) == "Try the harbour path"

    html = page(practitioner_client, f"/conversations/{conversation.pk}/")
    assert "First conversation with Ada Example" in html
    assert "Robin Example (Relative or carer, Daughter)" in html
    assert risk.risk in html
    assert "I would rather risk a fall than stay in all winter." in html
    assert agreed.what_matters in html
    assert "Try the harbour path: Physiotherapist, Next fortnight, The harbour" in html


def test_a_candidate_outcome_is_shown_again_on_the_exchange_page(practitioner_client, person):
    candidate = CandidateOutcomeFactory(
        conversation__person=person, statement="Bake with my granddaughter"
    )
    assert str(candidate) == "Bake with my granddaughter"
    conversation = candidate.conversation
    html = page(practitioner_client, f"/conversations/{conversation.pk}/exchange/")
    assert "Bake with my granddaughter" in html


def test_a_review_entry_shows_its_rating_and_narrative_on_the_recorded_review(
    practitioner_client, person
):
    entry = ReviewEntryFactory(conversation__person=person, conversation__recorded=True)
    conversation = entry.conversation
    assert conversation.kind == ConversationKind.REVIEW
    assert entry.outcome.person == person
    assert str(entry) == f"Review of outcome {entry.outcome.pk}"

    html = page(practitioner_client, f"/conversations/{conversation.pk}/")
    assert "Review with Ada Example" in html
    assert entry.outcome.what_matters in html
    assert f"{entry.point.score}: {entry.point.label}" in html
    assert entry.narrative in html


def test_an_addendum_is_shown_with_its_reason_on_the_recorded_conversation(
    practitioner_client, person
):
    addendum = AddendumFactory(conversation__person=person)
    assert not addendum.conversation.is_draft
    assert str(addendum) == f"Addendum to {addendum.conversation.pk}"

    html = page(practitioner_client, f"/conversations/{addendum.conversation.pk}/")
    assert addendum.text in html
    assert f"Reason: {addendum.reason}" in html
