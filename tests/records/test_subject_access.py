"""A manager exports everything held about a person, as a PDF or as JSON."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from frameworks.models import FrameworkOutcome
from records.models import Review
from tests.factories import (
    AddendumFactory,
    AgreedOutcomeFactory,
    ConversationFactory,
    KeyPersonFactory,
    OutcomeFactory,
    ParticipantFactory,
    RiskDiscussionFactory,
    ThemeFactory,
)
from tests.records.test_query_budgets import grow_person

D = datetime.date
IRIS_SAYS = (
    "I want my confidence back in the kitchen: the smell of soup on the stove\nmakes it home."
)


@pytest.fixture
def full_record(roles, person, frameworks):
    """Iris's record with a little of everything: details, key people, an outcome with a
    step, a review and its correction, and a recorded conversation with an addendum."""
    person.preferred_name = "Iris"
    person.date_of_birth = D(1943, 4, 2)
    person.chi_number = "0204431234"
    person.communication_needs = "Hard of hearing; face her when speaking."
    person.engagement_channels = ["verbal", "family_proxy"]
    person.engagement_notes = "Mornings are best."
    person.save()
    KeyPersonFactory(
        person=person, name="Ewan Mackenzie", relationship="Son", contact="07700 900123"
    )
    outcome = OutcomeFactory(
        person=person,
        what_matters=IRIS_SAYS,
        why_it_matters="Cooking for Alec is how she looks after him.",
        contribution="Ewan will do the big shop on Saturdays.",
        created_by=roles.practitioner,
    )
    framework_outcome = FrameworkOutcome.objects.filter(
        category__framework__key="adults-community"
    ).first()
    outcome.framework_outcomes.set([framework_outcome])
    outcome.actions.create(description="Practise making soup together", who="Support worker")
    first = Review.objects.create(
        outcome=outcome,
        reviewed_on=D(2025, 3, 1),
        point=outcome.scale.points.order_by("score").first(),
        narrative="Made lentil soup with help.",
        what_helped="Her son's company.",
        created_by=roles.practitioner,
    )
    theme = ThemeFactory(organisation=roles.team.organisation, name="Family support")
    correction = Review.objects.create(
        outcome=outcome,
        reviewed_on=D(2025, 3, 1),
        point=outcome.scale.points.order_by("score").last(),
        narrative="Made lentil soup on her own.",
        amends=first,
        amendment_reason="The first rating was entered on the wrong outcome.",
        created_by=roles.practitioner,
    )
    correction.helped_themes.set([theme])
    conversation = ConversationFactory(
        person=person, created_by=roles.practitioner, recorded=True, differences="Ewan worries."
    )
    ParticipantFactory(conversation=conversation, name="Iris Mackenzie", what_matters="My kitchen")
    RiskDiscussionFactory(conversation=conversation, risk="Leaving the gas on")
    AgreedOutcomeFactory(conversation=conversation, what_matters="Cook soup again")
    AddendumFactory(
        conversation=conversation,
        text="Her granddaughter also helps.",
        reason="Left out by mistake.",
        created_by=roles.practitioner,
    )
    return person


def export_json(client, person) -> dict:
    response = client.post(f"/people/{person.pk}/subject-access/json/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_the_json_export_holds_everything_in_the_persons_own_words(client, roles, full_record):
    client.force_login(roles.practitioner)
    client.get(f"/people/{full_record.pk}/")  # a view, so the access log has a row
    client.force_login(roles.manager)
    data = export_json(client, full_record)

    assert data["person"]["full_name"] == "Iris Mackenzie"
    assert data["person"]["date_of_birth"] == "1943-04-02"
    assert data["person"]["chi_number"] == "0204431234"
    assert data["person"]["communication_needs"] == "Hard of hearing; face her when speaking."
    assert data["person"]["engagement_notes"] == "Mornings are best."
    assert data["key_people"][0] == {
        "name": "Ewan Mackenzie",
        "relationship": "Son",
        "contact": "07700 900123",
        "may_speak_for_person": False,
    }
    assert [t["name"] for t in data["teams"]] == ["Hillside Team"]

    (outcome,) = data["outcomes"]
    assert outcome["what_matters"] == IRIS_SAYS  # verbatim, line break and all
    assert outcome["why_it_matters"] == "Cooking for Alec is how she looks after him."
    assert outcome["started_on"] == "2025-01-06"
    assert outcome["framework_outcomes"][0]["framework"]
    assert outcome["framework_outcomes"][0]["framework_version"] == 1
    assert outcome["actions"][0]["what"] == "Practise making soup together"
    first, correction = outcome["reviews"]
    assert first["corrected_by_review"] == correction["id"]
    assert correction["corrects_review"] == first["id"]
    assert correction["correction_reason"] == "The first rating was entered on the wrong outcome."
    assert correction["helped_themes"] == ["Family support"]

    (conversation,) = data["conversations"]
    assert conversation["differences"] == "Ewan worries."
    assert conversation["participants"][0]["what_matters"] == "My kitchen"
    assert conversation["risks"][0]["risk"] == "Leaving the gas on"
    assert conversation["agreed_outcomes"][0]["what_matters"] == "Cook soup again"
    assert conversation["addenda"][0]["text"] == "Her granddaughter also helps."
    assert conversation["addenda"][0]["reason"] == "Left out by mistake."

    viewed = [e for e in data["access_log"] if e["what"] == "Viewed"]
    assert viewed[0]["who"] == roles.practitioner.get_full_name()
    assert viewed[0]["details"] == "Viewed record"
    datetime.datetime.fromisoformat(viewed[0]["when"])


def test_the_pdf_export_opens_and_each_export_is_audited(client, roles, full_record):
    client.force_login(roles.manager)
    response = client.post(f"/people/{full_record.pk}/subject-access/pdf/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    export_json(client, full_record)

    events = AuditEvent.objects.filter(action="subject_access_export").order_by("pk")
    assert [(e.person_id, e.actor, e.summary) for e in events] == [
        (full_record.pk, roles.manager, "Subject access export (PDF)"),
        (full_record.pk, roles.manager, "Subject access export (JSON)"),
    ]


def test_the_page_explains_the_export_and_only_a_post_downloads(client, roles, full_record):
    client.force_login(roles.manager)
    person_page = client.get(f"/people/{full_record.pk}/").content.decode()
    assert f'href="/people/{full_record.pk}/subject-access/"' in person_page

    page = client.get(f"/people/{full_record.pk}/subject-access/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "every review and every correction" in html
    assert 'method="post"' in html
    assert client.get(f"/people/{full_record.pk}/subject-access/pdf/").status_code == 405
    assert client.get(f"/people/{full_record.pk}/subject-access/json/").status_code == 405
    assert not AuditEvent.objects.filter(action="subject_access_export").exists()


@pytest.mark.parametrize("who", ["practitioner", "other_practitioner", "admin"])
@pytest.mark.parametrize("url", ["", "pdf/", "json/"])
def test_anyone_but_a_manager_of_the_persons_team_gets_a_recorded_404(
    client, roles, full_record, who, url
):
    user = getattr(roles, who)
    client.force_login(user)
    path = f"/people/{full_record.pk}/subject-access/{url}"
    response = client.post(path) if url else client.get(path)
    assert response.status_code == 404
    assert "Iris" not in response.content.decode()
    refused = AuditEvent.objects.get(action="access_denied")
    assert (refused.actor, refused.object_id) == (user, str(full_record.pk))
    assert not AuditEvent.objects.filter(action="subject_access_export").exists()


def test_the_subject_access_button_shows_only_to_managers(client, roles, full_record):
    client.force_login(roles.practitioner)
    html = client.get(f"/people/{full_record.pk}/").content.decode()
    assert "subject-access" not in html


def test_anonymous_visitors_are_sent_to_sign_in(client, full_record):
    response = client.post(f"/people/{full_record.pk}/subject-access/json/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def count_export_queries(client, person, fmt: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/people/{person.pk}/subject-access/{fmt}/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_the_export_queries_do_not_grow_with_the_record(
    client, roles, full_record, django_assert_num_queries, fmt
):
    client.force_login(roles.manager)
    grow_person(full_record, roles.practitioner, outcomes=1, reviews_each=1)  # 2 outcomes
    small = count_export_queries(client, full_record, fmt)
    grow_person(full_record, roles.practitioner, outcomes=18, reviews_each=6)  # 20 outcomes
    for _ in range(3):
        conversation = ConversationFactory(
            person=full_record, created_by=roles.practitioner, recorded=True
        )
        AddendumFactory(conversation=conversation, created_by=roles.practitioner)
    with django_assert_num_queries(small):
        client.post(f"/people/{full_record.pk}/subject-access/{fmt}/")
