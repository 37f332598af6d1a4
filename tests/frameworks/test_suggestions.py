"""Framework outcomes suggested from the words typed: honest, and only from those on offer."""

import pytest
from django.utils import timezone

from frameworks.models import FrameworkCategory, FrameworkOutcome
from frameworks.suggestions import meaningful_words, outcomes_suggested, stem, suggest
from tests.factories import (
    FrameworkFactory,
    FrameworkOutcomeFactory,
    OrganisationFactory,
    RatingScaleFactory,
)


def outcome(name: str, description: str = "") -> FrameworkOutcome:
    return FrameworkOutcome(short_name=name, description=description)


COOKING = outcome("Cooking and meals", "Making meals in their own kitchen.")
KITCHEN_SAFETY = outcome("Safe at home", "Feeling safe in the kitchen and on the stairs.")
GARDEN = outcome("Getting out", "Out in the garden and the park.")
FAMILY = outcome("Seeing people", "Seeing family, friends and other people.")


def names(suggestions) -> list[str]:
    return [s.outcome.short_name for s in suggestions]


def test_endings_are_taken_off_so_forms_of_a_word_match():
    assert stem("cooking") == stem("cooked") == stem("cooks") == stem("cook")
    assert stem("homes") == stem("home")
    assert stem("shopping") == stem("shop")
    assert stem("families") == stem("family")
    assert stem("class") == "clas" and stem("bus") == "bus"  # no "s" taken off "ss" or "us"


def test_little_words_and_shortened_forms_are_left_out():
    words = meaningful_words("I want to cook in my own kitchen again, don't I? It's Bill's.")
    assert list(words) == [stem("cook"), stem("kitchen"), stem("bill")]
    assert words[stem("kitchen")] == "kitchen"  # kept as typed, for saying why


def test_the_most_shared_words_come_first_and_say_which_words():
    found = suggest("I want to cook in my own kitchen again", [GARDEN, KITCHEN_SAFETY, COOKING])
    assert names(found) == ["Cooking and meals", "Safe at home"]
    assert found[0].why == "shares the words: cook, kitchen"
    assert found[1].why == "shares the word: kitchen"


def test_why_it_matters_orders_the_suggestions_but_never_brings_one_alone():
    what = "Cook Sunday dinner"
    why = "My family come round and it is how I look after them"
    found = suggest(what, [FAMILY, KITCHEN_SAFETY, COOKING], why=why)
    assert names(found) == ["Cooking and meals"]  # "family" alone brings nothing
    family_meals = outcome("Family meals", "Cooking for the family.")
    found = suggest(what, [COOKING, family_meals], why=why)
    assert names(found) == ["Family meals", "Cooking and meals"]
    assert found[0].why == "shares the words: cook, family"


def test_a_word_in_the_name_counts_before_one_in_the_description():
    kitchen_in_description = outcome("Getting about", "Moving round the kitchen.")
    kitchen_in_name = outcome("Kitchen skills", "Everyday skills.")
    found = suggest("The kitchen", [kitchen_in_description, kitchen_in_name])
    assert names(found) == ["Kitchen skills", "Getting about"]


def test_at_most_three_are_suggested():
    many = [outcome(f"Garden {n}") for n in range(6)]
    assert names(suggest("my garden", many)) == ["Garden 0", "Garden 1", "Garden 2"]


def test_nothing_is_suggested_when_no_meaningful_word_is_shared():
    assert suggest("I want to be able to do more again", [COOKING, GARDEN, FAMILY]) == []
    assert suggest("Dancing", [COOKING, GARDEN, FAMILY]) == []
    assert suggest("", [COOKING], why="Cooking") == []


def test_the_category_name_is_not_matched():
    cooking = FrameworkOutcome(
        short_name="Meals", category=FrameworkCategory(name="Quality of life")
    )
    assert suggest("A better quality of life", [cooking]) == []


@pytest.mark.django_db
def test_only_current_outcomes_of_the_organisation_and_of_the_persons_framework_are_suggested():
    home, elsewhere = OrganisationFactory(name="Home"), OrganisationFactory(name="Elsewhere")
    own = FrameworkFactory(scale=RatingScaleFactory(organisation=home))
    other_own = FrameworkFactory(scale=RatingScaleFactory(organisation=home))
    foreign = FrameworkFactory(scale=RatingScaleFactory(organisation=elsewhere))
    FrameworkOutcomeFactory(category__framework=own, short_name="Cooking at home")
    FrameworkOutcomeFactory(
        category__framework=own, short_name="Cooking for others", retired_at=timezone.now()
    )
    FrameworkOutcomeFactory(category__framework=other_own, short_name="Cooking for a crowd")
    FrameworkOutcomeFactory(category__framework=foreign, short_name="Cooking elsewhere")

    anywhere = outcomes_suggested("cook again", why="Cooks", organisations=[home.pk])
    assert names(anywhere) == ["Cooking at home", "Cooking for a crowd"]
    persons = outcomes_suggested("cook again", organisations=[home.pk], lineage=own.lineage)
    assert names(persons) == ["Cooking at home"]


@pytest.mark.django_db
def test_words_with_nothing_to_match_ask_the_database_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert outcomes_suggested("I want to do it again", organisations=[1]) == []
