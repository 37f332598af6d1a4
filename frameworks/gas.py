"""Goal Attainment Scaling: a person's T-score over their outcomes, round by round.

Kiresuk and Sherman (1968), with the inter-goal correlation rho = 0.3 that
shared/frameworks.md gives:

    T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - rho) * sum(w_i^2) + rho * (sum(w_i))^2)

where x_i is outcome i's GAS score (-2 to +2) and w_i its weight. 50 means
the outcomes were met as expected on average; each 10 points is about one
standard deviation above or below that.

A person's T-score round by round is worked out where the reviews are
(``records.progress.gas_rounds``).
"""

import math
from collections.abc import Iterable

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
