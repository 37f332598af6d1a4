"""First and review conversations walked end to end through the pages."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import Conversation, Stage
from frameworks.models import FrameworkOutcome, ScalePoint
from records.models import Outcome, Review
from tests.factories import KeyPersonFactory, OutcomeFactory

TODAY = timezone.localdate().isoformat()


def text(response) -> str:
    return response.content.decode()


def start(client, person, **extra):
    data = {
        "kind": "first",
        "held_on": TODAY,
        "place": "At home",
        "person_took_part": "on",
        "channels": ["verbal", "life_story"],
        "others-TOTAL_FORMS": "3",
        "others-INITIAL_FORMS": "0",
        "others-0-kind": "practitioner",
        "others-0-name": "Dr Shah",
        "others-0-role": "GP",
    } | extra
    return client.post(f"/people/{person.pk}/conversations/start/", data)


def first_stage(**extra) -> dict:
    """What a first conversation's start page sends for its first stage, the exchange."""
    return {
        "person-what_matters": "I want to make soup for Bill again",
        "person-why": "Cooking is how I look after Bill",
        "person-in_own_words": "on",
        "strengths_person": "A great cook; knows every neighbour by name",
        "candidates-TOTAL_FORMS": "2",
        "candidates-INITIAL_FORMS": "0",
        "candidates-0-statement": "Cook for Bill again",
    } | extra


def exchange_data(conversation, **extra):
    participants = list(conversation.participants.all())
    data = {
        "version": str(conversation.version),
        "views-TOTAL_FORMS": str(len(participants)),
        "views-INITIAL_FORMS": str(len(participants)),
        "candidates-TOTAL_FORMS": "2",
        "candidates-INITIAL_FORMS": "0",
        "strengths_person": "A great cook; knows every neighbour by name",
        "candidates-0-statement": "Cook for Bill again",
    }
    for i, p in enumerate(participants):
        data[f"views-{i}-participant_id"] = str(p.pk)
    data["views-0-what_matters"] = "I want to make soup for Bill again"
    data["views-0-in_own_words"] = "on"
    return data | extra


def agreed_data(**extra):
    safe = FrameworkOutcome.objects.get(short_name="Improved confidence / morale")
    return {
        "what_matters": "I want my confidence back in the kitchen",
        "in_own_words": "on",
        "why_it_matters": "Cooking is how I look after Bill",
        "framework_outcome": safe.pk,
        "person_contribution": "Choose the recipes",
        "family_contribution": "Bill writes the shopping list",
        "practitioner_contribution": "OT visits on Tuesdays",
        "next_review_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Fit a perching stool",
        "actions-0-who": "Equipment service",
    } | extra


@pytest.fixture
def practitioner(client, roles):
    client.force_login(roles.practitioner)
    return client


def test_a_first_conversation_from_start_to_recorded_outcomes(practitioner, roles, person):
    KeyPersonFactory(person=person, name="Bill Mackenzie", relationship="Husband")
    key_person = person.key_people.get()
    # Started and the first stage saved with one send.
    response = start(practitioner, person, key_people=[key_person.pk], **first_stage())
    conversation = Conversation.objects.get()
    assert response.headers["Location"] == f"/conversations/{conversation.pk}/negotiate/"
    assert [p.name for p in conversation.participants.all()] == [
        person.display_name,
        "Bill Mackenzie",
        "Dr Shah",
    ]

    # The first stage is still there to go back to, with what was said.
    page = text(practitioner.get(f"/conversations/{conversation.pk}/exchange/"))
    assert 'aria-current="step"' in page and "Exchange information" in page
    assert "I want to make soup for Bill again" in page
    response = practitioner.post(
        f"/conversations/{conversation.pk}/negotiate/",
        {
            "version": str(conversation.version),
            "differences": "Bill worries about the cooker; Iris wants to try",
            "risks-TOTAL_FORMS": "1",
            "risks-INITIAL_FORMS": "0",
            "risks-0-risk": "A burn at the cooker",
            "risks-0-persons_view": "Worth it to cook again",
            "risks-0-agreed_reasonable": "Cooking with the OT first",
            "risks-0-safeguards": "Cooker guard",
        },
    )
    # Straight on to agreeing the possible outcome noted in the first stage.
    candidate = conversation.candidates.get()
    assert response.headers["Location"] == (
        f"/conversations/{conversation.pk}/agree/add/?candidate={candidate.pk}"
    )
    prefilled = text(
        practitioner.get(f"/conversations/{conversation.pk}/agree/add/?candidate={candidate.pk}")
    )
    assert "Cook for Bill again" in prefilled
    for words in (
        "I want my confidence back in the kitchen",
        "I want to see my pals at lunch club",
    ):
        response = practitioner.post(
            f"/conversations/{conversation.pk}/agree/add/", agreed_data(what_matters=words)
        )
        assert response.status_code == 302
    conversation.refresh_from_db()
    response = practitioner.post(
        f"/conversations/{conversation.pk}/agree/",
        {"version": str(conversation.version), "not_agreed": "How often Bill cooks too"},
    )
    assert response.headers["Location"] == f"/conversations/{conversation.pk}/record/"

    review_screen = text(practitioner.get(f"/conversations/{conversation.pk}/record/"))
    assert "A burn at the cooker" in review_screen
    assert "How often Bill cooks too" in review_screen
    assert Outcome.objects.count() == 0  # nothing in the record until confirmed

    response = practitioner.post(f"/conversations/{conversation.pk}/record/")
    assert response.headers["Location"] == f"/people/{person.pk}/"
    outcomes = list(Outcome.objects.order_by("pk"))
    assert [o.what_matters for o in outcomes] == [
        "I want my confidence back in the kitchen",
        "I want to see my pals at lunch club",
    ]
    first = outcomes[0]
    assert first.started_on == timezone.localdate()
    assert "Bill writes the shopping list" in first.contribution
    assert list(first.actions.values_list("description", flat=True)) == [
        "Fit a perching stool",
        "OT visits on Tuesdays",
    ]
    assert set(first.quality) == {"outcome_not_output", "personalised", "contribution", "own_voice"}
    person_page = text(practitioner.get(f"/people/{person.pk}/"))
    assert "I want to see my pals at lunch club" in person_page


def test_confirming_twice_never_duplicates_outcomes(practitioner, roles, person):
    conversation = walk_to_record(practitioner, person)
    practitioner.post(f"/conversations/{conversation.pk}/record/")
    again = practitioner.post(f"/conversations/{conversation.pk}/record/", follow=True)
    assert "already recorded" in text(again)
    assert Outcome.objects.count() == 1


def walk_to_record(client, person) -> Conversation:
    start(client, person)
    conversation = Conversation.objects.latest("pk")
    client.post(f"/conversations/{conversation.pk}/exchange/", exchange_data(conversation))
    conversation.refresh_from_db()
    client.post(
        f"/conversations/{conversation.pk}/negotiate/",
        {
            "version": str(conversation.version),
            "risks-TOTAL_FORMS": "0",
            "risks-INITIAL_FORMS": "0",
        },
    )
    client.post(f"/conversations/{conversation.pk}/agree/add/", agreed_data())
    conversation.refresh_from_db()
    client.post(f"/conversations/{conversation.pk}/agree/", {"version": str(conversation.version)})
    conversation.refresh_from_db()
    assert conversation.stage == Stage.RECORD
    return conversation


def test_a_recorded_conversation_is_read_only_and_takes_addenda(practitioner, roles, person):
    conversation = walk_to_record(practitioner, person)
    practitioner.post(f"/conversations/{conversation.pk}/record/")
    # Every stage now leads to the read-only record.
    response = practitioner.get(f"/conversations/{conversation.pk}/exchange/")
    assert response.headers["Location"] == f"/conversations/{conversation.pk}/"
    changed = practitioner.post(
        f"/conversations/{conversation.pk}/agree/add/", agreed_data(what_matters="Sneaked in")
    )
    assert changed.status_code == 302
    assert not conversation.agreed_outcomes.filter(what_matters="Sneaked in").exists()
    missing_reason = practitioner.post(
        f"/conversations/{conversation.pk}/addenda/add/", {"text": "Bill was there too"}
    )
    assert "This field is required" in text(missing_reason)
    assert "Bill was there too" in text(missing_reason)
    practitioner.post(
        f"/conversations/{conversation.pk}/addenda/add/",
        {"text": "Bill was there too", "reason": "Left off the list"},
    )
    page = text(practitioner.get(f"/conversations/{conversation.pk}/"))
    assert "Bill was there too" in page and "Left off the list" in page
    assert "I want my confidence back in the kitchen" in page


def test_leaving_a_draft_and_coming_back_from_the_home_page(practitioner, roles, person):
    start(practitioner, person)
    conversation = Conversation.objects.get()
    response = practitioner.post(
        f"/conversations/{conversation.pk}/exchange/",
        exchange_data(conversation, leave="1"),
    )
    assert response.headers["Location"] == "/"
    home = text(practitioner.get("/"))
    assert "Conversations in progress" in home
    assert f'href="/conversations/{conversation.pk}/"' in home
    # Left at the first stage, it is picked up there.
    resumed = practitioner.get(f"/conversations/{conversation.pk}/", follow=True)
    assert resumed.redirect_chain[-1][0] == f"/conversations/{conversation.pk}/exchange/"
    # What was saved is there when going back to the first stage.
    assert "I want to make soup for Bill again" in text(
        practitioner.get(f"/conversations/{conversation.pk}/exchange/")
    )


def test_a_stage_not_yet_reached_is_not_a_link(practitioner, roles, person):
    start(practitioner, person)
    conversation = Conversation.objects.get()
    page = text(practitioner.get(f"/conversations/{conversation.pk}/exchange/"))
    assert f'href="/conversations/{conversation.pk}/record/"' not in page
    assert "(not reached yet)" in page


def test_validation_errors_keep_what_was_typed(practitioner, roles, person):
    bad_start = start(practitioner, person, held_on="2999-01-01", place="Day room")
    assert "cannot be in the future" in text(bad_start)
    assert 'value="Day room"' in text(bad_start)
    start(practitioner, person)
    conversation = Conversation.objects.get()
    response = practitioner.post(
        f"/conversations/{conversation.pk}/agree/add/",
        agreed_data(what_matters="", why_it_matters="Because of Bill", next_review_on="31/02/2026"),
    )
    html = text(response)
    assert "This field is required" in html
    assert "Enter a real date" in html
    assert "Because of Bill" in html
    assert 'value="Fit a perching stool"' in html
    assert not conversation.agreed_outcomes.exists()


def test_prompts_show_where_an_agreed_outcome_falls_short_but_never_block(
    practitioner, roles, person
):
    conversation = walk_to_record(practitioner, person)
    practitioner.post(
        f"/conversations/{conversation.pk}/agree/add/",
        agreed_data(
            what_matters="Attend day centre twice a week",
            in_own_words="",
            person_contribution="",
            family_contribution="",
        ),
    )
    html = text(practitioner.get(f"/conversations/{conversation.pk}/agree/"))
    assert "reads like a service or an output" in html
    assert "What will the person or their family do" in html
    conversation.refresh_from_db()
    practitioner.post(
        f"/conversations/{conversation.pk}/agree/", {"version": str(conversation.version)}
    )
    practitioner.post(f"/conversations/{conversation.pk}/record/")
    stored = Outcome.objects.get(what_matters="Attend day centre twice a week")
    assert "outcome_not_output" not in stored.quality
    assert "contribution" not in stored.quality


def test_concurrent_edit_of_a_stage_is_not_silently_overwritten(client, roles, person):
    client.force_login(roles.practitioner)
    start(client, person)
    conversation = Conversation.objects.get()
    stale = exchange_data(conversation, strengths_person="Mine")
    client.force_login(roles.colleague)
    client.post(
        f"/conversations/{conversation.pk}/exchange/",
        exchange_data(conversation, strengths_person="Colleague's", leave="1"),
    )
    client.force_login(roles.practitioner)
    response = client.post(f"/conversations/{conversation.pk}/exchange/", stale)
    assert response.status_code == 200
    assert "Someone else saved this conversation" in text(response)
    assert ">\nMine</textarea>" in text(response)
    conversation.refresh_from_db()
    assert conversation.strengths_person == "Colleague's"


def test_another_teams_practitioner_is_refused_every_step(client, roles, person):
    client.force_login(roles.practitioner)
    conversation = walk_to_record(client, person)
    client.force_login(roles.other_practitioner)
    assert client.get(f"/people/{person.pk}/conversations/start/").status_code == 404
    for stage in ("", "exchange/", "negotiate/", "agree/", "agree/add/", "record/"):
        assert client.get(f"/conversations/{conversation.pk}/{stage}").status_code == 404
    assert client.post(f"/conversations/{conversation.pk}/record/").status_code == 404
    assert not Outcome.objects.exists()
    refused = AuditEvent.objects.filter(action="access_denied", actor=roles.other_practitioner)
    assert refused.count() == 8


# Review conversations


def test_a_review_conversation_rates_each_active_outcome_and_writes_reviews(
    practitioner, roles, person
):
    first = OutcomeFactory(person=person, what_matters="Walk to the shop")
    second = OutcomeFactory(person=person, what_matters="See my grandson")
    OutcomeFactory(person=person, status="achieved", status_changed_on=datetime.date(2025, 6, 1))
    start(practitioner, person, kind="review")
    conversation = Conversation.objects.get()
    assert conversation.review_entries.count() == 2  # active outcomes only
    page = text(practitioner.get(f"/conversations/{conversation.pk}/review/"))
    assert "Walk to the shop" in page and "See my grandson" in page
    points = {p.score: p.pk for p in ScalePoint.objects.filter(scale=first.scale)}
    data = {
        "version": str(conversation.version),
        f"o{first.pk}-point": str(points[4]),
        f"o{first.pk}-narrative": 'Walked there twice. "I felt ten years younger."',
        f"o{first.pk}-what_helped": "Her new walking frame",
        f"o{second.pk}-point": str(points[2]),
        f"o{second.pk}-narrative": "",
        f"o{second.pk}-plan_needs_change": "on",
        f"o{second.pk}-plan_change": "Ask his mum about video calls",
    }
    response = practitioner.post(f"/conversations/{conversation.pk}/review/", data)
    assert response.headers["Location"] == f"/conversations/{conversation.pk}/record/"
    screen = text(practitioner.get(f"/conversations/{conversation.pk}/record/"))
    assert "A rating on its own doesn" in screen  # second has no narrative: a prompt
    practitioner.post(f"/conversations/{conversation.pk}/record/")
    practitioner.post(f"/conversations/{conversation.pk}/record/")  # double submit
    assert Review.objects.count() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.latest_point.score == 4
    assert second.latest_point.score == 2
    review = Review.objects.get(outcome=first)
    assert set(review.quality) == {"narrative", "helps_hinders", "own_voice"}
    assert "narrative" not in Review.objects.get(outcome=second).quality
    assert "Dr Shah (GP)" in review.views_included


def test_a_review_rating_must_come_from_the_outcomes_scale(practitioner, roles, person):
    outcome = OutcomeFactory(person=person)
    start(practitioner, person, kind="review")
    conversation = Conversation.objects.get()
    response = practitioner.post(
        f"/conversations/{conversation.pk}/review/",
        {
            "version": str(conversation.version),
            f"o{outcome.pk}-point": "999999",
            f"o{outcome.pk}-narrative": "Kept this text",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert "Kept this text" in text(response)


def test_a_review_conversation_needs_active_outcomes(practitioner, roles, person):
    response = start(practitioner, person, kind="review")
    assert "no active outcomes to review" in text(response)
    assert not Conversation.objects.exists()


def test_a_review_conversation_offers_and_records_the_organisations_themes(
    practitioner, roles, person
):
    from themes.models import Theme

    transport = Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    outcome = OutcomeFactory(person=person)
    start(practitioner, person, kind="review")
    conversation = Conversation.objects.get()
    page = practitioner.get(f"/conversations/{conversation.pk}/review/")
    assert page.status_code == 200
    assert "Transport" in text(page)
    point = outcome.scale.points.get(score=3)
    practitioner.post(
        f"/conversations/{conversation.pk}/review/",
        {
            "version": str(conversation.version),
            f"o{outcome.pk}-point": str(point.pk),
            f"o{outcome.pk}-hindered_themes": [str(transport.pk)],
        },
    )
    practitioner.post(f"/conversations/{conversation.pk}/record/")
    assert list(Review.objects.get().hindered_themes.all()) == [transport]
