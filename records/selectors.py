"""Reads of person records, scoped to what the user may see and shaped for each page.

Access is decided in the query: a person is visible to a user only through a
practitioner or manager membership of a team whose caseload the person is on.
Anything else raises ``Refused``: a 404 that does not reveal whether the person
exists, written to the audit trail by ``audit.middleware``.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import timezone

from accounts.models import Membership, Role, Team
from accounts.roles import EDIT_ROLES, VIEW_ROLES
from common.errors import Refused
from common.ids import possible_id
from frameworks.models import FrameworkOutcome, ScaleKind, ScalePoint
from themes.selectors import themes_for_recording

from .models import Action, CaseloadEntry, KeyPerson, Outcome, OutcomeStatus, Person, Review
from .progress import GasRound, gas_rounds


def caseload_sizes_for_teams(team_ids: Iterable[int]) -> dict[int, int]:
    """Number of people with open records on each team's caseload, in one query."""
    rows = (
        CaseloadEntry.objects.filter(team_id__in=list(team_ids), person__closed_on__isnull=True)
        .values("team_id")
        .annotate(size=Count("person_id"))
    )
    return {row["team_id"]: row["size"] for row in rows}


def people_for_user(user, *, roles: Iterable[str] = VIEW_ROLES) -> QuerySet[Person]:
    """Every person on a caseload of a team where the user holds one of ``roles``."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    return Person.objects.filter(Exists(_memberships(user, roles)))


def _memberships(user, roles: Iterable[str]) -> QuerySet[Membership]:
    """The user's memberships with one of ``roles`` of a team the outer person is on."""
    return Membership.objects.filter(
        user=user, role__in=list(roles), team__caseload_entries__person=OuterRef("pk")
    )


# The person's teams, each with the user's role in it if any: the one statement
# behind every person page's access check, which also names the person's teams.
# Plain joins by primary and foreign keys, so the database plans it in a
# fraction of the time the ORM's nested EXISTS subqueries take (the check runs
# on every request for a person).
PERSON_WITH_TEAMS_SQL = f"""
    SELECT p.*, t.id AS team_id, t.organisation_id AS team_organisation_id,
           t.name AS team_name, m.role AS user_role
    FROM {Person._meta.db_table} p
    JOIN {CaseloadEntry._meta.db_table} c ON c.person_id = p.id
    JOIN {Team._meta.db_table} t ON t.id = c.team_id
    LEFT JOIN {Membership._meta.db_table} m ON m.team_id = t.id AND m.user_id = %s
    WHERE p.id = %s
    ORDER BY t.name, t.id
"""  # noqa: S608 (table names only; values are parameters)


def person_for_user(user, person_id: int, *, edit: bool = False) -> Person:
    """The person, if the user may see (or, with ``edit``, change) the record; else ``Refused``.

    One query, which also brings the person's teams (``team_list``, by name) and
    the user's rights: ``user_may_edit`` (the user may change the record) and
    ``user_manages`` (the user manages one of the person's teams).
    """
    roles = set(EDIT_ROLES if edit else VIEW_ROLES)
    person, held, teams = None, set(), {}
    if possible_id(person_id) and user.is_authenticated and user.is_active:
        for row in Person.objects.raw(PERSON_WITH_TEAMS_SQL, [user.pk, person_id]):
            person = person or row
            held.add(row.user_role)
            teams.setdefault(
                row.team_id,
                Team(id=row.team_id, organisation_id=row.team_organisation_id, name=row.team_name),
            )
    if person is None or not held & roles:
        raise Refused("records.person", person_id)
    for name in ("team_id", "team_organisation_id", "team_name", "user_role"):
        delattr(person, name)
    person.team_list = list(teams.values())
    person.user_may_edit = bool(held & set(EDIT_ROLES))
    person.user_manages = Role.MANAGER in held
    return person


def outcome_for_user(user, outcome_id: int, *, edit: bool = False) -> Outcome:
    if not possible_id(outcome_id):
        raise Refused("records.outcome", outcome_id)
    roles = EDIT_ROLES if edit else VIEW_ROLES
    outcome = (
        Outcome.objects.filter(pk=outcome_id, person__in=people_for_user(user, roles=roles))
        .select_related("person", "scale")
        .first()
    )
    if outcome is None:
        raise Refused("records.outcome", outcome_id)
    return outcome


def review_for_user(user, review_id: int, *, edit: bool = False) -> Review:
    if not possible_id(review_id):
        raise Refused("records.review", review_id)
    roles = EDIT_ROLES if edit else VIEW_ROLES
    review = (
        Review.objects.filter(pk=review_id, outcome__person__in=people_for_user(user, roles=roles))
        .select_related("outcome__person", "outcome__scale", "point")
        .first()
    )
    if review is None:
        raise Refused("records.review", review_id)
    return review


def may_edit(user, person: Person) -> bool:
    return people_for_user(user, roles=EDIT_ROLES).filter(pk=person.pk).exists()


def caseload_for_user(
    user,
    *,
    query: str = "",
    team_id: int | None = None,
    closed: bool = False,
    sort: str = "name",
) -> QuerySet[Person]:
    """The caseload list: people with their next review date and overdue flag.

    ``sort`` is ``name`` or ``next_review`` (soonest first, none last).
    """
    people = people_for_user(user).filter(closed_on__isnull=not closed)
    if team_id is not None:
        people = people.filter(caseload_entries__team_id=team_id)
    query = query.strip()
    if query:
        compact = query.replace(" ", "")
        match = Q(full_name__icontains=query) | Q(preferred_name__icontains=query)
        if compact.isdigit():
            match |= Q(chi_number__startswith=compact)
        people = people.filter(match)
    today = timezone.localdate()
    people = people.annotate(
        next_review=Min(
            "outcomes__next_review_on", filter=Q(outcomes__status=OutcomeStatus.ACTIVE)
        ),
        active_outcomes=Count(
            "outcomes", filter=Q(outcomes__status=OutcomeStatus.ACTIVE), distinct=True
        ),
    ).prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("name"), to_attr="team_list")
    )
    if sort == "next_review":
        people = people.order_by(F("next_review").asc(nulls_last=True), "full_name", "pk")
    else:
        people = people.order_by("full_name", "pk")
    people.today = today
    return people


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """A review as a list or a count shows it: its date, rating and what it corrects."""

    pk: int
    outcome_id: int
    reviewed_on: datetime.date
    point: ScalePoint
    amends_id: int | None


def person_page(person: Person, *, reviews_in_full: bool = True) -> Person:
    """The person with everything their page shows, in a fixed number of queries.

    With ``reviews_in_full`` off (the person page itself), the outcomes are read
    in the lighter shape that page shows, in plain values where it can:

    - each outcome's reviews are ``review_lines`` (``ReviewLine``, oldest first)
      instead of ``reviews``; the page loads in full only those it shows in full
      (``reviews_by_id``);
    - its framework outcomes are ``framework_outcome_names`` (pairs of the
      outcome's short name and its framework's name) instead of
      ``framework_outcomes``;
    - its scale's points, its first and latest ratings and the reviews' ratings
      come from one read of the points of the scales used (``scale_points``, by id).
    """
    prefetches = [Prefetch("actions", queryset=Action.objects.order_by("order", "pk"))]
    related = ["scale"]
    if reviews_in_full:
        reviews = Review.objects.select_related("point", "created_by", "amends")
        prefetches += [
            Prefetch(
                "framework_outcomes",
                queryset=FrameworkOutcome.objects.select_related("category__framework"),
            ),
            "scale__points",
            Prefetch("reviews", queryset=reviews.order_by("reviewed_on", "pk")),
        ]
        related += ["latest_point", "first_point"]
    outcomes = (
        Outcome.objects.select_related(*related)
        .prefetch_related(*prefetches)
        .order_by("status", "pk")
    )
    # The person is already loaded, with their teams (access was checked on it):
    # only what hangs off it.
    prefetch_related_objects(
        [person],
        Prefetch("key_people", queryset=KeyPerson.objects.order_by("name", "pk")),
        Prefetch("outcomes", queryset=outcomes, to_attr="outcome_list"),
    )
    if not reviews_in_full:
        person.scale_points = _scale_points_attach(person.outcome_list)
        _framework_outcome_names_attach(person.outcome_list)
        _review_lines_attach(person.outcome_list, person.scale_points)
    return person


def _scale_points_attach(outcomes: list[Outcome]) -> dict[int, ScalePoint]:
    """The points of the outcomes' scales, by id, in one query; and each outcome's
    first and latest rating from them."""
    scale_ids = {outcome.scale_id for outcome in outcomes}
    points = {point.pk: point for point in ScalePoint.objects.filter(scale_id__in=scale_ids)}
    for outcome in outcomes:
        outcome.first_point = points.get(outcome.first_point_id)
        outcome.latest_point = points.get(outcome.latest_point_id)
    return points


def _framework_outcome_names_attach(outcomes: list[Outcome]) -> None:
    """Each outcome's framework outcomes as (short name, framework name), in the
    order the framework lists them, in one query of plain values."""
    by_outcome = {outcome.pk: outcome for outcome in outcomes}
    for outcome in outcomes:
        outcome.framework_outcome_names = []
    chosen = "frameworkoutcome__"
    rows = (
        Outcome.framework_outcomes.through.objects.filter(outcome_id__in=list(by_outcome))
        .order_by(
            f"{chosen}category__framework__name",
            f"{chosen}category__framework__version",
            f"{chosen}category__order",
            f"{chosen}order",
            f"{chosen}pk",
        )
        .values_list("outcome_id", f"{chosen}short_name", f"{chosen}category__framework__name")
    )
    for outcome_id, short_name, framework_name in rows:
        by_outcome[outcome_id].framework_outcome_names.append((short_name, framework_name))


def _review_lines_attach(outcomes: list[Outcome], points: dict[int, ScalePoint]) -> None:
    """Each outcome's reviews as ``review_lines``, in one query of plain values."""
    by_outcome = {outcome.pk: outcome for outcome in outcomes}
    for outcome in outcomes:
        outcome.review_lines = []
    rows = (
        Review.objects.filter(outcome_id__in=list(by_outcome))
        .order_by("reviewed_on", "pk")
        .values_list("pk", "outcome_id", "reviewed_on", "point_id", "amends_id")
    )
    for pk, outcome_id, reviewed_on, point_id, amends_id in rows:
        line = ReviewLine(pk, outcome_id, reviewed_on, points[point_id], amends_id)
        by_outcome[outcome_id].review_lines.append(line)


def reviews_by_id(ids: Iterable[int], points: dict[int, ScalePoint]) -> dict[int, Review]:
    """Reviews in full (with who recorded them), by id, in one query; their ratings
    from ``points`` (by id), which holds them."""
    # Unordered: the default order would join each review's outcome and person.
    reviews = Review.objects.filter(pk__in=list(ids)).select_related("created_by").order_by()
    found = {}
    for review in reviews:
        review.point = points[review.point_id]
        found[review.pk] = review
    return found


def themes_for_person(person: Person):
    """The active themes of the organisations whose teams support the person."""
    return themes_for_recording(
        CaseloadEntry.objects.filter(person=person).values_list("team__organisation_id", flat=True)
    )


def manages_person(user, person: Person) -> bool:
    """Whether the user manages a team whose caseload the person is on."""
    return people_for_user(user, roles=(Role.MANAGER,)).filter(pk=person.pk).exists()


def gas_rounds_for_person(person_id: int) -> list[GasRound]:
    """The person's GAS T-score at each review round (see ``records.progress.gas_rounds``).

    For reports and other pages that have not loaded the person's outcomes:
    three queries.
    """
    outcomes = (
        Outcome.objects.filter(person_id=person_id, scale__kind=ScaleKind.GAS)
        .select_related("scale")
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.select_related("point")))
    )
    return gas_rounds(outcomes)


# How far ahead the home page looks for reviews and steps falling due.
DUE_SOON = datetime.timedelta(days=14)


def reviews_due_for_user(user, *, today: datetime.date | None = None) -> QuerySet[Outcome]:
    """Active outcomes of open records on the user's caseloads whose review is
    overdue or falls in the next 14 days, soonest first."""
    today = today or timezone.localdate()
    return (
        Outcome.objects.filter(
            person__in=people_for_user(user, roles=EDIT_ROLES),
            person__closed_on__isnull=True,
            status=OutcomeStatus.ACTIVE,
            next_review_on__lte=today + DUE_SOON,
        )
        .select_related("person")
        .order_by("next_review_on", "pk")
    )


def steps_due_for_user(user, *, today: datetime.date | None = None) -> QuerySet[Action]:
    """Steps of active outcomes on the user's caseloads due in the next 14 days or
    before, soonest first."""
    today = today or timezone.localdate()
    return (
        Action.objects.filter(
            outcome__person__in=people_for_user(user, roles=EDIT_ROLES),
            outcome__person__closed_on__isnull=True,
            outcome__status=OutcomeStatus.ACTIVE,
            due_on__lte=today + DUE_SOON,
        )
        .select_related("outcome__person")
        .order_by("due_on", "pk")
    )
