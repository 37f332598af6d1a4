"""Roll-ups of ratings and narrative for team dashboards and organisation reports.

Everything is counted from the outcomes table's stored progress (first and
latest rating, kept up to date by every review), so no report recomputes
progress from the ratings. The figures of both periods come from a few
conditional aggregate queries (one over outcomes, one over their framework
outcome links, one over reviews, one over theme tags); the number of queries
does not depend on the number of people, outcomes or ratings.

How things are counted (shown on every report in the "How this was counted" panel):

- An outcome *mattered* in the period if it was agreed by the period's end and
  was still active at some point in it.
- An outcome is *rated in the period* if its latest rating is dated in the
  period; its band is the band of that latest rating (a correction replaces the
  review it corrects; on the same date the review entered later counts).
- *Distance travelled* is latest minus first rating, in scale points, for
  outcomes rated in the period with at least two ratings. The first rating is
  the baseline. Outcomes with a single rating are left out and counted.
- People are counted with the teams whose caseloads they are on now.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Organisation, Role, Team
from frameworks.models import Band, FrameworkOutcome
from records.models import CaseloadEntry, Outcome, OutcomeStatus, Person, Review
from records.quality import OUTCOME_CRITERIA, REVIEW_CRITERIA

from .periods import Period

Through = Outcome.framework_outcomes.through
BANDS = [Band.ACHIEVED, Band.PARTLY_ACHIEVED, Band.NOT_ACHIEVED]
LIST_LIMIT = 50

AGE_BANDS = [
    ("under_18", "Under 18", 0, 17),
    ("18_64", "18 to 64", 18, 64),
    ("65_74", "65 to 74", 65, 74),
    ("75_84", "75 to 84", 75, 84),
    ("85_plus", "85 and over", 85, 150),
    ("unknown", "Not recorded", None, None),
]


# Who may see which report


def managed_teams(user) -> QuerySet[Team]:
    """Teams whose dashboards the user may see: those they manage."""
    if not user.is_authenticated or not user.is_active:
        return Team.objects.none()
    return Team.objects.filter(
        memberships__user=user, memberships__role=Role.MANAGER
    ).select_related("organisation")


def report_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose organisation-wide report the user may see.

    Admins of any team in the organisation, and managers given the
    organisation-wide role.
    """
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(teams__memberships__user=user, teams__memberships__role=Role.ADMIN)
        | Q(wide_roles__user=user)
    ).distinct()


# The figures


@dataclass
class FrameworkOutcomeRow:
    identity: object
    name: str
    category: str
    framework: str
    retired: bool
    mattered: int = 0
    bands: dict = field(default_factory=lambda: dict.fromkeys(BANDS, 0))
    distances: dict = field(default_factory=dict)  # distance -> count

    @property
    def rated(self) -> int:
        return sum(self.bands.values())

    @property
    def distance_count(self) -> int:
        return sum(self.distances.values())

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
        return sum(self.distances.values())

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


def _mattered_q(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}started_on__lte": period.end}) & (
        Q(**{f"{prefix}status": OutcomeStatus.ACTIVE})
        | Q(**{f"{prefix}status_changed_on__gte": period.start})
    )


def _mattered(outcomes: QuerySet[Outcome], period: Period) -> QuerySet[Outcome]:
    return outcomes.filter(_mattered_q(period))


def current_reviews_in(reviews: QuerySet[Review], period: Period) -> QuerySet[Review]:
    """Reviews dated in the period that have not been replaced by a correction."""
    return reviews.filter(
        ~Exists(Review.objects.filter(amends=OuterRef("pk"))),
        reviewed_on__range=(period.start, period.end),
    )


def _in(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__range": (period.start, period.end)})


def _summaries(
    outcomes: QuerySet[Outcome], reviews: QuerySet[Review], periods: tuple[Period, Period]
) -> list[Summary]:
    """The headline figures of each period, in one pass over outcomes and one over reviews."""
    keys = ("cur", "prev")
    counts = {
        f"rated_{k}": Count("pk", filter=_in("latest_rated_on", p))
        for k, p in zip(keys, periods, strict=True)
    }
    for k, period in zip(keys, periods, strict=True):
        recorded = _in("started_on", period)
        counts[f"recorded_{k}"] = Count("pk", filter=recorded)
        for c in OUTCOME_CRITERIA:
            counts[f"{c}_{k}"] = Count("pk", filter=recorded & Q(**{f"meets_{c}": True}))
    wanted = Q()
    for period in periods:
        wanted |= _in("latest_rated_on", period) | _in("started_on", period)
    groups = list(
        outcomes.filter(wanted)
        .values(
            band=F("latest_band"),
            d=F("latest_score") - F("first_score"),
            single=Q(rating_count=1),
        )
        .annotate(**counts)
        .order_by()
    )
    review_counts = {}
    for k, period in zip(keys, periods, strict=True):
        dated = _in("reviewed_on", period)
        review_counts[f"total_{k}"] = Count("pk", filter=dated)
        for c in REVIEW_CRITERIA:
            review_counts[f"{c}_{k}"] = Count("pk", filter=dated & Q(**{f"meets_{c}": True}))
    span = Period(min(p.start for p in periods), max(p.end for p in periods), "")
    review_stats = current_reviews_in(reviews, span).aggregate(**review_counts)
    summaries = []
    for k, period in zip(keys, periods, strict=True):
        bands: dict = defaultdict(int)
        distances: dict = defaultdict(int)
        excluded = 0
        for g in groups:
            n = g[f"rated_{k}"]
            if not n:
                continue
            bands[g["band"]] += n
            if g["single"]:
                excluded += n
            else:
                distances[g["d"]] += n
        summaries.append(
            Summary(
                period=period,
                rated=sum(bands.values()),
                bands={b: bands.get(b, 0) for b in BANDS},
                distances=dict(distances),
                single_rating_excluded=excluded,
                outcomes_recorded=sum(g[f"recorded_{k}"] for g in groups),
                outcome_quality={c: sum(g[f"{c}_{k}"] for g in groups) for c in OUTCOME_CRITERIA},
                reviews_recorded=review_stats[f"total_{k}"],
                review_quality={c: review_stats[f"{c}_{k}"] for c in REVIEW_CRITERIA},
            )
        )
    return summaries


def _names(identities) -> dict:
    """Each framework outcome identity's name, from its newest version."""
    names = {}
    rows = (
        FrameworkOutcome.objects.filter(identity__in=list(identities))
        .values(
            "identity",
            "short_name",
            "retired_at",
            "category__name",
            "category__framework__name",
            "category__framework__version",
            "category__framework__retired_at",
        )
        .order_by("category__framework__version", "pk")
    )
    for row in rows:
        names[row["identity"]] = row  # later versions overwrite earlier ones
    return names


def rollup(outcomes: QuerySet[Outcome], reviews: QuerySet[Review], period: Period) -> Rollup:
    """All the rolled-up figures for what is in scope, in a fixed number of queries."""
    links = Through.objects.filter(outcome__in=outcomes)
    identity = F("frameworkoutcome__identity")
    rows: dict = {}

    def row(key) -> FrameworkOutcomeRow:
        if key not in rows:
            rows[key] = FrameworkOutcomeRow(key, "", "", "", False)
        return rows[key]

    rated = _in("outcome__latest_rated_on", period)
    for r in (
        links.filter(_mattered_q(period, "outcome__") | rated)
        .values(
            ident=identity,
            band=F("outcome__latest_band"),
            d=F("outcome__latest_score") - F("outcome__first_score"),
            single=Q(outcome__rating_count=1),
        )
        .annotate(
            mattered=Count("outcome_id", distinct=True, filter=_mattered_q(period, "outcome__")),
            rated=Count("outcome_id", distinct=True, filter=rated),
        )
        .order_by()
    ):
        item = row(r["ident"])
        item.mattered += r["mattered"]
        if r["rated"]:
            item.bands[r["band"]] = item.bands.get(r["band"], 0) + r["rated"]
            if not r["single"]:
                item.distances[r["d"]] = item.distances.get(r["d"], 0) + r["rated"]
    categories = [
        {"framework": c["framework"], "category": c["category"], "mattered": c["n"]}
        for c in links.filter(_mattered_q(period, "outcome__"))
        .values(
            framework=F("frameworkoutcome__category__framework__name"),
            category=F("frameworkoutcome__category__name"),
        )
        .annotate(n=Count("outcome_id", distinct=True))
        .order_by("-n", "framework", "category")
    ]
    names = _names(rows)
    for key, item in rows.items():
        info = names.get(key)
        if info:
            item.name = info["short_name"]
            item.category = info["category__name"]
            item.framework = info["category__framework__name"]
            item.retired = bool(info["retired_at"] or info["category__framework__retired_at"])
    ordered = sorted(rows.values(), key=lambda r: (-r.mattered, r.framework, r.name))
    themes: dict = {}
    tagged = [
        through.objects.filter(
            _in("review__reviewed_on", period),
            ~Exists(Review.objects.filter(amends=OuterRef("review_id"))),
            review__outcome__in=outcomes,
        )
        .values("theme_id", name=F("theme__name"), kind=Value(kind))
        .annotate(n=Count("review_id"))  # each review holds a theme once
        .order_by()
        for kind, through in (
            ("helped", Review.helped_themes.through),
            ("hindered", Review.hindered_themes.through),
        )
    ]
    for t in tagged[0].union(tagged[1], all=True):
        entry = themes.setdefault(
            t["theme_id"], {"id": t["theme_id"], "name": t["name"], "helped": 0, "hindered": 0}
        )
        entry[t["kind"]] = t["n"]
    current, previous = _summaries(outcomes, reviews, (period, period.previous()))
    return Rollup(
        themes=sorted(themes.values(), key=lambda t: (-(t["helped"] + t["hindered"]), t["name"])),
        current=current,
        previous=previous,
        rows=ordered,
        categories=categories,
    )


# Scopes


def team_people(team: Team) -> QuerySet[Person]:
    return Person.objects.filter(caseload_entries__team=team)


def team_outcomes(team: Team) -> QuerySet[Outcome]:
    return Outcome.objects.filter(person__in=team_people(team))


def team_reviews(team: Team) -> QuerySet[Review]:
    return Review.objects.filter(outcome__person__in=team_people(team))


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


def team_dashboard(team: Team, period: Period) -> TeamDashboard:
    today = timezone.localdate()
    people = team_people(team).filter(closed_on__isnull=True)
    no_outcome = people.filter(outcomes__isnull=True).order_by("full_name", "pk")
    overdue = (
        team_outcomes(team)
        .filter(
            status=OutcomeStatus.ACTIVE, next_review_on__lt=today, person__closed_on__isnull=True
        )
        .select_related("person")
        .order_by("next_review_on", "pk")
    )
    return TeamDashboard(
        team=team,
        period=period,
        caseload_size=people.count(),
        without_outcome=list(no_outcome[:LIST_LIMIT]),
        without_outcome_count=no_outcome.count(),
        overdue=list(overdue[:LIST_LIMIT]),
        overdue_count=overdue.count(),
        rollup=rollup(team_outcomes(team), team_reviews(team), period),
        today=today,
    )


@dataclass(frozen=True)
class OrganisationFilters:
    team: Team | None = None
    framework_lineage: object = None
    framework_outcome_identity: object = None
    age_band: str = ""


def _birth_range(band: str, today: datetime.date):
    for key, _label, youngest, oldest in AGE_BANDS:
        if key == band and youngest is not None:
            latest_birth = today.replace(year=today.year - youngest)
            earliest_birth = today.replace(year=today.year - oldest - 1) + datetime.timedelta(1)
            return earliest_birth, latest_birth
    return None


def organisation_people(organisation: Organisation, filters: OrganisationFilters):
    on_caseload = CaseloadEntry.objects.filter(
        person=OuterRef("pk"), team__organisation=organisation
    )
    if filters.team is not None:
        on_caseload = on_caseload.filter(team=filters.team)
    people = Person.objects.filter(Exists(on_caseload))
    if filters.age_band == "unknown":
        people = people.filter(date_of_birth__isnull=True)
    elif filters.age_band:
        span = _birth_range(filters.age_band, timezone.localdate())
        if span:
            people = people.filter(date_of_birth__range=span)
    return people


def organisation_scope(organisation: Organisation, filters: OrganisationFilters):
    """The outcomes and reviews an organisation report counts, after its filters."""
    outcomes = Outcome.objects.filter(person__in=organisation_people(organisation, filters))
    links = Through.objects.filter(outcome=OuterRef("pk"))
    if filters.framework_lineage:
        links = links.filter(
            frameworkoutcome__category__framework__lineage=filters.framework_lineage
        )
    if filters.framework_outcome_identity:
        links = links.filter(frameworkoutcome__identity=filters.framework_outcome_identity)
    if filters.framework_lineage or filters.framework_outcome_identity:
        outcomes = outcomes.filter(Exists(links))
    reviews = Review.objects.filter(outcome__in=outcomes)
    return outcomes, reviews


@dataclass
class TeamByOutcome:
    teams: list  # [(team id, team name)]
    identities: list  # [FrameworkOutcomeRow] in column order
    counts: dict  # (team id, identity) -> count


def team_by_framework_outcome(
    organisation: Organisation, outcomes: QuerySet[Outcome], period: Period, rows
) -> TeamByOutcome:
    """Outcomes that mattered, by team (rows) and framework outcome (columns)."""
    counts: dict = defaultdict(int)
    team_names = {}
    for r in (
        Through.objects.filter(outcome__in=_mattered(outcomes, period))
        .filter(outcome__person__caseload_entries__team__organisation=organisation)
        .values(
            team=F("outcome__person__caseload_entries__team"),
            team_name=F("outcome__person__caseload_entries__team__name"),
            ident=F("frameworkoutcome__identity"),
        )
        .annotate(n=Count("outcome_id", distinct=True))
    ):
        counts[(r["team"], r["ident"])] = r["n"]
        team_names[r["team"]] = r["team_name"]
    teams = sorted(team_names.items(), key=lambda t: t[1])
    return TeamByOutcome(teams=teams, identities=[r for r in rows if r.mattered], counts=counts)
