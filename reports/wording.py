"""What the reports say about themselves in words: how the figures were counted and
how small counts are protected, shared by the pages, the PDFs and every export so
that a figure means the same wherever it is read."""

from . import disclosure, selectors

TEAM_DISCLOSURE = (
    "None: a team dashboard shows its managers exact counts. Do not share it outside "
    "the team without checking for small counts."
)


def disclosure_method() -> str:
    """The organisation reports' disclosure control, in the words of reports.disclosure."""
    return disclosure.METHOD_NOTE


BANDS_AND_POINTS = (
    "Each rating is one point on the outcome's rating scale, for example \"Mostly "
    'achieved". Every point belongs to one of three bands: achieved, partly achieved '
    "or not achieved. The tables count bands; the reviews behind them show points."
)


def counting_notes(*, scope: str, organisation_level: bool) -> list[str]:
    """How the figures were counted, in short sentences a commissioner reads without help.

    ``scope`` names whose people were counted ("the team's caseload").
    """
    notes = [
        f"People counted: everyone on {scope} now, with open or closed records.",
        *selectors.HOW_COUNTED,
        BANDS_AND_POINTS,
        "Outcomes linked to a retired framework outcome still count, marked (retired).",
    ]
    if organisation_level:
        notes += [
            "The organisation report counts whole calendar months. Custom dates are "
            "widened to the months they fall in.",
            "A framework or framework outcome filter keeps only the outcomes linked to it.",
        ]
    return notes
