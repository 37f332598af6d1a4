"""Where apps above records keep figures of their own in step with outcomes.

Records knows nothing of what is kept: an app registers an ``OutcomeWatcher``
once (from its ``AppConfig.ready``), and every service that changes outcomes or
their reviews calls it inside the change's own transaction, so the figures and
the change are committed or rolled back together.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import Outcome, Person


@dataclass(frozen=True)
class OutcomeWatcher:
    """``changing(outcomes)`` wraps a change to those outcomes (or their reviews);
    ``added(outcome)`` is told of a newly recorded outcome."""

    changing: Callable[[QuerySet[Outcome]], AbstractContextManager]
    added: Callable[[Outcome], None]


_watchers: list[OutcomeWatcher] = []


def outcome_watcher_register(watcher: OutcomeWatcher) -> None:
    if watcher not in _watchers:
        _watchers.append(watcher)


@contextmanager
def outcomes_changing(outcomes: QuerySet[Outcome]):
    """Around a change to ``outcomes``, after locking what the change touches."""
    with ExitStack() as stack:
        for watcher in _watchers:
            stack.enter_context(watcher.changing(outcomes))
        yield


def outcome_added(outcome: Outcome) -> None:
    for watcher in _watchers:
        watcher.added(outcome)


# What other apps add to a person's page: each section gives its part of the
# page's context (say, the person's conversations), in a fixed number of queries.
PersonPageSection = Callable[[Person], dict]
_person_page_sections: list[PersonPageSection] = []


def person_page_section_register(section: PersonPageSection) -> None:
    if section not in _person_page_sections:
        _person_page_sections.append(section)


def person_page_sections(person: Person) -> dict:
    context = {}
    for section in _person_page_sections:
        context |= section(person)
    return context


# What other apps hold about a person, for a subject access export
# (records.subject_access): each part gives its keys of the export, in a fixed
# number of queries, with dates as date objects and the person's words as written.
SubjectAccessPart = Callable[[Person], dict]
_subject_access_parts: list[SubjectAccessPart] = []


def subject_access_part_register(part: SubjectAccessPart) -> None:
    if part not in _subject_access_parts:
        _subject_access_parts.append(part)


def subject_access_parts(person: Person) -> dict:
    export = {}
    for part in _subject_access_parts:
        export |= part(person)
    return export


# What other apps remove when a record is anonymised under the retention policy
# (records.retention): each is called inside the anonymising transaction with the
# person and the text that replaces every piece of free text.
RetentionAnonymiser = Callable[[Person, str], None]
_retention_anonymisers: list[RetentionAnonymiser] = []


def retention_anonymiser_register(anonymiser: RetentionAnonymiser) -> None:
    if anonymiser not in _retention_anonymisers:
        _retention_anonymisers.append(anonymiser)


def retention_anonymise(person: Person, removed: str) -> None:
    for anonymiser in _retention_anonymisers:
        anonymiser(person, removed)
