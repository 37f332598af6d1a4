"""The same recording-quality prompts wherever an outcome or a review is written."""

import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from conversations.models import Conversation
from records.models import Review
from records.quality import outcome_prompts, views_prompts
from tests.conversations.test_flows import start
from tests.factories import OutcomeFactory

SERVICE = "Attend day centre twice a week and receive 4 home care visits"


def text(response) -> str:
    return response.content.decode()


def test_a_service_recorded_directly_gets_the_same_prompts_as_in_a_conversation(
    practitioner_client, person
):
    data = {
        "what_matters": SERVICE,
        "in_own_words": "on",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    page = text(practitioner_client.post(f"/people/{person.pk}/outcomes/add/", data, follow=True))
    assert "The outcome has been recorded." in page  # never blocked
    for prompt in outcome_prompts(
        what_matters=SERVICE, in_own_words=True, why_it_matters="", contribution=""
    ):
        assert escape(prompt.message) in page
    assert "reads like a service" in page


def test_changing_an_outcome_directly_prompts_too(practitioner_client, person):
    outcome = OutcomeFactory(person=person, what_matters="I want to walk to the shop")
    data = {
        "what_matters": SERVICE,
        "in_own_words": "on",
        "status": "active",
        "version": str(outcome.version),
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    page = text(practitioner_client.post(f"/outcomes/{outcome.pk}/edit/", data, follow=True))
    assert "reads like a service" in page


def test_no_untick_own_words_prompt_when_it_is_already_unticked():
    ticked = outcome_prompts(
        what_matters="Walk to the shop", in_own_words=True, why_it_matters="", contribution=""
    )
    unticked = outcome_prompts(
        what_matters="Walk to the shop", in_own_words=False, why_it_matters="", contribution=""
    )
    assert any("untick" in p.message for p in ticked)
    assert not any("untick" in p.message for p in unticked)
    assert any(p.criterion == "own_voice" for p in unticked)


def test_a_prompt_when_the_persons_view_was_not_gathered_and_no_way_was_chosen(
    practitioner_client, person
):
    assert views_prompts(person_took_part=False, channels=[])
    assert not views_prompts(person_took_part=False, channels=["family_proxy"])
    assert not views_prompts(person_took_part=True, channels=[])
    start(practitioner_client, person, person_took_part="", channels=[])
    conversation = Conversation.objects.get()
    conversation.stage = "record"
    conversation.save()
    page = text(practitioner_client.get(f"/conversations/{conversation.pk}/record/"))
    assert "How was the person&#x27;s view gathered?" in page


def test_the_persons_usual_ways_of_communicating_are_carried_into_conversations_and_reviews(
    practitioner_client, person
):
    person.engagement_channels = ["non_verbal", "family_proxy"]
    person.save()
    start_page = text(practitioner_client.get(f"/people/{person.pk}/conversations/start/"))
    assert 'value="non_verbal" id="id_channels_1" checked' in start_page.replace("  ", " ") or (
        'value="non_verbal"' in start_page and start_page.count("checked") >= 2
    )
    outcome = OutcomeFactory(person=person)
    review_page = text(practitioner_client.get(f"/outcomes/{outcome.pk}/reviews/add/"))
    assert "How the person&#x27;s view was gathered" in review_page
    assert re.search(r'value="non_verbal"[^>]*checked', review_page)
    data = {
        "reviewed_on": timezone.localdate().isoformat(),
        "point": str(outcome.scale.points.order_by("score").first().pk),
        "channels": ["non_verbal"],
    }
    practitioner_client.post(f"/outcomes/{outcome.pk}/reviews/add/", data)
    assert Review.objects.get().channels == ["non_verbal"]


@pytest.mark.parametrize("channels", [["telepathy"]])
def test_a_channel_not_offered_is_refused_with_a_message(practitioner_client, person, channels):
    outcome = OutcomeFactory(person=person)
    data = {
        "reviewed_on": timezone.localdate().isoformat(),
        "point": str(outcome.scale.points.order_by("score").first().pk),
        "channels": channels,
    }
    response = practitioner_client.post(f"/outcomes/{outcome.pk}/reviews/add/", data)
    assert response.status_code == 200
    assert not Review.objects.exists()
