"""Synthetic records of national size, for measuring reports (``manage.py seed_demo``).

One organisation with a team for every 150 people (2,000 teams at 300,000
people), each person on one team's caseload (a few on two), about five
outcomes each rated three to four times on average over the three years
ending ``today``; with narrative, what helped and what hindered, themes,
framework outcome links, dates of birth, next review dates (some overdue),
people with no outcome, closed records and a few corrected (amended) reviews.
All the wording is fictional and comes from the fixed lists below.

Every value comes from one ``random.Random(seed)``, and identifiers are
allocated here, after the highest one in each table, so the same number of
people, seed and ``today`` give the same rows in an empty database.

The stored progress of each outcome (first and latest rating, band, number of
ratings) is computed while its reviews are made, by the rules of
``records.progress``; the recording-quality columns come from
``records.quality``, called once per combination of the fixed wording. No
service is called: one per review would take hours at this size. Seeding is
not a user action, so it writes no audit event.

On PostgreSQL the rows go in with ``COPY``, a block of people at a time; a
second thread makes the next block while the database takes in this one.
Elsewhere they go in with ``executemany``. It all happens in one transaction.
"""

import bisect
import datetime
import io
import itertools
import json
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accounts.models import Membership, Organisation, Role, Team, User
from frameworks.defaults import DEFAULT_FRAMEWORKS
from frameworks.models import Framework, FrameworkOutcome, ScalePoint
from frameworks.services import defaults_load
from records.models import (
    Action,
    CaseloadEntry,
    EngagementChannel,
    Outcome,
    OutcomeStatus,
    Person,
    Review,
)
from records.quality import (
    OUTCOME_CRITERIA,
    REVIEW_CRITERIA,
    criteria_met,
    outcome_prompts,
    review_prompts,
)
from reports import tallies
from reports.models import (
    KEY,
    OPEN,
    OrganisationTally,
    Tally,
    TeamOutcomeSpan,
    TeamOutcomeTally,
    TeamTally,
)
from themes.models import Theme

# The report tallies seed_demo counts at the end (reports.tallies.rebuild).
TALLY_TABLES = {
    "report_tallies": Tally,
    "organisation_tallies": OrganisationTally,
    "team_tallies": TeamTally,
    "team_outcome_tallies": TeamOutcomeTally,
    "team_outcome_spans": TeamOutcomeSpan,
}

ORGANISATION_NAME = "Seeded Partnership"
PEOPLE_PER_TEAM = 150
YEARS = 3
BLOCK = 10_000  # people per block of rows
SECOND_TEAM = 0.03  # share of people also on a second team's caseload
CLOSED = 0.08  # share of closed records
NO_DATE_OF_BIRTH = 0.03
AMENDED = 0.03  # share of reviews corrected by an amendment
AMENDED_AGAIN = 0.1  # share of amendments corrected once more
OUT_OF_ORDER = 0.05  # share of outcomes with a review entered after a later-dated one
SAME_DAY = 0.02  # share of reviews on the same day as the one before
CADENCES = (61, 91, 122)  # days between reviews

# Weights of each count (the list index): about 5 outcomes per person on
# average (5% have none); reviews planned per outcome, of which about 3.4 on
# average fit in before the end (see _outcome); one action per outcome.
OUTCOMES_PER_PERSON = (5, 3, 6, 10, 14, 16, 15, 12, 9, 6, 4)
RATINGS_PER_OUTCOME = (1, 2, 4, 6, 9, 12, 14, 14, 13, 11, 8, 6)
ACTIONS_PER_OUTCOME = (25, 45, 30)
# Ages (youngest, oldest, weight) for dates of birth.
AGES = ((16, 17, 2), (18, 64, 36), (65, 74, 21), (75, 84, 25), (85, 99, 16))

# Fixed, fictional, plain wording. None of it holds a tab, newline or
# backslash, so rows are written as COPY text without escaping (checked in
# _check_wording).
FIRST_NAMES = (
    "Agnes", "Alan", "Alison", "Andrew", "Ann", "Archie", "Ayesha", "Brian", "Catherine",
    "Colin", "David", "Donald", "Eileen", "Elizabeth", "Fiona", "Frances", "George", "Grace",
    "Hamish", "Helen", "Iain", "Isla", "James", "Janet", "Jean", "John", "Kenneth", "Leah",
    "Margaret", "Mary", "Mohammed", "Morag", "Neil", "Patricia", "Peter", "Priya", "Robert",
    "Rose", "Ruth", "Sandra", "Stuart", "Thomas", "William", "Zofia",
)  # fmt: skip
SURNAMES = (
    "Anderson", "Baird", "Brown", "Campbell", "Clark", "Craig", "Duncan", "Ferguson",
    "Fraser", "Gibson", "Graham", "Grant", "Hamilton", "Henderson", "Hughes", "Hussain",
    "Johnston", "Kaur", "Kerr", "MacDonald", "MacKenzie", "Martin", "McLean", "Miller",
    "Mitchell", "Morrison", "Murray", "Paterson", "Reid", "Robertson", "Ross", "Scott",
    "Sinclair", "Smith", "Stewart", "Taylor", "Thomson", "Walker", "Watson", "Wilson",
    "Young",
)  # fmt: skip
CHANNELS = (
    ((EngagementChannel.VERBAL,), 70),
    ((EngagementChannel.VERBAL, EngagementChannel.FAMILY_PROXY), 12),
    ((EngagementChannel.NON_VERBAL, EngagementChannel.FAMILY_PROXY), 6),
    ((EngagementChannel.LIFE_STORY, EngagementChannel.FAMILY_PROXY), 4),
    ((), 8),
)
CLOSED_REASONS = (
    "Moved to another area.",
    "Support is no longer needed.",
    "Moved into a care home.",
    "Chose to stop support.",
    "Passed away peacefully at home.",
)
THEMES = (
    ("Family support", "Family and close friends, helping or getting in the way."),
    ("Friends and neighbours", "People nearby who look in, give lifts or keep company."),
    ("Knowing the staff", "Seeing the same support workers, who know the person well."),
    ("Equipment and adaptations", "Rails, ramps, alarms and other aids in the home."),
    ("Transport", "Buses, lifts and getting from place to place."),
    ("Community groups", "Clubs, churches, lunch clubs and groups in the area."),
    ("Health", "Changes in health, pain, falls or hospital stays."),
    ("Confidence", "How sure the person feels about doing things."),
    ("Money", "Having enough money, and worries about it."),
    ("Housing", "The home itself: stairs, repairs, moving house."),
    ("Weather and seasons", "Dark nights, cold spells and icy pavements."),
    ("Waiting for services", "Waiting for an assessment, a referral or equipment."),
)
# (index in THEMES, weight) for what helped and for what hindered.
HELPED_THEMES = ((0, 30), (1, 18), (2, 22), (3, 12), (4, 6), (5, 15), (7, 14), (6, 4))
HINDERED_THEMES = ((6, 30), (4, 16), (10, 14), (11, 18), (8, 10), (9, 8), (7, 6), (2, 5))

# (what matters, in the person's own words). The last few read like services
# or are too short, as some real records do, so quality figures are not all 100%.
WHAT_MATTERS = (
    ("I want to get out to the shops on my own again", True),
    ("I want to see my grandchildren more often", True),
    ("I'd like to feel safe in my own home at night", True),
    ("I want to keep my garden tidy and grow my own tomatoes", True),
    ("I want to get back to the bowling club on Thursdays", True),
    ("I'd like to cook my own meals again", True),
    ("I want to manage my money without worrying about it", True),
    ("I want to be able to have a bath when I choose", True),
    ("I want to sleep through the night and wake up rested", True),
    ("I'd like to go to church on Sunday mornings", True),
    ("I want to stay living in my own flat", True),
    ("I want to feel less lonely in the evenings", True),
    ("I want to walk to the park with my dog", True),
    ("I'd like to find some paid work, a few hours a week", True),
    ("I want to use the bus into town again", True),
    ("I want to keep in touch with my sister in Inverness", True),
    ("I want to look after my husband at home for as long as I can", True),
    ("I need a break now and then so I can keep caring", True),
    ("I want my pain under control so I can enjoy my days", True),
    ("I'd like to go swimming again like I used to", True),
    ("I want to get up and down the stairs safely", True),
    ("I want a say in who comes into my home and when", True),
    ('"Just to be able to sit out in the sun with a cup of tea"', True),
    ("We want to keep doing things together as a family", True),
    ("She wants to stay connected to her friends at the lunch club", False),
    ("He would like to feel more confident going out", False),
    ("To stay at home with the right support around him", False),
    ("To enjoy music and the company of people she knows", False),
    ("Attend day centre twice a week", False),
    ("Receive 4 visits a day from home care", False),
    ("Referral to occupational therapy", False),
    ("Getting out more", True),
)
WHY_IT_MATTERS = (
    "It keeps me connected to people.",
    "It's what I've always done.",
    "I feel like myself when I'm doing it.",
    "My family matter more than anything to me.",
    "I don't want to move into a home.",
    "It gives me a reason to get up in the morning.",
    "Being independent is important to her.",
    "He has always been proud of looking after himself.",
    "It's the one thing that helps me relax.",
    "I worry less when I know it's sorted.",
)
CONTRIBUTIONS = (
    "I'll practise the walk with my daughter at weekends.",
    "My son will help me write the shopping list.",
    "I'll phone the club to let them know I'm coming.",
    "I'll keep a note of how I sleep for the nurse.",
    "My neighbour has offered to go with me the first few times.",
    "She will choose the music and set up the radio herself.",
    "His brother will sort out the bus pass.",
    "We'll look at the bills together every Friday.",
)
# (what will happen, who, when)
ACTIONS = (
    ("Practise the walk to the shop, with a rest on the bench", "Support worker", "Weekly"),
    ("Look into the Thursday lunch club and arrange a first visit", "Key worker", "This month"),
    ("Ask the occupational therapist about a grab rail", "Key worker", "Within two weeks"),
    ("Set up a regular phone call with family", "The person and their son", "Every Sunday"),
    ("Check benefits with the welfare rights service", "Key worker", "This month"),
    ("Plan a short break for the carer", "Carer support worker", "Before the summer"),
    ("Try the community bus together", "Support worker", "Next fortnight"),
    ("Review pain relief with the GP", "District nurse", "At the next visit"),
)
NARRATIVES = (
    "Managed the walk to the corner shop with a rest on the bench.",
    '"I feel much more like myself now," she said.',
    "I've been out twice this month and really enjoyed it.",
    "Some good weeks and some harder ones.",
    "Still finding the evenings long, but phoning my sister helps.",
    "He has been to the club three times and wants to keep going.",
    "Things have been difficult since the fall in the spring.",
    "\"I wasn't sure at first but I'm glad I tried,\" he told us.",
    "We talked it through and she feels it is going well.",
    "My daughter says I'm more cheerful these days.",
    "Not much change since the last review.",
    "She has been managing her own shopping most weeks.",
    "I'm sleeping better and I've more energy in the day.",
    "The new routine is working well for the whole family.",
    "He says the bath seat has made a big difference.",
    "It's been a struggle with the weather but we're getting there.",
)
HELPED = (
    "Her daughter visiting on Saturdays.",
    "A regular support worker she knows and trusts.",
    "The new grab rail in the bathroom.",
    "Lifts from a neighbour.",
    "Taking it at his own pace.",
    "The lunch club phoning to check she was coming.",
    "A quieter time of day for visits.",
    "The community alarm being fitted.",
    "Getting a bus pass sorted.",
    "His wife coming along the first few times.",
)
HINDERED = (
    "Bad weather over the winter.",
    "A fall in March knocked her confidence.",
    "The bus route changing.",
    "Staff changes at the care agency.",
    "Waiting for the adaptation to be fitted.",
    "A spell in hospital.",
    "Worries about money.",
    "Dark nights making it harder to go out.",
)
VIEWS_INCLUDED = (
    "The person",
    "The person and their daughter",
    "The person, their son and their key worker",
    "The person and their advocate",
    "The person and their partner",
)
PLAN_CHANGES = (
    "Add a second walk each week.",
    "Ask the occupational therapist about a perching stool.",
    "Move the visit to the afternoon.",
    "Look for a group closer to home.",
)
UNINTENDED = (
    "Has started chatting with neighbours on the way.",
    "Has taken up knitting again.",
    "Sleeping better since getting out more.",
)
AMENDMENT_REASONS = (
    "The wrong rating was entered; corrected after checking with the person.",
    "The date of the review was entered wrongly.",
    "Rating corrected after talking it through with the family.",
)


class SeedRefused(Exception):
    """The database is not one to seed into."""


@dataclass(frozen=True)
class SeedResult:
    organisation_id: int
    counts: dict[str, int]  # table label -> rows written
    amendments: int  # how many of the reviews are amendments
    seconds: float


# The tables and the columns each row gives, in order; every other column of
# the table gets its field's default, so a column added later with a default
# needs no change here.
TABLES = {
    "organisations": (lambda: Organisation, ("id", "name")),
    "themes": (lambda: Theme, ("id", "organisation_id", "name", "description", "created_at")),
    "teams": (lambda: Team, ("id", "organisation_id", "name")),
    "users": (
        lambda: User,
        ("id", "username", "password", "first_name", "last_name", "date_joined"),
    ),
    "memberships": (lambda: Membership, ("id", "user_id", "team_id", "role", "created_at")),
    "people": (
        lambda: Person,
        (
            "id",
            "full_name",
            "preferred_name",
            "date_of_birth",
            "engagement_channels",
            "closed_on",
            "closed_reason",
            "created_at",
            "updated_at",
        ),
    ),
    "caseload_entries": (lambda: CaseloadEntry, ("id", "person_id", "team_id", "added_at")),
    "outcomes": (
        lambda: Outcome,
        (
            "id",
            "person_id",
            "what_matters",
            "in_own_words",
            "why_it_matters",
            "contribution",
            "scale_id",
            "next_review_on",
            "status",
            "started_on",
            "status_changed_on",
            "first_point_id",
            "first_rated_on",
            "first_score",
            "latest_point_id",
            "latest_rated_on",
            "latest_score",
            "latest_band",
            "rating_count",
            "meets_outcome_not_output",
            "meets_personalised",
            "meets_contribution",
            "meets_own_voice",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
    ),
    "framework_links": (
        lambda: Outcome.framework_outcomes.through,
        ("id", "outcome_id", "frameworkoutcome_id"),
    ),
    "actions": (lambda: Action, ("id", "outcome_id", "description", "who", "when", "order")),
    "reviews": (
        lambda: Review,
        (
            "id",
            "outcome_id",
            "reviewed_on",
            "point_id",
            "narrative",
            "what_helped",
            "what_hindered",
            "unintended_outcomes",
            "plan_needs_change",
            "plan_change",
            "views_included",
            "meets_narrative",
            "meets_helps_hinders",
            "meets_own_voice",
            "amends_id",
            "amendment_reason",
            "created_by_id",
            "created_at",
        ),
    ),
    "helped_themes": (lambda: Review.helped_themes.through, ("id", "review_id", "theme_id")),
    "hindered_themes": (lambda: Review.hindered_themes.through, ("id", "review_id", "theme_id")),
}


@dataclass(frozen=True)
class _Table:
    label: str
    model: type[models.Model]
    given: tuple[str, ...]  # columns the rows give
    rest: tuple[models.Field, ...]  # the table's other columns, filled with their defaults

    @classmethod
    def of(cls, label: str) -> "_Table":
        model_of, given = TABLES[label]
        model = model_of()
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in given if c not in fields]
        if unknown:
            raise ImproperlyConfigured(f"{model.__name__} has no column {unknown}: update seed.")
        rest = tuple(f for c, f in fields.items() if c not in given)
        for f in rest:
            # Text fields without a default get "", as Django gives them.
            if f.get_default() is None and not f.null:
                raise ImproperlyConfigured(
                    f"{model.__name__}.{f.name} has no default: give it in demo.seed."
                )
        return cls(label, model, given, rest)

    @property
    def name(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    @property
    def column_list(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(quote(c) for c in (*self.given, *(f.column for f in self.rest)))

    def default_values(self) -> list:
        """The rest columns' defaults as the database driver takes them."""
        return [f.get_db_prep_save(f.get_default(), connection) for f in self.rest]

    def default_text(self) -> str:
        """The rest columns' defaults as COPY text, each after a tab."""
        return "".join(f"\t{_copy_text(f)}" for f in self.rest)


def _copy_text(f: models.Field) -> str:
    value = f.get_default()
    if value is None:
        return r"\N"
    if isinstance(f, models.JSONField):
        text = json.dumps(value)
    elif isinstance(value, bool):
        text = "t" if value else "f"
    elif isinstance(value, int | str | datetime.date):
        text = str(value)
    else:
        raise ImproperlyConfigured(f"seed_demo cannot write the default of {f}.")
    if any(ch in text for ch in "\t\n\r\\"):
        raise ImproperlyConfigured(f"The default of {f} would need escaping in COPY.")
    return text


def _check_wording() -> None:
    texts = [
        *FIRST_NAMES,
        *SURNAMES,
        *CLOSED_REASONS,
        *itertools.chain(*THEMES),
        *(w for w, _ in WHAT_MATTERS),
        *WHY_IT_MATTERS,
        *CONTRIBUTIONS,
        *itertools.chain(*ACTIONS),
        *NARRATIVES,
        *HELPED,
        *HINDERED,
        *VIEWS_INCLUDED,
        *PLAN_CHANGES,
        *UNINTENDED,
        *AMENDMENT_REASONS,
        ORGANISATION_NAME,
    ]
    bad = [t for t in texts if any(ch in t for ch in "\t\n\r\\")]
    if bad:
        raise ImproperlyConfigured(f"Seed wording must not need COPY escaping: {bad}")


# Recording quality, worked out once for each combination of fixed wording.


@cache
def _outcome_quality(
    what_matters: str, own: bool, why: str, contribution: str, framework_names: tuple
) -> tuple[bool, ...]:
    prompts = outcome_prompts(
        what_matters=what_matters,
        in_own_words=own,
        why_it_matters=why,
        contribution=contribution,
        framework_names=framework_names,
    )
    met = criteria_met(OUTCOME_CRITERIA, prompts)
    return tuple(c in met for c in OUTCOME_CRITERIA)


@cache
def _review_quality(narrative: str, helped: str, hindered: str) -> tuple[bool, ...]:
    prompts = review_prompts(narrative=narrative, what_helped=helped, what_hindered=hindered)
    met = criteria_met(REVIEW_CRITERIA, prompts)
    return tuple(c in met for c in REVIEW_CRITERIA)


# Making the rows


def _pick(cumulative: list[float], r: float) -> int:
    """The index a random ``r`` in [0, 1) picks from cumulative weights."""
    return bisect.bisect(cumulative, r * cumulative[-1])


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass(frozen=True)
class _Reference:
    """Rows the seeded ones point at: the default frameworks and their scales' points."""

    framework_outcomes: tuple[tuple[int, int, str], ...]  # (id, scale id, short name)
    points: dict[int, tuple[tuple[int, int, str], ...]]  # scale id -> (id, score, band) by score

    @classmethod
    def load(cls, organisation_id: int | None = None) -> "_Reference":
        keys = [spec["key"] for spec in DEFAULT_FRAMEWORKS]
        frameworks = Framework.objects.filter(key__in=keys, retired_at__isnull=True)
        if organisation_id is not None:
            frameworks = frameworks.filter(organisation_id=organisation_id)
        framework_outcomes = tuple(
            FrameworkOutcome.objects.filter(
                category__framework__in=frameworks, retired_at__isnull=True
            )
            .order_by("pk")
            .values_list("pk", "category__framework__scale_id", "short_name")
        )
        if not framework_outcomes:
            raise SeedRefused("The default frameworks have no current outcomes to link to.")
        scales = {scale for _, scale, _ in framework_outcomes}
        points: dict[int, list] = {s: [] for s in scales}
        for pk, scale, score, band in (
            ScalePoint.objects.filter(scale__in=scales)
            .order_by("scale", "score")
            .values_list("pk", "scale_id", "score", "band")
        ):
            points[scale].append((pk, score, band))
        return cls(framework_outcomes, {s: tuple(p) for s, p in points.items()})


class _Rows:
    """Makes every seeded row, from one ``random.Random``, in a fixed order.

    Values come out ready for the database: dates and timestamps as text, and
    booleans and nulls as COPY text tokens or as Python values.
    """

    def __init__(
        self,
        *,
        people: int,
        seed: int,
        today: datetime.date,
        first_ids: dict[str, int],
        reference: _Reference,
        copy_text: bool,
        organisation_id: int,
    ) -> None:
        self.organisation_id = organisation_id
        self.people = people
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.next_id = dict(first_ids)
        self.amendments = 0
        self.today = today.toordinal()
        self.start = self.today - YEARS * 365
        self.null = r"\N" if copy_text else None
        self.true, self.false = ("t", "f") if copy_text else (True, False)
        # Text of every day from the window's start to a year after today.
        self.base = self.start
        days = [datetime.date.fromordinal(d) for d in range(self.start, self.today + 400)]
        self.date = [d.isoformat() for d in days]
        if copy_text:
            self.stamp = [f"{d.isoformat()} 10:00:00+00:00" for d in days]
        else:
            self.stamp = [
                connection.ops.adapt_datetimefield_value(
                    datetime.datetime(d.year, d.month, d.day, 10, tzinfo=datetime.UTC)
                )
                for d in days
            ]
        self.channels = [json.dumps([str(c) for c in cs]) for cs, _ in CHANNELS]
        self.channel_weights = _cumulative(w for _, w in CHANNELS)
        self.age_weights = _cumulative(w for *_, w in AGES)
        self.outcome_weights = _cumulative(OUTCOMES_PER_PERSON)
        self.rating_weights = _cumulative(RATINGS_PER_OUTCOME)
        self.action_weights = _cumulative(ACTIONS_PER_OUTCOME)
        self.helped_weights = _cumulative(w for _, w in HELPED_THEMES)
        self.hindered_weights = _cumulative(w for _, w in HINDERED_THEMES)
        self.points = reference.points
        self.framework_outcomes = reference.framework_outcomes
        self.framework_names = tuple(sorted({name for *_, name in self.framework_outcomes}))
        # A few framework outcomes matter to many people, most to fewer.
        order = list(range(len(self.framework_outcomes)))
        self.rng.shuffle(order)
        weights = [0.0] * len(order)
        for rank, i in enumerate(order):
            weights[i] = 1 / (rank + 2) ** 0.8
        self.framework_weights = _cumulative(weights)
        self.teams: list[int] = []
        self.users: list[int] = []
        self.themes: list[int] = []

    def _take(self, label: str, n: int = 1) -> int:
        first = self.next_id[label]
        self.next_id[label] = first + n
        return first

    def organisation(self) -> dict[str, list]:
        """The organisation, its themes, and its teams, each with a practitioner."""
        rows: dict[str, list] = {label: [] for label in TABLES}
        stamp = self.stamp[0]
        for name, description in THEMES:
            self.themes.append(self._take("themes"))
            rows["themes"].append((self.themes[-1], self.organisation_id, name, description, stamp))
        n_teams = max(1, self.people // PEOPLE_PER_TEAM)
        width = len(str(n_teams))
        for n in range(1, n_teams + 1):
            team, user = self._take("teams"), self._take("users")
            self.teams.append(team)
            self.users.append(user)
            rows["teams"].append((team, self.organisation_id, f"Seeded team {n:0{width}d}"))
            rows["users"].append(
                (
                    user,
                    f"seed-practitioner-{n:0{width}d}",
                    f"{UNUSABLE_PASSWORD_PREFIX}seeded",
                    FIRST_NAMES[self.rng.randrange(len(FIRST_NAMES))],
                    SURNAMES[self.rng.randrange(len(SURNAMES))],
                    stamp,
                )
            )
            rows["memberships"].append(
                (self._take("memberships"), user, team, Role.PRACTITIONER.value, stamp)
            )
        return rows

    def blocks(self) -> Iterator[dict[str, list]]:
        """The people and everything recorded for them, ``BLOCK`` people at a time."""
        for first in range(0, self.people, BLOCK):
            rows: dict[str, list] = {label: [] for label in TABLES}
            for _ in range(first, min(first + BLOCK, self.people)):
                self._person(rows)
            yield rows

    def _person(self, rows: dict[str, list]) -> None:
        rnd, today, base, null = self.rng.random, self.today, self.base, self.null
        person = self._take("people")
        team = int(rnd() * len(self.teams))
        joined = self.start + int(rnd() * (today - self.start - 14))
        end = today
        if rnd() < CLOSED and today - joined > 30:
            end = joined + 30 + int(rnd() * (today - joined - 30))
        closed = end < today
        first_name = FIRST_NAMES[int(rnd() * len(FIRST_NAMES))]
        surname = SURNAMES[int(rnd() * len(SURNAMES))]
        born = null
        if rnd() >= NO_DATE_OF_BIRTH:
            youngest, oldest, _ = AGES[_pick(self.age_weights, rnd())]
            age_days = int((youngest + rnd() * (oldest - youngest + 1)) * 365.25)
            born = datetime.date.fromordinal(today - age_days).isoformat()
        rows["people"].append(
            (
                person,
                f"{first_name} {surname}",
                first_name if rnd() < 0.15 else "",
                born,
                self.channels[_pick(self.channel_weights, rnd())],
                self.date[end - base] if closed else null,
                CLOSED_REASONS[int(rnd() * len(CLOSED_REASONS))] if closed else "",
                self.stamp[joined - base],
                self.stamp[end - base],
            )
        )
        caseload = rows["caseload_entries"]
        added = self.stamp[joined - base]
        caseload.append((self._take("caseload_entries"), person, self.teams[team], added))
        if len(self.teams) > 1 and rnd() < SECOND_TEAM:
            other = (team + 1 + int(rnd() * (len(self.teams) - 1))) % len(self.teams)
            caseload.append((self._take("caseload_entries"), person, self.teams[other], added))
        for _ in range(_pick(self.outcome_weights, rnd())):
            self._outcome(rows, person, self.users[team], joined, end)

    def _outcome(self, rows: dict[str, list], person: int, user: int, joined: int, end: int):
        rnd, base, null, true, false = self.rng.random, self.base, self.null, self.true, self.false
        date, stamp = self.date, self.stamp
        outcome = self._take("outcomes")
        # Outcomes are mostly agreed in the first months after someone joins.
        started = joined + int(min(rnd(), rnd(), rnd()) * (end - joined))
        what_matters, own = WHAT_MATTERS[int(rnd() * len(WHAT_MATTERS))]
        why = WHY_IT_MATTERS[int(rnd() * len(WHY_IT_MATTERS))] if rnd() < 0.8 else ""
        contribution = CONTRIBUTIONS[int(rnd() * len(CONTRIBUTIONS))] if rnd() < 0.65 else ""
        fo_id, scale, _ = self.framework_outcomes[_pick(self.framework_weights, rnd())]
        points = self.points[scale]
        top = len(points) - 1
        rows["framework_links"].append((self._take("framework_links"), outcome, fo_id))
        for order in range(1, 1 + _pick(self.action_weights, rnd())):
            description, who, when = ACTIONS[int(rnd() * len(ACTIONS))]
            rows["actions"].append((self._take("actions"), outcome, description, who, when, order))

        # Reviews every quarter, four months or half year, give or take two
        # weeks, until the outcome's planned number of reviews or the end of
        # the person's time with the service; a few on the same day as another.
        planned = _pick(self.rating_weights, rnd())
        cadence = CADENCES[int(rnd() * len(CADENCES))]
        days: list[int] = []
        day = started
        while len(days) < planned:
            if not (days and rnd() < SAME_DAY):
                day += cadence + int(rnd() * 29) - 14
            if day > end:
                break
            days.append(day)
        n = len(days)
        entered = list(range(n))  # entry position of the review of each date rank
        if n >= 2 and rnd() < OUT_OF_ORDER:
            j = int(rnd() * (n - 1))
            entered[j], entered[j + 1] = entered[j + 1], entered[j]
        first_id = self._take("reviews", n)
        level = int(rnd() * 3)  # the rating, as an index into the scale's points
        counted = []  # (reviewed on, entry order, point index) of the reviews that count
        for r in range(n):
            review = first_id + entered[r]
            step = rnd()
            level = max(0, min(top, level + (1 if step < 0.45 else -1 if step > 0.85 else 0)))
            created = stamp[days[entered[r]] - base]  # entered in id order
            self._review(rows, review, outcome, days[r], points[level], user, created)
            latest = (days[r], review, level)
            amends = review
            while rnd() < (AMENDED if amends == review else AMENDED_AGAIN):
                # A correction keeps the entry position of the review it corrects.
                amendment = self._take("reviews")
                self.amendments += 1
                shift = int(rnd() * 9) - 4 if rnd() < 0.3 else 0
                day = max(started, min(end, latest[0] + shift))
                level = max(0, min(top, latest[2] + int(rnd() * 3) - 1))
                created = stamp[min(end, days[-1] + 1 + int(rnd() * 20)) - base]
                reason = AMENDMENT_REASONS[int(rnd() * len(AMENDMENT_REASONS))]
                self._review(
                    rows, amendment, outcome, day, points[level], user, created, amends, reason
                )
                latest = (day, review, level)
                amends = amendment
            counted.append(latest)
            level = latest[2]

        # Stored progress, as records.progress orders the reviews that count:
        # by date, then by entry.
        latest_day = started
        progress = (null, null, null, null, null, null, "", 0)
        if counted:
            first, last = min(counted), max(counted)
            first_point, last_point = points[first[2]], points[last[2]]
            latest_day = last[0]
            progress = (
                first_point[0],
                date[first[0] - base],
                first_point[1],
                last_point[0],
                date[last[0] - base],
                last_point[1],
                last_point[2],
                len(counted),
            )
        # Outcomes that stopped being reviewed before the end were mostly
        # achieved or stopped mattering; the rest are overdue a review.
        next_review = changed = None
        stopped = latest_day + cadence + 14 < end
        if counted and last[2] == top and (stopped or rnd() < 0.3):
            status, changed = OutcomeStatus.ACHIEVED.value, latest_day
        elif stopped and rnd() < 0.75:
            status = OutcomeStatus.NO_LONGER_RELEVANT.value
            changed = min(end, latest_day + int(rnd() * 30))
        else:
            status = OutcomeStatus.ACTIVE.value
            next_review = latest_day + cadence
        quality = _outcome_quality(what_matters, own, why, contribution, self.framework_names)
        rows["outcomes"].append(
            (
                outcome,
                person,
                what_matters,
                true if own else false,
                why,
                contribution,
                scale,
                null if next_review is None else date[next_review - base],
                status,
                date[started - base],
                null if changed is None else date[changed - base],
                *progress,
                *(true if q else false for q in quality),
                user,
                stamp[started - base],
                stamp[latest_day - base],
            )
        )

    def _review(self, rows, review, outcome, day, point, user, created, amends=None, reason=""):
        rnd, true, false = self.rng.random, self.true, self.false
        narrative = NARRATIVES[int(rnd() * len(NARRATIVES))] if rnd() < 0.9 else ""
        helped = HELPED[int(rnd() * len(HELPED))] if rnd() < 0.7 else ""
        hindered = HINDERED[int(rnd() * len(HINDERED))] if rnd() < 0.45 else ""
        plan_change = PLAN_CHANGES[int(rnd() * len(PLAN_CHANGES))] if rnd() < 0.1 else ""
        meets = _review_quality(narrative, helped, hindered)
        rows["reviews"].append(
            (
                review,
                outcome,
                self.date[day - self.base],
                point[0],
                narrative,
                helped,
                hindered,
                UNINTENDED[int(rnd() * len(UNINTENDED))] if rnd() < 0.04 else "",
                true if plan_change else false,
                plan_change,
                VIEWS_INCLUDED[int(rnd() * len(VIEWS_INCLUDED))] if rnd() < 0.6 else "",
                true if meets[0] else false,
                true if meets[1] else false,
                true if meets[2] else false,
                self.null if amends is None else amends,
                reason,
                user,
                created,
            )
        )
        if helped and rnd() < 0.75:
            for theme in self._themes(self.helped_weights, HELPED_THEMES, 1 + (rnd() < 0.3)):
                rows["helped_themes"].append((self._take("helped_themes"), review, theme))
        if hindered and rnd() < 0.75:
            for theme in self._themes(self.hindered_weights, HINDERED_THEMES, 1):
                rows["hindered_themes"].append((self._take("hindered_themes"), review, theme))

    def _themes(self, cumulative: list[float], weighted, k: int) -> list[int]:
        chosen: list[int] = []
        while len(chosen) < k:
            theme = self.themes[weighted[_pick(cumulative, self.rng.random())][0]]
            if theme not in chosen:
                chosen.append(theme)
        return chosen


# Writing the rows


def _first_ids(tables: dict[str, _Table]) -> dict[str, int]:
    first = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            pk = connection.ops.quote_name(table.model._meta.pk.column)
            cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {table.name}")  # noqa: S608
            first[label] = cursor.fetchone()[0] + 1
    return first


class _InsertWriter:
    """Plain ``executemany``: for SQLite and other databases, at small sizes."""

    def __init__(self, tables: dict[str, _Table]) -> None:
        self.tables = tables
        self.counts = dict.fromkeys(tables, 0)

    def write(self, rows: dict[str, list]) -> None:
        with connection.cursor() as cursor:
            for label, table_rows in rows.items():
                if not table_rows:
                    continue
                table = self.tables[label]
                defaults = tuple(table.default_values())
                n = len(table.given) + len(defaults)
                sql = (
                    f"INSERT INTO {table.name} ({table.column_list}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * n)})"
                )
                cursor.executemany(sql, [row + defaults for row in table_rows])
                self.counts[label] += len(table_rows)

    def write_all(self, blocks: Iterator[dict[str, list]]) -> None:
        for rows in blocks:
            self.write(rows)


class _CopyWriter:
    """PostgreSQL ``COPY ... FROM STDIN`` in text format, one statement per table and block."""

    def __init__(self, tables: dict[str, _Table]) -> None:
        self.tables = tables
        self.counts = dict.fromkeys(tables, 0)
        self.suffix = {label: f"{table.default_text()}\n" for label, table in tables.items()}

    def render(self, rows: dict[str, list]) -> dict[str, tuple[int, bytes]]:
        """Each table's rows as COPY text (done in the thread that makes the rows)."""
        rendered = {}
        for label, table_rows in rows.items():
            if table_rows:
                suffix = self.suffix[label]
                text = "".join(["\t".join([str(v) for v in row]) + suffix for row in table_rows])
                rendered[label] = (len(table_rows), text.encode())
        return rendered

    def write(self, rows: dict[str, list]) -> None:
        self._copy(self.render(rows))

    def _copy(self, rendered: dict[str, tuple[int, bytes]]) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for label, (n, data) in rendered.items():
                table = self.tables[label]
                sql = f"COPY {table.name} ({table.column_list}) FROM STDIN"
                if hasattr(raw, "copy_expert"):  # psycopg2
                    raw.copy_expert(sql, io.BytesIO(data), size=1 << 20)
                else:  # psycopg 3
                    with raw.copy(sql) as copy:
                        copy.write(data)
                self.counts[label] += n

    def write_all(self, blocks: Iterator[dict[str, list]]) -> None:
        for rendered in _in_background(blocks, self.render):
            self._copy(rendered)


def _in_background(items: Iterator, work: Callable) -> Iterator:
    """``work(item)`` for each item, made one ahead in a second thread."""
    done = object()
    results: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.5)
            except queue.Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(work(item)):
                    return
            put(done)
        except BaseException as error:  # handed to the consuming thread
            put(error)

    thread = threading.Thread(target=produce, name="seed-rows", daemon=True)
    thread.start()
    try:
        while (result := results.get()) is not done:
            if isinstance(result, BaseException):
                raise result
            yield result
    finally:
        stop.set()
        thread.join()


# Tables that get one or more rows per person.
BULK_TABLES = (
    "people",
    "caseload_entries",
    "outcomes",
    "framework_links",
    "actions",
    "reviews",
    "helped_themes",
    "hindered_themes",
)


@contextmanager
def _indexes_built_afterwards(tables: dict[str, _Table]) -> Iterator[None]:
    """On PostgreSQL, fill the big tables without their foreign keys and plain indexes.

    Checking every row's foreign keys (at commit, as Django defers them) and
    growing every index row by row take most of a bulk load's time; checking
    and building them once at the end is several times faster. They are
    dropped and recreated from their own definitions (``pg_get_constraintdef``,
    ``pg_get_indexdef``) inside the seeding transaction, so they come back
    exactly as they were, and if seeding fails the rollback restores them.
    Primary keys and unique constraints and indexes stay throughout. The
    tables are locked to everyone else until the transaction ends.
    """
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    names = [tables[label].model._meta.db_table for label in BULK_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [names],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique ORDER BY 1",
            [names],
        )
        indexes = cursor.fetchall()
        # Foreign keys cannot be dropped while checks of rows written earlier
        # in the transaction wait for its end: run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # regclass text comes quoted where it needs to be.
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for index, _ in indexes:
            cursor.execute(f"DROP INDEX {index}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _tables() -> dict[str, _Table]:
    return {label: _Table.of(label) for label in TABLES}


def _check_empty() -> None:
    if Person.objects.exists():
        raise SeedRefused(
            "There are people in this database already; seed_demo only fills an empty one."
        )
    if Organisation.objects.filter(name=ORGANISATION_NAME).exists():
        raise SeedRefused(f"The organisation {ORGANISATION_NAME!r} exists already.")


def seed_demo(*, people: int, seed: int, today: datetime.date) -> SeedResult:
    """Fill an empty database with ``people`` synthetic people and their records.

    Loads the default frameworks first. Raises ``SeedRefused`` if any person
    exists. Nothing is written unless everything is.
    """
    if people < 1:
        raise ValueError("Seed at least one person.")
    _check_wording()
    began = time.perf_counter()
    copy_text = connection.vendor == "postgresql"
    tables = _tables()
    with transaction.atomic():
        _check_empty()
        # Made here, not seeded, so it gets its own default frameworks as any new
        # organisation does; the seeded rows are its teams, people and records.
        organisation = Organisation.objects.create(name=ORGANISATION_NAME)
        rows = _Rows(
            people=people,
            seed=seed,
            today=today,
            first_ids=_first_ids(tables),
            reference=_Reference.load(organisation.pk),
            copy_text=copy_text,
            organisation_id=organisation.pk,
        )
        writer = _CopyWriter(tables) if copy_text else _InsertWriter(tables)
        writer.write(rows.organisation())
        with _indexes_built_afterwards(tables):
            writer.write_all(rows.blocks())
        _reset_sequences(tables)
        _analyse(tables)
        tallies.rebuild()
    _analyse(tables)
    return SeedResult(
        organisation_id=rows.organisation_id,
        # The organisation itself is made before the rows, not written with them.
        counts=writer.counts | {"organisations": 1} | _tally_counts(),
        amendments=rows.amendments,
        seconds=time.perf_counter() - began,
    )


def seed_counts(*, people: int, seed: int, today: datetime.date) -> tuple[dict[str, int], int]:
    """The rows ``seed_demo`` would write to each table, and how many reviews are amendments.

    Makes every row without writing any (the default frameworks must be loaded).
    """
    tables = _tables()
    rows = _Rows(
        people=people,
        seed=seed,
        today=today,
        first_ids=dict.fromkeys(tables, 1),
        reference=_Reference.load(),
        copy_text=False,
        organisation_id=1,
    )
    counts = {label: len(table_rows) for label, table_rows in rows.organisation().items()}
    counts["organisations"] = 1  # made before the rows are seeded
    for block in rows.blocks():
        for label, table_rows in block.items():
            counts[label] += len(table_rows)
    return counts, rows.amendments


def _reset_sequences(tables: dict[str, _Table]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables.values()])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _analyse(tables: dict[str, _Table]) -> None:
    """Fresh planner statistics, so the first reports after seeding are planned well."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables.values():
            cursor.execute(f"ANALYZE {table.name}")


# The baseline: the same number of rows from plain SQL.


def baseline_sql(*, counts: dict[str, int], amendments: int) -> float:
    """Insert ``counts`` rows into each seeded table with ``INSERT ... SELECT generate_series``.

    PostgreSQL only. Simple synthetic values, the same tables, indexes and
    constraints as ``seed_demo``, loaded the same way (foreign keys and plain
    indexes rebuilt at the end) in one transaction, with sequences reset and
    statistics gathered afterwards as ``seed_demo`` does. Measures how fast
    this machine can bulk-insert rows without any Python in the way. Returns
    the seconds taken (the default frameworks are loaded before the clock starts).
    """
    if connection.vendor != "postgresql":
        raise SeedRefused("The generate_series baseline needs PostgreSQL.")
    with transaction.atomic():
        _check_empty()
        defaults_load()
    reference = _Reference.load()
    tables = _tables()
    first = _first_ids(tables)
    began = time.perf_counter()
    with transaction.atomic():
        with _indexes_built_afterwards(tables), connection.cursor() as cursor:
            for label, table in tables.items():
                n = counts.get(label, 0)
                if not n:
                    continue
                expressions = _baseline_expressions(label, first, counts, amendments, reference)
                given = [expressions[c].replace("%", "%%") for c in table.given]
                defaults = table.default_values()
                placeholders = ", ".join([*given, *(["%s"] * len(defaults))])
                cursor.execute(
                    f"INSERT INTO {table.name} ({table.column_list}) "  # noqa: S608
                    f"SELECT {placeholders} FROM generate_series(1, %s) AS g",
                    [*defaults, n],
                )
            _baseline_tallies(cursor, counts, organisation_id=first["organisations"])
        _reset_sequences(tables)
    _analyse(tables)
    return time.perf_counter() - began


def _tally_counts() -> dict[str, int]:
    return {label: model.objects.count() for label, model in TALLY_TABLES.items()}


def _baseline_tallies(cursor, counts: dict[str, int], organisation_id: int) -> None:
    """As many rows in each tally table as ``counts`` says, loaded as the rebuild loads
    them: the unique index dropped first and built once at the end."""
    for label, model in TALLY_TABLES.items():
        n = counts.get(label, 0)
        if not n:
            continue
        table, constraint = model._meta.db_table, model._meta.constraints[0].name
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(KEY)}, n) "  # noqa: S608
            f"SELECT {organisation_id}, mod(g, 2000), 'mattered', 'outcome:' || mod(g, 41), "
            f"'18_64', g, {OPEN}, '', false, 0, 0, 0, 1 FROM generate_series(1, %s) AS g",
            [n],
        )
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {constraint} UNIQUE ({', '.join(KEY)})")


def _baseline_expressions(label, first, counts, amendments, reference) -> dict[str, str]:
    """SQL for each given column of row ``g`` of a table, all plain arithmetic on ``g``."""

    def key(table: str) -> str:
        return f"{first[table] - 1} + g"

    def ref(table: str, round_robin_of: str = "") -> str:
        # The g-th row points at rows of another table in turn; on the second
        # pass round (g beyond that table's size) shifted by one, so pairs
        # stay unique.
        size = counts[table]
        inner = f"(g - 1) % {size}"
        if round_robin_of:
            inner = f"((g - 1) % {size} + (g - 1) / {counts[round_robin_of]})"
        return f"{first[table]} + ({inner}) % {size}"

    framework_outcomes = ",".join(str(pk) for pk, _, _ in reference.framework_outcomes)
    scale = reference.framework_outcomes[0][1]
    points = ",".join(str(pk) for pk, _, _ in reference.points[scale])
    n_points = len(reference.points[scale])
    day = "(CURRENT_DATE - (g % 1000))"
    now = "now()"
    text = "'Some words about how things are going, number ' || g"
    originals = counts["reviews"] - amendments
    pair_theme = f"{first['themes']} + ((g - 1) / {counts['reviews']}) % {counts['themes']}"
    return {
        "organisations": {"id": key("organisations"), "name": "'Baseline ' || g"},
        "themes": {
            "id": key("themes"),
            "organisation_id": ref("organisations"),
            "name": "'Theme ' || g",
            "description": text,
            "created_at": now,
        },
        "teams": {
            "id": key("teams"),
            "organisation_id": ref("organisations"),
            "name": "'Team ' || g",
        },
        "users": {
            "id": key("users"),
            "username": "'baseline-' || g",
            "password": "'!baseline'",
            "first_name": "'First'",
            "last_name": "'Last ' || g",
            "date_joined": now,
        },
        "memberships": {
            "id": key("memberships"),
            "user_id": ref("users"),
            "team_id": ref("teams"),
            "role": "'practitioner'",
            "created_at": now,
        },
        "people": {
            "id": key("people"),
            "full_name": "'Person ' || g",
            "preferred_name": "''",
            "date_of_birth": "(DATE '1950-01-01' + (g % 20000))",
            "engagement_channels": "'[\"verbal\"]'::jsonb",
            "closed_on": "NULL",
            "closed_reason": "''",
            "created_at": now,
            "updated_at": now,
        },
        "caseload_entries": {
            "id": key("caseload_entries"),
            "person_id": ref("people"),
            "team_id": ref("teams", round_robin_of="people"),
            "added_at": now,
        },
        "outcomes": {
            "id": key("outcomes"),
            "person_id": ref("people"),
            "what_matters": "'I want to get out to the shops on my own again ' || g",
            "in_own_words": "true",
            "why_it_matters": "'It keeps me connected to people.'",
            "contribution": "'My son will help me write the shopping list.'",
            "scale_id": str(scale),
            "next_review_on": f"({day} + 182)",
            "status": "'active'",
            "started_on": day,
            "status_changed_on": "NULL",
            "first_point_id": f"(ARRAY[{points}])[1 + g % {n_points}]",
            "first_rated_on": day,
            "first_score": f"1 + g % {n_points}",
            "latest_point_id": f"(ARRAY[{points}])[1 + (g + 1) % {n_points}]",
            "latest_rated_on": day,
            "latest_score": f"1 + (g + 1) % {n_points}",
            "latest_band": "'partly_achieved'",
            "rating_count": "3",
            "meets_outcome_not_output": "true",
            "meets_personalised": "g % 3 > 0",
            "meets_contribution": "g % 2 = 0",
            "meets_own_voice": "true",
            "created_by_id": ref("users"),
            "created_at": now,
            "updated_at": now,
        },
        "framework_links": {
            "id": key("framework_links"),
            "outcome_id": ref("outcomes"),
            "frameworkoutcome_id": (
                f"(ARRAY[{framework_outcomes}])"
                f"[1 + ((g - 1) / {counts['outcomes']}) % {len(reference.framework_outcomes)}]"
            ),
        },
        "actions": {
            "id": key("actions"),
            "outcome_id": ref("outcomes"),
            "description": "'Practise the walk to the shop, with a rest on the bench'",
            "who": "'Support worker'",
            "when": "'Weekly'",
            "order": "1",
        },
        "reviews": {
            "id": key("reviews"),
            "outcome_id": ref("outcomes"),
            "reviewed_on": day,
            "point_id": f"(ARRAY[{points}])[1 + g % {n_points}]",
            "narrative": text,
            "what_helped": "'Her daughter visiting on Saturdays.'",
            "what_hindered": "CASE WHEN g % 2 = 0 THEN 'Bad weather over the winter.' ELSE '' END",
            "unintended_outcomes": "''",
            "plan_needs_change": "false",
            "plan_change": "''",
            "views_included": "'The person and their daughter'",
            "meets_narrative": "true",
            "meets_helps_hinders": "true",
            "meets_own_voice": "g % 2 = 0",
            "amends_id": (
                f"CASE WHEN g > {originals} THEN {first['reviews'] - 1} + g - {originals} END"
            ),
            "amendment_reason": f"CASE WHEN g > {originals} THEN 'Corrected' ELSE '' END",
            "created_by_id": ref("users"),
            "created_at": now,
        },
        "helped_themes": {
            "id": key("helped_themes"),
            "review_id": ref("reviews"),
            "theme_id": pair_theme,
        },
        "hindered_themes": {
            "id": key("hindered_themes"),
            "review_id": ref("reviews"),
            "theme_id": pair_theme,
        },
    }[label]
