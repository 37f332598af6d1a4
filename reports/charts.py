"""Horizontal bar charts drawn on the server as SVG: no script, print cleanly, PDF-ready."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR = "#0b4f8a"
ROW_HEIGHT, LABEL_WIDTH, BAR_WIDTH, GAP = 26, 260, 300, 6


def bar_chart(items: list[tuple[str, int]], *, title: str) -> SafeString | None:
    """One bar per (label, value); the same figures are always in a table beside it."""
    if not items or not any(v for _, v in items):
        return None
    largest = max(v for _, v in items)
    height = ROW_HEIGHT * len(items) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 60
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="13" text-anchor="end" fill="#222">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="13" fill="#222">{}</text>',
        (
            (
                LABEL_WIDTH - 8,
                i * ROW_HEIGHT + 18,
                label if len(label) <= 38 else label[:36] + "…",
                LABEL_WIDTH,
                i * ROW_HEIGHT + GAP,
                f"{BAR_WIDTH * value / largest:.1f}",
                ROW_HEIGHT - 2 * GAP,
                BAR,
                LABEL_WIDTH + BAR_WIDTH * value / largest + 6,
                i * ROW_HEIGHT + 18,
                value,
            )
            for i, (label, value) in enumerate(items)
        ),
    )
    return format_html(
        '<svg class="report-chart" viewBox="0 0 {} {}" role="img" aria-label="{}"'
        ' xmlns="http://www.w3.org/2000/svg" focusable="false">{}</svg>',
        width,
        height,
        f"{title}. The same figures are in the table that follows.",
        rows,
    )
