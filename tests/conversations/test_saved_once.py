"""Every create form saves once, however often (or however simultaneously) it is sent."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from conversations.models import AgreedOutcome, Conversation, Stage
from records.models import Outcome, Person, Review
from tests.conversations.test_flows import agreed_data, start, text
from tests.factories import AuditEventFactory, ConversationFactory, OutcomeFactory


@pytest.fixture
def practitioner(client, roles):
    client.force_login(roles.practitioner)
    return client


def at_agree(person, roles) -> Conversation:
    return ConversationFactory(person=person, stage=Stage.AGREE, created_by=roles.practitioner)


def test_the_agree_page_carries_a_one_time_key(practitioner, person, roles):
    conversation = at_agree(person, roles)
    page = text(practitioner.get(f"/conversations/{conversation.pk}/agree/add/"))
    assert 'name="submission"' in page


def test_save_the_agreed_outcome_sent_twice_makes_one(practitioner, person, roles):
    conversation = at_agree(person, roles)
    data = agreed_data(submission=str(uuid.uuid4()))
    url = f"/conversations/{conversation.pk}/agree/add/"
    first = practitioner.post(url, data)
    second = practitioner.post(url, data, follow=True)
    assert first.status_code == 302
    assert AgreedOutcome.objects.count() == 1
    assert "it has not been saved twice" in text(second)


def test_a_refused_save_gives_its_key_back_so_the_page_can_be_sent_again(
    practitioner, person, roles
):
    conversation = at_agree(person, roles)
    key = str(uuid.uuid4())
    url = f"/conversations/{conversation.pk}/agree/add/"
    refused = practitioner.post(url, agreed_data(submission=key, what_matters=""))
    assert refused.status_code == 200
    assert f'value="{key}"' in text(refused)  # the same page, sent again, is the same key
    assert practitioner.post(url, agreed_data(submission=key)).status_code == 302
    assert AgreedOutcome.objects.count() == 1


def test_two_pages_drawn_separately_are_two_saves(practitioner, person, roles):
    conversation = at_agree(person, roles)
    url = f"/conversations/{conversation.pk}/agree/add/"
    practitioner.post(url, agreed_data(submission=str(uuid.uuid4())))
    practitioner.post(url, agreed_data(submission=str(uuid.uuid4())))
    assert AgreedOutcome.objects.count() == 2


def test_a_mangled_key_is_no_key_and_never_an_error(practitioner, person, roles):
    conversation = at_agree(person, roles)
    url = f"/conversations/{conversation.pk}/agree/add/"
    assert practitioner.post(url, agreed_data(submission="not-a-key\x00")).status_code == 302


def test_starting_a_conversation_twice_from_one_page_starts_one(practitioner, person):
    key = str(uuid.uuid4())
    start(practitioner, person, submission=key)
    again = start(practitioner, person, submission=key)
    assert Conversation.objects.count() == 1
    assert again.headers["Location"] == f"/people/{person.pk}/conversations/start/"


def test_recording_an_outcome_twice_from_one_page_records_one(practitioner, person):
    data = {
        "what_matters": "I want to go to the lunch club",
        "in_own_words": "on",
        "submission": str(uuid.uuid4()),
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    practitioner.post(f"/people/{person.pk}/outcomes/add/", data)
    practitioner.post(f"/people/{person.pk}/outcomes/add/", data)
    assert Outcome.objects.count() == 1


def test_a_review_sent_twice_is_one_review(practitioner, person):
    outcome = OutcomeFactory(person=person)
    data = {
        "reviewed_on": outcome.started_on.isoformat(),
        "point": str(outcome.scale.points.order_by("score").first().pk),
        "submission": str(uuid.uuid4()),
    }
    practitioner.post(f"/outcomes/{outcome.pk}/reviews/add/", data)
    practitioner.post(f"/outcomes/{outcome.pk}/reviews/add/", data)
    assert Review.objects.count() == 1


def test_adding_a_person_twice_from_one_page_adds_one(practitioner, roles, frameworks):
    data = {
        "full_name": "Agnes Stewart",
        "teams": [roles.team.pk],
        "submission": str(uuid.uuid4()),
        "key-TOTAL_FORMS": "0",
        "key-INITIAL_FORMS": "0",
    }
    practitioner.post("/people/add/", data)
    practitioner.post("/people/add/", data)
    assert Person.objects.filter(full_name="Agnes Stewart").count() == 1


# SQLite takes one writer at a time, so only PostgreSQL can race two saves.
@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_agreed_outcome_make_one(roles, frameworks, person):
    conversation = at_agree(person, roles)
    # The chain head is made by migrate; a flushed database lacks it until the
    # first event rebuilds it, which the racers must not both try at once.
    AuditEventFactory()
    data = agreed_data(submission=str(uuid.uuid4()))
    go = threading.Barrier(2)
    statuses, errors = [], []

    def save() -> None:
        try:
            client = Client()
            client.force_login(roles.practitioner)
            go.wait(timeout=60)  # a thread that failed first breaks it, never hangs it
            response = client.post(f"/conversations/{conversation.pk}/agree/add/", data)
            statuses.append(response.status_code)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert statuses == [302, 302]  # both land on the agree page; one of them says so
    assert AgreedOutcome.objects.filter(conversation=conversation).count() == 1
