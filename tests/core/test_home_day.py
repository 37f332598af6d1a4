"""The home page as a practitioner's day: drafts, reviews and steps due, risks to revisit."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from tests.factories import (
    ActionFactory,
    CaseloadEntryFactory,
    ConversationFactory,
    OutcomeFactory,
    RiskDiscussionFactory,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def mine(roles, frameworks):
    return CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie").person


@pytest.fixture
def theirs(roles, frameworks):
    return CaseloadEntryFactory(team=roles.other_team, person__full_name="Zara Hidden").person


def test_reviews_overdue_and_due_in_14_days_are_listed_later_ones_not(client, roles, mine, theirs):
    OutcomeFactory(person=mine, what_matters="Walk to the shop", next_review_on=TODAY - 3 * DAY)
    OutcomeFactory(person=mine, what_matters="See my grandson", next_review_on=TODAY + 10 * DAY)
    OutcomeFactory(person=mine, what_matters="Paint again", next_review_on=TODAY + 40 * DAY)
    OutcomeFactory(person=theirs, what_matters="Someone else", next_review_on=TODAY)
    client.force_login(roles.practitioner)
    home = text(client.get("/"))
    assert "Reviews due in the next 14 days or overdue" in home
    assert home.index("Walk to the shop") < home.index("See my grandson")
    assert "Overdue" in home
    assert "Paint again" not in home
    assert "Someone else" not in home


def test_steps_falling_due_are_listed(client, roles, mine):
    outcome = OutcomeFactory(person=mine)
    ActionFactory(outcome=outcome, description="Phone the lunch club", due_on=TODAY + 2 * DAY)
    ActionFactory(outcome=outcome, description="Book the taxi", due_on=TODAY + 30 * DAY)
    ActionFactory(outcome=outcome, description="Every Sunday walk", when="every Sunday")
    client.force_login(roles.practitioner)
    home = text(client.get("/"))
    assert "Steps falling due" in home
    assert "Phone the lunch club" in home
    assert "Book the taxi" not in home and "Every Sunday walk" not in home


def test_risks_whose_look_again_date_has_come_are_listed(client, roles, mine):
    recorded = ConversationFactory(person=mine, recorded=True, created_by=roles.practitioner)
    RiskDiscussionFactory(conversation=recorded, risk="Using the gas cooker", look_again_on=TODAY)
    RiskDiscussionFactory(
        conversation=recorded, risk="Going out after dark", look_again_on=TODAY + 5 * DAY
    )
    client.force_login(roles.practitioner)
    home = text(client.get("/"))
    assert "Risks to look at again" in home
    assert "Using the gas cooker" in home
    assert "Going out after dark" not in home


def test_the_home_page_notes_each_person_it_lists_in_the_audit_trail(client, roles, mine):
    OutcomeFactory(person=mine, next_review_on=TODAY)
    client.force_login(roles.practitioner)
    client.get("/")
    event = AuditEvent.objects.get(action="view", person_id=mine.pk)
    assert event.summary == "Viewed home page"


def test_a_manager_sees_no_practitioners_day(client, roles, mine):
    OutcomeFactory(person=mine, what_matters="Walk to the shop", next_review_on=TODAY)
    client.force_login(roles.manager)
    assert "Walk to the shop" not in text(client.get("/"))


def test_home_queries_do_not_grow_with_what_is_due(
    client, roles, mine, frameworks, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            person = CaseloadEntryFactory(team=roles.team).person
            outcome = OutcomeFactory(person=person, next_review_on=TODAY)
            ActionFactory(outcome=outcome, due_on=TODAY)
            recorded = ConversationFactory(person=person, recorded=True)
            RiskDiscussionFactory(conversation=recorded, look_again_on=TODAY)
            ConversationFactory(person=person, created_by=roles.practitioner)

    client.force_login(roles.practitioner)
    add(1)
    with django_assert_num_queries(14) as first:
        client.get("/")
    add(5)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/")
