"""Report figures kept up to date as records are written.

Counting every outcome and review of a national organisation on each request
takes seconds, so reports add up *tallies* instead: counts of the outcomes or
reviews that share everything a report asks about them (which figure, which
framework or framework outcome, the person's age band, the month, the band of
the latest rating, the quality criteria met, the theme). Every write to an
outcome or a review changes the tallies in its own transaction: what the
outcome added before the change is taken away and what it adds after it is
added (``kept_up_to_date``).

What one outcome and its reviews add (``contributions``) is written once, here,
and used three ways: to keep the stored tallies up to date, to count them all
again (``rebuild``), and to count a small set of records in memory to the day
(a team's custom dates, one team of an organisation report). The figures are
then read from either (``stored_rows``, ``counted_rows``) by ``rollup_from``.

Tallies of the whole organisation (``team`` 0) hold the age band of the person
and one scope per framework and per framework outcome the outcome is linked
to, for the organisation report's filters; tallies of a team hold what its
dashboard and the report's team-by-framework-outcome table need.
"""

import datetime
import functools
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from records.models import CaseloadEntry, Outcome, OutcomeStatus, Person, Review
from records.progress import current_reviews_query
from records.quality import OUTCOME_CRITERIA, REVIEW_CRITERIA

from .models import (
    KEY,
    OPEN,
    TALLY_MODELS,
    Tally,
    TallyAges,
    TeamOutcomeTally,
    TeamTally,
    tally_model,
)

MATTERED, RATED, RECORDED, REVIEWED, HELPED, HINDERED = (
    "mattered",
    "rated",
    "recorded",
    "reviewed",
    "helped",
    "hindered",
)
AGE_BANDS = [
    ("under_18", "Under 18", 0, 17),
    ("18_64", "18 to 64", 18, 64),
    ("65_74", "65 to 74", 65, 74),
    ("75_84", "75 to 84", 75, 84),
    ("85_plus", "85 and over", 85, 150),
    ("unknown", "Not recorded", None, None),
]
Through = Outcome.framework_outcomes.through
ThemeLinks = ((HELPED, Review.helped_themes.through), (HINDERED, Review.hindered_themes.through))


def month_of(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def day_of(day: datetime.date) -> int:
    return day.toordinal()


def age_band(born: datetime.date | None, on: datetime.date) -> str:
    if born is None:
        return "unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(key for key, _, _, oldest in AGE_BANDS if oldest is None or age <= oldest)


# What one outcome and its reviews add


@dataclass(frozen=True)
class OutcomeFacts:
    id: int
    person_id: int
    born: datetime.date | None
    started_on: datetime.date
    ended_on: datetime.date | None  # None while active
    rated_on: datetime.date | None
    band: str
    single: bool
    distance: int
    flags: int  # bit i: OUTCOME_CRITERIA[i] met
    links: tuple  # ((framework outcome identity, category id, framework lineage), ...)


@dataclass(frozen=True)
class ReviewFacts:
    outcome_id: int
    reviewed_on: datetime.date
    flags: int  # bit i: REVIEW_CRITERIA[i] met
    helped: tuple
    hindered: tuple


def _flags(values: Iterable[bool]) -> int:
    return sum(1 << i for i, met in enumerate(values) if met)


def contributions(
    outcomes: Iterable[OutcomeFacts],
    reviews: Iterable[ReviewFacts],
    units: dict,
    as_of: datetime.date,
    period_of: Callable = month_of,
) -> Counter:
    """What the outcomes and their current reviews add to each tally.

    ``units`` gives each person's (organisation id, team id) pairs: team 0 for
    the whole organisation. Keys follow ``reports.models.KEY``.
    """
    counts: Counter = Counter()
    by_id = {}
    for o in outcomes:
        by_id[o.id] = o
        age = age_band(o.born, as_of)
        start = period_of(o.started_on)
        until = OPEN if o.ended_on is None else period_of(o.ended_on)
        identities = {f"outcome:{i}" for i, _, _ in o.links}
        categories = {f"category:{c}" for _, c, _ in o.links}
        frameworks = {f"framework:{f}" for _, _, f in o.links}
        for org, team in units.get(o.person_id, ()):
            whole = team == 0
            everywhere = ("", *frameworks, *identities) if whole else ("",)
            banded = age if whole else ""
            for scope in (*identities, *categories):
                counts[org, team, MATTERED, scope, age, start, until, "", False, 0, 0, 0] += 1
            if o.rated_on is not None:
                rated = period_of(o.rated_on)
                for scope in everywhere if whole else ("", *identities):
                    key = (org, team, RATED, scope, banded, rated, OPEN, o.band, o.single)
                    counts[*key, o.distance, 0, 0] += 1
            for scope in everywhere:
                counts[
                    org, team, RECORDED, scope, banded, start, OPEN, "", False, 0, o.flags, 0
                ] += 1
    for r in reviews:
        o = by_id[r.outcome_id]
        age = age_band(o.born, as_of)
        day = period_of(r.reviewed_on)
        frameworks = {f"framework:{f}" for _, _, f in o.links}
        identities = {f"outcome:{i}" for i, _, _ in o.links}
        for org, team in units.get(o.person_id, ()):
            whole = team == 0
            banded = age if whole else ""
            for scope in ("", *frameworks, *identities) if whole else ("",):
                common = (org, team)
                counts[*common, REVIEWED, scope, banded, day, OPEN, "", False, 0, r.flags, 0] += 1
                for figure, themes in ((HELPED, r.helped), (HINDERED, r.hindered)):
                    for theme in themes:
                        counts[
                            *common, figure, scope, banded, day, OPEN, "", False, 0, 0, theme
                        ] += 1
    return counts


def facts(
    outcomes: QuerySet[Outcome], reviewed: tuple | None = None
) -> tuple[list[OutcomeFacts], list[ReviewFacts]]:
    """The facts of the outcomes and of their current reviews (dated in ``reviewed``,
    if given), in three queries."""
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
    outcome_facts = [
        OutcomeFacts(
            id=pk,
            person_id=person_id,
            born=born,
            started_on=started_on,
            ended_on=None if status == OutcomeStatus.ACTIVE else changed_on,
            rated_on=rated_on,
            band=band,
            single=count == 1,
            distance=(latest or 0) - (first or 0),
            flags=_flags(met),
            links=tuple(links[pk]),
        )
        for (
            pk,
            person_id,
            born,
            started_on,
            status,
            changed_on,
            rated_on,
            band,
            first,
            latest,
            count,
            *met,
        ) in outcomes.values_list(
            "pk",
            "person_id",
            "person__date_of_birth",
            "started_on",
            "status",
            "status_changed_on",
            "latest_rated_on",
            "latest_band",
            "first_score",
            "latest_score",
            "rating_count",
            *(f"meets_{c}" for c in OUTCOME_CRITERIA),
        ).order_by()
    ]
    reviews = current_reviews_query(Review.objects.filter(outcome__in=outcomes))
    if reviewed is not None:
        reviews = reviews.filter(reviewed_on__range=reviewed)
    # The reviews with their theme tags joined on: a row per pair of tags, so
    # the tags are gathered by review (most reviews have one or two).
    review_rows: dict = {}
    for pk, outcome_id, reviewed_on, helped, hindered, *met in reviews.values_list(
        "pk",
        "outcome_id",
        "reviewed_on",
        "helped_themes",
        "hindered_themes",
        *(f"meets_{c}" for c in REVIEW_CRITERIA),
    ).order_by():
        row = review_rows.get(pk)
        if row is None:
            row = review_rows[pk] = (outcome_id, reviewed_on, _flags(met), set(), set())
        if helped is not None:
            row[3].add(helped)
        if hindered is not None:
            row[4].add(hindered)
    review_facts = [
        ReviewFacts(
            outcome_id=outcome_id,
            reviewed_on=reviewed_on,
            flags=flags,
            helped=tuple(sorted(helped)),
            hindered=tuple(sorted(hindered)),
        )
        for outcome_id, reviewed_on, flags, helped, hindered in review_rows.values()
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


def _contributions_of(outcomes: QuerySet[Outcome], as_of: datetime.date) -> Counter:
    return contributions(*facts(outcomes), people_units(outcomes.values("person_id")), as_of)


# Keeping the stored tallies up to date


def _ages_on() -> datetime.date:
    """The day the stored age bands are worked out on; a report's age refresh waits for us."""
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT as_of FROM {TallyAges._meta.db_table}{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row:
        return row[0] if isinstance(row[0], datetime.date) else datetime.date.fromisoformat(row[0])
    return TallyAges.objects.create(as_of=timezone.localdate()).as_of


def _apply(change: Counter) -> None:
    """Add each count to its tally (creating or emptying tallies as needed)."""
    by_model = defaultdict(list)
    for key, n in sorted(change.items()):  # one order: no deadlocks
        if n:
            by_model[tally_model(key[1], key[2], key[3])].append((key, n))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in (*KEY, "n"))
    key_columns = ", ".join(quote(c) for c in KEY)
    for model, rows in by_model.items():
        table = quote(model._meta.db_table)
        emptied = []
        with connection.cursor() as cursor:
            for i in range(0, len(rows), 500):
                batch = rows[i : i + 500]
                values = ", ".join(["(" + ", ".join(["%s"] * (len(KEY) + 1)) + ")"] * len(batch))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
                    f"ON CONFLICT ({key_columns}) DO UPDATE SET n = {table}.n + EXCLUDED.n "
                    "RETURNING id, n",
                    [value for k, n in batch for value in (*k, n)],
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
    as_of = _ages_on()
    before = _contributions_of(outcomes, as_of)
    yield
    _apply(_difference(_contributions_of(outcomes, as_of), before))


def outcome_added(outcome: Outcome) -> None:
    """Count a newly recorded outcome."""
    _apply(_contributions_of(Outcome.objects.filter(pk=outcome.pk), _ages_on()))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@transaction.atomic
def ages_brought_up_to_date(today: datetime.date | None = None) -> int:
    """Move the people who have had a birthday into another age band since the tallies'
    day. Returns how many people moved."""
    today = today or timezone.localdate()
    state = TallyAges.objects.select_for_update().first()
    if state is None:
        TallyAges.objects.create(as_of=today)
        return 0
    if state.as_of >= today:
        return 0
    near_a_boundary = Q()
    for _, _, youngest, _ in AGE_BANDS:
        if youngest:
            near_a_boundary |= Q(
                date_of_birth__gte=_years_before(state.as_of, youngest) - datetime.timedelta(1),
                date_of_birth__lte=_years_before(today, youngest) + datetime.timedelta(1),
            )
    moved = [
        pk
        for pk, born in Person.objects.filter(near_a_boundary).values_list("pk", "date_of_birth")
        if age_band(born, state.as_of) != age_band(born, today)
    ]
    outcomes = Outcome.objects.filter(person_id__in=moved)
    if moved:
        old = _contributions_of(outcomes, state.as_of)
        _apply(_difference(_contributions_of(outcomes, today), old))
    state.as_of = today
    state.save(update_fields=["as_of"])
    return len(moved)


@transaction.atomic
def rebuild(today: datetime.date | None = None) -> int:
    """Count every tally again from the records (after a bulk load, or to repair).

    On PostgreSQL in one statement; elsewhere through ``contributions``, which
    the tests check the statement against. Returns the number of tallies.
    """
    today = today or timezone.localdate()
    for model in TALLY_MODELS:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {model._meta.db_table}")
        else:
            model.objects.all().delete()
    TallyAges.objects.all().delete()
    TallyAges.objects.create(as_of=today)
    if connection.vendor == "postgresql":
        return _rebuild_in_database(today)
    return rebuild_in_python(today)


def rebuild_in_python(today: datetime.date, batch: int = 5000) -> int:
    counts: Counter = Counter()
    bounds = Outcome.objects.order_by("pk").values_list("pk", flat=True)
    first, last = bounds.first(), bounds.last()
    if first is not None:
        for low in range(first, last + 1, batch):
            outcomes = Outcome.objects.filter(pk__gte=low, pk__lt=low + batch)
            counts.update(_contributions_of(outcomes, today))
    by_model = defaultdict(list)
    for key, n in counts.items():
        if n:
            model = tally_model(key[1], key[2], key[3])
            by_model[model].append(model(**dict(zip(KEY, key, strict=True)), n=n))
    for model, tallies in by_model.items():
        model.objects.bulk_create(tallies, batch_size=2000)
    return len(counts)


WORK_TABLES = (
    "tally_unit",
    "tally_fact",
    "tally_scope_name",
    "tally_scope",
    "tally_review",
    "tally_tag",
    "tally_member",
    "tally_profile_scope",
    "tally_count",
)


def _rebuild_in_database(today: datetime.date) -> int:
    prepare, selects, writes, constraints = _rebuild_statements(today)
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


def _rebuild_statements(today: datetime.date) -> tuple[list, list, list, list]:
    """The rules of ``contributions`` as SQL (PostgreSQL).

    The facts of outcomes, reviews and people's units go into work tables
    (unlogged, so that parallel workers can read them; dropped at the end),
    with framework, framework outcome and category scopes as small numbers.
    For the organisation's tallies, outcomes that share an organisation, an age
    band and a set of scopes share a *profile*: reviews and outcomes are counted
    by profile first (a join on one number), then spread over the profile's
    scopes. Every tally is then written with its names, a team's together (so a
    dashboard reads few pages), and the tables' unique indexes are built once,
    at the end.
    """
    team_table = CaseloadEntry._meta.get_field("team").related_model._meta.db_table
    fo_model = Through._meta.get_field("frameworkoutcome").related_model
    category_model = fo_model._meta.get_field("category").related_model
    framework_model = category_model._meta.get_field("framework").related_model
    review_table = Review._meta.db_table
    outcome_table = Outcome._meta.db_table

    def month(column: str) -> str:
        return f"(EXTRACT(YEAR FROM {column})::int * 12 + EXTRACT(MONTH FROM {column})::int - 1)"

    def flags(alias: str, criteria) -> str:
        return " + ".join(f"({alias}.meets_{c}::int << {i})" for i, c in enumerate(criteria))

    codes = {key: i for i, (key, *_) in enumerate(AGE_BANDS)}
    unknown = codes["unknown"]
    ages = " ".join(
        f"WHEN p.date_of_birth > '{_years_before(today, oldest + 1)}'::date THEN {codes[key]}"
        for key, _, _, oldest in AGE_BANDS
        if oldest is not None
    )
    age_names = ", ".join(f"({i}, '{key}')" for key, i in codes.items())
    figures = [MATTERED, RATED, RECORDED, REVIEWED, HELPED, HINDERED]
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
        f"""CREATE UNLOGGED TABLE tally_unit AS
            SELECT DISTINCT ce.person_id, t.organisation_id, 0 AS team
            FROM {CaseloadEntry._meta.db_table} ce JOIN {team_table} t ON t.id = ce.team_id
            UNION ALL
            SELECT ce.person_id, t.organisation_id, ce.team_id
            FROM {CaseloadEntry._meta.db_table} ce JOIN {team_table} t ON t.id = ce.team_id""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_fact AS
            SELECT o.id, o.person_id,
                CASE WHEN p.date_of_birth IS NULL THEN {unknown} {ages} ELSE {unknown} END AS age,
                {month("o.started_on")} AS start,
                CASE WHEN o.status = '{OutcomeStatus.ACTIVE}' THEN {OPEN}
                    ELSE {month("o.status_changed_on")} END AS until,
                {month("o.latest_rated_on")} AS rated, o.latest_band AS band,
                o.rating_count = 1 AS single,
                COALESCE(o.latest_score, 0) - COALESCE(o.first_score, 0) AS distance,
                {flags("o", OUTCOME_CRITERIA)} AS flags
            FROM {outcome_table} o JOIN {Person._meta.db_table} p ON p.id = o.person_id""",  # noqa: S608
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
        f"""CREATE UNLOGGED TABLE tally_review AS
            SELECT r.outcome_id, o.person_id, {month("r.reviewed_on")} AS start,
                {flags("r", REVIEW_CRITERIA)} AS flags, r.id
            FROM {review_table} r JOIN {outcome_table} o ON o.id = r.outcome_id
            WHERE NOT EXISTS (SELECT 1 FROM {review_table} a WHERE a.amends_id = r.id)""",  # noqa: S608
        f"""CREATE UNLOGGED TABLE tally_tag AS
            SELECT r.outcome_id, r.person_id, r.start, t.theme_id, t.figure
            FROM ({themes}) AS t JOIN tally_review r ON r.id = t.review_id""",  # noqa: S608
        """CREATE UNLOGGED TABLE tally_member AS
            WITH scopes AS (
                SELECT outcome_id, array_agg(no ORDER BY no) AS nos
                FROM tally_scope WHERE kind <> 0 GROUP BY outcome_id
            ), member AS (
                SELECT x.id AS outcome_id, u.organisation_id, x.age,
                    COALESCE(s.nos, '{}') AS nos
                FROM tally_fact x
                JOIN tally_unit u ON u.person_id = x.person_id AND u.team = 0
                LEFT JOIN scopes s ON s.outcome_id = x.id
            )
            SELECT outcome_id, organisation_id, age, nos,
                dense_rank() OVER (ORDER BY organisation_id, age, nos) AS profile
            FROM member""",
        f"""CREATE UNLOGGED TABLE tally_profile_scope AS
            WITH profiles AS (SELECT DISTINCT profile, organisation_id, age, nos FROM tally_member)
            SELECT p.profile, p.organisation_id, p.age, n.no, n.kind
            FROM profiles p CROSS JOIN LATERAL unnest(p.nos) AS u (no)
            JOIN tally_scope_name n ON n.no = u.no
            UNION ALL
            SELECT profile, organisation_id, age, {everything}, 0 FROM profiles""",  # noqa: S608
        *(
            f"ANALYZE {table}"
            for table in WORK_TABLES
            if table not in ("tally_count", "tally_scope_name")
        ),
    ]
    wide = "(0, 1, 2)"

    def by_profile(figure: str, kinds: str, counted: str, keys: str, columns: str) -> str:
        """An organisation tally: counted by profile, then spread over its scopes."""
        return f"""SELECT s.organisation_id, 0, {columns.replace("FIGURE", "g.figure")}, sum(g.n)
            FROM ({counted}) AS g
            JOIN tally_profile_scope s ON s.profile = g.profile AND s.kind IN {kinds}
            GROUP BY s.organisation_id, s.no, s.age, {keys}"""  # noqa: S608

    selects = [
        # Organisation tallies: outcomes, then reviews and theme tags.
        f"""SELECT s.organisation_id, 0 AS team, {code_of[MATTERED]} AS figure, s.no,
                s.age AS age, g.start AS start, g.until AS until, '' AS band, false AS single,
                0 AS distance, 0 AS flags, 0 AS theme, sum(g.n) AS n
            FROM (
                SELECT m.profile, x.start, x.until, count(*) AS n
                FROM tally_member m JOIN tally_fact x ON x.id = m.outcome_id GROUP BY 1, 2, 3
            ) AS g
            JOIN tally_profile_scope s ON s.profile = g.profile AND s.kind IN (2, 3)
            GROUP BY s.organisation_id, s.no, s.age, g.start, g.until""",  # noqa: S608
        by_profile(
            RATED,
            wide,
            """SELECT m.profile, x.rated, x.band, x.single, x.distance, count(*) AS n
            FROM tally_member m JOIN tally_fact x ON x.id = m.outcome_id
            WHERE x.rated IS NOT NULL GROUP BY 1, 2, 3, 4, 5""",
            "g.rated, g.band, g.single, g.distance",
            f"{code_of[RATED]}, s.no, s.age, g.rated, {OPEN}, g.band, g.single, g.distance, 0, 0",
        ),
        by_profile(
            RECORDED,
            wide,
            """SELECT m.profile, x.start, x.flags, count(*) AS n
            FROM tally_member m JOIN tally_fact x ON x.id = m.outcome_id GROUP BY 1, 2, 3""",
            "g.start, g.flags",
            f"{code_of[RECORDED]}, s.no, s.age, g.start, {OPEN}, '', false, 0, g.flags, 0",
        ),
        by_profile(
            REVIEWED,
            wide,
            """SELECT m.profile, r.start, r.flags, count(*) AS n
            FROM tally_review r JOIN tally_member m ON m.outcome_id = r.outcome_id
            GROUP BY 1, 2, 3""",
            "g.start, g.flags",
            f"{code_of[REVIEWED]}, s.no, s.age, g.start, {OPEN}, '', false, 0, g.flags, 0",
        ),
        by_profile(
            HELPED,
            wide,
            """SELECT m.profile, t.start, t.figure, t.theme_id, count(*) AS n
            FROM tally_tag t JOIN tally_member m ON m.outcome_id = t.outcome_id
            GROUP BY 1, 2, 3, 4""",
            "g.start, g.figure, g.theme_id",
            f"FIGURE, s.no, s.age, g.start, {OPEN}, '', false, 0, 0, g.theme_id",
        ),
        # Team tallies.
        f"""SELECT u.organisation_id, u.team, {code_of[MATTERED]}, s.no, x.age, x.start,
                x.until, '', false, 0, 0, 0, count(*)
            FROM tally_fact x JOIN tally_unit u ON u.person_id = x.person_id AND u.team <> 0
            JOIN tally_scope s ON s.outcome_id = x.id AND s.kind IN (2, 3)
            GROUP BY 1, 2, 4, 5, 6, 7""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, {code_of[RATED]}, s.no, -1, x.rated, {OPEN},
                x.band, x.single, x.distance, 0, 0, count(*)
            FROM tally_fact x JOIN tally_unit u ON u.person_id = x.person_id AND u.team <> 0
            JOIN tally_scope s ON s.outcome_id = x.id AND s.kind IN (0, 2)
            WHERE x.rated IS NOT NULL
            GROUP BY 1, 2, 4, 6, 8, 9, 10""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, {code_of[RECORDED]}, {everything}, -1, x.start,
                {OPEN}, '', false, 0, x.flags, 0, count(*)
            FROM tally_fact x JOIN tally_unit u ON u.person_id = x.person_id AND u.team <> 0
            GROUP BY 1, 2, 6, 11""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, {code_of[REVIEWED]}, {everything}, -1, r.start,
                {OPEN}, '', false, 0, r.flags, 0, count(*)
            FROM tally_review r JOIN tally_unit u ON u.person_id = r.person_id AND u.team <> 0
            GROUP BY 1, 2, 6, 11""",  # noqa: S608
        f"""SELECT u.organisation_id, u.team, t.figure, {everything}, -1, t.start, {OPEN},
                '', false, 0, 0, t.theme_id, count(*)
            FROM tally_tag t JOIN tally_unit u ON u.person_id = t.person_id AND u.team <> 0
            GROUP BY 1, 2, 3, 6, 12""",  # noqa: S608
    ]
    outcome_scope = "s.scope LIKE 'outcome:%'"
    routes = {
        Tally: "c.team = 0",
        TeamTally: f"c.team <> 0 AND NOT (f.name = '{MATTERED}' AND {outcome_scope})",
        TeamOutcomeTally: f"c.team <> 0 AND f.name = '{MATTERED}' AND {outcome_scope}",
    }
    writes = [
        f"""INSERT INTO {model._meta.db_table} ({", ".join(KEY)}, n)
        SELECT c.organisation_id, c.team, f.name, s.scope, COALESCE(a.name, ''), c.start,
            c.until, c.band, c.single, c.distance, c.flags, c.theme, c.n
        FROM tally_count c
        JOIN (VALUES {figure_names}) AS f (code, name) ON f.code = c.figure
        JOIN tally_scope_name s ON s.no = c.no
        LEFT JOIN (VALUES {age_names}) AS a (code, name) ON a.code = c.age
        WHERE {route}
        ORDER BY c.organisation_id, c.team"""  # noqa: S608
        for model, route in routes.items()
    ]
    constraints = [
        f"ALTER TABLE {m._meta.db_table} ADD CONSTRAINT {m._meta.constraints[0].name} "
        f"UNIQUE ({', '.join(KEY)})"
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

    Written as one SQL statement rather than through the ORM: it is the team
    dashboard's main read, and building the ORM's union of two aggregates took
    longer than the database took to answer it.
    """
    (start, end), (before, before_end) = window.current, window.previous
    columns = ", ".join(ROW_NAMES)
    age_filter = " AND age_band = %s" if age else ""

    def added_up(model) -> tuple[str, list]:
        # Only column and table names are put into the text; values are parameters.
        sql = (
            f"SELECT {columns}, "  # noqa: S608
            "SUM(CASE WHEN start >= %s THEN n ELSE 0 END), "
            "SUM(CASE WHEN start BETWEEN %s AND %s THEN n ELSE 0 END), "
            "SUM(CASE WHEN until >= %s THEN n ELSE 0 END) "
            f"FROM {model._meta.db_table} "
            f"WHERE organisation_id = %s AND team = %s AND start <= %s{age_filter} "
            "AND (scope = %s OR figure = %s OR (figure = %s AND scope LIKE %s)) "
            f"GROUP BY {columns}"
        )
        params = [start, before, before_end, start, organisation_id, team, end]
        params += [age] if age else []
        return sql, [*params, headline, MATTERED, RATED, "outcome:%"]

    parts = [added_up(Tally)] if team == 0 else [added_up(TeamTally), added_up(TeamOutcomeTally)]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps]
        )
        names = ROW_NAMES + SUMS
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def counted_rows(
    counts: Counter, *, age: str = "", headline: str = "", window: Window
) -> list[dict]:
    """The same as ``stored_rows``, from tallies counted in memory."""
    (start, end), (before, before_end) = window.current, window.previous
    sums: dict = defaultdict(lambda: [0, 0, 0])
    for key, n in counts.items():
        _, _, figure, scope, band_of_age, first, until, band, single, distance, flags, theme = key
        if first > end or (age and band_of_age != age) or not _wanted(figure, scope, headline):
            continue
        total = sums[figure, scope, band, single, distance, flags, theme]
        total[0] += n if first >= start else 0
        total[1] += n if before <= first <= before_end else 0
        total[2] += n if until >= start else 0
    return [
        {**dict(zip(ROW_NAMES, key, strict=True)), "current": c, "previous": p, "active": a}
        for key, (c, p, a) in sums.items()
    ]


def stored_team_grid(
    *, organisation_id: int, age: str = "", window: Window
) -> dict[tuple[int, str], int]:
    """Outcomes that mattered in the period, by team and framework outcome identity (as text)."""
    start, end = window.current
    tallies = TeamOutcomeTally.objects.filter(
        organisation_id=organisation_id,
        figure=MATTERED,
        scope__startswith="outcome:",
        start__lte=end,
        until__gte=start,
    )
    if age:
        tallies = tallies.filter(age_band=age)
    return {
        (team, scope.partition(":")[2]): n
        for team, scope, n in tallies.values_list("team", "scope").annotate(n=Sum("n")).order_by()
    }


@functools.lru_cache(maxsize=4096)
def identity_of(scope: str) -> uuid.UUID:
    return uuid.UUID(scope.partition(":")[2])
