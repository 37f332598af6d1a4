"""Which reviews count, and in what order: the rules behind "first" and "latest" rating.

A correction (amendment) replaces the review it corrects. Reviews are ordered
by review date; on the same date, the one entered later counts as later, and an
amendment keeps the entry position of the review it corrects.

Also a person's Goal Attainment Scaling T-score round by round, which follows
the same rules (the formula itself is ``frameworks.gas``).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from frameworks.gas import gas_t_score
from frameworks.models import ScaleKind

from .models import Outcome, OutcomeStatus, Review


def _entry_order(review: Review, by_pk: dict[int, Review]) -> int:
    while review.amends_id and review.amends_id in by_pk:
        review = by_pk[review.amends_id]
    return review.pk


def current_reviews(reviews: Iterable[Review]) -> list[Review]:
    """The reviews that count, oldest first, from reviews already loaded."""
    reviews = list(reviews)
    by_pk = {r.pk: r for r in reviews}
    amended = {r.amends_id for r in reviews if r.amends_id}
    return sorted(
        (r for r in reviews if r.pk not in amended),
        key=lambda r: (r.reviewed_on, _entry_order(r, by_pk)),
    )


def current_reviews_query(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """The reviews that count, as a query: those no correction replaces (in no order)."""
    return reviews.filter(~Exists(Review.objects.filter(amends=OuterRef("pk"))))


@dataclass(frozen=True)
class GasRound:
    """One review round: its date, T-score, and how many outcomes it counts."""

    on: datetime.date
    t_score: float
    outcomes_counted: int


def _open_on(outcome: Outcome, day: datetime.date) -> bool:
    if outcome.started_on > day:
        return False
    if outcome.status == OutcomeStatus.ACTIVE or outcome.status_changed_on is None:
        return True
    return outcome.status_changed_on >= day


def gas_rounds(
    outcomes: Iterable[Outcome], *, reviews_of: Callable[[Outcome], Iterable] | None = None
) -> list[GasRound]:
    """The person's GAS T-score at each review round, oldest first.

    ``outcomes`` are one person's outcomes with ``scale`` and ``reviews``
    (with ``point``) already loaded, or their reviews as ``reviews_of`` gives
    them (anything with ``pk``, ``reviewed_on``, ``point`` and ``amends_id``);
    nothing here queries the database.

    A review round is a date on which at least one of the person's outcomes
    rated on a GAS scale was reviewed. Its T-score counts every GAS outcome
    that was open on that date (agreed on or before it, and not yet achieved
    or stopped before it) and had been rated by then, each at its latest
    rating on or before that date. Corrections count in place of the reviews
    they correct, as everywhere else. Outcomes weigh ``gas_weight`` (1 unless
    set). A round where no open outcome had a rating yet is left out.
    """
    series = {}
    for outcome in outcomes:
        if outcome.scale.kind != ScaleKind.GAS:
            continue
        reviews = current_reviews(reviews_of(outcome) if reviews_of else outcome.reviews.all())
        if reviews:
            series[outcome] = reviews
    days = sorted({review.reviewed_on for reviews in series.values() for review in reviews})
    rounds = []
    for day in days:
        pairs = []
        for outcome, reviews in series.items():
            if not _open_on(outcome, day):
                continue
            rated = [review for review in reviews if review.reviewed_on <= day]
            if rated:
                pairs.append((rated[-1].point.score, outcome.gas_weight))
        t_score = gas_t_score(pairs)
        if t_score is not None:
            rounds.append(GasRound(on=day, t_score=t_score, outcomes_counted=len(pairs)))
    return rounds
