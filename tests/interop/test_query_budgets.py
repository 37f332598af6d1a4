"""The FHIR exports issue the same number of queries at any size (per batch of people)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CaseloadEntryFactory, MembershipFactory, UserFactory
from tests.records.test_query_budgets import grow_person


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_a_persons_bundle_takes_the_same_queries_for_few_or_many_ratings(
    client, roles, frameworks, person
):
    client.force_login(roles.practitioner)
    url = f"/people/{person.pk}/fhir/"
    grow_person(person, roles.practitioner, outcomes=1, reviews_each=2)
    small = queries_for(client, url)
    grow_person(person, roles.practitioner, outcomes=12, reviews_each=15)
    assert queries_for(client, url) == small


@pytest.mark.parametrize("resource_type", ["Patient", "Goal", "Observation", "CarePlan"])
def test_an_organisation_file_takes_the_same_queries_for_few_or_many_people(
    client, roles, frameworks, resource_type
):
    client.force_login(roles.admin)
    url = f"/export/{roles.team.organisation_id}/fhir/{resource_type}.ndjson"
    writer = UserFactory(username="writer")
    MembershipFactory(user=writer, team=roles.team, role="practitioner")

    def grow(people: int) -> None:
        for _ in range(people):
            person = CaseloadEntryFactory(team=roles.team).person
            grow_person(person, writer, outcomes=2, reviews_each=3)

    grow(2)
    small = queries_for(client, url)
    grow(25)
    assert queries_for(client, url) == small


def test_an_organisation_file_grows_by_a_few_queries_a_batch_not_a_person(
    client, roles, frameworks, monkeypatch
):
    import interop.selectors

    client.force_login(roles.admin)
    url = f"/export/{roles.team.organisation_id}/fhir/Goal.ndjson"
    monkeypatch.setattr(interop.selectors, "EXPORT_BATCH", 5)
    for _ in range(5):
        CaseloadEntryFactory(team=roles.team)
    one_batch = queries_for(client, url)
    for _ in range(5):
        CaseloadEntryFactory(team=roles.team)
    two_batches = queries_for(client, url)
    # A second batch: its people, key people, outcomes and what those hold, and the
    # batch's audit events; the same however many people the batch has.
    assert 0 < two_batches - one_batch <= 12
