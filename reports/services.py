"""What reports write: the audit events of reading figures about people and taking
them away, and the examples people agreed to share. Reports change no record."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from accounts.models import Organisation, Team
from audit.services import audit_record, audit_record_each
from common.actor import Actor
from records.models import Review

from .models import SharedExample
from .stories import quarter_start

ALREADY_SHARED = (
    "This review's story is already shared as an example. Withdraw that one first to "
    "share a different version."
)


def report_exported(*, actor: Actor, of: Team | Organisation, table: str, fmt: str) -> None:
    """Note in the audit trail that a report table left the app as a file."""
    kind = "team_dashboard" if isinstance(of, Team) else "organisation_report"
    audit_record(
        actor=actor,
        action="export",
        on=(f"reports.{kind}", of.pk),
        summary=f"Exported {table} as {fmt}",
    )


def narrative_viewed(
    *, actor: Actor, team: Team, person_ids: Iterable[int], where: str = "a team dashboard"
) -> None:
    """Note, for each person shown, that their reviews were read from a team dashboard
    (``where``: "a team dashboard", "a team dashboard PDF")."""
    audit_record_each(
        actor=actor,
        action="view",
        on=("reports.narrative", team.pk),
        person_ids=sorted(set(person_ids)),
        summary=f"Viewed review narrative from {where}",
    )


def team_dashboard_viewed(
    *, actor: Actor, team: Team, person_ids: Iterable[int], what: str = "team dashboard"
) -> None:
    """Note, for each person a team dashboard names, that the user saw them listed there.

    One statement however many people are listed; ``what`` says which page
    ("team dashboard", "team dashboard PDF").
    """
    audit_record_each(
        actor=actor,
        action="view",
        on=("reports.team_dashboard", team.pk),
        person_ids=sorted(set(person_ids)),
        summary=f"Viewed {what}",
    )


def review_viewed_to_share(*, actor: Actor, review: Review) -> None:
    """Note that a manager read a review to decide whether to share it as an example."""
    audit_record(
        actor=actor,
        action="view",
        on=review,
        person_id=review.outcome.person_id,
        summary="Viewed a review to share it as an example",
    )


def example_share(
    *, actor: Actor, review: Review, organisation: Organisation, text: str, how_agreed: str
) -> SharedExample:
    """Share a review's story, as edited by a manager, as an example beside the
    organisation's figures. The review itself is not changed.

    The caller has checked that the person agreed (``how_agreed`` says how) and
    has been shown the words that may identify someone.
    """
    text, how_agreed = text.strip(), how_agreed.strip()
    if not text or not how_agreed:
        raise ValidationError("Write the example and how the person agreed to share it.")
    try:
        with transaction.atomic():
            example = SharedExample.objects.create(
                organisation=organisation,
                review=review,
                text=text,
                person_agreed=True,
                how_agreed=how_agreed,
                quarter_start=quarter_start(review.reviewed_on),
                created_by=actor.user,
            )
            audit_record(
                actor=actor,
                action="create",
                on=example,
                person_id=review.outcome.person_id,
                summary="Shared a review's story as an example",
            )
    except IntegrityError as error:
        # Another manager shared this review's story a moment ago.
        raise ValidationError(ALREADY_SHARED) from error
    return example


def example_withdraw(*, actor: Actor, example: SharedExample) -> SharedExample:
    """Stop showing a shared example; it is kept, marked withdrawn, for the audit trail."""
    with transaction.atomic():
        updated = SharedExample.objects.filter(pk=example.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=actor.user
        )
        if updated:
            audit_record(
                actor=actor,
                action="withdraw",
                on=example,
                person_id=example.review.outcome.person_id,
                summary="Withdrew a shared example",
            )
    example.refresh_from_db()
    return example


def person_examples_anonymise(person, removed: str) -> None:
    """Under the retention policy: a person's shared examples keep none of their
    words, and are withdrawn (registered as a ``records.hooks`` anonymiser)."""
    SharedExample.objects.filter(review__outcome__person=person).update(
        text=removed,
        how_agreed=removed,
        withdrawn_at=Coalesce(F("withdrawn_at"), Now()),
    )
