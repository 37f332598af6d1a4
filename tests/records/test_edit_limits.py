"""What an edit may not bring in: a retired framework outcome, or a date nobody meant.

Every date on a record's forms and a conversation's forms keeps to a plausible
range: what happened, from 1 January 1900 to today; what is planned, from
1 January 2000 to ten years from today.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.actor import Actor
from common.dates import PLANNED
from conversations.models import Conversation
from frameworks.models import FrameworkOutcome
from records import services
from records.models import Outcome
from tests.factories import OutcomeFactory

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)
TOO_FAR = PLANNED.latest() + datetime.timedelta(days=1)

BEFORE_1900 = ("1899-12-31", "Give a date from 1 January 1900 onwards.")
IN_THE_FUTURE = (TOMORROW.isoformat(), "The date cannot be in the future.")
BEFORE_2000 = ("1999-12-31", "Give a date from 1 January 2000 onwards.")
PAST_TEN_YEARS = (TOO_FAR.isoformat(), "Give a date no later than")
HAPPENED_LIMITS = [BEFORE_1900, IN_THE_FUTURE, ("0001-01-01", BEFORE_1900[1])]
PLANNED_LIMITS = [BEFORE_2000, PAST_TEN_YEARS, ("9999-12-31", PAST_TEN_YEARS[1])]


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def outcome(person, roles):
    return OutcomeFactory(person=person, created_by=roles.practitioner)


def retire(framework_outcome: FrameworkOutcome) -> FrameworkOutcome:
    framework_outcome.retired_at = timezone.now()
    framework_outcome.save()
    return framework_outcome


def outcome_edit_data(outcome: Outcome, **extra) -> dict:
    return {
        "what_matters": outcome.what_matters,
        "in_own_words": "on",
        "status": "active",
        "version": str(outcome.version),
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    } | extra


# Retired framework outcomes


def test_editing_an_outcome_refuses_a_retired_framework_outcome(
    practitioner_client, outcome, frameworks
):
    retired = retire(FrameworkOutcome.objects.order_by("pk").first())
    response = practitioner_client.post(
        f"/outcomes/{outcome.pk}/edit/",
        outcome_edit_data(
            outcome, what_matters="Walk to the shop", framework_outcomes=[retired.pk]
        ),
    )
    assert response.status_code == 200
    message = f"{retired} is retired; choose a current outcome."
    assert response.context["form"].errors["framework_outcomes"] == [message]
    assert message in text(response)
    assert "Walk to the shop" in text(response)  # what was typed is still there
    outcome.refresh_from_db()
    assert list(outcome.framework_outcomes.all()) == []
    assert outcome.what_matters != "Walk to the shop"


def test_an_outcome_keeps_a_framework_outcome_retired_since_it_was_linked(
    practitioner_client, outcome, frameworks
):
    linked = FrameworkOutcome.objects.order_by("pk").first()
    outcome.framework_outcomes.set([linked])
    retire(linked)
    response = practitioner_client.post(
        f"/outcomes/{outcome.pk}/edit/",
        outcome_edit_data(outcome, what_matters="Walk to the shop", framework_outcomes=[linked.pk]),
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.what_matters == "Walk to the shop"
    assert list(outcome.framework_outcomes.all()) == [linked]


def test_the_service_refuses_adding_a_retired_framework_outcome_whoever_calls_it(
    roles, outcome, frameworks, actor_as
):
    current, retired = FrameworkOutcome.objects.order_by("pk")[:2]
    retire(retired)
    with pytest.raises(ValidationError, match="is retired; choose a current outcome"):
        services.outcome_update(
            actor=actor_as(roles.practitioner),
            outcome=outcome,
            version=outcome.version,
            framework_outcomes=[current, retired],
        )
    assert not outcome.framework_outcomes.exists()


# Dates, through the pages


def person_data(roles, **extra) -> dict:
    return {
        "full_name": "Agnes Stewart",
        "teams": [roles.team.pk],
        "version": "1",
        "key-TOTAL_FORMS": "0",
        "key-INITIAL_FORMS": "0",
    } | extra


def review_data(outcome, **extra) -> dict:
    return {
        "reviewed_on": TODAY.isoformat(),
        "point": str(outcome.scale.points.order_by("score").first().pk),
        "narrative": "Walked to the shop twice",
    } | extra


def start_data(**extra) -> dict:
    return {
        "kind": "first",
        "held_on": TODAY.isoformat(),
        "place": "At home",
        "person_took_part": "on",
        "others-TOTAL_FORMS": "0",
        "others-INITIAL_FORMS": "0",
    } | extra


def conversation_at(client, person, kind="first") -> Conversation:
    client.post(f"/people/{person.pk}/conversations/start/", start_data(kind=kind))
    return Conversation.objects.get()


def person_add(client, roles, person, outcome, field, value):
    return "/people/add/", person_data(roles, **{field: value}), "Agnes Stewart"


def person_edit(client, roles, person, outcome, field, value):
    return f"/people/{person.pk}/edit/", person_data(roles, **{field: value}), "Agnes Stewart"


def outcome_add(client, roles, person, outcome, field, value):
    data = outcome_edit_data(outcome, what_matters="Walk to the shop", **{field: value})
    return f"/people/{person.pk}/outcomes/add/", data, "Walk to the shop"


def outcome_edit(client, roles, person, outcome, field, value):
    data = outcome_edit_data(outcome, what_matters="Walk to the shop", **{field: value})
    if field == "status_changed_on":
        data["status"] = "achieved"
    return f"/outcomes/{outcome.pk}/edit/", data, "Walk to the shop"


def review_add(client, roles, person, outcome, field, value):
    data = review_data(outcome, **{field: value})
    return f"/outcomes/{outcome.pk}/reviews/add/", data, "Walked to the shop twice"


def review_amend(client, roles, person, outcome, field, value):
    review = services.review_add(
        actor=Actor(user=roles.practitioner),
        outcome=outcome,
        reviewed_on=TODAY,
        point=outcome.scale.points.order_by("score").first(),
    )
    data = review_data(outcome, reason="The wrong day", **{field: value})
    return f"/reviews/{review.pk}/amend/", data, "Walked to the shop twice"


def person_close(client, roles, person, outcome, field, value):
    data = {"reason": "Moved to Dundee", field: value}
    return f"/people/{person.pk}/close/", data, "Moved to Dundee"


def conversation_start(client, roles, person, outcome, field, value):
    data = start_data(place="The day room", **{field: value})
    return f"/people/{person.pk}/conversations/start/", data, "The day room"


def conversation_risks(client, roles, person, outcome, field, value):
    conversation = conversation_at(client, person)
    data = {
        "version": str(conversation.version),
        "differences": "",
        "risks-TOTAL_FORMS": "1",
        "risks-INITIAL_FORMS": "0",
        "risks-0-risk": "A fall on the stairs",
        f"risks-0-{field}": value,
    }
    return f"/conversations/{conversation.pk}/negotiate/", data, "A fall on the stairs"


def conversation_agreed_outcome(client, roles, person, outcome, field, value):
    conversation = conversation_at(client, person)
    data = {
        "what_matters": "I want to cook for Bill again",
        "in_own_words": "on",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        field: value,
    }
    return f"/conversations/{conversation.pk}/agree/add/", data, "I want to cook for Bill again"


def conversation_review(client, roles, person, outcome, field, value):
    conversation = conversation_at(client, person, kind="review")
    data = {
        "version": str(conversation.version),
        f"o{outcome.pk}-point": str(outcome.scale.points.order_by("score").first().pk),
        f"o{outcome.pk}-narrative": "Walked to the shop twice",
        f"o{outcome.pk}-{field}": value,
    }
    return f"/conversations/{conversation.pk}/review/", data, "Walked to the shop twice"


DATE_FIELDS = [
    (person_add, "date_of_birth", HAPPENED_LIMITS),
    (person_edit, "date_of_birth", HAPPENED_LIMITS),
    (outcome_add, "started_on", HAPPENED_LIMITS),
    (outcome_add, "next_review_on", PLANNED_LIMITS),
    (outcome_edit, "next_review_on", PLANNED_LIMITS),
    (outcome_edit, "status_changed_on", HAPPENED_LIMITS),
    (review_add, "reviewed_on", HAPPENED_LIMITS),
    (review_add, "next_review_on", PLANNED_LIMITS),
    (review_amend, "reviewed_on", HAPPENED_LIMITS),
    (person_close, "closed_on", HAPPENED_LIMITS),
    (conversation_start, "held_on", HAPPENED_LIMITS),
    (conversation_risks, "look_again_on", PLANNED_LIMITS),
    (conversation_agreed_outcome, "next_review_on", PLANNED_LIMITS),
    (conversation_review, "next_review_on", PLANNED_LIMITS),
]


@pytest.mark.parametrize(
    ("page", "field", "value", "message"),
    [
        pytest.param(page, field, value, message, id=f"{page.__name__}-{field}-{value}")
        for page, field, limits in DATE_FIELDS
        for value, message in limits
    ],
)
def test_a_date_out_of_range_is_refused_with_a_message_and_the_typing_kept(
    practitioner_client, roles, person, outcome, page, field, value, message
):
    url, data, typed = page(practitioner_client, roles, person, outcome, field, value)
    response = practitioner_client.post(url, data)
    assert response.status_code == 200
    page_text = text(response)
    assert message in page_text
    assert f'value="{value}"' in page_text
    assert typed in page_text


@pytest.mark.parametrize(
    ("page", "field", "value"),
    [
        pytest.param(page, field, value, id=f"{page.__name__}-{field}")
        for page, field, value in [
            (person_add, "date_of_birth", "1900-01-01"),
            (outcome_add, "started_on", "1900-01-01"),
            (outcome_add, "next_review_on", PLANNED.latest().isoformat()),
            (review_add, "next_review_on", TODAY.isoformat()),
            (person_close, "closed_on", TODAY.isoformat()),
            (conversation_start, "held_on", TODAY.isoformat()),
        ]
    ],
)
def test_the_ends_of_each_range_are_accepted(
    practitioner_client, roles, person, outcome, page, field, value
):
    url, data, _ = page(practitioner_client, roles, person, outcome, field, value)
    assert practitioner_client.post(url, data).status_code == 302


def test_services_refuse_out_of_range_dates_with_the_same_words(roles, person, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    with pytest.raises(ValidationError) as caught:
        services.outcome_record(
            actor=actor,
            person=person,
            what_matters="Garden",
            started_on=datetime.date(1, 1, 1),
            next_review_on=TOO_FAR,
        )
    assert caught.value.message_dict["started_on"] == [BEFORE_1900[1]]
    assert caught.value.message_dict["next_review_on"][0].startswith(PAST_TEN_YEARS[1])
    with pytest.raises(ValidationError, match="from 1 January 2000 onwards"):
        services.outcome_update(
            actor=actor,
            outcome=outcome,
            version=outcome.version,
            next_review_on=datetime.date(1999, 12, 31),
        )
    with pytest.raises(ValidationError, match="from 1 January 1900 onwards"):
        services.person_close(
            actor=actor, person=person, closed_on=datetime.date(1850, 1, 1), reason="Moved"
        )
    assert Outcome.objects.count() == 1
