"""Report figures kept up to date as records are written.

Counting every outcome and review of a national organisation on each request
takes seconds, so reports add up *tallies* instead: counts of the outcomes,
ratings or reviews that share everything a report asks about them (which
figure, which framework or framework outcome, the person's age band, the
month, the band of the rating, the quality criteria met, the theme). Every
write to an outcome or a review changes the tallies in its own transaction:
what the outcome added before the change is taken away and what it adds after
it is added (``kept_up_to_date``). Beside each count a tally keeps the sum of
the record keys of what it counts, for the disclosure control
(``reports.disclosure``): sums add up as counts do.

Every figure belongs to the date of a record, so a period's figures stay as
they were once it has ended, unless records dated in it are corrected:

- *Ratings given*: each rating dated in the period, at its own band (of two
  ratings of an outcome on one day, the one entered later; a correction
  replaces what it corrects). Its distance travelled is its score minus the
  outcome's first rating; ratings on the day of the first rating are the
  baseline and have none.
- *Outcomes worked on*: agreed by the period's end and not ended before it.
- *Outcomes recorded*: agreed in the period. *Reviews recorded*, and the themes
  tagged on them: dated in the period.
- The age band is the person's age on the record's date (the day the outcome
  was agreed, the day of the rating or review), kept in ``OutcomeAgeBand`` and
  ``ReviewAgeBand`` so that it outlives the date of birth.

What one outcome and its reviews add (``contributions``) is written once, here,
and used three ways: to keep the stored tallies up to date, to count them all
again (``rebuild``), and to count a small set of records in memory to the day
(a team's custom dates, one team of an organisation report). The figures are
then read from either (``stored_rows``, ``counted_rows``) by ``rollup_from``.

Tallies of the whole organisation (``team`` 0) hold the age band and one scope
per framework and per framework outcome the outcome is linked to, for the
organisation report's filters; tallies of a team hold what its dashboard and
the report's team-by-framework-outcome table need.
"""

import datetime
import functools
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet, Sum

from records.models import CaseloadEntry, Outcome, OutcomeStatus, Person, Review
from records.progress import current_reviews_query
from records.quality import OUTCOME_CRITERIA, REVIEW_CRITERIA

from .disclosure import ZERO, Count, record_key, record_key_sql
from .models import (
    ALL_AGES,
    COVERED,
    KEY,
    OPEN,
    TALLY_MODELS,
    OrganisationTally,
    OutcomeAgeBand,
    ReviewAgeBand,
    Tally,
    TeamOutcomeSpan,
    TeamOutcomeTally,
    TeamTally,
    tally_model,
)

MATTERED, RATED, RECORDED, REVIEWED, HELPED, HINDERED, SPAN = (
    "mattered",
    "rated",
    "recorded",
    "reviewed",
    "helped",
    "hindered",
    "span",  # a team's outcomes by framework outcome and month ended (TeamOutcomeSpan)
)
AGE_BANDS = [
    ("under_18", "Under 18", 0, 17),
    ("18_64", "18 to 64", 18, 64),
    ("65_74", "65 to 74", 65, 74),
    ("75_84", "75 to 84", 75, 84),
    ("85_plus", "85 and over", 85, 150),
    ("unknown", "Not recorded", None, None),
]
UNKNOWN_AGE = "unknown"
Through = Outcome.framework_outcomes.through
ThemeLinks = ((HELPED, Review.helped_themes.through), (HINDERED, Review.hindered_themes.through))


def month_of(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def day_of(day: datetime.date) -> int:
    return day.toordinal()


def age_band(born: datetime.date | None, on: datetime.date) -> str:
    if born is None:
        return UNKNOWN_AGE
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(key for key, _, _, oldest in AGE_BANDS if oldest is None or age <= oldest)


def age_band_then(
    born: datetime.date | None, anonymised: bool, kept: str | None, on: datetime.date
) -> str:
    """A record's age band: from the date of birth while there is one; once the
    record is anonymised (and the date of birth gone), the band kept for it."""
    if born is not None:
        return age_band(born, on)
    if anonymised and kept:
        return kept
    return UNKNOWN_AGE


# What one outcome and its reviews add


@dataclass(frozen=True)
class OutcomeFacts:
    id: int
    person_id: int
    key: int  # its record key (reports.disclosure)
    age: str  # the person's age band on the day it was agreed
    age_known: bool  # worked out from a date of birth (so worth keeping)
    kept_age: str | None  # the age band kept for it, if any
    started_on: datetime.date
    ended_on: datetime.date | None  # None while active
    flags: int  # bit i: OUTCOME_CRITERIA[i] met
    links: tuple  # ((framework outcome identity, category id, framework lineage), ...)


@dataclass(frozen=True)
class ReviewFacts:
    id: int
    outcome_id: int
    key: int
    age: str  # the person's age band on the day of the review
    age_known: bool
    kept_age: str | None
    reviewed_on: datetime.date
    flags: int  # bit i: REVIEW_CRITERIA[i] met
    helped: tuple
    hindered: tuple
    band: str  # of its rating
    counted: bool  # the rating counted for its outcome on its day (the later entered)
    baseline: bool  # on the day of the outcome's first rating: no distance
    distance: int  # its score minus the outcome's first score


def _flags(values: Iterable[bool]) -> int:
    return sum(1 << i for i, met in enumerate(values) if met)


def contributions(
    outcomes: Iterable[OutcomeFacts],
    reviews: Iterable[ReviewFacts],
    units: dict,
    period_of: Callable = month_of,
) -> Counter:
    """What the outcomes and their current reviews add to each tally.

    ``units`` gives each person's (organisation id, team id) pairs: team 0 for
    the whole organisation. Keys follow ``reports.models.KEY``; each value is a
    ``Count`` with its sum of record keys.
    """
    counts: Counter = Counter()
    by_id = {}
    for o in outcomes:
        by_id[o.id] = o
        one = Count(1, o.key)
        start = period_of(o.started_on)
        until = OPEN if o.ended_on is None else period_of(o.ended_on)
        identities = {f"outcome:{i}" for i, _, _ in o.links}
        categories = {f"category:{c}" for _, c, _ in o.links}
        frameworks = {f"framework:{f}" for _, _, f in o.links}
        for org, team in units.get(o.person_id, ()):
            whole = team == 0
            everywhere = ("", *frameworks, *identities) if whole else ("",)
            banded = o.age if whole else ""
            for scope in (*identities, *categories):
                counts[org, team, MATTERED, scope, o.age, start, until, "", False, 0, 0, 0] += one
            if not whole:
                for scope in identities:
                    counts[org, team, SPAN, scope, "", 0, until, "", False, 0, 0, 0] += one
            for scope in everywhere:
                counts[
                    org, team, RECORDED, scope, banded, start, OPEN, "", False, 0, o.flags, 0
                ] += one
    for r in reviews:
        o = by_id[r.outcome_id]
        one = Count(1, r.key)
        day = period_of(r.reviewed_on)
        frameworks = {f"framework:{f}" for _, _, f in o.links}
        identities = {f"outcome:{i}" for i, _, _ in o.links}
        for org, team in units.get(o.person_id, ()):
            whole = team == 0
            banded = r.age if whole else ""
            if r.counted:
                for scope in ("", *frameworks, *identities) if whole else ("", *identities):
                    key = (org, team, RATED, scope, banded, day, OPEN, r.band, r.baseline)
                    counts[*key, r.distance, 0, 0] += one
            for scope in ("", *frameworks, *identities) if whole else ("",):
                common = (org, team)
                counts[*common, REVIEWED, scope, banded, day, OPEN, "", False, 0, r.flags, 0] += one
                for figure, themes in ((HELPED, r.helped), (HINDERED, r.hindered)):
                    for theme in themes:
                        counts[
                            *common, figure, scope, banded, day, OPEN, "", False, 0, 0, theme
                        ] += one
    # The organisation's tallies again, for all ages together (OrganisationTally).
    for key, n in list(counts.items()):
        if key[1] == 0:
            counts[(*key[:4], ALL_AGES, *key[5:])] += n
    return counts


def facts(
    outcomes: QuerySet[Outcome], reviewed: tuple | None = None
) -> tuple[list[OutcomeFacts], list[ReviewFacts]]:
    """The facts of the outcomes and of their current reviews (dated in ``reviewed``,
    if given), in four queries."""
    links = defaultdict(list)
    for outcome_id, identity, category, lineage in Through.objects.filter(
        outcome__in=outcomes
    ).values_list(
        "outcome_id",
        "frameworkoutcome__identity",
        "frameworkoutcome__category_id",
        "frameworkoutcome__category__framework__lineage",
    ):
        links[outcome_id].append((identity, category, lineage))
    # What a review's facts need of its outcome, read with the outcomes rather than
    # joined to every review (a join the planner then made over every review).
    rated_from: dict = {}
    outcome_facts = []
    for (
        pk,
        person_id,
        born,
        anonymised,
        kept,
        started_on,
        status,
        changed_on,
        first_on,
        first_score,
        *met,
    ) in outcomes.values_list(
        "pk",
        "person_id",
        "person__date_of_birth",
        "person__anonymised_on",
        "report_age__age_band",
        "started_on",
        "status",
        "status_changed_on",
        "first_rated_on",
        "first_score",
        *(f"meets_{c}" for c in OUTCOME_CRITERIA),
    ).order_by():
        rated_from[pk] = (first_on, first_score, born, anonymised)
        outcome_facts.append(
            OutcomeFacts(
                id=pk,
                person_id=person_id,
                key=record_key("outcome", pk),
                age=age_band_then(born, anonymised is not None, kept, started_on),
                age_known=born is not None,
                kept_age=kept,
                started_on=started_on,
                ended_on=None if status == OutcomeStatus.ACTIVE else changed_on,
                flags=_flags(met),
                links=tuple(links[pk]),
            )
        )
    # Of two ratings of an outcome on one day the one entered later counts; a
    # correction keeps the place of the review it corrects (records.progress).
    corrected = dict(
        Review.objects.filter(outcome__in=outcomes, amends__isnull=False)
        .values_list("pk", "amends_id")
        .order_by()
    )

    def entered(pk: int) -> int:
        while pk in corrected:
            pk = corrected[pk]
        return pk

    reviews = current_reviews_query(Review.objects.filter(outcome__in=outcomes))
    if reviewed is not None:
        reviews = reviews.filter(reviewed_on__range=reviewed)
    # The reviews with their theme tags joined on: a row per pair of tags, so
    # the tags are gathered by review (most reviews have one or two).
    review_rows: dict = {}
    for (
        pk,
        outcome_id,
        reviewed_on,
        helped,
        hindered,
        score,
        band,
        kept,
        *met,
    ) in reviews.values_list(
        "pk",
        "outcome_id",
        "reviewed_on",
        "helped_themes",
        "hindered_themes",
        "point__score",
        "point__band",
        "report_age__age_band",
        *(f"meets_{c}" for c in REVIEW_CRITERIA),
    ).order_by():
        row = review_rows.get(pk)
        if row is None:
            first_on, first_score, born, anonymised = rated_from[outcome_id]
            baseline = reviewed_on == first_on
            row = review_rows[pk] = {
                "id": pk,
                "outcome_id": outcome_id,
                "key": record_key("review", pk),
                "age": age_band_then(born, anonymised is not None, kept, reviewed_on),
                "age_known": born is not None,
                "kept_age": kept,
                "reviewed_on": reviewed_on,
                "flags": _flags(met),
                "helped": set(),
                "hindered": set(),
                "band": band,
                "baseline": baseline,
                "distance": 0 if baseline or first_score is None else score - first_score,
            }
        if helped is not None:
            row["helped"].add(helped)
        if hindered is not None:
            row["hindered"].add(hindered)
    latest_of_day: dict = {}
    for row in review_rows.values():
        day = (row["outcome_id"], row["reviewed_on"])
        latest_of_day[day] = max(latest_of_day.get(day, 0), entered(row["id"]))
    review_facts = [
        ReviewFacts(
            **{
                **row,
                "helped": tuple(sorted(row["helped"])),
                "hindered": tuple(sorted(row["hindered"])),
            },
            counted=latest_of_day[row["outcome_id"], row["reviewed_on"]] == entered(row["id"]),
        )
        for row in review_rows.values()
    ]
    return outcome_facts, review_facts


def people_units(people) -> dict:
    """Each person's (organisation, team) pairs: one per team, and team 0 once per organisation."""
    units = defaultdict(list)
    for person_id, team_id, organisation_id in CaseloadEntry.objects.filter(
        person__in=people
    ).values_list("person_id", "team_id", "team__organisation_id"):
        units[person_id].append((organisation_id, team_id))
        if (organisation_id, 0) not in units[person_id]:
            units[person_id].append((organisation_id, 0))
    return units


def ages_kept(outcome_facts: list[OutcomeFacts], review_facts: list[ReviewFacts]) -> None:
    """Keep the age band of each record worked out from a date of birth, so that the
    figures stay the same when the date of birth goes (records.retention)."""
    for model, field, found in (
        (OutcomeAgeBand, "outcome_id", outcome_facts),
        (ReviewAgeBand, "review_id", review_facts),
    ):
        changed = [
            model(**{field: f.id}, age_band=f.age)
            for f in found
            if f.age_known and f.kept_age != f.age
        ]
        if changed:
            model.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=[field.removesuffix("_id")],
                update_fields=["age_band"],
                batch_size=2000,
            )


def _contributions_of(outcomes: QuerySet[Outcome], *, keep_ages: bool = True) -> Counter:
    outcome_facts, review_facts = facts(outcomes)
    if keep_ages:
        ages_kept(outcome_facts, review_facts)
    return contributions(outcome_facts, review_facts, people_units(outcomes.values("person_id")))


# Keeping the stored tallies up to date


def _apply(change: Counter) -> None:
    """Add each count (and its keys) to its tally, creating or emptying tallies as needed."""
    by_model = defaultdict(list)
    for key, n in sorted(change.items()):  # one order: no deadlocks
        if n:
            by_model[tally_model(*key[1:5])].append((key, n))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in (*KEY, "n", "keys"))
    key_columns = ", ".join(quote(c) for c in KEY)
    for model, rows in by_model.items():
        table = quote(model._meta.db_table)
        emptied = []
        with connection.cursor() as cursor:
            for i in range(0, len(rows), 500):
                batch = rows[i : i + 500]
                values = ", ".join(["(" + ", ".join(["%s"] * (len(KEY) + 2)) + ")"] * len(batch))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
                    f"ON CONFLICT ({key_columns}) DO UPDATE SET n = {table}.n + EXCLUDED.n, "
                    f"keys = {table}.keys + EXCLUDED.keys "
                    "RETURNING id, n",
                    [value for k, n in batch for value in (*k, int(n), n.key)],
                )
                emptied += [pk for pk, n in cursor.fetchall() if n == 0]
        if emptied:
            model.objects.filter(pk__in=emptied, n=0).delete()


def _difference(after: Counter, before: Counter) -> Counter:
    change = Counter(after)
    change.subtract(before)
    return change


@contextmanager
def kept_up_to_date(outcomes: QuerySet[Outcome]):
    """Around a change to these outcomes or their reviews: their tallies follow the change.

    Use inside the change's transaction, after locking what it changes.
    """
    before = _contributions_of(outcomes)
    yield
    _apply(_difference(_contributions_of(outcomes), before))


def outcome_added(outcome: Outcome) -> None:
    """Count a newly recorded outcome."""
    _apply(_contributions_of(Outcome.objects.filter(pk=outcome.pk)))


@transaction.atomic
def rebuild() -> int:
    """Count every tally again from the records (after a bulk load, or to repair),
    keeping the age band of every record with a date of birth first.

    On PostgreSQL in SQL statements; elsewhere through ``contributions``, which
    the tests check the statements against. Returns the number of tallies.
    """
    for model in TALLY_MODELS:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {model._meta.db_table}")
        else:
            model.objects.all().delete()
    if connection.vendor == "postgresql":
        return _rebuild_in_database()
    return rebuild_in_python()


def rebuild_in_python(batch: int = 5000) -> int:
    counts: Counter = Counter()
    bounds = Outcome.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is not None:
        for low in range(first, last + 1, batch):
            outcomes = Outcome.objects.filter(pk__gte=low, pk__lt=low + batch)
            counts.update(_contributions_of(outcomes))
    by_model = defaultdict(list)
    for key, n in counts.items():
        if n:
            model = tally_model(*key[1:5])
            by_model[model].append(model(**dict(zip(KEY, key, strict=True)), n=n, keys=n.key))
    for model, tallies in by_model.items():
        model.objects.bulk_create(tallies, batch_size=2000)
    return sum(1 for n in counts.values() if n)


WORK_TABLES = (
    "tally_unit",
    "tally_fact",
    "tally_scope_name",
    "tally_scope",
    "tally_entered",
    "tally_review",
    "tally_tag",
    "tally_member",
    "tally_profile_scope",
    "tally_count",
)


def _rebuild_in_database() -> int:
    prepare, selects, writes, constraints = _rebuild_statements()
    count = "CREATE UNLOGGED TABLE tally_count AS " + " UNION ALL ".join(selects)
    written = 0
    with connection.cursor() as cursor:
        for sql in [*prepare, count]:
            cursor.execute(sql)
        for sql in writes:
            cursor.execute(sql)
            written += cursor.rowcount
        for sql in constraints:
            cursor.execute(sql)
        cursor.execute(f"DROP TABLE {', '.join(WORK_TABLES)}")
    return written


def _age_band_sql(on: str, born: str) -> str:
    """``age_band`` as SQL: the band of the age on the date ``on`` of someone born on ``born``."""

    def part(what: str, column: str) -> str:
        return f"EXTRACT({what} FROM {column})::int"

    age = (
        f"({part('YEAR', on)} - {part('YEAR', born)} - CASE WHEN "
        f"({part('MONTH', on)}, {part('DAY', on)}) < ({part('MONTH', born)}, {part('DAY', born)})"
        " THEN 1 ELSE 0 END)"
    )
    bands = " ".join(
        f"WHEN {age} <= {oldest} THEN '{key}'" for key, _, _, oldest in AGE_BANDS if oldest
    )
    return f"CASE {bands} ELSE '{UNKNOWN_AGE}' END"


def _age_then_sql(kept: str) -> str:
    """``age_band_then`` as SQL, once the bands are kept: ``kept`` is the kept band."""
    return (
        f"CASE WHEN p.date_of_birth IS NULL AND p.anonymised_on IS NULL THEN '{UNKNOWN_AGE}' "
        f"ELSE COALESCE({kept}, '{UNKNOWN_AGE}') END"
    )


def _rebuild_statements() -> tuple[list, list, list, list]:
    """The rules of ``contributions`` as SQL (PostgreSQL).

    The age band of every record with a date of birth is kept first. The facts
    of outcomes, ratings and reviews and people's units then go into work tables
    (unlogged, so that parallel workers can read them; dropped at the end),
    with framework, framework outcome and category scopes as small numbers.
    For the organisation's tallies, outcomes that share an organisation and a
    set of scopes share a *profile*: reviews and outcomes are counted by profile
    first (a join on one number), then spread over the profile's scopes. Every
    tally is then written with its names, a team's together (so a dashboard
    reads few pages), and the tables' unique indexes are built once, at the end.
    """
    team_table = CaseloadEntry._meta.get_field("team").related_model._meta.db_table
    fo_model = Through._meta.get_field("frameworkoutcome").related_model
    category_model = fo_model._meta.get_field("category").related_model
    framework_model = category_model._meta.get_field("framework").related_model
    point_table = Review._meta.get_field("point").related_model._meta.db_table
    review_table = Review._meta.db_table
    outcome_table = Outcome._meta.db_table
    person_table = Person._meta.db_table
    outcome_ages = OutcomeAgeBand._meta.db_table
    review_ages = ReviewAgeBand._meta.db_table

    def month(column: str) -> str:
        return f"(EXTRACT(YEAR FROM {column})::int * 12 + EXTRACT(MONTH FROM {column})::int - 1)"

    def flags(alias: str, criteria) -> str:
        return " + ".join(f"({alias}.meets_{c}::int << {i})" for i, c in enumerate(criteria))

    figures = [MATTERED, RATED, RECORDED, REVIEWED, HELPED, HINDERED, SPAN]
    figure_names = ", ".join(f"({i}, '{f}')" for i, f in enumerate(figures))
    code_of = dict(zip(figures, range(len(figures)), strict=True))
    themes = " UNION ALL ".join(
        f"SELECT review_id, theme_id, {code_of[figure]} AS figure FROM {through._meta.db_table}"  # noqa: S608
        for figure, through in ThemeLinks
    )
    everything = "(SELECT no FROM tally_scope_name WHERE kind = 0)"
    # Scope kinds: 0 the whole, 1 a framework, 2 a framework outcome, 3 a category.
    prepare = [
        "SET LOCAL work_mem = '256MB'",
        f"DROP TABLE IF EXISTS {', '.join(WORK_TABLES)}",
        *(
            f"ALTER TABLE {m._meta.db_table} DROP CONSTRAINT {m._meta.constraints[0].name}"
            for m in TALLY_MODELS
        ),
        # The age bands kept (ages_kept), for every record with a date of birth.
        f"""INSERT INTO {outcome_ages} (outcome_id, age_band)
            SELECT o.id, {_age_band_sql("o.started_on", "p.date_of_birth")}
            FROM {outcome_table} o JOIN {person_table} p ON p.id = o.person_id
            WHERE p.date_of_birth IS NOT NULL
            ON CONFLICT (outcome_id) DO UPDATE SET age_band = EXCLUDED.age_band""",  # noqa: S608
        f"""INSERT INTO {review_ages} (review_id, age_band)
            SELECT r.id, {_age_band_sql("r.reviewed_on", "p.date_of_birth")}
            FROM {review_table} r JOIN {outcome_table} o ON o.id = r.outcome_id
            JOIN {person_table} p ON p.id = o.person_id
            WHERE p.date_of_birth IS NOT NULL
            ON CONFLICT (review_id) DO UPDATE SET age_band = EXCLUDED.age_band""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_unit AS
            SELECT DISTINCT ce.person_id, t.organisation_id, 0 AS team
            FROM {CaseloadEntry._meta.db_table} ce JOIN {team_table} t ON t.id = ce.team_id
            UNION ALL
            SELECT ce.person_id, t.organisation_id, ce.team_id
            FROM {CaseloadEntry._meta.db_table} ce JOIN {team_table} t ON t.id = ce.team_id""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_fact AS
            SELECT o.id, o.person_id, {_age_then_sql("k.age_band")} AS age,
                {month("o.started_on")} AS start,
                CASE WHEN o.status = '{OutcomeStatus.ACTIVE}' THEN {OPEN}
                    ELSE {month("o.status_changed_on")} END AS until,
                {flags("o", OUTCOME_CRITERIA)} AS flags,
                {record_key_sql("outcome", "o.id")} AS key
            FROM {outcome_table} o JOIN {person_table} p ON p.id = o.person_id
            LEFT JOIN {outcome_ages} k ON k.outcome_id = o.id""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_scope_name AS
            SELECT row_number() OVER () AS no, scope, kind FROM (
                SELECT '' AS scope, 0 AS kind
                UNION SELECT 'framework:' || lineage, 1 FROM {framework_model._meta.db_table}
                UNION SELECT 'outcome:' || identity, 2 FROM {fo_model._meta.db_table}
                UNION SELECT 'category:' || id, 3 FROM {category_model._meta.db_table}
            ) AS scopes""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_scope AS
            SELECT DISTINCT l.outcome_id, v.no, v.kind
            FROM {Through._meta.db_table} l
            JOIN (
                SELECT fo.id, f.no AS framework, o.no AS outcome, c.no AS category
                FROM {fo_model._meta.db_table} fo
                JOIN {category_model._meta.db_table} cat ON cat.id = fo.category_id
                JOIN {framework_model._meta.db_table} fw ON fw.id = cat.framework_id
                JOIN tally_scope_name f ON f.scope = 'framework:' || fw.lineage
                JOIN tally_scope_name o ON o.scope = 'outcome:' || fo.identity
                JOIN tally_scope_name c ON c.scope = 'category:' || fo.category_id
            ) AS fo ON fo.id = l.frameworkoutcome_id
            CROSS JOIN LATERAL (VALUES (fo.framework, 1), (fo.outcome, 2), (fo.category, 3))
                AS v (no, kind)
            UNION ALL
            SELECT id, {everything}, 0 FROM {outcome_table}""",  # noqa: S608
        # Each review's place in the order of entry: that of the review it corrects.
        f"""CREATE UNLOGGED TABLE tally_entered AS
            WITH RECURSIVE chain (id, entered) AS (
                SELECT id, id FROM {review_table} WHERE amends_id IS NULL
                UNION ALL
                SELECT r.id, c.entered FROM {review_table} r JOIN chain c ON r.amends_id = c.id
            ) SELECT id, entered FROM chain""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_review AS
            SELECT r.outcome_id, o.person_id, {month("r.reviewed_on")} AS start,
                {flags("r", REVIEW_CRITERIA)} AS flags, r.id,
                {_age_then_sql("k.age_band")} AS age,
                {record_key_sql("review", "r.id")} AS key,
                sp.band, r.reviewed_on = o.first_rated_on AS baseline,
                CASE WHEN r.reviewed_on = o.first_rated_on OR o.first_score IS NULL THEN 0
                    ELSE sp.score - o.first_score END AS distance,
                row_number() OVER (
                    PARTITION BY r.outcome_id, r.reviewed_on ORDER BY e.entered DESC
                ) = 1 AS counted
            FROM {review_table} r JOIN {outcome_table} o ON o.id = r.outcome_id
            JOIN {person_table} p ON p.id = o.person_id
            JOIN {point_table} sp ON sp.id = r.point_id
            JOIN tally_entered e ON e.id = r.id
            LEFT JOIN {review_ages} k ON k.review_id = r.id
            WHERE NOT EXISTS (SELECT 1 FROM {review_table} a WHERE a.amends_id = r.id)""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_tag AS
            SELECT r.outcome_id, r.person_id, r.start, r.age, r.key, t.theme_id, t.figure
            FROM ({themes}) AS t JOIN tally_review r ON r.id = t.review_id""",  # noqa: S608
        """CREATE UNLOGGED TABLE tally_member AS
            WITH scopes AS (
                SELECT outcome_id, array_agg(no ORDER BY no) AS nos
                FROM tally_scope WHERE kind <> 0 GROUP BY outcome_id
            ), member AS (
                SELECT x.id AS outcome_id, u.organisation_id, COALESCE(s.nos, '{}') AS nos
                FROM tally_fact x
                JOIN tally_unit u ON u.person_id = x.person_id AND u.team = 0
                LEFT JOIN scopes s ON s.outcome_id = x.id
            )
            SELECT outcome_id, organisation_id, nos,
                dense_rank() OVER (ORDER BY organisation_id, nos) AS profile
            FROM member""",
        f"""CREATE UNLOGGED TABLE tally_profile_scope AS
            WITH profiles AS (SELECT DISTINCT profile, organisation_id, nos FROM tally_member)
            SELECT p.profile, p.organisation_id, n.no, n.kind
            FROM profiles p CROSS JOIN LATERAL unnest(p.nos) AS u (no)
            JOIN tally_scope_name n ON n.no = u.no
            UNION ALL
            SELECT profile, organisation_id, {everything}, 0 FROM profiles""",  # noqa: S608
        *(
            f"ANALYZE {table}"
            for table in WORK_TABLES
            if table not in ("tally_count", "tally_scope_name")
        ),
    ]
    wide = "(0, 1, 2)"

    def by_profile(kinds: str, counted: str, keys: str, columns: str) -> str:
        """An organisation tally: counted by profile, then spread over its scopes."""
        return f"""SELECT s.organisation_id, 0, {columns.replace("FIGURE", "g.figure")},
                sum(g.n), sum(g.keys)
            FROM ({counted}) AS g
            JOIN tally_profile_scope s ON s.profile = g.profile AND s.kind IN {kinds}
            GROUP BY s.organisation_id, s.no, {keys}"""  # noqa: S608

    selects = [
        # Organisation tallies: outcomes, then ratings, reviews and theme tags.
        f"""SELECT s.organisation_id, 0 AS team, {code_of[MATTERED]} AS figure, s.no,
                g.age AS age, g.start AS start, g.until AS until, '' AS band, false AS single,
                0 AS distance, 0 AS flags, 0 AS theme, sum(g.n) AS n, sum(g.keys) AS keys
            FROM (
                SELECT m.profile, x.age, x.start, x.until, count(*) AS n, sum(x.key) AS keys
                FROM tally_member m JOIN tally_fact x ON x.id = m.outcome_id GROUP BY 1, 2, 3, 4
            ) AS g
            JOIN tally_profile_scope s ON s.profile = g.profile AND s.kind IN (2, 3)
            GROUP BY s.organisation_id, s.no, g.age, g.start, g.until""",  # noqa: S608
        by_profile(
            wide,
            """SELECT m.profile, r.age, r.start, r.band, r.baseline, r.distance,
                count(*) AS n, sum(r.key) AS keys
            FROM tally_member m JOIN tally_review r ON r.outcome_id = m.outcome_id
            WHERE r.counted GROUP BY 1, 2, 3, 4, 5, 6""",
            "g.age, g.start, g.band, g.baseline, g.distance",
            f"{code_of[RATED]}, s.no, g.age, g.start, {OPEN}, g.band, g.baseline, g.distance, 0, 0",
        ),
        by_profile(
            wide,
            """SELECT m.profile, x.age, x.start, x.flags, count(*) AS n, sum(x.key) AS keys
            FROM tally_member m JOIN tally_fact x ON x.id = m.outcome_id GROUP BY 1, 2, 3, 4""",
            "g.age, g.start, g.flags",
            f"{code_of[RECORDED]}, s.no, g.age, g.start, {OPEN}, '', false, 0, g.flags, 0",
        ),
        by_profile(
            wide,
            """SELECT m.profile, r.age, r.start, r.flags, count(*) AS n, sum(r.key) AS keys
            FROM tally_review r JOIN tally_member m ON m.outcome_id = r.outcome_id
            GROUP BY 1, 2, 3, 4""",
            "g.age, g.start, g.flags",
            f"{code_of[REVIEWED]}, s.no, g.age, g.start, {OPEN}, '', false, 0, g.flags, 0",
        ),
        by_profile(
            wide,
            """SELECT m.profile, t.age, t.start, t.figure, t.theme_id,
                count(*) AS n, sum(t.key) AS keys
            FROM tally_tag t JOIN tally_member m ON m.outcome_id = t.outcome_id
            GROUP BY 1, 2, 3, 4, 5""",
            "g.age, g.start, g.figure, g.theme_id",
            f"FIGURE, s.no, g.age, g.start, {OPEN}, '', false, 0, 0, g.theme_id",
        ),
        # Team tallies.
        f"""SELECT u.organisation_id, u.team, {code_of[MATTERED]}, s.no, x.age, x.start,
                x.until, '', false, 0, 0, 0, count(*), sum(x.key)
            FROM tally_fact x JOIN tally_unit u ON u.person_id = x.person_id AND u.team <> 0
            JOIN tally_scope s ON s.outcome_id = x.id AND s.kind IN (2, 3)
            GROUP BY 1, 2, 4, 5, 6, 7""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, {code_of[SPAN]}, s.no, '', 0, x.until, '', false,
                0, 0, 0, count(*), sum(x.key)
            FROM tally_fact x JOIN tally_unit u ON u.person_id = x.person_id AND u.team <> 0
            JOIN tally_scope s ON s.outcome_id = x.id AND s.kind = 2
            GROUP BY 1, 2, 4, 7""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, {code_of[RATED]}, s.no, '', r.start, {OPEN},
                r.band, r.baseline, r.distance, 0, 0, count(*), sum(r.key)
            FROM tally_review r JOIN tally_unit u ON u.person_id = r.person_id AND u.team <> 0
            JOIN tally_scope s ON s.outcome_id = r.outcome_id AND s.kind IN (0, 2)
            WHERE r.counted
            GROUP BY 1, 2, 4, 6, 8, 9, 10""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, {code_of[RECORDED]}, {everything}, '', x.start,
                {OPEN}, '', false, 0, x.flags, 0, count(*), sum(x.key)
            FROM tally_fact x JOIN tally_unit u ON u.person_id = x.person_id AND u.team <> 0
            GROUP BY 1, 2, 6, 11""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, {code_of[REVIEWED]}, {everything}, '', r.start,
                {OPEN}, '', false, 0, r.flags, 0, count(*), sum(r.key)
            FROM tally_review r JOIN tally_unit u ON u.person_id = r.person_id AND u.team <> 0
            GROUP BY 1, 2, 6, 11""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, t.figure, {everything}, '', t.start, {OPEN},
                '', false, 0, 0, t.theme_id, count(*), sum(t.key)
            FROM tally_tag t JOIN tally_unit u ON u.person_id = t.person_id AND u.team <> 0
            GROUP BY 1, 2, 3, 6, 12""",  # noqa: S608
    ]
    outcome_scope = "s.scope LIKE 'outcome:%'"
    routes = {
        Tally: "c.team = 0",
        TeamTally: f"c.team <> 0 AND f.name <> '{SPAN}' "
        f"AND NOT (f.name = '{MATTERED}' AND {outcome_scope})",
        TeamOutcomeTally: f"c.team <> 0 AND f.name = '{MATTERED}' AND {outcome_scope}",
        TeamOutcomeSpan: f"c.team <> 0 AND f.name = '{SPAN}'",
    }
    writes = [
        f"""INSERT INTO {model._meta.db_table} ({", ".join(KEY)}, n, keys)
        SELECT c.organisation_id, c.team, f.name, s.scope, c.age, c.start,
            c.until, c.band, c.single, c.distance, c.flags, c.theme, c.n, c.keys
        FROM tally_count c
        JOIN (VALUES {figure_names}) AS f (code, name) ON f.code = c.figure
        JOIN tally_scope_name s ON s.no = c.no
        WHERE {route}
        ORDER BY c.organisation_id, c.team"""  # noqa: S608
        for model, route in routes.items()
    ]
    # The organisation's tallies for all ages together: its tallies added up over the bands.
    grouped = [c for c in KEY if c != "age_band"]
    chosen = [f"'{ALL_AGES}'" if c == "age_band" else c for c in KEY]
    writes.append(
        f"""INSERT INTO {OrganisationTally._meta.db_table} ({", ".join(KEY)}, n, keys)
        SELECT {", ".join(chosen)}, SUM(n), SUM(keys) FROM {Tally._meta.db_table}
        GROUP BY {", ".join(grouped)}
        ORDER BY organisation_id"""  # noqa: S608
    )
    constraints = [
        f"ALTER TABLE {m._meta.db_table} ADD CONSTRAINT {m._meta.constraints[0].name} "
        f"UNIQUE ({', '.join(KEY)}) INCLUDE ({', '.join(COVERED)})"
        for m in TALLY_MODELS
    ]
    return prepare, selects, writes, constraints


# Reading figures from tallies


@dataclass(frozen=True)
class Window:
    """The current and the previous period, in the tallies' units (months or days)."""

    current: tuple[int, int]
    previous: tuple[int, int]


def _wanted(figure: str, scope: str, headline: str) -> bool:
    return scope == headline or figure == MATTERED or (figure == RATED and scope[:8] == "outcome:")


ROW_NAMES = ("figure", "scope", "band", "single", "distance", "flags", "theme")
SUMS = ("current", "previous", "active")


def stored_rows(
    *, organisation_id: int, team: int = 0, age: str = "", headline: str = "", window: Window
) -> list[dict]:
    """The tallies a report needs, added up for the periods, from the database.

    Each sum is a ``Count`` carrying its record keys. Written as one SQL
    statement rather than through the ORM: it is the team dashboard's main
    read, and building the ORM's union of two aggregates took longer than the
    database took to answer it.
    """
    (start, end), (before, before_end) = window.current, window.previous
    columns = ", ".join(ROW_NAMES)
    age_filter = " AND age_band = %s" if age else ""

    def added_up(model) -> tuple[str, list]:
        # Only column and table names are put into the text; values are parameters.
        sums = []
        for column in ("n", "keys"):
            # Cast, so that PostgreSQL hands back integers rather than decimals.
            sums += [
                f"CAST(SUM(CASE WHEN start >= %s THEN {column} ELSE 0 END) AS BIGINT)",
                f"CAST(SUM(CASE WHEN start BETWEEN %s AND %s THEN {column} ELSE 0 END) AS BIGINT)",
                f"CAST(SUM(CASE WHEN until >= %s THEN {column} ELSE 0 END) AS BIGINT)",
            ]
        sql = (
            f"SELECT {columns}, {', '.join(sums)} "  # noqa: S608
            f"FROM {model._meta.db_table} "
            f"WHERE organisation_id = %s AND team = %s AND start <= %s{age_filter} "
            "AND (scope = %s OR figure = %s OR (figure = %s AND scope LIKE %s)) "
            # Only outcomes that mattered are counted while active; every other
            # figure belongs to its month, so earlier months are not read.
            "AND (CASE WHEN figure = %s THEN until >= %s ELSE start >= %s END) "
            f"GROUP BY {columns}"
        )
        params = [start, before, before_end, start] * 2 + [organisation_id, team, end]
        params += [age] if age else []
        params += [headline, MATTERED, RATED, "outcome:%", MATTERED, start, before]
        return sql, params

    if team != 0:
        parts = [added_up(TeamTally), added_up(TeamOutcomeTally)]
    else:
        parts = [added_up(Tally if age else OrganisationTally)]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]
        )
        found = []
        for row in cursor.fetchall():
            found.append(dict(zip(ROW_NAMES, row[:7], strict=True)))
            # Most rows count in only one of the three periods: the others share one zero.
            for sum_name, n, k in zip(SUMS, row[7:10], row[10:], strict=True):
                found[-1][sum_name] = Count(n, k) if n or k else ZERO
        return found


def counted_rows(
    counts: Counter, *, age: str = "", headline: str = "", window: Window
) -> list[dict]:
    """The same as ``stored_rows``, from tallies counted in memory."""
    (start, end), (before, before_end) = window.current, window.previous
    sums: dict = defaultdict(lambda: [Count(), Count(), Count()])
    for key, n in counts.items():
        _, _, figure, scope, band_of_age, first, until, band, single, distance, flags, theme = key
        if band_of_age == ALL_AGES:
            continue  # the same counts again, all ages together, for storing only
        if first > end or (age and band_of_age != age) or not _wanted(figure, scope, headline):
            continue
        total = sums[figure, scope, band, single, distance, flags, theme]
        if first >= start:
            total[0] += n
        if before <= first <= before_end:
            total[1] += n
        if until >= start:
            total[2] += n
    return [
        {**dict(zip(ROW_NAMES, key, strict=True)), "current": c, "previous": p, "active": a}
        for key, (c, p, a) in sums.items()
    ]


def stored_team_grid(
    *, organisation_id: int, age: str = "", window: Window, teams: Iterable[int] | None = None
) -> dict[tuple[int, str], Count]:
    """Outcomes worked on in the period, by team and framework outcome identity (as text),
    for every team or only ``teams``.

    Without an age band: those not ended before the period (``TeamOutcomeSpan``, a
    row or a few per team and framework outcome), less those started after it.
    """
    start, end = window.current
    chosen = {} if teams is None else {"team__in": list(teams)}
    mattered = TeamOutcomeTally.objects.filter(
        organisation_id=organisation_id, figure=MATTERED, scope__startswith="outcome:", **chosen
    )
    if age:
        parts = [(mattered.filter(age_band=age, start__lte=end, until__gte=start), 1)]
    else:
        spans = TeamOutcomeSpan.objects.filter(
            organisation_id=organisation_id, until__gte=start, **chosen
        )
        parts = [(spans, 1), (mattered.filter(start__gt=end, until__gte=start), -1)]
    # Added up as plain numbers (tens of thousands of cells), made counts at the end.
    grid: dict = {}
    for tallies, sign in parts:
        for team, scope, n, keys in (
            tallies.values("team", "scope")
            .annotate(total=Sum("n"), total_keys=Sum("keys"))
            .values_list("team", "scope", "total", "total_keys")
            .order_by()
        ):
            cell = grid.setdefault((team, scope[8:]), [0, 0])  # after "outcome:"
            cell[0] += sign * n
            cell[1] += sign * keys
    return {cell: Count(n, keys) for cell, (n, keys) in grid.items() if n or keys}


def stored_trend(
    *,
    organisation_id: int,
    team: int = 0,
    age: str = "",
    headline: str = "",
    months: tuple[int, int],
) -> list[dict]:
    """The headline tallies of the organisation (or a team) by quarter, for the trends:
    each row's ``month`` is the first month of its quarter (``months`` run from the
    first month of a quarter to the last of one).

    One SQL statement, added up by quarter in the database: by month, a team's
    eight quarters came back as three times the rows, each made a count here.
    """
    model = TeamTally if team != 0 else Tally if age else OrganisationTally
    age_filter = " AND age_band = %s" if age else ""
    sql = (
        # Months count from January of year 0, so every quarter starts on a multiple of 3.
        "SELECT figure, start - start %% 3 AS quarter, band, single, distance, "  # noqa: S608
        "CAST(SUM(n) AS BIGINT), CAST(SUM(keys) AS BIGINT) "
        f"FROM {model._meta.db_table} "
        "WHERE organisation_id = %s AND team = %s AND figure IN (%s, %s, %s) AND scope = %s "
        f"AND start BETWEEN %s AND %s{age_filter} "
        "GROUP BY figure, start - start %% 3, band, single, distance"
    )
    params = [organisation_id, team, RATED, RECORDED, REVIEWED, headline, *months]
    with connection.cursor() as cursor:
        cursor.execute(sql, params + ([age] if age else []))
        return [
            {
                "figure": figure,
                "month": quarter,
                "band": band,
                "single": single,
                "distance": distance,
                "n": Count(n, keys),
            }
            for figure, quarter, band, single, distance, n, keys in cursor.fetchall()
        ]


def counted_trend(
    counts: Counter, *, age: str = "", headline: str = "", months: tuple[int, int]
) -> list[dict]:
    """The same as ``stored_trend``, from tallies counted in memory (by month)."""
    sums: dict = defaultdict(Count)
    for key, n in counts.items():
        _, _, figure, scope, band_of_age, month, _, band, single, distance, _, _ = key
        if (
            band_of_age == ALL_AGES
            or scope != headline
            or figure not in (RATED, RECORDED, REVIEWED)
            or not months[0] <= month <= months[1]
            or (age and band_of_age != age)
        ):
            continue
        sums[figure, month, band, single, distance] += n
    return [
        {
            "figure": figure,
            "month": month,
            "band": band,
            "single": single,
            "distance": distance,
            "n": n,
        }
        for (figure, month, band, single, distance), n in sums.items()
    ]


@functools.lru_cache(maxsize=4096)
def identity_of(scope: str) -> uuid.UUID:
    return uuid.UUID(scope.partition(":")[2])
