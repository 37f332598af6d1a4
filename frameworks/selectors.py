"""Reads of frameworks and scales, shaped for the pages that show them."""

import uuid
from collections.abc import Iterable

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from audit.models import AuditEvent
from common.usage import Use, uses_of

from .models import (
    Framework,
    FrameworkCategory,
    FrameworkOutcome,
    RatingScale,
    ScalePoint,
)

FRAMEWORK_EVENTS = "frameworks.framework"
SCALE_EVENTS = "frameworks.ratingscale"


def _with_tree(frameworks: QuerySet[Framework]) -> QuerySet[Framework]:
    return frameworks.select_related("scale").prefetch_related(
        Prefetch("scale__points", queryset=ScalePoint.objects.order_by("score")),
        Prefetch(
            "categories",
            queryset=FrameworkCategory.objects.order_by("order", "pk").prefetch_related(
                Prefetch("outcomes", queryset=FrameworkOutcome.objects.order_by("order", "pk"))
            ),
        ),
    )


def frameworks_of(organisations: Iterable) -> QuerySet[Framework]:
    """Every version of the frameworks of ``organisations`` (organisations or their ids)."""
    return Framework.objects.filter(organisation__in=organisations)


def scales_of(organisations: Iterable) -> QuerySet[RatingScale]:
    """Every version of the rating scales of ``organisations`` (organisations or their ids)."""
    return RatingScale.objects.filter(organisation__in=organisations)


def frameworks_with_outcomes(organisations: Iterable) -> QuerySet[Framework]:
    """The current version of the organisations' frameworks, with scale points,
    categories and outcomes.

    Four queries however many frameworks there are. Retired frameworks are
    included (the page marks them); superseded versions are not.
    """
    frameworks = frameworks_of(organisations).filter(superseded_at__isnull=True)
    return (
        _with_tree(frameworks)
        .select_related("organisation")
        .order_by(F("retired_at").asc(nulls_first=True), "name", "organisation__name")
    )


def framework_for_page(framework_id: int, organisations: Iterable) -> Framework:
    """One of the organisations' framework versions, any version, with everything its
    page shows (or 404)."""
    return get_object_or_404(_with_tree(frameworks_of(organisations)), pk=framework_id)


def outcomes_for_recording(organisations: Iterable) -> QuerySet[FrameworkOutcome]:
    """The framework outcomes a practitioner may link a new personal outcome to.

    Only the organisations' own frameworks: the current version of each that is
    not retired, and only its outcomes that are not retired; in framework,
    category and outcome order.
    """
    return (
        FrameworkOutcome.objects.filter(
            category__framework__organisation__in=organisations,
            retired_at__isnull=True,
            category__framework__retired_at__isnull=True,
            category__framework__superseded_at__isnull=True,
        )
        .select_related("category__framework")
        .order_by("category__framework__name", "category__order", "order", "pk")
    )


def framework_versions(framework: Framework) -> QuerySet[Framework]:
    """Every version of ``framework``, newest first."""
    return Framework.objects.filter(lineage=framework.lineage).order_by("-version")


def framework_history(framework: Framework) -> QuerySet[AuditEvent]:
    """Who changed what in any version of ``framework``, newest first, from the audit trail."""
    ids = [
        str(pk)
        for pk in Framework.objects.filter(lineage=framework.lineage).values_list("pk", flat=True)
    ]
    return (
        AuditEvent.objects.filter(object_type=FRAMEWORK_EVENTS, object_id__in=ids)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def framework_version_uses(framework: Framework) -> list[Use]:
    """What has been recorded against this version of ``framework`` (empty if nothing)."""
    outcomes = FrameworkOutcome.objects.filter(category__framework=framework)
    return uses_of(outcomes, ignore_apps={"frameworks"})


def framework_uses(framework: Framework) -> list[Use]:
    """What has been recorded against any version of ``framework``."""
    outcomes = FrameworkOutcome.objects.filter(category__framework__lineage=framework.lineage)
    return uses_of(outcomes, ignore_apps={"frameworks"})


def outcome_identity_uses(identity: uuid.UUID) -> list[Use]:
    """What has been recorded against any version of one framework outcome."""
    return uses_of(FrameworkOutcome.objects.filter(identity=identity), ignore_apps={"frameworks"})


def scales_with_points(organisations: Iterable) -> QuerySet[RatingScale]:
    """The current version of the organisations' scales, with their points and how many
    frameworks use each."""
    return (
        scales_of(organisations)
        .filter(superseded_at__isnull=True)
        .select_related("organisation")
        .annotate(
            framework_count=Count(
                "frameworks", filter=Q(frameworks__superseded_at__isnull=True), distinct=True
            )
        )
        .prefetch_related(Prefetch("points", queryset=ScalePoint.objects.order_by("score")))
        .order_by(F("retired_at").asc(nulls_first=True), "name")
    )


def scale_for_page(scale_id: int, organisations: Iterable) -> RatingScale:
    """One of the organisations' scale versions, with its points (or 404)."""
    scales = scales_of(organisations).prefetch_related(
        Prefetch("points", queryset=ScalePoint.objects.order_by("score"))
    )
    return get_object_or_404(scales, pk=scale_id)


def scales_for_choosing(
    organisations: Iterable, *, keep: RatingScale | None = None
) -> QuerySet[RatingScale]:
    """Scales a framework may be put on: the organisations' current scales that are not
    retired (plus ``keep``)."""
    choosable = Q(superseded_at__isnull=True, retired_at__isnull=True)
    if keep is not None:
        choosable |= Q(pk=keep.pk)
    return (
        scales_of(organisations)
        .filter(choosable)
        .select_related("organisation")
        .order_by("name", "organisation__name")
    )


def scale_versions(scale: RatingScale) -> QuerySet[RatingScale]:
    return RatingScale.objects.filter(lineage=scale.lineage).order_by("-version")


def scale_history(scale: RatingScale) -> QuerySet[AuditEvent]:
    """Who changed what in any version of ``scale``, newest first, from the audit trail."""
    ids = [
        str(pk)
        for pk in RatingScale.objects.filter(lineage=scale.lineage).values_list("pk", flat=True)
    ]
    return (
        AuditEvent.objects.filter(object_type=SCALE_EVENTS, object_id__in=ids)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def scale_version_uses(scale: RatingScale) -> list[Use]:
    """What has been rated on, or recorded against, this version of ``scale``."""
    return uses_of(RatingScale.objects.filter(pk=scale.pk), ignore_apps={"frameworks"}) + uses_of(
        ScalePoint.objects.filter(scale=scale), ignore_apps={"frameworks"}
    )


def scale_uses(scale: RatingScale) -> list[Use]:
    """What has been rated on any version of ``scale``."""
    return uses_of(
        RatingScale.objects.filter(lineage=scale.lineage), ignore_apps={"frameworks"}
    ) + uses_of(ScalePoint.objects.filter(scale__lineage=scale.lineage), ignore_apps={"frameworks"})


def frameworks_on_scale(scale: RatingScale) -> QuerySet[Framework]:
    """Frameworks (any version) that use any version of ``scale``, current ones first."""
    return Framework.objects.filter(scale__lineage=scale.lineage).order_by("name", "version")
