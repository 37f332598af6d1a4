"""The recording-quality prompts, with good and bad examples of each criterion."""

import pytest

from records.quality import (
    OUTCOME_CRITERIA,
    criteria_met,
    outcome_prompts,
    review_prompts,
)

GOOD = {
    "what_matters": "I want to get my confidence back in the kitchen and make soup for Bill.",
    "in_own_words": True,
    "why_it_matters": "Cooking is how she looks after her husband.",
    "contribution": "Iris picks the recipes; Bill writes the shopping list.",
}


def criteria(**changes) -> set[str]:
    prompts = outcome_prompts(**(GOOD | changes))
    return {p.criterion for p in prompts}


def test_a_good_outcome_gets_no_prompt():
    assert outcome_prompts(**GOOD) == []
    assert criteria_met(OUTCOME_CRITERIA, outcome_prompts(**GOOD)) == list(OUTCOME_CRITERIA)


@pytest.mark.parametrize(
    "service_like",
    [
        "Attend day centre twice a week",
        "Receive 4 home care visits",
        "To receive 3 calls per day",
        "Respite once a month",
        "Referral to the falls clinic",
        "Care package of 10 hours",
        "Be seen by the district nurse",
    ],
)
def test_a_service_or_output_is_prompted(service_like):
    assert "outcome_not_output" in criteria(what_matters=service_like)


@pytest.mark.parametrize(
    "outcome_like",
    [
        "I want to see people and have a laugh",
        "To feel safe in my own home at night",
        "I'd like to walk my dog to the park again",
        "Keep singing with my choir",
    ],
)
def test_an_outcome_in_life_terms_is_not_taken_for_a_service(outcome_like):
    assert "outcome_not_output" not in criteria(what_matters=outcome_like)


def test_a_framework_heading_on_its_own_is_not_personalised():
    found = criteria(what_matters="Feeling safe", framework_names=("Feeling safe",))
    assert "personalised" in found


def test_no_reason_why_is_not_personalised():
    assert "personalised" in criteria(why_it_matters="  ")


def test_no_contribution_from_the_person_or_family_is_prompted():
    assert criteria(contribution="") == {"contribution"}


@pytest.mark.parametrize(
    "changes",
    [
        {"in_own_words": False},
        {"what_matters": "Iris wants to cook again for her husband Bill."},
    ],
)
def test_words_not_in_the_persons_voice_are_prompted(changes):
    assert "own_voice" in criteria(**changes)


def test_quoted_words_count_as_the_persons_voice():
    found = criteria(what_matters='Tam says "the bowling green is where my pals are"')
    assert "own_voice" not in found


def test_a_rating_with_no_narrative_is_prompted_but_a_good_review_is_not():
    bare = review_prompts(narrative="", what_helped="", what_hindered="")
    assert {p.criterion for p in bare} == {"narrative", "helps_hinders", "own_voice"}
    good = review_prompts(
        narrative='Cooks twice a week. Iris: "the house smells like home again".',
        what_helped="The perching stool",
        what_hindered="",
    )
    assert good == []


def test_every_prompt_is_plain_and_gentle():
    prompts = outcome_prompts(
        what_matters="Attend", in_own_words=False, why_it_matters="", contribution=""
    )
    for prompt in prompts:
        assert prompt.message.endswith((".", "?", '".'))
        assert "must" not in prompt.message.lower()
