"""Reads of frameworks and scales, shaped for the pages that show them."""

from django.db.models import Prefetch, QuerySet

from .models import Framework, FrameworkCategory, FrameworkOutcome, ScalePoint


def frameworks_with_outcomes() -> QuerySet[Framework]:
    """Every framework with its scale points, categories and outcomes, in four queries."""
    return Framework.objects.select_related("scale").prefetch_related(
        Prefetch("scale__points", queryset=ScalePoint.objects.order_by("score")),
        Prefetch(
            "categories",
            queryset=FrameworkCategory.objects.order_by("order", "pk").prefetch_related(
                Prefetch("outcomes", queryset=FrameworkOutcome.objects.order_by("order", "pk"))
            ),
        ),
    )
