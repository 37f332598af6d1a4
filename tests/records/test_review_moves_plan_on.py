"""A review moves the plan on: the next review date, and the steps when the plan changes."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Conversation
from frameworks.models import ScalePoint
from records import services
from records.models import Action, Outcome
from tests.factories import ActionFactory, OutcomeFactory

D = datetime.date
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def overdue(person, roles):
    """Agreed on 8 July 2025 with a review on 8 October 2025: long overdue now."""
    return OutcomeFactory(
        person=person,
        what_matters="I want to walk to the shop on my own",
        started_on=D(2025, 7, 8),
        next_review_on=D(2025, 10, 8),
        created_by=roles.practitioner,
    )


def point(outcome, score: int) -> ScalePoint:
    return outcome.scale.points.get(score=score)


def review_post(outcome, **extra) -> dict:
    return {
        "reviewed_on": TODAY.isoformat(),
        "point": str(point(outcome, 3).pk),
        "narrative": '"I got there on Tuesday," she said.',
    } | extra


def test_the_review_form_suggests_a_date_one_usual_interval_on_not_the_old_one(
    practitioner_client, overdue
):
    page = text(practitioner_client.get(f"/outcomes/{overdue.pk}/reviews/add/"))
    interval = D(2025, 10, 8) - D(2025, 7, 8)
    assert f'value="{(TODAY + interval).isoformat()}"' in page
    assert 'value="2025-10-08"' not in page


def test_a_review_clears_overdue_on_the_person_page_and_the_dashboard(
    practitioner_client, client, roles, overdue
):
    person_page = f"/people/{overdue.person_id}/"
    assert "Overdue" in text(practitioner_client.get(person_page))
    client.force_login(roles.manager)
    dashboard = text(client.get(f"/reports/teams/{roles.team.pk}/"))
    assert "I want to walk to the shop" in dashboard
    practitioner_client.force_login(roles.practitioner)
    # Posted with no date, as a script or an old page would: the service still moves it on.
    response = practitioner_client.post(
        f"/outcomes/{overdue.pk}/reviews/add/", review_post(overdue)
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.next_review_on > TODAY
    assert "Overdue" not in text(practitioner_client.get(person_page))
    client.force_login(roles.manager)
    assert "I want to walk to the shop" not in text(client.get(f"/reports/teams/{roles.team.pk}/"))


def test_a_late_entered_review_never_sets_a_date_in_the_past(roles, overdue, actor_as):
    services.review_add(
        actor=actor_as(roles.practitioner),
        outcome=overdue,
        reviewed_on=D(2025, 10, 1),
        point=point(overdue, 2),
    )
    overdue.refresh_from_db()
    assert overdue.next_review_on == TODAY + (D(2025, 10, 8) - D(2025, 7, 8))


def test_an_outcome_with_no_plan_yet_is_reviewed_again_in_about_three_months(
    roles, person, actor_as
):
    outcome = OutcomeFactory(person=person, started_on=TODAY - 10 * DAY, next_review_on=None)
    services.review_add(
        actor=actor_as(roles.practitioner),
        outcome=outcome,
        reviewed_on=TODAY,
        point=point(outcome, 2),
    )
    outcome.refresh_from_db()
    assert outcome.next_review_on == TODAY + services.DEFAULT_REVIEW_INTERVAL


@pytest.mark.parametrize(
    ("next_review", "message"),
    [
        (TODAY - DAY, "cannot be in the past"),
        (TODAY - 20 * DAY, "cannot be before this review"),
    ],
)
def test_a_next_review_in_the_past_or_before_the_review_is_refused_and_typing_kept(
    practitioner_client, overdue, next_review, message
):
    data = review_post(
        overdue, reviewed_on=(TODAY - 10 * DAY).isoformat(), next_review_on=next_review.isoformat()
    )
    response = practitioner_client.post(f"/outcomes/{overdue.pk}/reviews/add/", data)
    assert response.status_code == 200
    assert message in text(response)
    assert "I got there on Tuesday" in text(response)
    overdue.refresh_from_db()
    assert overdue.next_review_on == D(2025, 10, 8)


def steps_post(outcome, rows: list[dict], initial: int) -> dict:
    data = {"actions-TOTAL_FORMS": str(len(rows)), "actions-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        data |= {f"actions-{i}-{k}": v for k, v in row.items()}
    return data


def test_when_the_plan_needs_to_change_the_steps_change_at_the_review(practitioner_client, overdue):
    ActionFactory(outcome=overdue, description="Walk with the support worker", who="Sam")
    page = text(practitioner_client.get(f"/outcomes/{overdue.pk}/reviews/add/"))
    assert "Change the steps towards this outcome" in page
    assert "Walk with the support worker" in page
    due = TODAY + 14 * DAY
    data = review_post(overdue, plan_needs_change="on", plan_change="Walk alone now") | steps_post(
        overdue,
        [
            {"description": "Walk with the support worker", "who": "Sam", "DELETE": "on"},
            {"description": "Walk to the shop alone", "who": "Iris", "due_on": due.isoformat()},
        ],
        initial=1,
    )
    assert practitioner_client.post(f"/outcomes/{overdue.pk}/reviews/add/", data).status_code == 302
    steps = list(Action.objects.filter(outcome=overdue).values_list("description", "due_on"))
    assert steps == [("Walk to the shop alone", due)]
    event = AuditEvent.objects.filter(summary="Review added").get()
    assert "actions" in event.changes


def test_steps_left_as_they_were_are_kept_by_a_review(practitioner_client, overdue):
    ActionFactory(outcome=overdue, description="Walk with the support worker", who="Sam")
    data = review_post(overdue) | steps_post(
        overdue, [{"description": "Walk with the support worker", "who": "Sam"}], initial=1
    )
    practitioner_client.post(f"/outcomes/{overdue.pk}/reviews/add/", data)
    assert list(Action.objects.values_list("description", flat=True)) == [
        "Walk with the support worker"
    ]


def test_a_step_can_have_a_due_date_beside_its_words(practitioner_client, person):
    due = TODAY + 7 * DAY
    data = {
        "what_matters": "I want to go to the lunch club",
        "in_own_words": "on",
        "started_on": TODAY.isoformat(),
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Phone the lunch club",
        "actions-0-when": "Before the next meeting",
        "actions-0-due_on": due.isoformat(),
    }
    assert practitioner_client.post(f"/people/{person.pk}/outcomes/add/", data).status_code == 302
    step = Action.objects.get()
    assert (step.when, step.due_on) == ("Before the next meeting", due)
    page = text(practitioner_client.get(f"/people/{person.pk}/"))
    assert "Due by" in page and due.strftime("%-d %b %Y") in page


# The review conversation


def start_review(client, person):
    return client.post(
        f"/people/{person.pk}/conversations/start/",
        {
            "kind": "review",
            "held_on": TODAY.isoformat(),
            "person_took_part": "on",
            "channels": ["verbal"],
            "others-TOTAL_FORMS": "0",
            "others-INITIAL_FORMS": "0",
        },
    )


def test_a_review_conversation_suggests_the_next_review_and_moves_it_on(
    practitioner_client, overdue
):
    ActionFactory(outcome=overdue, description="Walk with the support worker", who="Sam")
    start_review(practitioner_client, overdue.person)
    conversation = Conversation.objects.get()
    url = f"/conversations/{conversation.pk}/review/"
    page = text(practitioner_client.get(url))
    interval = D(2025, 10, 8) - D(2025, 7, 8)
    assert f'value="{(TODAY + interval).isoformat()}"' in page
    assert 'value="2025-10-08"' not in page
    prefix = f"o{overdue.pk}"
    data = {
        "version": str(conversation.version),
        f"{prefix}-point": str(point(overdue, 4).pk),
        f"{prefix}-narrative": '"Nearly there," she said.',
        f"{prefix}-plan_needs_change": "on",
        f"{prefix}-next_review_on": (TODAY + interval).isoformat(),
        f"{prefix}-steps-TOTAL_FORMS": "2",
        f"{prefix}-steps-INITIAL_FORMS": "1",
        f"{prefix}-steps-0-description": "Walk with the support worker",
        f"{prefix}-steps-0-who": "Sam",
        f"{prefix}-steps-0-DELETE": "on",
        f"{prefix}-steps-1-description": "Walk to the shop alone",
        f"{prefix}-steps-1-who": "Iris",
    }
    assert practitioner_client.post(url, data).status_code == 302
    # Until it is recorded, the record keeps its steps.
    assert list(Action.objects.values_list("description", flat=True)) == [
        "Walk with the support worker"
    ]
    practitioner_client.post(f"/conversations/{conversation.pk}/record/")
    overdue.refresh_from_db()
    assert overdue.next_review_on == TODAY + interval
    assert list(Action.objects.values_list("description", flat=True)) == ["Walk to the shop alone"]
    assert "Overdue" not in text(practitioner_client.get(f"/people/{overdue.person_id}/"))


def test_a_review_conversation_refuses_a_next_review_in_the_past(practitioner_client, overdue):
    start_review(practitioner_client, overdue.person)
    conversation = Conversation.objects.get()
    prefix = f"o{overdue.pk}"
    response = practitioner_client.post(
        f"/conversations/{conversation.pk}/review/",
        {
            "version": str(conversation.version),
            f"{prefix}-point": str(point(overdue, 4).pk),
            f"{prefix}-narrative": "Kept words",
            f"{prefix}-next_review_on": (TODAY - DAY).isoformat(),
        },
    )
    assert "cannot be before this review" in text(response)
    assert "Kept words" in text(response)
    assert Outcome.objects.get().next_review_on == D(2025, 10, 8)
