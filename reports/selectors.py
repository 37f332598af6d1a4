"""Roll-ups of ratings and narrative for team dashboards and organisation reports.

The figures come from report tallies (``reports.tallies``), kept up to date by
every write: whole months are added up from the stored tallies, and a team's
records are counted in memory for dates to the day. Either way
``rollup_from`` turns the added-up tallies into the figures, in a fixed number
of queries whatever the number of people, outcomes or ratings.

How things are counted (shown on every report in the "How this was counted"
panel; ``HOW_COUNTED``). Every figure belongs to the date of a record, so a
period's figures stay as they were once it has ended, unless records dated in
it are corrected (see ``reports.tallies``).
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organisation, Team
from frameworks.models import Band
from records.models import Outcome, OutcomeStatus, Review
from records.progress import current_reviews_query
from records.quality import OUTCOME_CRITERIA, REVIEW_CRITERIA
from themes.models import Theme

from . import periods, tallies
from .disclosure import ZERO, Count
from .periods import Period
from .tallies import AGE_BANDS  # noqa: F401  (the report form's choices)

BANDS = [Band.ACHIEVED, Band.PARTLY_ACHIEVED, Band.NOT_ACHIEVED]
LIST_LIMIT = 50
TREND_QUARTERS = 8

# The definitions behind the figures, in short sentences, for "How this was counted".
HOW_COUNTED = [
    "Ratings given: every rating dated in the period, each in the band of its own "
    "score. If an outcome was rated twice on one day, the rating entered later counts.",
    "A correction replaces the rating it corrects, at the date it gives.",
    "Distance travelled: a rating's score minus the outcome's first rating. Ratings "
    "given on the day of the first rating are the starting point and have no distance.",
    "Outcomes worked on: agreed by the end of the period and not ended before it.",
    "Outcomes recorded: agreed in the period. Reviews recorded: dated in the period.",
    "Age bands: the person's age on the day of the rating, review or agreement.",
    "A period's figures do not change once it has ended, unless a record dated in it "
    "(or the first rating a distance is measured from) is added or corrected.",
]


# The figures


@dataclass
class FrameworkOutcomeRow:
    identity: object
    name: str
    category: str
    framework: str
    retired: bool
    mattered: int = Count()
    bands: dict = field(default_factory=lambda: dict.fromkeys(BANDS, Count()))
    distances: dict = field(default_factory=dict)  # distance -> count

    @property
    def rated(self) -> int:
        return sum(self.bands.values(), ZERO)

    @property
    def distance_count(self) -> int:
        return sum(self.distances.values(), ZERO)

    @property
    def distance_mean(self) -> float | None:
        n = self.distance_count
        return sum(d * c for d, c in self.distances.items()) / n if n else None


@dataclass
class Summary:
    """The headline figures of one period, for the comparison with the previous one."""

    period: Period
    rated: int
    bands: dict
    distances: dict
    single_rating_excluded: int
    outcomes_recorded: int
    outcome_quality: dict
    reviews_recorded: int
    review_quality: dict

    @property
    def distance_count(self) -> int:
        return sum(self.distances.values(), ZERO)

    @property
    def distance_mean(self) -> float | None:
        n = self.distance_count
        return sum(d * c for d, c in self.distances.items()) / n if n else None

    def band_share(self, band: str) -> float | None:
        return self.bands.get(band, 0) / self.rated if self.rated else None


@dataclass
class Rollup:
    current: Summary
    previous: Summary
    rows: list[FrameworkOutcomeRow]
    categories: list[dict]
    themes: list[dict]  # {"id", "name", "helped", "hindered"}, most used first


def window(period: Period, period_of=tallies.month_of) -> tallies.Window:
    previous = period.previous()
    return tallies.Window(
        (period_of(period.start), period_of(period.end)),
        (period_of(previous.start), period_of(previous.end)),
    )


def current_reviews_in(reviews: QuerySet[Review], period: Period) -> QuerySet[Review]:
    """Reviews dated in the period that have not been replaced by a correction."""
    return current_reviews_query(reviews).filter(reviewed_on__range=(period.start, period.end))


def narrative_reviews(
    team: Team,
    period: Period,
    *,
    identity=None,
    band: str | None = None,
    theme: Theme | None = None,
    theme_kind: str = "",
) -> list[Review]:
    """The latest reviews behind a team dashboard figure (``LIST_LIMIT`` at most), newest first.

    With a framework outcome ``identity`` or a ``band``: the ratings given in the
    period (of that framework outcome, in that band), so the list matches the
    figure it came from. With a ``theme``: reviews tagged with it as helping or
    hindering.
    """
    outcomes = team_outcomes(team)
    if identity:
        outcomes = outcomes.filter(framework_outcomes__identity=identity)
    reviews = Review.objects.filter(outcome__in=outcomes)
    if band:
        reviews = reviews.filter(point__band=band)
    if theme is not None:
        reviews = reviews.filter(**{f"{theme_kind}_themes": theme})
    return list(
        current_reviews_in(reviews, period)
        .select_related("outcome__person", "point")
        .order_by("-reviewed_on", "-pk")[:LIST_LIMIT]
    )


class FrameworkOutcomeName(NamedTuple):
    short_name: str
    retired: bool  # the framework outcome or its framework
    category_id: int
    category: str
    framework: str
    lineage: uuid.UUID


def _framework_names() -> tuple[dict, dict]:
    """Names for the rows of a report: each framework outcome identity's name and
    framework (from its newest version), and each category's names.

    Every framework outcome is read, in one SQL statement: they number in the
    tens or hundreds, and the ORM took longer to build the query than the
    database took to answer it. Identities and lineages are made UUIDs here:
    SQLite hands them back as text.
    """
    names, categories = {}, {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT o.identity, o.short_name, o.retired_at IS NOT NULL OR f.retired_at IS NOT NULL,
                   c.id, c.name, f.name, f.lineage
            FROM frameworks_frameworkoutcome o
            JOIN frameworks_frameworkcategory c ON c.id = o.category_id
            JOIN frameworks_framework f ON f.id = c.framework_id
            ORDER BY f.version, o.id
            """
        )
        for identity, *row, lineage in cursor.fetchall():
            name = FrameworkOutcomeName(*row, lineage=uuid.UUID(str(lineage)))
            names[uuid.UUID(str(identity))] = name  # later versions overwrite earlier ones
            categories[name.category_id] = name
    return names, categories


def _summary(rows: list[dict], headline: str, which: str, period: Period) -> Summary:
    bands: dict = dict.fromkeys(BANDS, Count())
    distances: dict = defaultdict(Count)
    excluded = recorded = reviewed = Count()
    outcome_quality = dict.fromkeys(OUTCOME_CRITERIA, Count())
    review_quality = dict.fromkeys(REVIEW_CRITERIA, Count())
    for r in rows:
        n = r[which]
        if not n or r["scope"] != headline:
            continue
        if r["figure"] == tallies.RATED:
            bands[r["band"]] = bands.get(r["band"], ZERO) + n
            if r["single"]:
                excluded += n
            else:
                distances[r["distance"]] += n
        elif r["figure"] == tallies.RECORDED:
            recorded += n
            for i, c in enumerate(OUTCOME_CRITERIA):
                if r["flags"] & (1 << i):
                    outcome_quality[c] += n
        elif r["figure"] == tallies.REVIEWED:
            reviewed += n
            for i, c in enumerate(REVIEW_CRITERIA):
                if r["flags"] & (1 << i):
                    review_quality[c] += n
    return Summary(
        period=period,
        rated=sum(bands.values(), ZERO),
        bands=bands,
        distances=dict(distances),
        single_rating_excluded=excluded,
        outcomes_recorded=recorded,
        outcome_quality=outcome_quality,
        reviews_recorded=reviewed,
        review_quality=review_quality,
    )


def rollup_from(
    rows: list[dict],
    period: Period,
    *,
    headline: str = "",
    framework_lineage=None,
    framework_outcome_identity=None,
) -> Rollup:
    """The figures from added-up tallies (``tallies.stored_rows`` or ``counted_rows``).

    With a framework or framework outcome filter, the rows and categories are
    that framework's or that outcome's only.
    """
    names, category_names = _framework_names()

    def kept(identity) -> bool:
        info = names.get(identity)
        if framework_outcome_identity:
            return str(identity) == str(framework_outcome_identity)
        if framework_lineage:
            return bool(info) and str(info.lineage) == str(framework_lineage)
        return True

    items: dict = {}
    category_counts: dict = defaultdict(Count)
    themes: dict = {}
    for r in rows:
        figure, scope = r["figure"], r["scope"]
        if figure == tallies.MATTERED and scope.startswith("category:") and r["active"]:
            category_counts[int(scope.partition(":")[2])] += r["active"]
        elif scope.startswith("outcome:") and figure in (tallies.MATTERED, tallies.RATED):
            identity = tallies.identity_of(scope)
            n = r["active"] if figure == tallies.MATTERED else r["current"]
            if not n or not kept(identity):
                continue
            item = items.get(identity)
            if item is None:
                item = items[identity] = FrameworkOutcomeRow(identity, "", "", "", False)
            if figure == tallies.MATTERED:
                item.mattered += n
            else:
                item.bands[r["band"]] = item.bands.get(r["band"], ZERO) + n
                if not r["single"]:
                    item.distances[r["distance"]] = item.distances.get(r["distance"], ZERO) + n
        if figure in (tallies.HELPED, tallies.HINDERED) and scope == headline and r["current"]:
            entry = themes.setdefault(
                r["theme"], {"id": r["theme"], "helped": Count(), "hindered": Count()}
            )
            entry[figure] += r["current"]
    for identity, item in items.items():
        info = names.get(identity)
        if info:
            item.name = info.short_name
            item.category = info.category
            item.framework = info.framework
            item.retired = bool(info.retired)
    ordered = sorted(items.values(), key=lambda r: (-r.mattered, r.framework, r.name))
    for theme_id, name in (
        Theme.objects.filter(pk__in=list(themes)).order_by().values_list("pk", "name")
    ):
        themes[theme_id]["name"] = name
    return Rollup(
        current=_summary(rows, headline, "current", period),
        previous=_summary(rows, headline, "previous", period.previous()),
        rows=ordered,
        categories=_categories(
            category_counts, category_names, framework_lineage, framework_outcome_identity, items
        ),
        themes=sorted(
            (t for t in themes.values() if "name" in t),
            key=lambda t: (-(t["helped"] + t["hindered"]), t["name"]),
        ),
    )


def _categories(
    counts: dict, names: dict, framework_lineage, framework_outcome_identity, items
) -> list:
    """Outcomes worked on by framework category, most first (versions of the same
    category under the same names count together)."""
    by_name: dict = defaultdict(Count)
    for pk, n in counts.items():
        info = names.get(pk)
        if info is None or (framework_lineage and str(info.lineage) != str(framework_lineage)):
            continue
        by_name[info.framework, info.category] += n
    if framework_outcome_identity:
        by_name = defaultdict(Count)
        for item in items.values():
            by_name[item.framework, item.category] += item.mattered
    return [
        {"framework": framework, "category": category, "mattered": n}
        for (framework, category), n in sorted(by_name.items(), key=lambda c: (-c[1], c[0]))
        if n
    ]


def counted_rollup(
    outcomes: QuerySet[Outcome],
    period: Period,
    unit: tuple[int, int],
    *,
    age: str = "",
    headline: str = "",
    framework_lineage=None,
    framework_outcome_identity=None,
) -> Rollup:
    """The figures of a small set of outcomes, counted in memory to the day.

    ``unit`` is (organisation id, team id), team 0 for organisation-level figures.
    """
    previous = period.previous()
    outcome_facts, review_facts = tallies.facts(outcomes, reviewed=(previous.start, period.end))
    units = {o.person_id: [unit] for o in outcome_facts}
    counts = tallies.contributions(outcome_facts, review_facts, units, tallies.day_of)
    rows = tallies.counted_rows(
        counts, age=age, headline=headline, window=window(period, tallies.day_of)
    )
    return rollup_from(
        rows,
        period,
        headline=headline,
        framework_lineage=framework_lineage,
        framework_outcome_identity=framework_outcome_identity,
    )


# Scopes


def team_outcomes(team: Team) -> QuerySet[Outcome]:
    # A join through the caseload (a person is on it once), not a subquery of
    # the team's people, which the database would first make distinct.
    return Outcome.objects.filter(person__caseload_entries__team=team)


@dataclass
class TeamDashboard:
    team: Team
    period: Period
    caseload_size: int
    without_outcome: list
    without_outcome_count: int
    overdue: list
    overdue_count: int
    rollup: Rollup
    today: datetime.date


class CaseloadPerson(NamedTuple):
    id: int
    full_name: str
    has_outcome: bool
    caseload: int  # the open caseload's size
    without: int  # how many of them have no outcome


class OverdueReview(NamedTuple):
    person_id: int
    full_name: str
    next_review_on: datetime.date
    what_matters: str
    total: int  # how many reviews are overdue


# The dashboard's two lists, each with its counts in the same query, written as
# SQL: the ORM took longer to build these than the database took to answer them.
# People with no outcome come first; a person is on a team's caseload once.
CASELOAD_SQL = """
    SELECT id, full_name, has_outcome, COUNT(*) OVER (),
           SUM(CASE WHEN has_outcome THEN 0 ELSE 1 END) OVER ()
    FROM (
        SELECT p.id, p.full_name,
               EXISTS (SELECT 1 FROM records_outcome o WHERE o.person_id = p.id) AS has_outcome
        FROM records_person p JOIN records_caseloadentry c ON c.person_id = p.id
        WHERE c.team_id = %s AND p.closed_on IS NULL
    ) AS caseload
    ORDER BY has_outcome, full_name, id
    LIMIT %s
"""
OVERDUE_SQL = """
    SELECT o.person_id, p.full_name, o.next_review_on, o.what_matters, COUNT(*) OVER ()
    FROM records_outcome o
    JOIN records_person p ON p.id = o.person_id
    JOIN records_caseloadentry c ON c.person_id = p.id
    WHERE c.team_id = %s AND p.closed_on IS NULL AND o.status = %s AND o.next_review_on < %s
    ORDER BY o.next_review_on, o.id
    LIMIT %s
"""


def team_dashboard(team: Team, period: Period) -> TeamDashboard:
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(CASELOAD_SQL, [team.pk, LIST_LIMIT])
        people = [CaseloadPerson(*row) for row in cursor.fetchall()]
        cursor.execute(
            OVERDUE_SQL,
            [
                team.pk,
                OutcomeStatus.ACTIVE,
                connection.ops.adapt_datefield_value(today),
                LIST_LIMIT,
            ],
        )
        overdue = [OverdueReview(*row) for row in cursor.fetchall()]
    without_outcome = [p for p in people if not p.has_outcome]
    return TeamDashboard(
        team=team,
        period=period,
        caseload_size=people[0].caseload if people else 0,
        without_outcome=without_outcome,
        without_outcome_count=people[0].without if people else 0,
        overdue=overdue,
        overdue_count=overdue[0].total if overdue else 0,
        rollup=team_rollup(team, period),
        today=today,
    )


@dataclass(frozen=True)
class OrganisationFilters:
    team: Team | None = None
    framework_lineage: object = None
    framework_outcome_identity: object = None
    age_band: str = ""


def team_rollup(team: Team, period: Period) -> Rollup:
    """The team's figures: from its stored tallies for whole months, else counted to the day."""
    if period.whole_months():
        rows = tallies.stored_rows(
            organisation_id=team.organisation_id, team=team.pk, window=window(period)
        )
        return rollup_from(rows, period)
    return counted_rollup(team_outcomes(team), period, (team.organisation_id, team.pk))


@dataclass
class TeamByOutcome:
    """The team-by-framework-outcome table: its teams and columns, and its cells read
    for the teams asked for (a page shows 50 teams of thousands)."""

    teams: list  # [(team id, team name)]
    identities: list  # [FrameworkOutcomeRow] in column order
    cells: Callable[[list[int] | None], dict]  # team ids (None: all) -> {(team, identity): n}


def _headline(filters: OrganisationFilters) -> str:
    if filters.framework_outcome_identity:
        return f"outcome:{filters.framework_outcome_identity}"
    if filters.framework_lineage:
        return f"framework:{filters.framework_lineage}"
    return ""


def organisation_rollup(
    organisation: Organisation, filters: OrganisationFilters, period: Period
) -> tuple[Rollup, TeamByOutcome]:
    """An organisation report's figures and its team-by-framework-outcome table.

    From the organisation's stored tallies (whole months); for one team, counted
    in memory from that team's records.
    """
    chosen = {
        "headline": _headline(filters),
        "framework_lineage": filters.framework_lineage,
        "framework_outcome_identity": filters.framework_outcome_identity,
    }
    if filters.team is None:
        rows = tallies.stored_rows(
            organisation_id=organisation.pk,
            age=filters.age_band,
            headline=chosen["headline"],
            window=window(period),
        )
        r = rollup_from(rows, period, **chosen)

        def cells(team_ids: list[int] | None) -> dict:
            return tallies.stored_team_grid(
                organisation_id=organisation.pk,
                age=filters.age_band,
                window=window(period),
                teams=team_ids,
            )

        teams = list(organisation.teams.order_by("name", "pk").values_list("pk", "name"))
    else:
        r = counted_rollup(
            team_outcomes(filters.team),
            period,
            (organisation.pk, 0),
            age=filters.age_band,
            **chosen,
        )
        counts = {(filters.team.pk, str(row.identity)): row.mattered for row in r.rows}

        def cells(team_ids: list[int] | None) -> dict:
            return counts

        teams = [(filters.team.pk, filters.team.name)]
    columns = [row for row in r.rows if row.mattered]
    return r, TeamByOutcome(teams=teams, identities=columns, cells=cells)


# Trends


@dataclass
class TrendPoint:
    """The headline figures of one quarter."""

    period: Period
    bands: dict
    distances: dict
    recorded: Count
    reviewed: Count
    so_far: bool  # the quarter has not ended

    @property
    def rated(self) -> Count:
        return sum(self.bands.values(), ZERO)


def _trend_points(rows: list[dict], quarters: list[Period], today: datetime.date) -> list:
    points = [
        TrendPoint(q, dict.fromkeys(BANDS, Count()), {}, Count(), Count(), q.end >= today)
        for q in quarters
    ]
    by_month = {
        tallies.month_of(point.period.start) + i: point for point in points for i in range(3)
    }
    for r in rows:
        point = by_month.get(r["month"])
        if point is None:
            continue
        if r["figure"] == tallies.RATED:
            point.bands[r["band"]] = point.bands.get(r["band"], ZERO) + r["n"]
            if not r["single"]:
                point.distances[r["distance"]] = point.distances.get(r["distance"], ZERO) + r["n"]
        elif r["figure"] == tallies.RECORDED:
            point.recorded += r["n"]
        elif r["figure"] == tallies.REVIEWED:
            point.reviewed += r["n"]
    return points


def organisation_trend(
    organisation: Organisation, filters: OrganisationFilters, period: Period
) -> list[TrendPoint]:
    """The headline figures of the ``TREND_QUARTERS`` quarters up to the period's end,
    with the report's filters; from the tallies (one query), or for one team counted
    from its records."""
    quarters = periods.quarters_to(period.end, TREND_QUARTERS)
    months = (tallies.month_of(quarters[0].start), tallies.month_of(quarters[-1].end))
    headline = _headline(filters)
    if filters.team is None:
        rows = tallies.stored_trend(
            organisation_id=organisation.pk,
            age=filters.age_band,
            headline=headline,
            months=months,
        )
    else:
        outcome_facts, review_facts = tallies.facts(
            team_outcomes(filters.team), reviewed=(quarters[0].start, quarters[-1].end)
        )
        counts = tallies.contributions(
            outcome_facts,
            review_facts,
            {o.person_id: [(organisation.pk, 0)] for o in outcome_facts},
        )
        rows = tallies.counted_trend(counts, age=filters.age_band, headline=headline, months=months)
    return _trend_points(rows, quarters, timezone.localdate())


def team_trend(team: Team, period: Period) -> list[TrendPoint]:
    """A team's headline figures over the ``TREND_QUARTERS`` quarters up to the period's end."""
    quarters = periods.quarters_to(period.end, TREND_QUARTERS)
    rows = tallies.stored_trend(
        organisation_id=team.organisation_id,
        team=team.pk,
        months=(tallies.month_of(quarters[0].start), tallies.month_of(quarters[-1].end)),
    )
    return _trend_points(rows, quarters, timezone.localdate())
