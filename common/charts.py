"""Horizontal bar charts drawn on the server as SVG: no script, print cleanly, PDF-ready."""

from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR = "#0b4f8a"
ROW_HEIGHT, LABEL_WIDTH, BAR_WIDTH, GAP = 26, 260, 300, 6


def bar_chart(items: list[tuple[str, int]], *, title: str, unit: str = "") -> SafeString | None:
    """One bar per (label, value), each value written after its bar with ``unit`` ("%");
    the same figures are always in a table beside it."""
    if not items or not any(v for _, v in items):
        return None
    largest = max(v for _, v in items)
    height = ROW_HEIGHT * len(items) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 60
    rows = "".join(
        f'<text x="{LABEL_WIDTH - 8}" y="{i * ROW_HEIGHT + 18}" font-size="13" '
        f'text-anchor="end" fill="#222">{escape(_short(label))}</text>'
        f'<rect x="{LABEL_WIDTH}" y="{i * ROW_HEIGHT + GAP}" '
        f'width="{BAR_WIDTH * value / largest:.1f}" height="{ROW_HEIGHT - 2 * GAP}" fill="{BAR}"/>'
        f'<text x="{LABEL_WIDTH + BAR_WIDTH * value / largest + 6}" y="{i * ROW_HEIGHT + 18}" '
        f'font-size="13" fill="#222">{int(value)}{escape(unit)}</text>'
        for i, (label, value) in enumerate(items)
    )
    label = escape(f"{title}. The same figures are in the table that follows.")
    return mark_safe(  # noqa: S308 - the labels and title are escaped; the rest are numbers
        f'<svg class="report-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}" xmlns="http://www.w3.org/2000/svg" focusable="false">{rows}</svg>'
    )


def _short(label: str) -> str:
    return label if len(label) <= 38 else label[:36] + "…"
