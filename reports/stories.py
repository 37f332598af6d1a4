"""The words behind the figures: what people said, for the team dashboard's PDF, and
the examples people agreed to share, beside the organisation's figures."""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import Organisation, Team
from accounts.roles import managed_teams
from common.errors import Refused
from records.models import Outcome, Person, Review

from .models import SharedExample
from .periods import Period
from .selectors import OrganisationFilters, Rollup, narrative_reviews


@dataclass
class NarrativeGroup:
    """The reviews of one framework outcome, as the narrative page lists them."""

    name: str
    reviews: list[Review]


def team_narrative_groups(team: Team, period: Period, rollup: Rollup) -> list[NarrativeGroup]:
    """The team's reviews in the period, newest first, under each framework outcome they
    are linked to, in the order of the dashboard's table (two queries in all)."""
    reviews = narrative_reviews(team, period)
    links = Outcome.framework_outcomes.through.objects.filter(
        outcome_id__in={r.outcome_id for r in reviews}
    ).values_list("outcome_id", "frameworkoutcome__identity")
    identities_of = defaultdict(set)
    for outcome_id, identity in links:
        identities_of[outcome_id].add(str(identity))
    groups = []
    for row in rollup.rows:
        under = [r for r in reviews if str(row.identity) in identities_of[r.outcome_id]]
        if under:
            groups.append(NarrativeGroup(row.name, under))
    unlinked = [r for r in reviews if not identities_of[r.outcome_id]]
    if unlinked:
        groups.append(NarrativeGroup("Not linked to a framework outcome", unlinked))
    return groups


# Shared examples: stories beside the organisation's figures


MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
CHI_NUMBER = re.compile(r"\b\d{6}\s?\d{4}\b")
DATES = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"  # 3/4/2025, 03.04.25
    r"|\b\d{4}-\d{2}-\d{2}\b"  # 2025-04-03
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b(?:\s+\d{{4}})?"  # 3rd of April
    rf"|\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b"  # April 3rd
    rf"|\b(?:{MONTHS})\s+\d{{4}}\b",  # April 2025
    re.IGNORECASE,
)
CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z'\u2019-]+\b")
# Capitalised words that name no one and nowhere.
COMMON_CAPITALISED = frozenset(
    [
        "I",
        "I'm",
        "I've",
        "I'd",
        "I'll",
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Dr",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Christmas",
        "Easter",
        "NHS",
        "GP",
    ]
) | frozenset(MONTHS.split("|"))


@dataclass(frozen=True)
class Flag:
    kind: str  # "Name", "CHI number", "Date", "Capitalised word"
    words: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.words}"


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?:\n"


def likely_identifiers(text: str, names: Iterable[str]) -> list[Flag]:
    """Words in ``text`` that may say who or where someone is, or when: a warning to
    confirm, not a refusal, since a capitalised word may be a place or just a word.

    ``names`` are the person's and their key people's names; each part of a name
    is looked for on its own, in any case.
    """
    flags: list[Flag] = []
    seen: set[str] = set()

    def flag(kind: str, words: str) -> None:
        if words.lower() not in seen:
            seen.add(words.lower())
            flags.append(Flag(kind, words))

    parts = {part for name in names for part in re.split(r"[\s,]+", name) if len(part) > 1}
    for part in sorted(parts, key=str.lower):
        if re.search(rf"\b{re.escape(part)}\b", text, re.IGNORECASE):
            flag("Name", part)
    for match in CHI_NUMBER.finditer(text):
        flag("CHI number", match.group())
    for match in DATES.finditer(text):
        flag("Date", match.group())
    for match in CAPITALISED.finditer(text):
        word = match.group()
        if word in COMMON_CAPITALISED or _sentence_start(text, match.start()):
            continue
        if not any(word.lower() == seen_word for seen_word in seen):
            flag("Capitalised word", word)
    return flags


def names_around(person: Person) -> list[str]:
    """The person's names and their key people's: what a shared example must not hold."""
    return [
        person.full_name,
        person.preferred_name,
        *person.key_people.values_list("name", flat=True),
    ]


def review_to_share(user, review_id: int) -> tuple[Review, Organisation]:
    """A review the user may share as an example, and the organisation it would be
    shared in: the user manages a team whose caseload the person is on."""
    teams = managed_teams(user)
    review = (
        Review.objects.filter(
            pk=review_id,
            outcome__person__caseload_entries__team__in=teams,
            outcome__person__anonymised_on__isnull=True,
        )
        .select_related("outcome__person", "point")
        .first()
    )
    if review is None:
        raise Refused("records.review", review_id)
    organisation = (
        Organisation.objects.filter(
            teams__in=teams, teams__caseload_entries__person_id=review.outcome.person_id
        )
        .order_by("pk")
        .first()
    )
    return review, organisation


def example_in_use(review: Review) -> SharedExample | None:
    return review.shared_examples.filter(withdrawn_at__isnull=True).first()


def example_to_withdraw(user, example_id: int) -> SharedExample:
    """A shared example in use whose person is on a caseload of a team the user manages."""
    example = (
        SharedExample.objects.filter(
            pk=example_id,
            withdrawn_at__isnull=True,
            review__outcome__person__caseload_entries__team__in=managed_teams(user),
        )
        .select_related("review__outcome")
        .first()
    )
    if example is None:
        raise Refused("reports.sharedexample", example_id)
    return example


def quarter_start(day: datetime.date) -> datetime.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


@dataclass
class SharedExamples:
    """Examples in use, by framework outcome identity (as text) and by theme id."""

    by_outcome: dict[str, list[SharedExample]]
    by_theme: dict[int, list[SharedExample]]

    def __bool__(self) -> bool:
        return bool(self.by_outcome or self.by_theme)


def shared_examples(
    organisation: Organisation, period: Period, filters: OrganisationFilters
) -> SharedExamples:
    """The organisation's shared examples from reviews in the period's quarters, with the
    report's filters, in four queries whatever their number. Nothing about whose they are
    is loaded."""
    examples = SharedExample.objects.filter(
        organisation=organisation,
        withdrawn_at__isnull=True,
        quarter_start__range=(quarter_start(period.start), period.end),
        # Once a record's retention period ends its words go, shared ones too.
        review__outcome__person__anonymised_on__isnull=True,
    ).only("pk", "text", "quarter_start", "review_id")
    if filters.team is not None:
        examples = examples.filter(review__outcome__person__caseload_entries__team=filters.team)
    if filters.framework_outcome_identity:
        examples = examples.filter(
            review__outcome__framework_outcomes__identity=filters.framework_outcome_identity
        )
    elif filters.framework_lineage:
        examples = examples.filter(
            review__outcome__framework_outcomes__category__framework__lineage=(
                filters.framework_lineage
            )
        )
    examples = list(examples.distinct().order_by("-quarter_start", "pk"))
    by_review = defaultdict(list)
    for example in examples:
        by_review[example.review_id].append(example)
    by_outcome: dict[str, list[SharedExample]] = defaultdict(list)
    links = Review.objects.filter(pk__in=by_review).values_list(
        "pk", "outcome__framework_outcomes__identity"
    )
    for review_id, identity in links:
        if identity is not None:
            by_outcome[str(identity)] += by_review[review_id]
    by_theme: dict[int, list[SharedExample]] = defaultdict(list)
    for through in (Review.helped_themes.through, Review.hindered_themes.through):
        for review_id, theme_id in through.objects.filter(review_id__in=by_review).values_list(
            "review_id", "theme_id"
        ):
            for example in by_review[review_id]:
                if example not in by_theme[theme_id]:
                    by_theme[theme_id].append(example)
    return SharedExamples(dict(by_outcome), dict(by_theme))
