"""Editing a framework or scale never changes the meaning of what was recorded with it."""

import datetime
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from frameworks import services
from frameworks.models import Framework, FrameworkOutcome, RatingScale, ScalePoint
from frameworks.selectors import outcomes_for_recording
from frameworks.specs import OutcomeSpec, PointSpec, framework_spec_of, scale_spec_of
from records import services as records
from records.models import Outcome, Review
from tests.frameworks.conftest import home_organisation

D = datetime.date


def adults() -> Framework:
    return Framework.objects.get(key="adults-community")


def rename(spec, old: str, new: str, description: str | None = None):
    """``spec`` with the outcome called ``old`` renamed (and re-described)."""
    categories = []
    for category in spec.categories:
        outcomes = tuple(
            replace(o, short_name=new, description=description or o.description)
            if o.short_name == old
            else o
            for o in category.outcomes
        )
        categories.append(replace(category, outcomes=outcomes))
    return replace(spec, categories=tuple(categories))


def with_outcome_added(spec, category_name: str, short_name: str):
    return replace(
        spec,
        categories=tuple(
            replace(c, outcomes=(*c.outcomes, OutcomeSpec(short_name)))
            if c.name == category_name
            else c
            for c in spec.categories
        ),
    )


def retiring(spec, short_name: str):
    return replace(
        spec,
        categories=tuple(
            replace(
                c,
                outcomes=tuple(
                    replace(o, retired=True) if o.short_name == short_name else o
                    for o in c.outcomes
                ),
            )
            for c in spec.categories
        ),
    )


def without(spec, short_name: str):
    return replace(
        spec,
        categories=tuple(
            replace(c, outcomes=tuple(o for o in c.outcomes if o.short_name != short_name))
            for c in spec.categories
        ),
    )


@pytest.fixture
def recorded(roles, person, actor_as):
    """An outcome linked to "Feeling safe" (adults, version 1) with a review rated 3."""
    actor = actor_as(roles.practitioner)
    feeling_safe = FrameworkOutcome.objects.get(short_name="Feeling safe")
    outcome = records.outcome_record(
        actor=actor,
        person=person,
        what_matters="I want to feel safe going out to the shops",
        framework_outcomes=[feeling_safe],
        started_on=D(2026, 1, 5),
    )
    review = records.review_add(
        actor=actor,
        outcome=outcome,
        reviewed_on=D(2026, 2, 1),
        point=outcome.scale.points.get(score=3),
    )
    return outcome, review


# Frameworks


def test_a_framework_nothing_was_recorded_against_is_changed_in_place(frameworks, admin_actor):
    framework = adults()
    spec = rename(framework_spec_of(framework), "Feeling safe", "Feeling safe at home")

    saved = services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )

    assert saved.pk == framework.pk
    assert saved.version == 1
    assert Framework.objects.filter(lineage=framework.lineage).count() == 1
    assert FrameworkOutcome.objects.filter(short_name="Feeling safe at home").exists()


def test_editing_a_used_framework_makes_a_new_version_and_old_records_keep_their_wording(
    recorded, client, roles, admin_actor
):
    outcome, review = recorded
    framework = adults()
    old_row = FrameworkOutcome.objects.get(short_name="Feeling safe")
    spec = rename(
        framework_spec_of(framework),
        "Feeling safe",
        "Safe at home",
        description="Feeling safe inside the home only.",
    )

    new = services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )

    assert (new.version, new.lineage, new.key) == (2, framework.lineage, "adults-community")
    framework.refresh_from_db()
    assert framework.superseded_at is not None
    assert framework.key == ""
    # The old version's rows are exactly as they were.
    old_row.refresh_from_db()
    assert (old_row.short_name, old_row.description) == (
        "Feeling safe",
        "Feeling safe at home and when out and about.",
    )
    assert old_row.category.framework_id == framework.pk
    # The recorded outcome still points at the version it was recorded with...
    assert list(outcome.framework_outcomes.all()) == [old_row]
    review.refresh_from_db()
    assert review.point.label == "Partly achieved"
    # ...and the person's page shows the wording it was recorded with.
    client.force_login(roles.practitioner)
    page = client.get(f"/people/{outcome.person_id}/").content.decode()
    assert "Feeling safe <span" in page
    assert "Safe at home" not in page
    # The new version carries the same identity for the renamed outcome.
    new_row = FrameworkOutcome.objects.get(category__framework=new, short_name="Safe at home")
    assert new_row.identity == old_row.identity
    assert FrameworkOutcome.objects.filter(category__framework=new).count() == 15


def test_only_the_current_version_is_offered_for_new_recording(recorded, admin_actor):
    framework = adults()
    spec = with_outcome_added(framework_spec_of(framework), "Change", "Improved sleep")
    new = services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )

    offered = list(
        outcomes_for_recording([home_organisation()]).filter(
            category__framework__lineage=new.lineage
        )
    )

    assert len(offered) == 16
    assert {fo.category.framework_id for fo in offered} == {new.pk}
    assert "Improved sleep" in {fo.short_name for fo in offered}


def test_retiring_an_outcome_of_a_used_framework_is_done_in_place(recorded, admin_actor):
    framework = adults()
    spec = retiring(framework_spec_of(framework), "Reliability")

    saved = services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )

    assert saved.pk == framework.pk
    reliability = FrameworkOutcome.objects.get(short_name="Reliability")
    assert reliability.retired_at is not None
    assert reliability not in outcomes_for_recording([home_organisation()])


def test_a_retired_framework_and_its_outcomes_are_not_offered(frameworks, admin_actor):
    services.framework_retire(actor=admin_actor, framework=adults())
    offered = outcomes_for_recording([home_organisation()])
    assert not offered.filter(category__framework__key="adults-community").exists()
    assert offered.filter(category__framework__key="care-homes").exists()


def test_a_used_outcome_cannot_be_removed_and_retiring_is_suggested(recorded, admin_actor):
    framework = adults()
    spec = without(framework_spec_of(framework), "Feeling safe")
    with pytest.raises(ValidationError) as raised:
        services.framework_update(
            actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
        )
    message = " ".join(raised.value.messages)
    assert "“Feeling safe” cannot be removed: it is used by 1 outcome." in message
    assert "retired instead" in message
    assert Framework.objects.filter(lineage=framework.lineage).count() == 1


def test_an_unused_outcome_can_be_removed(recorded, admin_actor):
    framework = adults()
    spec = without(framework_spec_of(framework), "Reliability")
    new = services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )
    assert not FrameworkOutcome.objects.filter(
        category__framework=new, short_name="Reliability"
    ).exists()
    # Version 1 keeps it, unchanged.
    assert FrameworkOutcome.objects.filter(
        category__framework=framework, short_name="Reliability"
    ).exists()


def test_an_old_version_cannot_be_edited(recorded, admin_actor):
    framework = adults()
    spec = rename(framework_spec_of(framework), "Feeling safe", "Safe")
    services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )
    with pytest.raises(ValidationError, match="old version"):
        services.framework_update(
            actor=admin_actor,
            framework=framework,
            spec=rename(spec, "Safe", "Safer"),
            scale=framework.scale,
        )


def test_saving_without_changes_makes_no_version_and_no_audit_event(recorded, admin_actor):
    framework = adults()
    before = AuditEvent.objects.count()
    saved = services.framework_update(
        actor=admin_actor,
        framework=framework,
        spec=framework_spec_of(framework),
        scale=framework.scale,
    )
    assert saved.pk == framework.pk
    assert AuditEvent.objects.count() == before


def test_a_new_version_is_audited_with_what_changed(recorded, roles, admin_actor):
    framework = adults()
    spec = rename(framework_spec_of(framework), "Feeling safe", "Safe at home")
    new = services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )
    event = AuditEvent.objects.get(action="new_version", object_id=str(new.pk))
    assert event.actor == roles.admin
    assert event.object_type == "frameworks.framework"
    assert event.changes["version"] == [1, 2]
    assert event.changes["outcome “Feeling safe”: short name"] == ["Feeling safe", "Safe at home"]


def test_loading_the_defaults_after_a_new_version_adds_nothing(recorded, admin_actor):
    framework = adults()
    spec = rename(framework_spec_of(framework), "Feeling safe", "Safe at home")
    services.framework_update(
        actor=admin_actor, framework=framework, spec=spec, scale=framework.scale
    )
    result = services.defaults_load()
    assert result.frameworks_created == []
    assert Framework.objects.filter(superseded_at__isnull=True).count() == 3


def test_copying_a_framework_makes_a_separate_framework_without_retired_outcomes(
    frameworks, admin_actor
):
    original = adults()
    FrameworkOutcome.objects.filter(short_name="Reliability").update(
        retired_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    copy = services.framework_copy(actor=admin_actor, framework=original, name="Adults in Fife")
    copied = FrameworkOutcome.objects.filter(category__framework=copy)
    assert copy.lineage != original.lineage
    assert copy.version == 1
    assert copied.count() == 14
    assert not copied.filter(short_name="Reliability").exists()
    original_identities = set(
        FrameworkOutcome.objects.filter(category__framework=original).values_list(
            "identity", flat=True
        )
    )
    assert not set(copied.values_list("identity", flat=True)) & original_identities


def test_a_framework_in_use_cannot_share_a_name_with_another(frameworks, admin_actor):
    with pytest.raises(ValidationError, match="already in use"):
        services.framework_copy(actor=admin_actor, framework=adults(), name="unpaid carers")


# Scales


def extent() -> RatingScale:
    return RatingScale.objects.get(key="extent-achieved")


def relabel(spec, score: int, label: str):
    return replace(
        spec,
        points=tuple(replace(p, label=label) if p.score == score else p for p in spec.points),
    )


def test_an_unused_scale_is_changed_in_place(frameworks, admin_actor):
    scale = extent()
    saved = services.scale_update(
        actor=admin_actor, scale=scale, spec=relabel(scale_spec_of(scale), 3, "Halfway")
    )
    assert saved.pk == scale.pk
    assert scale.points.get(score=3).label == "Halfway"


def test_editing_a_used_scale_makes_a_new_version_and_old_ratings_keep_their_meaning(
    recorded, roles, person, admin_actor, actor_as
):
    outcome, review = recorded
    scale = extent()
    old_point = review.point

    new = services.scale_update(
        actor=admin_actor, scale=scale, spec=relabel(scale_spec_of(scale), 3, "Halfway")
    )

    assert (new.version, new.key, new.lineage) == (2, "extent-achieved", scale.lineage)
    old_point.refresh_from_db()
    assert (old_point.scale_id, old_point.label) == (scale.pk, "Partly achieved")
    review.refresh_from_db()
    assert review.point_id == old_point.pk
    outcome.refresh_from_db()
    assert outcome.scale_id == scale.pk
    # Every framework now rates new outcomes on version 2; adults had been used,
    # so it has a new version too, while the others moved in place.
    current = Framework.objects.filter(superseded_at__isnull=True)
    assert set(current.values_list("scale_id", flat=True)) == {new.pk}
    assert adults().version == 2
    assert Framework.objects.get(key="care-homes").version == 1
    # A new outcome without framework outcomes gets the current default scale.
    fresh = records.outcome_record(
        actor=actor_as(roles.practitioner),
        person=person,
        what_matters="I want to walk the dog",
    )
    assert fresh.scale_id == new.pk
    assert fresh.scale.points.get(score=3).label == "Halfway"


def test_the_kind_of_a_used_scale_cannot_change(recorded, admin_actor):
    scale = extent()
    spec = replace(
        scale_spec_of(scale),
        kind="gas",
        points=tuple(
            PointSpec(s, f"Level {s}", b)
            for s, b in (
                (-2, "not_achieved"),
                (-1, "not_achieved"),
                (0, "achieved"),
                (1, "achieved"),
                (2, "achieved"),
            )
        ),
    )
    with pytest.raises(ValidationError, match="kind cannot change"):
        services.scale_update(actor=admin_actor, scale=scale, spec=spec)


# The database keeps the version rules too.


def test_the_database_allows_one_current_version_per_framework(frameworks):
    framework = adults()
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(
            organisation=framework.organisation,
            lineage=framework.lineage,
            version=2,
            name="Adults, again",
            audience="Adults",
            scale=framework.scale,
        )


def test_the_database_refuses_a_version_number_twice(frameworks):
    framework = adults()
    Framework.objects.filter(pk=framework.pk).update(
        superseded_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), key=""
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.create(
            organisation=framework.organisation,
            lineage=framework.lineage,
            version=1,
            name="Adults",
            audience="A",
            scale=framework.scale,
        )


def test_the_database_keeps_the_key_on_the_current_version_only(frameworks):
    with pytest.raises(IntegrityError), transaction.atomic():
        Framework.objects.filter(key="adults-community").update(
            superseded_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        )


def test_the_database_allows_one_current_version_per_scale(frameworks):
    scale = extent()
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingScale.objects.create(
            organisation=scale.organisation, lineage=scale.lineage, version=2, name="Extent, again"
        )


def test_the_database_refuses_a_score_twice_on_one_scale(frameworks):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScalePoint.objects.create(scale=extent(), score=3, label="Three again", band="achieved")


def test_nothing_here_removes_a_recorded_outcome_or_review(recorded, admin_actor):
    framework = adults()
    services.framework_update(
        actor=admin_actor,
        framework=framework,
        spec=rename(framework_spec_of(framework), "Feeling safe", "Safe"),
        scale=framework.scale,
    )
    scale = extent()
    services.scale_update(
        actor=admin_actor, scale=scale, spec=relabel(scale_spec_of(scale), 1, "Worse")
    )
    with pytest.raises(ValidationError):
        services.framework_delete(actor=admin_actor, framework=adults())
    with pytest.raises(ValidationError):
        services.scale_delete(actor=admin_actor, scale=extent())
    outcome, review = recorded
    assert Outcome.objects.filter(pk=outcome.pk).exists()
    assert Review.objects.filter(pk=review.pk).exists()
    assert outcome.framework_outcomes.count() == 1
