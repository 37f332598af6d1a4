"""The report tables as plain rows, shared by the pages and every export format.

Organisation-level tables pass ``suppress=True``: counts of 1 to 4 become "<5",
figures worked out from them are withheld, and a complementary cell is hidden
where a total would reveal a suppressed one (see reports.disclosure).
"""

from dataclasses import dataclass

from frameworks.models import Band

from .disclosure import HIDDEN, SUPPRESSED, is_small, suppress_table
from .selectors import BANDS, Rollup, Summary, TeamByOutcome

BAND_LABELS = dict(Band.choices)
CRITERIA_LABELS = {
    "outcome_not_output": "An outcome, not a service",
    "personalised": "Personalised",
    "contribution": "Person's or family's part noted",
    "own_voice": "Person's own words",
    "narrative": "Rating explained in narrative",
    "helps_hinders": "What helped or hindered noted",
}


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list]
    note: str = ""


NONE = "\u2013"  # an en dash: nothing to show (a hyphen would read as a formula)


def _pct(part: int, whole: int, *, withheld: bool = False) -> str:
    if withheld:
        return HIDDEN
    return f"{100 * part / whole:.0f}%" if whole else NONE


def _mean(value: float | None, *, withheld: bool = False) -> str:
    if withheld:
        return HIDDEN
    return NONE if value is None else f"{value:.2f}"


def _count(n: int, *, suppress: bool) -> str:
    """A count standing alone (a total, a note): "<5" for 1 to 4 where suppressed."""
    return SUPPRESSED if suppress and is_small(n) else str(n)


def _cells(counts: list[int], hide: list[bool]) -> list[str]:
    return [
        (SUPPRESSED if is_small(c) else HIDDEN) if h else str(c)
        for c, h in zip(counts, hide, strict=True)
    ]


def _change(points: int) -> str:
    # In words, so the label reads plainly and no spreadsheet takes it for a formula.
    if points == 0:
        return "No change"
    direction = "Up" if points > 0 else "Down"
    return f"{direction} {abs(points)} point{'s' if abs(points) != 1 else ''}"


def framework_outcome_table(rollup: Rollup, *, suppress: bool) -> Table:
    """By framework outcome: how many mattered, latest bands, and distance travelled."""
    header = [
        "Framework outcome",
        "Framework",
        "Outcomes that mattered",
        *[BAND_LABELS[b] for b in BANDS],
        "Rated",
        "Achieved share",
        "With two or more ratings",
        "Mean distance travelled",
    ]
    counts = [
        [r.mattered, *[r.bands[b] for b in BANDS], r.rated, r.distance_count] for r in rollup.rows
    ]
    hide = (
        # Band cells add up to "Rated": suppress within that group.
        [
            [
                is_small(row[0]),
                *suppress_table([row[1:4]], row_totals=True, column_totals=False)[0],
                is_small(row[4]),
                is_small(row[5]),
            ]
            for row in counts
        ]
        if suppress
        else [[False] * 6 for _ in counts]
    )
    rows = []
    for r, c, h in zip(rollup.rows, counts, hide, strict=True):
        name = r.name + (" (retired)" if r.retired else "")
        cells = _cells(c, h)
        rows.append(
            [
                name,
                r.framework,
                cells[0],
                *cells[1:4],
                cells[4],
                _pct(r.bands[Band.ACHIEVED], r.rated, withheld=h[1] or h[4]),
                cells[5],
                _mean(r.distance_mean, withheld=h[5]),
            ]
        )
    return Table("framework_outcomes", "By framework outcome", header, rows)


def bands_table(summary: Summary, *, suppress: bool) -> Table:
    counts = [summary.bands[b] for b in BANDS]
    hide = (
        suppress_table([counts], row_totals=True, column_totals=False)[0]
        if suppress
        else [False] * len(counts)
    )
    cells = _cells(counts, hide)
    rows = [
        [BAND_LABELS[b], cell, _pct(count, summary.rated, withheld=h)]
        for b, cell, count, h in zip(BANDS, cells, counts, hide, strict=True)
    ]
    rows.append(
        [
            "All rated outcomes",
            _count(summary.rated, suppress=suppress),
            "100%" if summary.rated else NONE,
        ]
    )
    return Table("bands", "Latest rating of each outcome", ["Band", "Outcomes", "Share"], rows)


def distance_table(summary: Summary, *, suppress: bool) -> Table:
    """Distribution of distance travelled (latest minus first rating)."""
    values = sorted(summary.distances)
    counts = [summary.distances[v] for v in values]
    hide = (
        suppress_table([counts], row_totals=True, column_totals=False)[0]
        if suppress
        else [False] * len(counts)
    )
    rows = [[_change(v), cell] for v, cell in zip(values, _cells(counts, hide), strict=True)]
    rows.append(["All with two or more ratings", _count(summary.distance_count, suppress=suppress)])
    withheld = suppress and is_small(summary.distance_count)
    note = (
        f"Mean {_mean(summary.distance_mean, withheld=withheld)} scale points. "
        f"{_count(summary.single_rating_excluded, suppress=suppress)} outcome(s) with a "
        "single rating left out."
    )
    return Table("distance", "Distance travelled", ["Change in rating", "Outcomes"], rows, note)


def quality_table(summary: Summary, *, suppress: bool) -> Table:
    rows = []
    for label, total, met in (
        ("Outcomes recorded", summary.outcomes_recorded, summary.outcome_quality),
        ("Reviews recorded", summary.reviews_recorded, summary.review_quality),
    ):
        for criterion, count in met.items():
            withheld = suppress and (is_small(total) or is_small(count) or is_small(total - count))
            rows.append(
                [
                    label,
                    CRITERIA_LABELS[criterion],
                    SUPPRESSED if suppress and is_small(total) else str(total),
                    HIDDEN if withheld else str(count),
                    _pct(count, total, withheld=withheld),
                ]
            )
    return Table(
        "quality",
        "Recording quality",
        ["Records", "Criterion", "Recorded in period", "Meeting it", "Share"],
        rows,
    )


def comparison_table(current: Summary, previous: Summary, *, suppress: bool) -> Table:
    def share(s: Summary, band: str) -> str:
        if suppress and (is_small(s.rated) or is_small(s.bands[band])):
            return HIDDEN
        value = s.band_share(band)
        return NONE if value is None else f"{100 * value:.0f}%"

    def count(n: int) -> str:
        return SUPPRESSED if suppress and is_small(n) else str(n)

    def mean(s: Summary) -> str:
        return _mean(s.distance_mean, withheld=suppress and is_small(s.distance_count))

    rows = [
        ["Outcomes rated", count(current.rated), count(previous.rated)],
        ["Share achieved", share(current, Band.ACHIEVED), share(previous, Band.ACHIEVED)],
        [
            "Share not achieved",
            share(current, Band.NOT_ACHIEVED),
            share(previous, Band.NOT_ACHIEVED),
        ],
        ["Mean distance travelled", mean(current), mean(previous)],
        ["Outcomes recorded", count(current.outcomes_recorded), count(previous.outcomes_recorded)],
        ["Reviews recorded", count(current.reviews_recorded), count(previous.reviews_recorded)],
    ]
    return Table(
        "comparison",
        "This period compared with the previous one",
        ["Figure", current.period.label, previous.period.label],
        rows,
    )


def team_by_outcome_table(data: TeamByOutcome) -> Table:
    """Teams (rows) by framework outcome (columns), always suppressed: organisation level."""
    identities = [str(r.identity) for r in data.identities]
    counts = [[data.counts.get((t, i), 0) for i in identities] for t, _ in data.teams]
    totals = [sum(row) for row in counts]
    shown = suppress_table(counts, row_totals=True, column_totals=True) if counts else []
    rows = [
        [name, *_cells(row, hide), SUPPRESSED if is_small(total) else str(total)]
        for (_, name), row, hide, total in zip(data.teams, counts, shown, totals, strict=True)
    ]
    return Table(
        "team_by_outcome",
        "Outcomes that mattered, by team and framework outcome",
        ["Team", *[r.name for r in data.identities], "All"],
        rows,
    )


def themes_table(rollup: Rollup, *, suppress: bool) -> Table:
    """How often each theme was tagged as helping or hindering, on reviews in the period."""
    counts = [[t["helped"], t["hindered"]] for t in rollup.themes]
    hide = (
        suppress_table(counts, row_totals=False, column_totals=False)
        if suppress
        else [[False, False] for _ in counts]
    )
    rows = [[t["name"], *_cells(c, h)] for t, c, h in zip(rollup.themes, counts, hide, strict=True)]
    return Table(
        "themes",
        "What helps and what hinders",
        ["Theme", "Reviews where it helped", "Reviews where it got in the way"],
        rows,
    )
