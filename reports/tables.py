"""The report tables as plain rows, shared by the pages and every export format.

Organisation-level tables pass ``suppress=True``: every count is shown as the
cell-key method perturbs it (reports.disclosure), totals are perturbed as cells
of their own, and shares and means are worked out from the counts shown. A
team's own dashboard shows exact counts.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from frameworks.models import Band

from .disclosure import Count, perturbed
from .selectors import BANDS, Rollup, Summary, TeamByOutcome, TrendPoint

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


def shown(n: int, *, suppress: bool) -> int:
    """The count a table shows: perturbed at organisation level, else exact."""
    return perturbed(n) if suppress else int(n)


def _pct(part: int, whole: int) -> str:
    """A share of counts as shown (perturbed counts can put a part above its whole)."""
    return f"{min(100 * part / whole, 100):.0f}%" if whole else NONE


def _mean(distances: dict, *, suppress: bool) -> str:
    """The mean distance travelled, from the counts shown for each distance."""
    counts = {d: shown(n, suppress=suppress) for d, n in distances.items()}
    total = sum(counts.values())
    return f"{sum(d * n for d, n in counts.items()) / total:.2f}" if total else NONE


def _change(points: int) -> str:
    # In words, so the label reads plainly and no spreadsheet takes it for a formula.
    if points == 0:
        return "No change"
    direction = "Up" if points > 0 else "Down"
    return f"{direction} {abs(points)} point{'s' if abs(points) != 1 else ''}"


def framework_outcome_table(rollup: Rollup, *, suppress: bool) -> Table:
    """By framework outcome: how many mattered, ratings by band, and distance travelled."""
    header = [
        "Framework outcome",
        "Framework",
        "Outcomes worked on",
        *[BAND_LABELS[b] for b in BANDS],
        "Ratings given",
        "Achieved share",
        "Ratings after the first",
        "Mean distance travelled",
    ]
    rows = []
    for r in rollup.rows:
        bands = [shown(r.bands[b], suppress=suppress) for b in BANDS]
        rated = shown(r.rated, suppress=suppress)
        rows.append(
            [
                r.name + (" (retired)" if r.retired else ""),
                r.framework,
                str(shown(r.mattered, suppress=suppress)),
                *[str(n) for n in bands],
                str(rated),
                _pct(bands[0], rated),
                str(shown(r.distance_count, suppress=suppress)),
                _mean(r.distances, suppress=suppress),
            ]
        )
    return Table("framework_outcomes", "By framework outcome", header, rows)


def bands_table(summary: Summary, *, suppress: bool) -> Table:
    rated = shown(summary.rated, suppress=suppress)
    rows = []
    for b in BANDS:
        n = shown(summary.bands[b], suppress=suppress)
        rows.append([BAND_LABELS[b], str(n), _pct(n, rated)])
    rows.append(["All ratings given", str(rated), "100%" if rated else NONE])
    return Table("bands", "Ratings given, by band", ["Band", "Ratings", "Share"], rows)


def distance_table(summary: Summary, *, suppress: bool) -> Table:
    """Distribution of distance travelled (each rating's score minus the first rating's)."""
    values = sorted(summary.distances)
    rows = [[_change(v), str(shown(summary.distances[v], suppress=suppress))] for v in values]
    rows.append(
        ["All ratings after the first", str(shown(summary.distance_count, suppress=suppress))]
    )
    first = shown(summary.single_rating_excluded, suppress=suppress)
    note = (
        f"Average change since the first rating: {_mean(summary.distances, suppress=suppress)}. "
        f"First ratings, the starting point, are not counted here: {first}."
    )
    return Table("distance", "Distance travelled", ["Change in rating", "Ratings"], rows, note)


def quality_table(summary: Summary, *, suppress: bool) -> Table:
    rows = []
    for label, total, met in (
        ("Outcomes recorded", summary.outcomes_recorded, summary.outcome_quality),
        ("Reviews recorded", summary.reviews_recorded, summary.review_quality),
    ):
        whole = shown(total, suppress=suppress)
        for criterion, count in met.items():
            part = shown(count, suppress=suppress)
            rows.append(
                [label, CRITERIA_LABELS[criterion], str(whole), str(part), _pct(part, whole)]
            )
    return Table(
        "quality",
        "Recording quality",
        ["Records", "Criterion", "Recorded in period", "Meeting it", "Share"],
        rows,
    )


def comparison_table(current: Summary, previous: Summary, *, suppress: bool) -> Table:
    def share(s: Summary, band: str) -> str:
        return _pct(shown(s.bands[band], suppress=suppress), shown(s.rated, suppress=suppress))

    def count(n: int) -> str:
        return str(shown(n, suppress=suppress))

    rows = [
        ["Ratings given", count(current.rated), count(previous.rated)],
        ["Share achieved", share(current, Band.ACHIEVED), share(previous, Band.ACHIEVED)],
        [
            "Share not achieved",
            share(current, Band.NOT_ACHIEVED),
            share(previous, Band.NOT_ACHIEVED),
        ],
        [
            "Mean distance travelled",
            _mean(current.distances, suppress=suppress),
            _mean(previous.distances, suppress=suppress),
        ],
        ["Outcomes recorded", count(current.outcomes_recorded), count(previous.outcomes_recorded)],
        ["Reviews recorded", count(current.reviews_recorded), count(previous.reviews_recorded)],
    ]
    return Table(
        "comparison",
        "This period compared with the previous one",
        ["Figure", current.period.label, previous.period.label],
        rows,
    )


class _GridRows(Sequence):
    """The team-by-framework-outcome table's rows, made when they are read: the page
    shows 50 teams of thousands and reads only their cells; a downloaded table reads
    every team's cells at once."""

    def __init__(self, data: TeamByOutcome) -> None:
        self.data = data
        self.identities = [str(r.identity) for r in data.identities]

    def __len__(self) -> int:
        return len(self.data.teams)

    def __getitem__(self, index):
        if isinstance(index, slice):
            teams = self.data.teams[index]
            cells = self.data.cells([team for team, _ in teams]) if teams else {}
            return [self._row(team, name, cells) for team, name in teams]
        i = range(len(self))[index]
        return self[i : i + 1][0]

    def __iter__(self):
        cells = self.data.cells(None) if self.data.teams else {}
        for team, name in self.data.teams:
            yield self._row(team, name, cells)

    def _row(self, team: int, name: str, cells: dict) -> list[str]:
        counts = [cells.get((team, identity), Count()) for identity in self.identities]
        total = sum(counts, Count())
        return [name, *[str(perturbed(c)) for c in counts], str(perturbed(total))]


def team_by_outcome_table(data: TeamByOutcome) -> Table:
    """Teams (rows) by framework outcome (columns), always perturbed: organisation level.

    Each cell and each team's total is perturbed on its own, so a row is made only
    when it is read (``_GridRows``)."""
    return Table(
        "team_by_outcome",
        "Outcomes worked on, by team and framework outcome",
        ["Team", *[r.name for r in data.identities], "All"],
        _GridRows(data),
    )


def themes_table(rollup: Rollup, *, suppress: bool) -> Table:
    """How often each theme was tagged as helping or hindering, on reviews in the period."""
    rows = [
        [
            t["name"],
            str(shown(t["helped"], suppress=suppress)),
            str(shown(t["hindered"], suppress=suppress)),
        ]
        for t in rollup.themes
    ]
    return Table(
        "themes",
        "What helps and what hinders",
        ["Theme", "Reviews where it helped", "Reviews where it got in the way"],
        rows,
    )


TREND_FIGURES = [
    "Ratings given",
    "Share achieved",
    "Mean distance travelled",
    "Outcomes recorded",
    "Reviews recorded",
]


def trend_table(points: list[TrendPoint], *, suppress: bool) -> Table:
    """The headline figures quarter by quarter, oldest first."""
    rows = []
    for p in points:
        rated = shown(p.rated, suppress=suppress)
        rows.append(
            [
                p.period.label + (" (so far)" if p.so_far else ""),
                str(rated),
                _pct(shown(p.bands[Band.ACHIEVED], suppress=suppress), rated),
                _mean(p.distances, suppress=suppress),
                str(shown(p.recorded, suppress=suppress)),
                str(shown(p.reviewed, suppress=suppress)),
            ]
        )
    return Table("trend", "The last eight quarters", ["Quarter", *TREND_FIGURES], rows)
