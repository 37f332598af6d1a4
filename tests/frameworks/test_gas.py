"""Goal Attainment Scaling T-scores, checked against values worked out by hand.

T = 50 + 10 * sum(w x) / sqrt(0.7 * sum(w^2) + 0.3 * (sum w)^2)  (rho = 0.3)
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frameworks.gas import gas_t_score
from frameworks.models import FrameworkOutcome
from records import services as records
from records.models import Outcome, OutcomeStatus
from records.selectors import gas_rounds_for_person

D = datetime.date


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # One outcome: 50 + 10x, whatever the weight.
        ([(1, 1)], 60.0),
        ([(-2, 5)], 30.0),
        # Opposite scores of equal weight cancel out.
        ([(1, 1), (-1, 1)], 50.0),
        # 3 / sqrt(0.7*3 + 0.3*9) = 3 / sqrt(4.8) = 1.369306...
        ([(2, 1), (1, 1), (0, 1)], 63.693064),
        # Weights 2 and 1: -3 / sqrt(0.7*5 + 0.3*9) = -3 / sqrt(6.2) = -1.204829...
        ([(-2, 2), (1, 1)], 37.951710),
        # Four goals one level above expected: 4 / sqrt(2.8 + 4.8) = 1.450952...
        ([(1, 1)] * 4, 64.509525),
        # Everything at the expected level is 50.
        ([(0, 1), (0, 3)], 50.0),
    ],
)
def test_t_score_matches_the_kiresuk_sherman_formula(pairs, expected):
    assert gas_t_score(pairs) == pytest.approx(expected, abs=1e-6)


def test_no_outcomes_give_no_t_score():
    assert gas_t_score([]) is None


def test_a_weight_of_zero_or_less_is_refused():
    with pytest.raises(ValueError, match="positive"):
        gas_t_score([(1, 0)])


def test_rho_can_be_given():
    # rho = 0: 2 / sqrt(2) = 1.414214
    assert gas_t_score([(1, 1), (1, 1)], rho=0) == pytest.approx(64.142136, abs=1e-6)


def gas_outcome(actor, person, framework_outcome, started: D) -> Outcome:
    return records.outcome_record(
        actor=actor,
        person=person,
        what_matters=f"I want to manage {framework_outcome.short_name.lower()} again",
        framework_outcomes=[framework_outcome],
        started_on=started,
    )


def rate(actor, outcome: Outcome, day: D, score: int):
    return records.review_add(
        actor=actor,
        outcome=outcome,
        reviewed_on=day,
        point=outcome.scale.points.get(score=score),
    )


@pytest.fixture
def gas_person(roles, person, gas_framework, actor_as):
    """Iris with two GAS outcomes (weights 1 and 2) rated over three rounds.

    Round 1 (1 Feb): A -1             -> 40.0
    Round 2 (1 Mar): A -1, B 0        -> 50 - 10/sqrt(6.2) = 45.983903
    Round 3 (1 Apr): A +1, B +2       -> 50 + 50/sqrt(6.2) = 70.080483
    B's round-3 rating is a correction of a +1 entered first.
    """
    actor = actor_as(roles.practitioner)
    getting_out, cooking, _ = FrameworkOutcome.objects.filter(
        category__framework=gas_framework
    ).order_by("order")
    a = gas_outcome(actor, person, getting_out, D(2026, 1, 5))
    b = gas_outcome(actor, person, cooking, D(2026, 1, 5))
    b = records.outcome_update(actor=actor, outcome=b, version=b.version, gas_weight=2)
    rate(actor, a, D(2026, 2, 1), -1)
    rate(actor, b, D(2026, 3, 1), 0)
    rate(actor, a, D(2026, 4, 1), 1)
    first = rate(actor, b, D(2026, 4, 1), 1)
    records.review_amend(
        actor=actor,
        review=first,
        reason="Misread the level",
        reviewed_on=D(2026, 4, 1),
        point=b.scale.points.get(score=2),
    )
    return person


def test_each_review_round_gets_the_t_score_of_the_latest_ratings_by_then(gas_person):
    rounds = gas_rounds_for_person(gas_person.pk)
    assert [(r.on, round(r.t_score, 6), r.outcomes_counted) for r in rounds] == [
        (D(2026, 2, 1), 40.0, 1),
        (D(2026, 3, 1), 45.983903, 2),
        (D(2026, 4, 1), 70.080483, 2),
    ]


def test_outcomes_on_other_scales_do_not_count(gas_person, roles, actor_as):
    actor = actor_as(roles.practitioner)
    extent = records.outcome_record(
        actor=actor,
        person=gas_person,
        what_matters="I want to see my sister",
        started_on=D(2026, 1, 5),
    )
    rate(actor, extent, D(2026, 2, 1), 1)
    assert [round(r.t_score, 1) for r in gas_rounds_for_person(gas_person.pk)] == [
        40.0,
        46.0,
        70.1,
    ]


def test_an_outcome_achieved_before_a_round_is_left_out_of_it(
    roles, person, gas_framework, actor_as
):
    actor = actor_as(roles.practitioner)
    outcomes = FrameworkOutcome.objects.filter(category__framework=gas_framework).order_by("order")
    a = gas_outcome(actor, person, outcomes[0], D(2026, 1, 5))
    b = gas_outcome(actor, person, outcomes[1], D(2026, 1, 5))
    rate(actor, a, D(2026, 2, 1), 2)
    rate(actor, b, D(2026, 2, 1), 0)
    rate(actor, b, D(2026, 5, 1), -1)
    Outcome.objects.filter(pk=a.pk).update(
        status=OutcomeStatus.ACHIEVED, status_changed_on=D(2026, 3, 1)
    )
    rounds = gas_rounds_for_person(person.pk)
    # 1 Feb: 2 / sqrt(0.7*2 + 0.3*4) = 2 / sqrt(2.6) -> 62.403473; 1 May: only B at -1.
    assert [(round(r.t_score, 6), r.outcomes_counted) for r in rounds] == [
        (62.403473, 2),
        (40.0, 1),
    ]


def test_person_page_shows_the_t_score_of_each_round(client, roles, gas_person):
    client.force_login(roles.practitioner)
    page = client.get(f"/people/{gas_person.pk}/").content.decode()
    section = page[page.index('id="gas"') :]
    assert "Goal attainment (GAS T-score)" in page
    for day, score in (("1 Feb 2026", "40.0"), ("1 Mar 2026", "46.0"), ("1 Apr 2026", "70.1")):
        assert f"{day}</time></td><td>{score}</td>" in section


def test_person_page_without_gas_outcomes_has_no_gas_section(client, roles, person):
    client.force_login(roles.practitioner)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "GAS T-score" not in page


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_gas_section_adds_no_queries_to_the_person_page(
    client, roles, person, gas_person, actor_as
):
    client.force_login(roles.practitioner)
    url = f"/people/{gas_person.pk}/"
    small = count_queries(client, url)
    actor = actor_as(roles.practitioner)
    for framework_outcome in FrameworkOutcome.objects.filter(short_name="Sleeping well"):
        for month in range(1, 6):
            outcome = gas_outcome(actor, gas_person, framework_outcome, D(2025, month, 1))
            rate(actor, outcome, D(2025, month, 20), month % 3 - 1)
    assert count_queries(client, url) == small


def edit_form(outcome: Outcome, **changes) -> dict:
    return {
        "what_matters": outcome.what_matters,
        "in_own_words": "on",
        "status": outcome.status,
        "version": str(outcome.version),
        "framework_outcomes": [str(fo.pk) for fo in outcome.framework_outcomes.all()],
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        **changes,
    }


def test_practitioner_sets_a_weight_and_the_t_score_follows(client, roles, gas_person):
    # Weights 1 and 3 in round 3 (A +1, B +2): 7 / sqrt(0.7*10 + 0.3*16) = 2.037779...
    b = gas_person.outcomes.order_by("pk")[1]
    client.force_login(roles.practitioner)

    response = client.post(f"/outcomes/{b.pk}/edit/", edit_form(b, gas_weight="3"))

    assert response.status_code == 302
    b.refresh_from_db()
    assert b.gas_weight == 3
    assert [round(r.t_score, 6) for r in gas_rounds_for_person(gas_person.pk)][-1] == 70.377788
    page = client.get(f"/people/{gas_person.pk}/").content.decode()
    assert "<td>70.4</td>" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [("0", "The weight must be at least 1."), ("101", "The weight can be at most 100.")],
)
def test_a_weight_out_of_range_is_refused_next_to_the_field_keeping_what_was_typed(
    client, roles, gas_person, typed, message
):
    b = gas_person.outcomes.order_by("pk")[1]
    client.force_login(roles.practitioner)
    form = edit_form(b, gas_weight=typed, why_it_matters="So I can eat what I like")

    page = client.post(f"/outcomes/{b.pk}/edit/", form).content.decode()

    assert message in page
    assert "So I can eat what I like" in page
    b.refresh_from_db()
    assert b.gas_weight == 2


def test_the_service_refuses_a_weight_out_of_range(roles, person, gas_framework, actor_as):
    fo = FrameworkOutcome.objects.filter(category__framework=gas_framework).first()
    with pytest.raises(ValidationError, match="whole number from 1 to 100"):
        records.outcome_record(
            actor=actor_as(roles.practitioner),
            person=person,
            what_matters="Walk to the park",
            framework_outcomes=[fo],
            gas_weight=0,
        )
    assert not Outcome.objects.exists()
