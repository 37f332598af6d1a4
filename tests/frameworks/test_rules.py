"""Scale and framework rules are kept by the services, whatever page or file asks."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from frameworks import services
from frameworks.models import Framework, RatingScale
from frameworks.specs import CategorySpec, FrameworkSpec, OutcomeSpec, PointSpec, ScaleSpec
from tests.frameworks.conftest import GAS_POINTS, home_organisation

THREE_BANDS = (
    PointSpec(1, "Not met", "not_achieved"),
    PointSpec(2, "Partly met", "partly_achieved"),
    PointSpec(3, "Met", "achieved"),
)


def errors(raised) -> dict[str, list[str]]:
    return raised.value.message_dict


def create_scale(actor, points, kind="extent", name="Met or not"):
    return services.scale_create(
        actor=actor,
        organisation=home_organisation(),
        spec=ScaleSpec(name=name, kind=kind, points=tuple(points)),
    )


def test_a_three_band_scale_is_accepted(db, admin_actor):
    scale = create_scale(admin_actor, THREE_BANDS)
    assert list(scale.points.values_list("score", "band")) == [
        (1, "not_achieved"),
        (2, "partly_achieved"),
        (3, "achieved"),
    ]


def test_a_scale_needs_at_least_two_points(db, admin_actor):
    with pytest.raises(ValidationError) as raised:
        create_scale(admin_actor, THREE_BANDS[:1])
    assert errors(raised) == {"points": ["a scale needs at least two points"]}
    assert not RatingScale.objects.filter(name="Met or not").exists()


def test_a_score_may_appear_only_once(db, admin_actor):
    points = (*THREE_BANDS, PointSpec(2, "Half met", "partly_achieved"))
    with pytest.raises(ValidationError) as raised:
        create_scale(admin_actor, points)
    assert errors(raised)["points[3].score"] == [
        "score 2 is already used by points[1]; each score may appear once"
    ]


def test_bands_must_rise_with_the_scores(db, admin_actor):
    points = (
        PointSpec(1, "Worse", "not_achieved"),
        PointSpec(2, "Met", "achieved"),
        PointSpec(3, "Partly met", "partly_achieved"),
    )
    with pytest.raises(ValidationError) as raised:
        create_scale(admin_actor, points)
    assert errors(raised) == {
        "points[2].band": [
            "score 3 has a lower report band than score 2; bands must rise with the scores"
        ]
    }


def test_bands_are_checked_in_score_order_not_the_order_given(db, admin_actor):
    scale = create_scale(admin_actor, reversed(THREE_BANDS))
    assert list(scale.points.order_by("score").values_list("label", flat=True)) == [
        "Not met",
        "Partly met",
        "Met",
    ]


def test_every_point_needs_a_label(db, admin_actor):
    points = (THREE_BANDS[0], PointSpec(2, "  ", "achieved"))
    with pytest.raises(ValidationError) as raised:
        create_scale(admin_actor, points)
    assert errors(raised) == {"points[1].label": ["this field is required"]}


def test_a_gas_scale_has_exactly_the_scores_minus_two_to_plus_two(db, admin_actor):
    create_scale(admin_actor, GAS_POINTS, kind="gas", name="GAS")
    with pytest.raises(ValidationError) as raised:
        create_scale(admin_actor, GAS_POINTS[:4], kind="gas", name="GAS, short")
    assert errors(raised) == {
        "points": ["a Goal Attainment Scaling scale has exactly the scores -2, -1, 0, +1 and +2"]
    }


def test_two_current_scales_cannot_share_a_name(db, admin_actor):
    create_scale(admin_actor, THREE_BANDS)
    with pytest.raises(ValidationError) as raised:
        create_scale(admin_actor, THREE_BANDS, name="MET OR NOT")
    assert errors(raised) == {"name": ["There is already a scale called “MET OR NOT”."]}


def test_the_database_refuses_two_current_scales_with_one_name(db, admin_actor):
    create_scale(admin_actor, THREE_BANDS)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingScale.objects.create(organisation=home_organisation(), name="met or not")


def framework(categories, name="Carers in Leith"):
    return FrameworkSpec(name=name, audience="Unpaid carers", categories=tuple(categories))


def test_a_framework_needs_a_category_and_each_category_an_outcome(frameworks, admin_actor):
    scale = RatingScale.objects.get(key="extent-achieved")
    with pytest.raises(ValidationError) as raised:
        services.framework_create(actor=admin_actor, spec=framework([]), scale=scale)
    assert errors(raised) == {"categories": ["a framework needs at least one category"]}
    empty = CategorySpec(name="Process", kind="process", outcomes=())
    with pytest.raises(ValidationError) as raised:
        services.framework_create(actor=admin_actor, spec=framework([empty]), scale=scale)
    assert errors(raised) == {"categories[0].outcomes": ["a category needs at least one outcome"]}


def test_outcome_names_are_unique_within_a_framework_ignoring_case(frameworks, admin_actor):
    scale = RatingScale.objects.get(key="extent-achieved")
    categories = [
        CategorySpec("Quality of life", "quality_of_life", (OutcomeSpec("Having a say"),)),
        CategorySpec("Process", "process", (OutcomeSpec("having a say"),)),
    ]
    with pytest.raises(ValidationError) as raised:
        services.framework_create(actor=admin_actor, spec=framework(categories), scale=scale)
    assert errors(raised) == {
        "categories[1].outcomes[0].short_name": [
            "categories[0].outcomes[0] already has the short name “having a say”"
        ]
    }
    assert not Framework.objects.filter(name="Carers in Leith").exists()


def test_a_retired_scale_cannot_be_chosen_for_a_framework(frameworks, admin_actor):
    scale = create_scale(admin_actor, THREE_BANDS)
    services.scale_retire(actor=admin_actor, scale=scale)
    categories = [CategorySpec("Process", "process", (OutcomeSpec("Listened to"),))]
    with pytest.raises(ValidationError) as raised:
        services.framework_create(actor=admin_actor, spec=framework(categories), scale=scale)
    assert errors(raised) == {"scale": ["The scale “Met or not” is retired; choose another."]}


def test_a_scale_that_frameworks_use_cannot_be_retired(frameworks, admin_actor):
    with pytest.raises(ValidationError, match="Adults living in the community"):
        services.scale_retire(
            actor=admin_actor, scale=RatingScale.objects.get(key="extent-achieved")
        )
