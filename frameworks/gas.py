"""Goal Attainment Scaling: a person's T-score over their outcomes, round by round.

Kiresuk and Sherman (1968), with the inter-goal correlation rho = 0.3 that
shared/frameworks.md gives:

    T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - rho) * sum(w_i^2) + rho * (sum(w_i))^2)

where x_i is outcome i's GAS score (-2 to +2) and w_i its weight. 50 means
the outcomes were met as expected on average; each 10 points is about one
standard deviation above or below that.
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from records.models import Outcome, OutcomeStatus
from records.progress import current_reviews

from .models import ScaleKind

RHO = 0.3


def gas_t_score(
    scores_and_weights: Iterable[tuple[float, float]], rho: float = RHO
) -> float | None:
    """The T-score of ``(score, weight)`` pairs, or None when there are none.

    Weights must be positive. With one outcome the formula reduces to
    ``50 + 10 * score`` whatever its weight.
    """
    pairs = [(float(score), float(weight)) for score, weight in scores_and_weights]
    if not pairs:
        return None
    if any(weight <= 0 for _, weight in pairs):
        raise ValueError("GAS weights must be positive.")
    if not 0 <= rho < 1:
        raise ValueError("rho must be at least 0 and less than 1.")
    weighted = sum(weight * score for score, weight in pairs)
    total = sum(weight for _, weight in pairs)
    squares = sum(weight * weight for _, weight in pairs)
    return 50 + 10 * weighted / math.sqrt((1 - rho) * squares + rho * total * total)


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


def gas_rounds(outcomes: Iterable[Outcome]) -> list[GasRound]:
    """The person's GAS T-score at each review round, oldest first.

    ``outcomes`` are one person's outcomes with ``scale`` and ``reviews``
    (with ``point``) already loaded, as on the person page; nothing here
    queries the database.

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
        reviews = current_reviews(outcome.reviews.all())
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
