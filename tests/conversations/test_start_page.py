"""A first conversation's start page holds its first stage: one send starts the
conversation and saves the exchange of information, then goes on to Negotiate."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from conversations.models import CandidateOutcome, Conversation, Participant, Stage
from frameworks.models import FrameworkOutcome
from tests.conversations.test_flows import TODAY, first_stage, start, text
from tests.factories import (
    AuditEventFactory,
    ConversationFactory,
    KeyPersonFactory,
    OutcomeFactory,
)

BILL_SAYS = "That she is safe at the cooker"
SHAH_SAYS = "Fewer falls this winter"


@pytest.fixture
def practitioner(client, roles):
    client.force_login(roles.practitioner)
    return client


@pytest.fixture
def bill(person):
    return KeyPersonFactory(person=person, name="Bill Mackenzie", relationship="Husband")


def everyone(bill, **extra) -> dict:
    """Iris, Bill and Dr Shah each say what matters to them, on the start page."""
    skills = FrameworkOutcome.objects.get(
        short_name="Improved skills", category__framework__name="Adults living in the community"
    )
    return (
        first_stage(
            key_people=[bill.pk],
            **{
                f"kp{bill.pk}-what_matters": BILL_SAYS,
                f"kp{bill.pk}-why": "I am out at work all day",
                "others-0-what_matters": SHAH_SAYS,
                "others-0-in_own_words": "on",
                "strengths_family": "Bill does the shopping",
                "candidates-0-suggested": str(skills.pk),
                "candidates-1-statement": "See my pals at the lunch club",
            },
        )
        | extra
    )


def test_one_send_starts_the_conversation_with_everyones_views_and_goes_to_negotiate(
    practitioner, person, bill
):
    response = start(practitioner, person, **everyone(bill))
    conversation = Conversation.objects.get()
    assert response.headers["Location"] == f"/conversations/{conversation.pk}/negotiate/"
    assert conversation.stage == Stage.NEGOTIATE
    said = [
        (p.name, p.kind, p.what_matters, p.in_own_words) for p in conversation.participants.all()
    ]
    assert said == [
        ("Iris Mackenzie", "person", "I want to make soup for Bill again", True),
        ("Bill Mackenzie", "family", BILL_SAYS, False),
        ("Dr Shah", "practitioner", SHAH_SAYS, True),
    ]
    assert conversation.participants.get(kind="person").why == "Cooking is how I look after Bill"
    assert conversation.strengths_family == "Bill does the shopping"
    assert [
        (c.statement, c.suggested.short_name if c.suggested else None)
        for c in conversation.candidates.all()
    ] == [
        ("Cook for Bill again", "Improved skills"),
        ("See my pals at the lunch club", None),
    ]
    # Negotiate shows each view side by side, straight away.
    negotiate = text(practitioner.get(response.headers["Location"]))
    for words in ("I want to make soup for Bill again", BILL_SAYS, SHAH_SAYS):
        assert words in negotiate


def test_starting_and_the_exchange_are_both_in_the_audit_trail(practitioner, person, bill):
    start(practitioner, person, **everyone(bill))
    conversation = Conversation.objects.get()
    events = AuditEvent.objects.filter(
        object_type="conversations.conversation", object_id=str(conversation.pk)
    ).order_by("pk")
    assert [(e.action, e.summary) for e in events] == [
        ("create", "Conversation started"),
        ("update", "Exchange information saved"),
    ]


def test_a_refused_send_shows_everything_typed_again_and_saves_nothing(practitioner, person, bill):
    response = start(practitioner, person, **everyone(bill, held_on="2999-01-01"))
    html = text(response)
    assert response.status_code == 200
    assert "Please check the form" in html
    assert "cannot be in the future" in html
    assert not Conversation.objects.exists()
    for typed in (
        "I want to make soup for Bill again",
        "Cooking is how I look after Bill",
        BILL_SAYS,
        "I am out at work all day",
        SHAH_SAYS,
        'value="Dr Shah"',
        "Bill does the shopping",
        'value="Cook for Bill again"',
        'value="See my pals at the lunch club"',
        'value="At home"',
    ):
        assert typed in html, typed
    assert f'value="{bill.pk}" id="id_key_people_0" checked' in html


def test_the_same_page_sent_twice_starts_one_conversation(practitioner, person, bill):
    data = everyone(bill, submission=str(uuid.uuid4()))
    start(practitioner, person, **data)
    again = start(practitioner, person, **data)
    assert Conversation.objects.count() == 1
    assert Participant.objects.count() == 3
    assert CandidateOutcome.objects.count() == 2
    page = text(practitioner.get(again.headers["Location"]))
    assert "it has not been started twice" in page
    assert "already has a conversation in progress" in page


def test_a_review_goes_on_to_rating_each_outcome(practitioner, person, bill):
    OutcomeFactory(person=person, what_matters="Walk to the shop")
    response = start(practitioner, person, kind="review", key_people=[bill.pk])
    conversation = Conversation.objects.get()
    assert response.headers["Location"] == f"/conversations/{conversation.pk}/review/"
    assert conversation.stage == Stage.REVIEW
    assert [p.name for p in conversation.participants.all()] == [
        "Iris Mackenzie",
        "Bill Mackenzie",
        "Dr Shah",
    ]
    assert not conversation.candidates.exists()


def test_a_review_chosen_with_the_first_stage_filled_in_keeps_it_and_says_why(
    practitioner, person, bill
):
    OutcomeFactory(person=person, what_matters="Walk to the shop")
    response = start(practitioner, person, **everyone(bill, kind="review"))
    html = text(response)
    assert response.status_code == 200
    assert not Conversation.objects.exists()
    assert "Choose First conversation to keep it" in html
    assert BILL_SAYS in html and 'value="Cook for Bill again"' in html
    # Nothing hides the first stage's parts while this is asked.
    assert 'class="conversation-start show-all"' in html


def test_the_persons_view_without_them_taking_part_is_asked_about_not_dropped(practitioner, person):
    response = start(practitioner, person, person_took_part="", **first_stage())
    html = text(response)
    assert not Conversation.objects.exists()
    assert "Iris Mackenzie is not ticked as taking part" in html
    assert "I want to make soup for Bill again" in html


def test_the_person_not_taking_part_and_nothing_written_for_them_is_fine(practitioner, person):
    start(
        practitioner,
        person,
        person_took_part="",
        **first_stage(**{"person-what_matters": "", "person-why": ""}),
    )
    conversation = Conversation.objects.get()
    assert not conversation.participants.filter(kind="person").exists()
    assert conversation.stage == Stage.NEGOTIATE


def test_a_key_persons_view_without_their_tick_is_asked_about(practitioner, person, bill):
    response = start(practitioner, person, **everyone(bill, key_people=[]))
    assert not Conversation.objects.exists()
    assert "Bill Mackenzie is not ticked as taking part" in text(response)
    assert BILL_SAYS in text(response)


def test_words_in_a_row_with_no_name_are_asked_about(practitioner, person, bill):
    response = start(practitioner, person, **everyone(bill, **{"others-1-why": "Keep her home"}))
    assert not Conversation.objects.exists()
    assert "Give their name, or clear this row." in text(response)
    assert "Keep her home" in text(response)


def test_a_draft_left_from_the_start_page_resumes_at_the_first_stage(practitioner, person, bill):
    response = start(practitioner, person, **everyone(bill, leave="1"))
    conversation = Conversation.objects.get()
    assert response.headers["Location"] == "/"
    assert 'left at "Exchange information"' in text(practitioner.get("/"))
    resumed = practitioner.get(f"/conversations/{conversation.pk}/", follow=True)
    assert resumed.redirect_chain[-1][0] == f"/conversations/{conversation.pk}/exchange/"
    page = text(resumed)
    assert BILL_SAYS in page and 'value="Cook for Bill again"' in page


def test_the_start_page_shows_the_four_stages_at_the_first(practitioner, person, bill):
    html = text(practitioner.get(f"/people/{person.pk}/conversations/start/"))
    assert '<span aria-current="step"><span class="step-number">1</span> Exchange' in html
    assert html.count("(not reached yet)") == 3
    assert 'name="person-what_matters"' in html
    assert f'name="kp{bill.pk}-what_matters"' in html
    assert 'name="others-0-what_matters"' in html
    assert 'name="candidates-0-statement"' in html


def test_the_start_page_reads_the_same_however_many_key_people_and_drafts(
    practitioner, person, roles
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = practitioner.get(f"/people/{person.pk}/conversations/start/")
        assert response.status_code == 200
        return len(queries)

    KeyPersonFactory(person=person)
    ConversationFactory(person=person, created_by=roles.practitioner)
    small = count()
    for _ in range(6):
        KeyPersonFactory(person=person)
        ConversationFactory(person=person, created_by=roles.practitioner)
    assert count() == small


# SQLite takes one writer at a time, so only PostgreSQL can race two sends.
@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_same_page_sent_twice_at_once_starts_one_conversation(roles, frameworks, person):
    bill = KeyPersonFactory(person=person, name="Bill Mackenzie", relationship="Husband")
    # The audit chain head is made by migrate; a flushed database lacks it until the
    # first event rebuilds it, which the two sends must not both try at once.
    AuditEventFactory()
    data = {
        "kind": "first",
        "held_on": TODAY,
        "person_took_part": "on",
        "others-TOTAL_FORMS": "0",
        "others-INITIAL_FORMS": "0",
        "submission": str(uuid.uuid4()),
    } | everyone(bill)
    go = threading.Barrier(2)
    statuses, errors = [], []

    def send() -> None:
        try:
            client = Client()
            client.force_login(roles.practitioner)
            go.wait(timeout=60)  # a thread that failed first breaks it, never hangs it
            response = client.post(f"/people/{person.pk}/conversations/start/", data)
            statuses.append(response.status_code)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert statuses == [302, 302]  # one to Negotiate, one back to the start page to say so
    assert Conversation.objects.count() == 1
    assert Participant.objects.count() == 2
    assert CandidateOutcome.objects.count() == 2
