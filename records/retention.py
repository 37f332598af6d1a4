"""Closed records anonymised once their organisations' retention period has passed.

Each organisation keeps a closed record for ``Organisation.retention_years``
after ``closed_on``; a record held by teams of several organisations is kept
for the longest of their periods. Anonymising removes everything that says
who the person is and everything written in words, and keeps what reports
count (ratings, dates, bands, framework links, themes, caseloads), so no report
figure changes. The report tallies are deliberately left alone: they already
hold the person's age band, which is all the reports ever knew of the date of
birth.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone

from audit.services import audit_record
from common.actor import Actor

from . import hooks
from .models import Action, CaseloadEntry, KeyPerson, Outcome, Person, Review

REMOVED = "(removed under the retention policy)"

OUTCOME_TEXT = ["what_matters", "why_it_matters", "contribution"]
ACTION_TEXT = ["description", "who", "when", "where"]
REVIEW_TEXT = [
    "narrative",
    "what_helped",
    "what_hindered",
    "unintended_outcomes",
    "plan_change",
    "views_included",
    "amendment_reason",
]


def texts_removed(fields, removed: str = REMOVED) -> dict:
    """Update arguments that replace each of ``fields`` with ``removed``, unless it is empty.

    An empty field stays empty, so a page still says "Not recorded" where nothing was.
    """
    return {
        name: Case(When(**{name: ""}, then=Value("")), default=Value(removed)) for name in fields
    }


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def expired_people(today: datetime.date | None = None) -> list[int]:
    """Ids of closed records, not yet anonymised, closed longer ago than the retention
    period of every organisation whose teams hold them (so: the longest)."""
    today = today or timezone.localdate()
    candidates = (
        Person.objects.filter(closed_on__isnull=False, anonymised_on__isnull=True)
        .annotate(years=Max("caseload_entries__team__organisation__retention_years"))
        .filter(years__isnull=False)
        .values_list("pk", "closed_on", "years")
        .order_by("pk")
    )
    return [pk for pk, closed_on, years in candidates if closed_on < _years_before(today, years)]


@dataclass(frozen=True)
class OrganisationExpiry:
    name: str
    person_ids: list[int]


def expired_by_organisation(today: datetime.date | None = None) -> list[OrganisationExpiry]:
    """The expired records (``expired_people``) under each organisation that holds them."""
    ids = expired_people(today)
    held = defaultdict(set)
    for person_id, name in CaseloadEntry.objects.filter(person_id__in=ids).values_list(
        "person_id", "team__organisation__name"
    ):
        held[name].add(person_id)
    return [OrganisationExpiry(name, sorted(held[name])) for name in sorted(held)]


@transaction.atomic
def person_anonymise(*, actor: Actor, person_id: int, today: datetime.date | None = None) -> bool:
    """Anonymise one expired record; ``False`` if it is not (or no longer) expired.

    Names become "Anonymised record <id>"; the CHI number, date of birth, key
    people and communication details go; every piece of free text, in the record
    and in other apps' parts of it (``hooks.retention_anonymise``), becomes
    ``REMOVED``. Ratings, dates, statuses, framework links, themes, quality
    criteria and caseloads stay, and the reports count each record in the age
    band it was counted in before, so every report figure stays the same. One
    audit event, with no personal data.
    """
    today = today or timezone.localdate()
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or person_id not in expired_people(today):
        return False
    # Inside outcomes_changing, so apps that count the outcomes keep what they need
    # of the date of birth before it goes (the reports keep each record's age band):
    # what they count is the same after as before.
    with hooks.outcomes_changing(Outcome.objects.filter(person=person)):
        Person.objects.filter(pk=person.pk).update(
            full_name=f"Anonymised record {person.pk}",
            preferred_name="",
            chi_number="",
            date_of_birth=None,
            engagement_channels=[],
            **texts_removed(["communication_needs", "engagement_notes", "closed_reason"]),
            anonymised_on=today,
            version=person.version + 1,
        )
    KeyPerson.objects.filter(person=person).delete()
    Outcome.objects.filter(person=person).update(**texts_removed(OUTCOME_TEXT))
    Action.objects.filter(outcome__person=person).update(**texts_removed(ACTION_TEXT))
    Review.objects.filter(outcome__person=person).update(**texts_removed(REVIEW_TEXT))
    hooks.retention_anonymise(person, REMOVED)
    audit_record(
        actor=actor,
        action="retention_anonymised",
        on=person,
        person_id=person.pk,
        summary="Anonymised under the retention policy",
    )
    return True


def retention_apply(*, actor: Actor, today: datetime.date | None = None) -> list[int]:
    """Anonymise every expired record, each in its own transaction; the ids anonymised."""
    today = today or timezone.localdate()
    return [
        person_id
        for person_id in expired_people(today)
        if person_anonymise(actor=actor, person_id=person_id, today=today)
    ]
