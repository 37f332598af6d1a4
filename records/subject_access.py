"""Everything held about one person, gathered for a subject access request.

A manager of one of the person's teams exports it in one action, as a PDF to
read or as JSON for another system. Both are made from ``subject_access_gather``,
a dictionary with these keys (dates are ``date`` objects here and ISO 8601 text
in the JSON; the person's words are kept exactly as they were recorded):

``export``
    ``made_at`` (when the export was made), ``made_by`` (who made it).
``person``
    ``id``, ``full_name``, ``preferred_name``, ``date_of_birth``, ``chi_number``,
    ``communication_needs``, ``engagement_channels`` (labels),
    ``engagement_notes``, ``closed_on``, ``closed_reason``, ``anonymised_on``,
    ``created_at``, ``updated_at``.
``key_people``
    ``name``, ``relationship``, ``contact``, ``may_speak_for_person``.
``teams``
    ``name``, ``organisation``, ``on_caseload_since``.
``outcomes``
    every field of each outcome: ``what_matters``, ``in_own_words``,
    ``why_it_matters``, ``contribution``, ``status``, dates, the rating scale and
    its version, first and latest ratings, the recording criteria met,
    ``framework_outcomes`` (with framework name and version), ``actions``, and
    ``reviews``: every review and every correction, each with its rating, its
    narrative fields, its themes, ``corrects_review`` and ``correction_reason``.
``conversations``
    added by the conversations app through ``hooks.subject_access_part_register``:
    each conversation with its participants, risks, agreed outcomes, review
    entries and addenda.
``access_log``
    who has viewed or changed the record: ``when``, ``who``, ``what``, ``details``.
"""

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Role
from audit.selectors import access_log_for_person
from audit.services import audit_record
from common.actor import Actor
from common.errors import Refused
from frameworks.models import FrameworkOutcome

from . import hooks
from .models import Action, CaseloadEntry, KeyPerson, Outcome, Person, Review
from .selectors import people_for_user

FORMATS = {"pdf": "PDF", "json": "JSON"}


def person_for_subject_access(user, person_id: int) -> Person:
    """The person, if the user manages one of their teams; else ``Refused`` (an audited 404)."""
    person = people_for_user(user, roles=(Role.MANAGER,)).filter(pk=person_id).first()
    if person is None:
        raise Refused("records.person", person_id)
    return person


def _user_name(user) -> str:
    if user is None:
        return "The system"
    return user.get_full_name() or user.username


def _outcomes(person: Person) -> QuerySet[Outcome]:
    reviews = (
        Review.objects.select_related("point", "created_by")
        .prefetch_related("helped_themes", "hindered_themes")
        .order_by("reviewed_on", "pk")
    )
    return (
        Outcome.objects.filter(person=person)
        .select_related("scale", "first_point", "latest_point", "created_by")
        .prefetch_related(
            Prefetch(
                "framework_outcomes",
                queryset=FrameworkOutcome.objects.select_related("category__framework"),
            ),
            Prefetch("actions", queryset=Action.objects.order_by("order", "pk")),
            Prefetch("reviews", queryset=reviews),
        )
        .order_by("started_on", "pk")
    )


def _point(point) -> dict | None:
    return None if point is None else {"score": point.score, "label": point.label}


def _review(review: Review, corrected_by: dict[int, int]) -> dict:
    return {
        "id": review.pk,
        "reviewed_on": review.reviewed_on,
        "rating": _point(review.point),
        "narrative": review.narrative,
        "what_helped": review.what_helped,
        "what_hindered": review.what_hindered,
        "unintended_outcomes": review.unintended_outcomes,
        "plan_needs_change": review.plan_needs_change,
        "plan_change": review.plan_change,
        "views_included": review.views_included,
        "helped_themes": [theme.name for theme in review.helped_themes.all()],
        "hindered_themes": [theme.name for theme in review.hindered_themes.all()],
        "corrects_review": review.amends_id,
        "correction_reason": review.amendment_reason,
        "corrected_by_review": corrected_by.get(review.pk),
        "criteria_met": review.quality,
        "recorded_by": _user_name(review.created_by),
        "recorded_at": review.created_at,
    }


def _outcome(outcome: Outcome) -> dict:
    reviews = list(outcome.reviews.all())
    corrected_by = {r.amends_id: r.pk for r in reviews if r.amends_id}
    return {
        "id": outcome.pk,
        "what_matters": outcome.what_matters,
        "in_own_words": outcome.in_own_words,
        "why_it_matters": outcome.why_it_matters,
        "contribution": outcome.contribution,
        "status": outcome.get_status_display(),
        "started_on": outcome.started_on,
        "status_changed_on": outcome.status_changed_on,
        "next_review_on": outcome.next_review_on,
        "scale": {"name": outcome.scale.name, "version": outcome.scale.version},
        "gas_weight": outcome.gas_weight,
        "first_rating": _point(outcome.first_point),
        "first_rated_on": outcome.first_rated_on,
        "latest_rating": _point(outcome.latest_point),
        "latest_rated_on": outcome.latest_rated_on,
        "rating_count": outcome.rating_count,
        "criteria_met": outcome.quality,
        "framework_outcomes": [
            {
                "name": fo.short_name,
                "category": fo.category.name,
                "framework": fo.category.framework.name,
                "framework_version": fo.category.framework.version,
            }
            for fo in outcome.framework_outcomes.all()
        ],
        "actions": [
            {"what": a.description, "who": a.who, "when": a.when, "where": a.where}
            for a in outcome.actions.all()
        ],
        "reviews": [_review(review, corrected_by) for review in reviews],
        "recorded_by": _user_name(outcome.created_by),
        "recorded_at": outcome.created_at,
        "updated_at": outcome.updated_at,
    }


def subject_access_gather(person: Person, *, made_by) -> dict:
    """Everything held about the person (see the module's docstring for the keys).

    A fixed number of queries, however many outcomes, reviews and conversations.
    """
    person = Person.objects.prefetch_related(
        Prefetch("key_people", queryset=KeyPerson.objects.order_by("name", "pk")),
        Prefetch(
            "caseload_entries",
            queryset=CaseloadEntry.objects.select_related("team__organisation").order_by(
                "team__name", "pk"
            ),
        ),
    ).get(pk=person.pk)
    return {
        "export": {"made_at": timezone.now(), "made_by": _user_name(made_by)},
        "person": {
            "id": person.pk,
            "full_name": person.full_name,
            "preferred_name": person.preferred_name,
            "date_of_birth": person.date_of_birth,
            "chi_number": person.chi_number,
            "communication_needs": person.communication_needs,
            "engagement_channels": person.engagement_channel_labels(),
            "engagement_notes": person.engagement_notes,
            "closed_on": person.closed_on,
            "closed_reason": person.closed_reason,
            "anonymised_on": person.anonymised_on,
            "created_at": person.created_at,
            "updated_at": person.updated_at,
        },
        "key_people": [
            {
                "name": kp.name,
                "relationship": kp.relationship,
                "contact": kp.contact,
                "may_speak_for_person": kp.may_speak_for_person,
            }
            for kp in person.key_people.all()
        ],
        "teams": [
            {
                "name": entry.team.name,
                "organisation": entry.team.organisation.name,
                "on_caseload_since": entry.added_at,
            }
            for entry in person.caseload_entries.all()
        ],
        "outcomes": [_outcome(outcome) for outcome in _outcomes(person)],
        **hooks.subject_access_parts(person),
        "access_log": [
            {
                "when": event.occurred_at,
                "who": _user_name(event.actor),
                "what": event.action_label,
                "details": event.summary,
            }
            for event in access_log_for_person(person.pk)
        ],
    }


def subject_access_export(*, actor: Actor, person: Person, fmt: str) -> dict:
    """Gather everything held about the person for an export in ``fmt`` (pdf or json),
    and note the export in the audit trail."""
    if fmt not in FORMATS:
        raise ValueError(f"Subject access exports are PDF or JSON, not {fmt!r}")
    export = subject_access_gather(person, made_by=actor.signed_in_user)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="subject_access_export",
            on=person,
            person_id=person.pk,
            summary=f"Subject access export ({FORMATS[fmt]})",
        )
    return export
