"""Caseload, search and person pages issue the same number of queries at any size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frameworks.models import FrameworkOutcome
from records.models import Outcome, Review
from tests.factories import CaseloadEntryFactory, KeyPersonFactory, OutcomeFactory

D = datetime.date


def grow_caseload(team, people: int, outcomes_each: int) -> None:
    for _ in range(people):
        person = CaseloadEntryFactory(team=team).person
        for _ in range(outcomes_each):
            OutcomeFactory(person=person, next_review_on=D(2026, 6, 1))


def grow_person(person, user, outcomes: int, reviews_each: int) -> None:
    framework_outcomes = list(FrameworkOutcome.objects.all()[:3])
    for _ in range(outcomes):
        outcome = OutcomeFactory(person=person, created_by=user)
        outcome.framework_outcomes.set(framework_outcomes)
        outcome.actions.create(description="Walk to the park", who="Son")
        points = list(outcome.scale.points.order_by("score"))
        Review.objects.bulk_create(
            Review(
                outcome=outcome,
                reviewed_on=D(2025, 1, 1) + datetime.timedelta(days=14 * i),
                point=points[i % len(points)],
                narrative="Getting out more",
                created_by=user,
            )
            for i in range(reviews_each)
        )
        last = points[(reviews_each - 1) % len(points)]
        Outcome.objects.filter(pk=outcome.pk).update(
            first_point=points[0], latest_point=last, rating_count=reviews_each
        )
    KeyPersonFactory.create_batch(2, person=person)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/people/", "/people/?q=a&sort=next_review"])
def test_caseload_and_search_queries_do_not_grow_with_people(client, roles, frameworks, url):
    client.force_login(roles.practitioner)
    grow_caseload(roles.team, people=3, outcomes_each=1)
    small = count_queries(client, url)
    grow_caseload(roles.team, people=40, outcomes_each=3)
    large = count_queries(client, url)
    assert small == large
    assert large == 8


def test_person_page_queries_do_not_grow_with_outcomes_and_reviews(client, roles, person):
    client.force_login(roles.practitioner)
    grow_person(person, roles.practitioner, outcomes=2, reviews_each=2)
    small = count_queries(client, f"/people/{person.pk}/")
    grow_person(person, roles.practitioner, outcomes=10, reviews_each=12)
    large = count_queries(client, f"/people/{person.pk}/")
    assert small == large
    assert large == 17


def test_summary_queries_do_not_grow_with_outcomes(client, roles, person):
    client.force_login(roles.practitioner)
    grow_person(person, roles.practitioner, outcomes=1, reviews_each=1)
    small = count_queries(client, f"/people/{person.pk}/summary/")
    grow_person(person, roles.practitioner, outcomes=8, reviews_each=3)
    assert count_queries(client, f"/people/{person.pk}/summary/") == small
