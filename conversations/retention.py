"""A person's conversations anonymised with their record (registered in ``apps.py``)."""

from records.retention import texts_removed

from .models import (
    Addendum,
    AgreedAction,
    AgreedOutcome,
    CandidateOutcome,
    Conversation,
    Participant,
    ReviewEntry,
    RiskDiscussion,
)

# Every piece of free text a conversation holds, by model.
FREE_TEXT = {
    Conversation: [
        "place",
        "communication_support",
        "strengths_person",
        "strengths_family",
        "strengths_community",
        "differences",
        "not_agreed",
    ],
    Participant: ["name", "role", "what_matters", "why"],
    CandidateOutcome: ["statement"],
    RiskDiscussion: ["risk", "persons_view", "agreed_reasonable", "safeguards"],
    AgreedOutcome: [
        "what_matters",
        "why_it_matters",
        "person_contribution",
        "family_contribution",
        "practitioner_contribution",
        "community_contribution",
    ],
    AgreedAction: ["description", "who", "when", "where"],
    ReviewEntry: [
        "narrative",
        "what_helped",
        "what_hindered",
        "unintended_outcomes",
        "plan_change",
    ],
    Addendum: ["text", "reason"],
}
# How each model reaches the person.
PERSON_PATH = {
    Conversation: "person",
    AgreedAction: "agreed_outcome__conversation__person",
}


def person_conversations_anonymise(person, removed: str) -> None:
    """Replace every piece of free text in the person's conversations with ``removed``.

    One UPDATE for each kind of row; dates, stages and links stay.
    """
    for model, fields in FREE_TEXT.items():
        path = PERSON_PATH.get(model, "conversation__person")
        model.objects.filter(**{path: person}).update(**texts_removed(fields, removed))
