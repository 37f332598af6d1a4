import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from frameworks.models import FrameworkOutcome, ScalePoint
from records import services
from records.models import Action, Outcome, OutcomeStatus, Person, Review
from tests.factories import OutcomeFactory

D = datetime.date


def point(outcome: Outcome, score: int) -> ScalePoint:
    return outcome.scale.points.get(score=score)


@pytest.fixture
def outcome(person, roles):
    return OutcomeFactory(person=person, created_by=roles.practitioner)


def add_review(actor, outcome, day: D, score: int, **extra) -> Review:
    return services.review_add(
        actor=actor, outcome=outcome, reviewed_on=day, point=point(outcome, score), **extra
    )


# People


def test_person_create_puts_them_on_the_chosen_caseloads_and_audits_it(roles, frameworks, actor_as):
    person = services.person_create(
        actor=actor_as(roles.practitioner),
        teams=[roles.team],
        full_name="  Agnes Stewart ",
        chi_number="0101 501234",
        date_of_birth=D(1950, 1, 1),
        engagement_channels=["life_story", "verbal"],
        key_people=[services.KeyPersonData(name="Ann Stewart", relationship="Daughter")],
    )
    assert person.full_name == "Agnes Stewart"
    assert person.chi_number == "0101501234"
    assert person.engagement_channels == ["verbal", "life_story"]
    assert list(person.teams.all()) == [roles.team]
    assert person.key_people.get().name == "Ann Stewart"
    event = AuditEvent.objects.get(action="create", person_id=person.pk)
    assert event.actor == roles.practitioner
    assert event.ip_address == "10.0.0.7"


@pytest.mark.parametrize(
    ("chi", "dob", "message"),
    [
        ("0101501235", None, "last digit does not match"),
        ("0101501234", D(1950, 1, 2), "does not match the date of birth"),
    ],
)
def test_person_create_refuses_a_bad_chi_number(roles, frameworks, actor_as, chi, dob, message):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=actor_as(roles.practitioner),
            teams=[roles.team],
            full_name="Agnes Stewart",
            chi_number=chi,
            date_of_birth=dob,
        )
    assert message in str(caught.value.message_dict["chi_number"])
    assert not Person.objects.exists()


def test_two_people_cannot_share_a_chi_number(roles, person, actor_as):
    services.person_update(
        actor=actor_as(roles.practitioner), person=person, version=1, chi_number="0101501234"
    )
    with pytest.raises(ValidationError, match="already exists in your organisation"):
        services.person_create(
            actor=actor_as(roles.practitioner),
            teams=[roles.team],
            full_name="Someone Else",
            chi_number="0101501234",
        )


def test_person_update_with_a_stale_version_raises_conflict_and_changes_nothing(
    roles, person, actor_as
):
    services.person_update(
        actor=actor_as(roles.colleague), person=person, version=1, preferred_name="Iris"
    )
    with pytest.raises(services.ConflictError) as caught:
        services.person_update(
            actor=actor_as(roles.practitioner), person=person, version=1, preferred_name="Ris"
        )
    assert caught.value.current.preferred_name == "Iris"
    person.refresh_from_db()
    assert (person.preferred_name, person.version) == ("Iris", 2)


def test_person_update_audits_what_changed(roles, person, actor_as):
    services.person_update(
        actor=actor_as(roles.practitioner),
        person=person,
        version=1,
        communication_needs="Hard of hearing in her left ear",
    )
    event = AuditEvent.objects.get(action="update", person_id=person.pk)
    # Which field changed, not what it says: the trail outlives the record's retention.
    assert event.changes == {"communication_needs": ["(not kept)", "(not kept)"]}


def test_closing_and_reopening_a_record(roles, person, actor_as):
    actor = actor_as(roles.practitioner)
    services.person_close(actor=actor, person=person, closed_on=D(2026, 1, 5), reason="Moved")
    person.refresh_from_db()
    assert person.is_closed and person.closed_reason == "Moved"
    with pytest.raises(ValidationError, match="closed"):
        services.outcome_record(actor=actor, person=person, what_matters="More visits")
    services.person_reopen(actor=actor, person=person)
    person.refresh_from_db()
    assert not person.is_closed
    actions = list(AuditEvent.objects.filter(person_id=person.pk).values_list("action", flat=True))
    assert actions == ["close", "reopen"]


def test_closing_needs_a_reason_and_a_date_not_in_the_future(roles, person, actor_as):
    actor = actor_as(roles.practitioner)
    with pytest.raises(ValidationError, match="Say why"):
        services.person_close(actor=actor, person=person, closed_on=D(2026, 1, 5), reason=" ")
    with pytest.raises(ValidationError, match="future"):
        services.person_close(actor=actor, person=person, closed_on=D(2999, 1, 1), reason="Moved")


# Outcomes


def test_outcome_record_keeps_the_persons_words_verbatim_with_its_actions(roles, person, actor_as):
    words = "I want help getting my confidence back in the kitchen…  the smell of soup!"
    safe = FrameworkOutcome.objects.get(short_name="Improved confidence / morale")
    outcome = services.outcome_record(
        actor=actor_as(roles.practitioner),
        person=person,
        what_matters=words,
        framework_outcomes=[safe],
        actions=[
            services.ActionData(description="Cook together", who="OT", when="Tuesdays"),
            services.ActionData(description="  "),
        ],
    )
    outcome.refresh_from_db()
    assert outcome.what_matters == words
    assert outcome.scale.key == "extent-achieved"
    assert list(outcome.framework_outcomes.all()) == [safe]
    assert list(outcome.actions.values_list("description", "who", "when")) == [
        ("Cook together", "OT", "Tuesdays")
    ]


def test_a_retired_framework_outcome_cannot_be_chosen_for_a_new_outcome(roles, person, actor_as):
    retired = FrameworkOutcome.objects.get(short_name="Reliability")
    retired.retired_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    retired.save()
    with pytest.raises(ValidationError, match="retired"):
        services.outcome_record(
            actor=actor_as(roles.practitioner),
            person=person,
            what_matters="Carers who come when they say",
            framework_outcomes=[retired],
        )


def test_a_failure_half_way_leaves_nothing_half_written(roles, person, actor_as):
    with (
        mock.patch("records.services.audit_record", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.outcome_record(
            actor=actor_as(roles.practitioner),
            person=person,
            what_matters="To see my grandson play football",
            actions=[services.ActionData(description="Taxi on Saturdays")],
        )
    assert not Outcome.objects.exists()
    assert not Action.objects.exists()


def test_outcome_update_detects_a_concurrent_edit(roles, outcome, actor_as):
    services.outcome_update(
        actor=actor_as(roles.colleague), outcome=outcome, version=1, why_it_matters="Family"
    )
    with pytest.raises(services.ConflictError) as caught:
        services.outcome_update(
            actor=actor_as(roles.practitioner), outcome=outcome, version=1, why_it_matters="X"
        )
    assert caught.value.current.why_it_matters == "Family"


def test_marking_an_outcome_achieved_needs_the_date(roles, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    with pytest.raises(ValidationError, match="Give the date"):
        services.outcome_update(
            actor=actor, outcome=outcome, version=1, status=OutcomeStatus.ACHIEVED
        )
    services.outcome_update(
        actor=actor,
        outcome=outcome,
        version=1,
        status=OutcomeStatus.ACHIEVED,
        status_changed_on=D(2026, 2, 1),
    )
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.ACHIEVED


# Reviews and progress


def test_reviews_keep_first_and_latest_rating_on_the_outcome(roles, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    add_review(actor, outcome, D(2025, 6, 1), 3)
    add_review(actor, outcome, D(2025, 3, 1), 2)  # entered late, but earlier in time
    next_review = timezone.localdate() + datetime.timedelta(days=30)
    add_review(actor, outcome, D(2025, 9, 1), 4, next_review_on=next_review)
    outcome.refresh_from_db()
    assert (outcome.first_point.score, outcome.first_rated_on) == (2, D(2025, 3, 1))
    assert (outcome.latest_point.score, outcome.latest_rated_on) == (4, D(2025, 9, 1))
    assert outcome.rating_count == 3
    assert (outcome.first_score, outcome.latest_score, outcome.latest_band) == (
        2,
        4,
        "partly_achieved",
    )
    assert outcome.next_review_on == next_review


def test_on_the_same_day_the_later_entered_review_counts_as_latest(roles, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    add_review(actor, outcome, D(2025, 6, 1), 4)
    add_review(actor, outcome, D(2025, 6, 1), 2)
    outcome.refresh_from_db()
    assert outcome.latest_point.score == 2
    assert outcome.first_point.score == 4


def test_an_amendment_replaces_the_original_which_stays_visible(roles, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    original = add_review(actor, outcome, D(2025, 6, 1), 2)
    amendment = services.review_amend(
        actor=actor,
        review=original,
        reason="Scored the wrong line",
        reviewed_on=D(2025, 6, 1),
        point=point(outcome, 4),
        narrative="Much better",
    )
    outcome.refresh_from_db()
    assert outcome.latest_point.score == 4
    assert outcome.rating_count == 1
    original.refresh_from_db()
    assert original.point.score == 2  # untouched
    assert amendment.amends == original
    event = AuditEvent.objects.get(action="amend")
    assert event.changes == {"score": [2, 4]}
    with pytest.raises(ValidationError, match="already been corrected"):
        services.review_amend(
            actor=actor,
            review=original,
            reason="Again",
            reviewed_on=D(2025, 6, 1),
            point=point(outcome, 5),
        )


def test_an_amended_review_keeps_its_place_on_a_shared_day(roles, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    first = add_review(actor, outcome, D(2025, 6, 1), 2)
    add_review(actor, outcome, D(2025, 6, 1), 3)
    services.review_amend(
        actor=actor,
        review=first,
        reason="Typo",
        reviewed_on=D(2025, 6, 1),
        point=point(outcome, 1),
    )
    outcome.refresh_from_db()
    # The correction stands where the first review stood: the second is still latest.
    assert outcome.latest_point.score == 3
    assert outcome.first_point.score == 1


def test_a_review_must_use_the_outcomes_scale_and_a_sensible_date(roles, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    other_scale_point = ScalePoint.objects.exclude(scale=outcome.scale).first()
    if other_scale_point is None:
        from tests.factories import ScalePointFactory

        other_scale_point = ScalePointFactory()
    with pytest.raises(ValidationError, match="this outcome's scale"):
        services.review_add(
            actor=actor, outcome=outcome, reviewed_on=D(2025, 6, 1), point=other_scale_point
        )
    with pytest.raises(ValidationError, match="future"):
        add_review(actor, outcome, D(2999, 1, 1), 3)
    with pytest.raises(ValidationError, match="before the outcome"):
        add_review(actor, outcome, D(2000, 1, 1), 3)
    with pytest.raises(ValidationError, match="how the plan should change"):
        add_review(actor, outcome, D(2025, 6, 1), 3, plan_needs_change=True)
    assert not Review.objects.exists()


def test_future_dates_of_birth_and_agreement_are_refused(roles, person, frameworks, actor_as):
    actor = actor_as(roles.practitioner)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.person_update(actor=actor, person=person, version=1, date_of_birth=D(2999, 1, 1))
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.outcome_record(
            actor=actor, person=person, what_matters="Garden", started_on=D(2999, 1, 1)
        )


def test_a_correction_that_changes_the_plan_must_say_how(roles, outcome, actor_as):
    actor = actor_as(roles.practitioner)
    original = add_review(actor, outcome, D(2025, 6, 1), 2)
    with pytest.raises(ValidationError, match="how the plan should change"):
        services.review_amend(
            actor=actor,
            review=original,
            reason="Typo",
            reviewed_on=D(2025, 6, 1),
            point=point(outcome, 3),
            plan_needs_change=True,
        )
