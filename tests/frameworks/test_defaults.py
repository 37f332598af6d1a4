"""The default frameworks of shared/frameworks.md load completely, and only once."""

import pytest
from django.core.management import call_command

from frameworks.models import Framework, FrameworkCategory, FrameworkOutcome, RatingScale
from frameworks.services import defaults_load
from tests.factories import OrganisationFactory

# Transcribed from frameworks.md: framework -> category -> outcomes, in order.
EXPECTED = {
    "Adults living in the community": {
        "Quality of life": [
            "Feeling safe",
            "Having things to do",
            "Seeing people",
            "Staying as well as you can",
            "Living where you want / as you want",
            "Dealing with stigma / discrimination",
        ],
        "Process": [
            "Listened to",
            "Having a say",
            "Treated with respect",
            "Responded to",
            "Reliability",
        ],
        "Change": [
            "Improved confidence / morale",
            "Improved skills",
            "Improved mobility",
            "Reduced symptoms",
        ],
    },
    "Unpaid carers": {
        "Quality of life for the cared-for person": ["Quality of life for the cared-for person"],
        "Quality of life for the carer": [
            "Maintaining health and well-being",
            "A life of their own",
            "Positive relationship with the person cared for",
            "Freedom from financial hardship",
        ],
        "Managing the caring role": [
            "Choices in caring, including the limits of caring",
            "Feeling informed / skilled / equipped",
            "Satisfaction in caring",
            "Partnership with services",
        ],
        "Process": [
            "Valued / respected and expertise recognised",
            "Having a say in services",
            "Flexible and responsive to changing needs",
            "Positive relationship with practitioners",
            "Accessible, available and free at the point of need",
        ],
    },
    "People living in care homes": {
        "Quality of life": [
            "I feel safe and secure",
            "I see people",
            "I have things to do",
            "I live in a nice place",
            "I live life as I want and where I want",
            "I stay as well as I can",
            "I belong to a community",
        ],
        "Process": [
            "I am treated as an individual",
            "I am valued and respected",
            "I am listened to",
            "I have a say in decisions about my care and support",
        ],
    },
}

EXPECTED_SCALE = [
    (1, "Not achieved: things have got worse", "not_achieved"),
    (2, "Not achieved yet", "not_achieved"),
    (3, "Partly achieved", "partly_achieved"),
    (4, "Mostly achieved", "partly_achieved"),
    (5, "Fully achieved / being maintained", "achieved"),
]


def loaded_frameworks() -> dict:
    result = {}
    for framework in Framework.objects.order_by("pk"):
        result[framework.name] = {
            category.name: [o.short_name for o in category.outcomes.order_by("order", "pk")]
            for category in framework.categories.order_by("order", "pk")
        }
    return result


def snapshot() -> list:
    return [
        list(RatingScale.objects.values_list()),
        list(Framework.objects.values_list()),
        list(FrameworkCategory.objects.values_list()),
        list(FrameworkOutcome.objects.values_list()),
    ]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Glenview Partnership")


def test_every_default_outcome_is_loaded_in_its_framework_and_category(organisation):
    defaults_load()
    assert loaded_frameworks() == EXPECTED
    assert (
        FrameworkOutcome.objects.filter(category__framework__key="adults-community").count() == 15
    )


def test_every_default_outcome_has_a_plain_language_description(organisation):
    defaults_load()
    assert not FrameworkOutcome.objects.filter(description="").exists()


def test_every_framework_is_rated_on_the_extent_achieved_scale(organisation):
    defaults_load()
    scale = RatingScale.objects.get()
    assert list(scale.points.order_by("score").values_list("score", "label", "band")) == (
        EXPECTED_SCALE
    )
    assert set(Framework.objects.values_list("scale", flat=True)) == {scale.pk}


def test_loading_twice_changes_nothing(organisation):
    call_command("load_frameworks")
    before = snapshot()
    call_command("load_frameworks")
    assert snapshot() == before


def test_loading_again_keeps_an_admins_edits_and_retirements(organisation):
    defaults_load()
    outcome = FrameworkOutcome.objects.get(short_name="Feeling safe")
    outcome.short_name = "Feeling safe at home"
    outcome.save()
    framework = Framework.objects.get(key="care-homes")
    framework.name = "Care home residents"
    framework.save()

    result = defaults_load()

    assert result.frameworks_created == []
    assert not FrameworkOutcome.objects.filter(short_name="Feeling safe").exists()
    assert Framework.objects.filter(name="Care home residents").exists()


def test_with_no_organisation_yet_nothing_is_loaded(db):
    call_command("load_frameworks")
    assert not Framework.objects.exists() and not RatingScale.objects.exists()


def test_each_organisation_has_its_own_copies_and_changes_stay_in_it(organisation):
    other = OrganisationFactory(name="Farshore Partnership")
    defaults_load()
    for each in (organisation, other):
        assert set(Framework.objects.filter(organisation=each).values_list("key", flat=True)) == {
            "adults-community",
            "unpaid-carers",
            "care-homes",
        }
        assert RatingScale.objects.filter(organisation=each, key="extent-achieved").count() == 1
    mine = FrameworkOutcome.objects.get(
        short_name="Feeling safe", category__framework__organisation=organisation
    )
    theirs = FrameworkOutcome.objects.get(
        short_name="Feeling safe", category__framework__organisation=other
    )
    assert mine.identity != theirs.identity, "counted apart in reports"
    mine.short_name = "Feeling safe at home"
    mine.save()
    theirs.refresh_from_db()
    assert theirs.short_name == "Feeling safe"
