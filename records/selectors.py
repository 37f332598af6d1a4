"""Reads of person records, shaped for the pages that show them."""

from collections.abc import Iterable

from django.db.models import Count

from .models import CaseloadEntry


def caseload_sizes_for_teams(team_ids: Iterable[int]) -> dict[int, int]:
    """Number of people on each team's caseload, in one query."""
    rows = (
        CaseloadEntry.objects.filter(team_id__in=list(team_ids))
        .values("team_id")
        .annotate(size=Count("person_id"))
    )
    return {row["team_id"]: row["size"] for row in rows}
