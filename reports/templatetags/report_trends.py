"""Charts of the trend table: one per headline figure, drawn from the figures the
table shows (so a chart never shows more than its table)."""

from django import template

from common.charts import bar_chart

register = template.Library()


@register.simple_tag
def trend_charts(table) -> list[tuple[str, str]]:
    """A (caption, chart) per figure of ``reports.tables.trend_table`` that is a count or
    a share; a share's bars are labelled with "%"."""
    charts = []
    for column, figure in enumerate(table.header[1:], start=1):
        values = [(row[0], row[column]) for row in table.rows]
        numbers = [(label, _number(value)) for label, value in values]
        if any(n is None for _, n in numbers):
            continue  # means: shown in the table only (bars cannot go below zero)
        share = any(value.endswith("%") for _, value in values)
        caption = f"{figure}, quarter by quarter" + (" (%)" if share else "")
        chart = bar_chart(numbers, title=caption, unit="%" if share else "")
        if chart:
            charts.append((caption, chart))
    return charts


def _number(value: str) -> int | None:
    """A count ("12") or a share ("45%") as a whole number; anything else is None."""
    text = value.removesuffix("%")
    return int(text) if text.isdigit() else None
