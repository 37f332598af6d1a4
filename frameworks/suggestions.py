"""Framework outcomes suggested from the words typed for an outcome.

Plain on purpose, so a practitioner can see why each one is offered. The words
typed are lower-cased, common English endings are taken off ("cooking", "cooked"
and "cooks" all become "cook"), and little words that say nothing about what
matters ("I", "want", "again", "own") are left out. A framework outcome is
suggested when its name or plain-language description shares at least one of
the words left of the outcome itself; words of why it matters count too, but
only towards the order, since they say why rather than what ("my family" does
not make cooking about seeing people). Most words shared come first, then words
shared with the name, then the framework's own order. Nothing is chosen for the
practitioner: each suggestion says which words it shares, and they decide.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import FrameworkOutcome
from .selectors import outcomes_for_recording

SUGGESTED_AT_MOST = 3

# Common English words, and words nearly every outcome in a care framework is
# about ("support", "help", "person"), which would make every outcome look alike.
_STOP_WORDS = """
    about above after again against all also always and any are aren around back
    because been before being below between both but can cannot could couldn did
    didn does doesn doing don done down during each either else even ever every
    few for from further get gets getting got had has have having her here hers
    herself him himself his how into its itself just least less like likes liked
    lot lots make makes making many may might more most much must myself need
    needs needed never not now off once one only onto other others our ours
    ourselves out over own quite rather really said same say says shall she
    should some something still such than that the their theirs them themselves
    then there these they thing things this those though through too under until
    upon very want wants wanted wanting was way ways well were what when where
    whether which while who whom whose why will with within without won would
    yes yet you your yours yourself yourselves able day days time times
    person support supported help helped helps helping someone everyone
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Endings taken off, the first that fits; what is left keeps at least three letters.
_ENDINGS = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("s", ""))
_MIN_STEM = 3
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def stem(word: str) -> str:
    """``word`` (lower case) without a common ending, so that "cooking", "cooked" and
    "cook" compare equal, as do "home" and "homes", "shopping" and "shop"."""
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            if ending == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: -len(ending)] + replacement
            break
    if word.endswith("e") and len(word) > _MIN_STEM:
        word = word[:-1]
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


_STOP_STEMS = frozenset(stem(word) for word in STOP_WORDS)


def meaningful_words(text: str) -> dict[str, str]:
    """The words of ``text`` that say something, each stem with the word as first typed,
    in the order typed."""
    words: dict[str, str] = {}
    for token in _WORD.findall(text.lower().replace("\u2019", "'")):
        if token.endswith("'s"):
            token = token[:-2]
        if "'" in token or len(token) < _MIN_STEM or token in STOP_WORDS:
            continue  # a shortened form such as "don't", or a little word
        root = stem(token)
        if root not in _STOP_STEMS:
            words.setdefault(root, token)
    return words


@dataclass(frozen=True)
class Suggestion:
    """A framework outcome offered for the words typed, and the words it shares with them."""

    outcome: FrameworkOutcome
    shared: tuple[str, ...]  # as typed, in the order typed

    @property
    def why(self) -> str:
        noun = "word" if len(self.shared) == 1 else "words"
        return f"shares the {noun}: {', '.join(self.shared)}"


def suggest(
    what: str,
    outcomes: Iterable[FrameworkOutcome],
    *,
    why: str = "",
    at_most: int = SUGGESTED_AT_MOST,
) -> list[Suggestion]:
    """The framework outcomes among ``outcomes`` that share a meaningful word with
    ``what`` (the outcome as typed), ranked with the words of ``why`` (why it matters)
    as well, best first, at most ``at_most``; none when nothing is shared."""
    own = meaningful_words(what)
    if not own:
        return []
    typed = own | {root: word for root, word in meaningful_words(why).items() if root not in own}
    ranked = []
    for place, outcome in enumerate(outcomes):
        in_name = set(meaningful_words(outcome.short_name))
        in_outcome = in_name | set(meaningful_words(outcome.description))
        if in_outcome.isdisjoint(own):
            continue
        shared = [root for root in typed if root in in_outcome]
        from_name = sum(1 for root in shared if root in in_name)
        ranked.append((-len(shared), -from_name, place, outcome, shared))
    ranked.sort(key=lambda row: row[:3])
    return [
        Suggestion(outcome=outcome, shared=tuple(typed[root] for root in shared))
        for *_, outcome, shared in ranked[:at_most]
    ]


def outcomes_suggested(
    what: str,
    *,
    why: str = "",
    organisations: Sequence,
    lineage=None,
    at_most: int = SUGGESTED_AT_MOST,
) -> list[Suggestion]:
    """Suggestions for the outcome ``what`` (and why it matters, ``why``) from the
    framework outcomes a practitioner may choose: the organisations' current,
    unretired outcomes, only those of the framework ``lineage`` when it is given
    (the person's own framework).

    One query, and none when ``what`` has no meaningful word.
    """
    if not meaningful_words(what):
        return []
    offered = outcomes_for_recording(organisations)
    if lineage:
        offered = offered.filter(category__framework__lineage=lineage)
    return suggest(what, offered, why=why, at_most=at_most)
