"""Roll-ups of ratings and narrative for team dashboards and organisation reports.

Everything is counted from the outcomes table's stored progress (first and
latest rating, kept up to date by every review), so no report recomputes
progress from the ratings. Each figure is one aggregate query; the number of
queries does not depend on the number of people, outcomes or ratings.

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

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, Role, Team
from frameworks.models import Band, FrameworkOutcome
from records.models import Outcome, OutcomeStatus, Person, Review
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


def _mattered(outcomes: QuerySet[Outcome], period: Period) -> QuerySet[Outcome]:
    return outcomes.filter(started_on__lte=period.end).filter(
        Q(status=OutcomeStatus.ACTIVE) | Q(status_changed_on__gte=period.start)
    )


def _rated(outcomes: QuerySet[Outcome], period: Period) -> QuerySet[Outcome]:
    return outcomes.filter(latest_rated_on__range=(period.start, period.end))


def current_reviews_in(reviews: QuerySet[Review], period: Period) -> QuerySet[Review]:
    """Reviews dated in the period that have not been replaced by a correction."""
    return reviews.filter(reviewed_on__range=(period.start, period.end), amendment__isnull=True)


def _summary(outcomes: QuerySet[Outcome], reviews: QuerySet[Review], period: Period) -> Summary:
    rated = _rated(outcomes, period)
    bands = {
        row["latest_band"]: row["n"] for row in rated.values("latest_band").annotate(n=Count("pk"))
    }
    distances = {
        row["d"]: row["n"]
        for row in rated.filter(rating_count__gte=2)
        .values(d=F("latest_score") - F("first_score"))
        .annotate(n=Count("pk"))
    }
    excluded = rated.filter(rating_count=1).count()
    recorded = outcomes.filter(started_on__range=(period.start, period.end)).aggregate(
        total=Count("pk"),
        **{c: Count("pk", filter=Q(**{f"meets_{c}": True})) for c in OUTCOME_CRITERIA},
    )
    review_stats = current_reviews_in(reviews, period).aggregate(
        total=Count("pk"),
        **{c: Count("pk", filter=Q(**{f"meets_{c}": True})) for c in REVIEW_CRITERIA},
    )
    return Summary(
        period=period,
        rated=sum(bands.values()),
        bands={b: bands.get(b, 0) for b in BANDS},
        distances=distances,
        single_rating_excluded=excluded,
        outcomes_recorded=recorded.pop("total"),
        outcome_quality=recorded,
        reviews_recorded=review_stats.pop("total"),
        review_quality=review_stats,
    )


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

    for r in (
        links.filter(outcome__in=_mattered(outcomes, period))
        .values(ident=identity)
        .annotate(n=Count("outcome_id", distinct=True))
    ):
        row(r["ident"]).mattered = r["n"]
    for r in (
        links.filter(outcome__in=_rated(outcomes, period))
        .values(ident=identity, band=F("outcome__latest_band"))
        .annotate(n=Count("outcome_id", distinct=True))
    ):
        row(r["ident"]).bands[r["band"]] = r["n"]
    for r in (
        links.filter(outcome__in=_rated(outcomes, period).filter(rating_count__gte=2))
        .values(ident=identity, d=F("outcome__latest_score") - F("outcome__first_score"))
        .annotate(n=Count("outcome_id", distinct=True))
    ):
        row(r["ident"]).distances[r["d"]] = r["n"]
    categories = [
        {"framework": c["framework"], "category": c["category"], "mattered": c["n"]}
        for c in links.filter(outcome__in=_mattered(outcomes, period))
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
    in_period = current_reviews_in(reviews, period)
    themes: dict = {}
    for kind, through in (
        ("helped", Review.helped_themes.through),
        ("hindered", Review.hindered_themes.through),
    ):
        for t in (
            through.objects.filter(review__in=in_period)
            .values("theme_id", name=F("theme__name"))
            .annotate(n=Count("review_id", distinct=True))
        ):
            entry = themes.setdefault(
                t["theme_id"], {"id": t["theme_id"], "name": t["name"], "helped": 0, "hindered": 0}
            )
            entry[kind] = t["n"]
    return Rollup(
        themes=sorted(themes.values(), key=lambda t: (-(t["helped"] + t["hindered"]), t["name"])),
        current=_summary(outcomes, reviews, period),
        previous=_summary(outcomes, reviews, period.previous()),
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
    people = Person.objects.filter(caseload_entries__team__organisation=organisation)
    if filters.team is not None:
        people = people.filter(caseload_entries__team=filters.team)
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
    if filters.framework_lineage:
        outcomes = outcomes.filter(
            framework_outcomes__category__framework__lineage=filters.framework_lineage
        ).distinct()
    if filters.framework_outcome_identity:
        outcomes = outcomes.filter(
            framework_outcomes__identity=filters.framework_outcome_identity
        ).distinct()
    outcomes = Outcome.objects.filter(pk__in=outcomes.values("pk"))
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
