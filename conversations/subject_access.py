"""A person's conversations, for their subject access export (registered in ``apps.py``)."""

from .models import Conversation
from .selectors import with_everything


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _conversation(c: Conversation) -> dict:
    return {
        "id": c.pk,
        "kind": c.get_kind_display(),
        "held_on": c.held_on,
        "place": c.place,
        "channels": c.channel_labels(),
        "communication_support": c.communication_support,
        "strengths_person": c.strengths_person,
        "strengths_family": c.strengths_family,
        "strengths_community": c.strengths_community,
        "differences": c.differences,
        "not_agreed": c.not_agreed,
        "stage": c.get_stage_display(),
        "draft": c.is_draft,
        "recorded_at": c.recorded_at,
        "recorded_by": _name(c.recorded_by),
        "started_by": _name(c.created_by),
        "participants": [
            {
                "kind": p.get_kind_display(),
                "name": p.name,
                "role": p.role,
                "what_matters": p.what_matters,
                "why": p.why,
                "in_own_words": p.in_own_words,
            }
            for p in c.participants.all()
        ],
        "possible_outcomes": [
            {
                "statement": candidate.statement,
                "suggested_framework_outcome": candidate.suggested.short_name
                if candidate.suggested
                else "",
            }
            for candidate in c.candidates.all()
        ],
        "risks": [
            {
                "risk": r.risk,
                "persons_view": r.persons_view,
                "agreed_reasonable": r.agreed_reasonable,
                "safeguards": r.safeguards,
                "look_again_on": r.look_again_on,
            }
            for r in c.risks.all()
        ],
        "agreed_outcomes": [
            {
                "what_matters": a.what_matters,
                "in_own_words": a.in_own_words,
                "why_it_matters": a.why_it_matters,
                "framework_outcomes": [
                    {
                        "name": fo.short_name,
                        "framework": fo.category.framework.name,
                        "framework_version": fo.category.framework.version,
                    }
                    for fo in a.framework_outcomes.all()
                ],
                "person_contribution": a.person_contribution,
                "family_contribution": a.family_contribution,
                "practitioner_contribution": a.practitioner_contribution,
                "community_contribution": a.community_contribution,
                "next_review_on": a.next_review_on,
                "recorded_outcome": a.recorded_outcome_id,
                "actions": [
                    {"what": x.description, "who": x.who, "when": x.when, "where": x.where}
                    for x in a.actions.all()
                ],
            }
            for a in c.agreed_outcomes.all()
        ],
        "review_entries": [
            {
                "outcome": e.outcome_id,
                "rating": None
                if e.point is None
                else {"score": e.point.score, "label": e.point.label},
                "narrative": e.narrative,
                "what_helped": e.what_helped,
                "what_hindered": e.what_hindered,
                "unintended_outcomes": e.unintended_outcomes,
                "plan_needs_change": e.plan_needs_change,
                "plan_change": e.plan_change,
                "next_review_on": e.next_review_on,
                "recorded_review": e.recorded_review_id,
            }
            for e in c.review_entries.all()
        ],
        "addenda": [
            {
                "text": a.text,
                "reason": a.reason,
                "added_by": _name(a.created_by),
                "added_at": a.created_at,
            }
            for a in c.addenda.all()
        ],
    }


def person_subject_access_conversations(person) -> dict:
    """The ``conversations`` key of the export: every conversation, drafts too, oldest first.

    A fixed number of queries, however many conversations.
    """
    conversations = with_everything(Conversation.objects.filter(person=person)).order_by(
        "held_on", "pk"
    )
    return {"conversations": [_conversation(c) for c in conversations]}
