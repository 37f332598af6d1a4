"""Recording quality: gentle prompts where a record may fall short of the four core criteria.

The four core criteria of a good outcomes record (Personal Outcomes practice guide):

1. ``outcome_not_output``: it names an outcome (an agreed purpose), not just a
   service or output. Prompted when the words read like a service: see
   ``SERVICE_PATTERNS`` below ("attend day centre twice a week", "receive 4 visits").
2. ``personalised``: it is about this person: says why it matters to them, and is
   more than a framework heading repeated ("Feeling safe").
3. ``contribution``: the person's or family's own part is noted.
4. ``own_voice``: the person's own words are included: marked as theirs, and
   sounding like a person speaking (I, me, my, we...) or quoted.

For a review the same criteria read as: a rating has narrative that explains it
(``narrative``), what helped or hindered is noted (``helps_hinders``), and the
person's voice is in it (``own_voice``: quoted words or first person).

Prompts never block saving. Each stored outcome and review keeps the list of
criteria it met, so reports can count recording quality.
"""

import re
from dataclasses import dataclass

from .models import QUALITY_CRITERIA_OUTCOME, QUALITY_CRITERIA_REVIEW

OUTCOME_CRITERIA = QUALITY_CRITERIA_OUTCOME
REVIEW_CRITERIA = QUALITY_CRITERIA_REVIEW

# Words that describe a service or an output rather than what the person wants
# from life. Matched case-insensitively on word boundaries.
SERVICE_PATTERNS = [
    r"\battend(s|ing)?\b",
    r"\breceiv(e|es|ing)\b",
    r"\bday (centre|center|care|service)s?\b",
    r"\bhome ?care\b",
    r"\bcare package\b",
    r"\bpackage of care\b",
    r"\brespite\b",
    r"\b\d+\s*(x\s*)?(visits?|calls?|hours?|sessions?)\b",
    r"\b(one|two|three|four|five|six|seven) (visits?|calls?|hours?|sessions?)\b",
    r"\b(once|twice|three times) (a|per) (day|week|month)\b",
    r"\breferr?(al|ed) to\b",
    r"\bassessment\b",
    r"\bprovid(e|ed|ing) with\b",
    r"\bmedication (prompt|administration)s?\b",
    r"\bbe (seen|assessed|reviewed) by\b",
]
_SERVICE = re.compile("|".join(SERVICE_PATTERNS), re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|mine|myself|we|our|us)\b", re.IGNORECASE)
# Words in quotation marks (straight or curly), at least a few letters long.
_QUOTES = "\"\u201c\u201d\u2018\u2019'"
_QUOTED = re.compile(rf"[{_QUOTES}]\s*\w[^\"\u201c\u201d]{{3,}}[{_QUOTES}]")
MIN_PERSONAL_WORDS = 4


@dataclass(frozen=True)
class Prompt:
    criterion: str
    message: str


def _sounds_like_the_person(text: str) -> bool:
    return bool(_FIRST_PERSON.search(text) or _QUOTED.search(text))


def outcome_prompts(
    *,
    what_matters: str,
    in_own_words: bool,
    why_it_matters: str,
    contribution: str,
    framework_names: tuple[str, ...] = (),
) -> list[Prompt]:
    """Prompts for an outcome statement; empty when it meets all four criteria."""
    prompts = []
    text = what_matters.strip()
    if _SERVICE.search(text):
        prompts.append(
            Prompt(
                "outcome_not_output",
                "This reads like a service or an output. What difference would it make to "
                "the person's life? For example, instead of \"attend day centre twice a "
                'week", "I want to see people and have a laugh".',
            )
        )
    generic = text.lower() in {n.lower() for n in framework_names}
    if len(text.split()) < MIN_PERSONAL_WORDS or generic or not why_it_matters.strip():
        prompts.append(
            Prompt(
                "personalised",
                "Could this say more about this person: what it looks like for them, and "
                "why it matters to them?",
            )
        )
    if not contribution.strip():
        prompts.append(
            Prompt(
                "contribution",
                "What will the person or their family do towards this? Note their part too.",
            )
        )
    if not in_own_words:
        # The box is already unticked: asking to untick it would make no sense.
        prompts.append(
            Prompt(
                "own_voice",
                "This is marked as someone else's account. If the person can say what "
                "matters, even in a few words or a gesture, note it as they put it.",
            )
        )
    elif not _sounds_like_the_person(text):
        prompts.append(
            Prompt(
                "own_voice",
                "Are these the person's own words? If they said it, write it as they said "
                'it; if someone spoke for them, untick "own words".',
            )
        )
    return prompts


def views_prompts(*, person_took_part: bool, channels) -> list[Prompt]:
    """A prompt when the person's view was not gathered directly and no other way
    (life story, family or a proxy) was chosen either."""
    if person_took_part or channels:
        return []
    return [
        Prompt(
            "own_voice",
            "How was the person's view gathered? They did not take part directly and no "
            "other way is noted: their life story and records, or family or a proxy "
            "speaking for them, can bring their view in.",
        )
    ]


def prompt_messages(prompts: list[Prompt]) -> str:
    """The prompts as one line for a message after saving."""
    return " ".join(p.message for p in prompts)


def review_prompts(
    *, narrative: str, what_helped: str, what_hindered: str, rated: bool = True
) -> list[Prompt]:
    """Prompts for a review; empty when it meets all its criteria."""
    prompts = []
    if rated and not narrative.strip():
        prompts.append(
            Prompt(
                "narrative",
                "A rating on its own doesn't tell the story. Add a line on how it is going.",
            )
        )
    if not (what_helped.strip() or what_hindered.strip()):
        prompts.append(
            Prompt("helps_hinders", "What helped, or what got in the way? Either is useful.")
        )
    if not _sounds_like_the_person(narrative):
        prompts.append(
            Prompt(
                "own_voice",
                "Is the person's view here? A few of their own words, quoted, say a lot.",
            )
        )
    return prompts


def criteria_met(all_criteria: tuple[str, ...], prompts: list[Prompt]) -> list[str]:
    missing = {p.criterion for p in prompts}
    return [c for c in all_criteria if c not in missing]
