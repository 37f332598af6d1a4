"""Charts of the trend table: one per headline figure, drawn from the figures the
table shows (so a chart never shows more than its table)."""

from django import template

from common.charts import bar_chart

register = template.Library()


@register.simple_tag
def trend_charts(table) -> list:
    """A bar chart per figure of ``reports.tables.trend_table`` that is a count or a share."""
    charts = []
    for column, figure in enumerate(table.header[1:], start=1):
        values = [(row[0], row[column]) for row in table.rows]
        numbers = [(label, _number(value)) for label, value in values]
        if any(n is None for _, n in numbers):
            continue  # means: shown in the table only (bars cannot go below zero)
        chart = bar_chart(numbers, title=f"{figure}, quarter by quarter")
        if chart:
            charts.append(chart)
    return charts


def _number(value: str) -> int | None:
    """A count ("12") or a share ("45%") as a whole number; anything else is None."""
    text = value.removesuffix("%")
    return int(text) if text.isdigit() else None
