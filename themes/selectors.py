"""Reads of themes."""

from django.db.models import QuerySet

from .models import Theme


def themes_for_recording(organisation_ids) -> QuerySet[Theme]:
    """The active themes of the given organisations, to offer when recording a review."""
    return Theme.objects.filter(
        organisation_id__in=list(organisation_ids), retired_at__isnull=True
    ).order_by("name")
