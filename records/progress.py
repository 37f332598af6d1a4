"""Which reviews count, and in what order: the rules behind "first" and "latest" rating.

A correction (amendment) replaces the review it corrects. Reviews are ordered
by review date; on the same date, the one entered later counts as later, and an
amendment keeps the entry position of the review it corrects.
"""

from collections.abc import Iterable

from .models import Review


def _entry_order(review: Review, by_pk: dict[int, Review]) -> int:
    while review.amends_id and review.amends_id in by_pk:
        review = by_pk[review.amends_id]
    return review.pk


def current_reviews(reviews: Iterable[Review]) -> list[Review]:
    """The reviews that count, oldest first."""
    reviews = list(reviews)
    by_pk = {r.pk: r for r in reviews}
    amended = {r.amends_id for r in reviews if r.amends_id}
    return sorted(
        (r for r in reviews if r.pk not in amended),
        key=lambda r: (r.reviewed_on, _entry_order(r, by_pk)),
    )
