"""Ratings over time as a small server-drawn SVG line chart (no JavaScript, prints well).

It reads only what it draws: an outcome's scale points (``outcome.scale.points``)
and each review's date and score (``review.reviewed_on``, ``review.point.score``).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 40
LINE = "#0b4f8a"  # 8.6:1 on white: non-text contrast well over 3:1


def _n(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    description: str


def rating_chart(outcome, reviews: Sequence) -> Chart | None:
    """A line of the outcome's ratings by review date, or None with fewer than two."""
    if len(reviews) < 2:
        return None
    scores = [p.score for p in outcome.scale.points.all()]
    low, high = min(scores), max(scores)
    first_day, last_day = reviews[0].reviewed_on, reviews[-1].reviewed_on
    span_days = max((last_day - first_day).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int, review) -> float:
        if first_day == last_day:
            return LEFT + plot_w * index / (len(reviews) - 1)
        return LEFT + plot_w * (review.reviewed_on - first_day).days / span_days

    def y(score: int) -> float:
        return TOP + plot_h * (high - score) / max(high - low, 1)

    points = [(x(i, r), y(r.point.score)) for i, r in enumerate(reviews)]
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d0d4d9" stroke-width="1"/>'
            '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="#333">{}</text>',
            LEFT,
            y(s),
            WIDTH - RIGHT,
            y(s),
            LEFT - 8,
            y(s) + 4,
            s,
        )
        for s in sorted(set(scores))
    ]
    parts.append(
        format_html(
            '<polyline fill="none" stroke="{}" stroke-width="3" points="{}"/>',
            LINE,
            " ".join(f"{px:.1f},{py:.1f}" for px, py in points),
        )
    )
    parts.extend(
        format_html('<circle cx="{}" cy="{}" r="5" fill="{}"/>', _n(px), _n(py), LINE)
        for px, py in points
    )
    for day, anchor, px in ((first_day, "start", LEFT), (last_day, "end", WIDTH - RIGHT)):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="{}" fill="#333">{}</text>',
                px,
                HEIGHT - 12,
                anchor,
                day.strftime("%-d %b %Y"),
            )
        )
    description = (
        f"Ratings from {first_day:%-d %B %Y} to {last_day:%-d %B %Y}: "
        f"first {reviews[0].point.score}, latest {reviews[-1].point.score}, "
        f"on a scale of {low} to {high}."
    )
    svg = format_html(
        '<svg class="rating-chart" viewBox="0 0 {} {}" role="img" aria-label="{}"'
        ' xmlns="http://www.w3.org/2000/svg" focusable="false">{}</svg>',
        WIDTH,
        HEIGHT,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - every part built by format_html
    )
    return Chart(svg=svg, description=escape(description))
