"""The server-drawn bar charts: what a reader sees and what a screen reader hears."""

import re

from common.charts import bar_chart
from reports.tables import Table
from reports.templatetags.report_trends import trend_charts


def test_bars_are_drawn_to_scale_with_their_labels_and_values():
    svg = str(bar_chart([("Seeing people", 8), ("Feeling safe", 2)], title="What matters"))

    assert re.findall(r'<rect [^>]*width="([\d.]+)"', svg) == ["300.0", "75.0"]
    assert ">Seeing people</text>" in svg and ">8</text>" in svg and ">2</text>" in svg
    assert 'role="img"' in svg
    assert 'aria-label="What matters. The same figures are in the table that follows."' in svg


def test_labels_are_escaped_and_long_ones_shortened():
    long = "Living where and as I want to, with the people I choose to be with"
    svg = str(bar_chart([("Tam <b>& family</b>", 1), (long, 1)], title='"Quoted" & more'))

    assert ">Tam &lt;b&gt;&amp; family&lt;/b&gt;</text>" in svg
    assert f">{long[:36]}…</text>" in svg
    assert 'aria-label="&quot;Quoted&quot; &amp; more.' in svg
    assert "<b>" not in svg


def test_nothing_to_draw_gives_no_chart():
    assert bar_chart([], title="Empty") is None
    assert bar_chart([("Seeing people", 0)], title="All zero") is None


def test_a_value_can_carry_its_unit():
    svg = str(bar_chart([("Jan to Mar 2025", 13)], title="Share achieved", unit="%"))
    assert ">13%</text>" in svg


def test_each_trend_chart_has_a_visible_caption_and_shares_read_as_percentages():
    table = Table(
        "trend",
        "The last eight quarters",
        ["Quarter", "Ratings given", "Share achieved", "Mean distance travelled"],
        [["Jan to Mar 2025", "8", "25%", "0.50"], ["Apr to Jun 2025", "4", "50%", "-0.25"]],
    )
    charts = trend_charts(table)

    # The mean can fall below zero, which bars cannot show: it is in the table only.
    assert [caption for caption, _ in charts] == [
        "Ratings given, quarter by quarter",
        "Share achieved, quarter by quarter (%)",
    ]
    ratings, shares = (str(chart) for _, chart in charts)
    assert ">8</text>" in ratings and ">4</text>" in ratings
    assert ">25%</text>" in shares and ">50%</text>" in shares
