"""Generated input against the reports' period forms.

A team dashboard reads its period from PeriodForm, an organisation report from
OrganisationReportForm, the reviews behind a figure from NarrativeForm, all
from the query string, so anything may arrive:
tests/core/test_form_fuzz_kit.py's typists fill them in carefully (a preset
period, or custom dates up to five years apart anywhere in the calendar, its
first and last days included) or anyhow (null bytes, unpaired surrogates,
20,000 characters, 5,000-digit numbers, 2**31, negative numbers, choices never
offered, fields left out). ``is_valid()`` answers True or False, never an
exception; a refusal says why in words, and the report still has a period (and
an organisation's filters, or the figure asked for) to show. A manager's shared
example (ShareExampleForm) is typed by hand: its words are flagged, never refused
with an error, whatever they hold.
"""

import datetime

import pytest
from hypothesis import strategies as st

from frameworks.models import FrameworkOutcome
from reports.forms import NarrativeForm, OrganisationReportForm, PeriodForm, ShareExampleForm
from reports.periods import MAX_CUSTOM_DAYS, Period
from tests.core.test_form_fuzz_kit import answers, assert_both_answers, posted, run_fuzz
from tests.factories import OrganisationFactory, ThemeFactory

PRESETS = ["this_quarter", "last_quarter", "last_12_months"]


def custom_periods() -> st.SearchStrategy:
    """A start anywhere in the calendar (often in its first or last year) and an end
    up to five years later (often as late as allowed)."""

    def ending(start: datetime.date):
        limit = min(MAX_CUSTOM_DAYS, (datetime.date.max - start).days)
        days = st.one_of(st.integers(0, limit), st.just(limit))
        return days.map(lambda n: (start, start + datetime.timedelta(days=n)))

    starts = st.one_of(
        st.dates(),
        st.dates(max_value=datetime.date(1, 12, 31)),
        st.dates(min_value=datetime.date(9999, 1, 1)),
    )
    return starts.flatmap(ending)


def fill(typist, *parts, **accepts):
    data = typist.fill(*parts, **accepts)
    if typist.careful and typist.draw(st.booleans(), "custom period"):
        start, end = typist.draw(custom_periods(), "custom dates")
        data.setlist("period", ["custom"])
        data.setlist("start", [start.isoformat()])
        data.setlist("end", [end.isoformat()])
    return data


def custom(start: str, end: str, **more) -> dict:
    return {"period": "custom", "start": start, "end": end, **more}


EDGES = [
    custom("0001-01-01", "0001-01-01"),
    custom("0001-01-01", "0001-03-31"),
    custom("9999-12-01", "9999-12-31"),
    custom("9999-10-15", "9999-12-31"),
    custom("9995-01-01", "9999-12-31"),
    custom("9999-12-31", "0001-01-01"),
    custom("", "9999-12-31"),
    custom("2025-01-01", "2029-12-31"),
    {"period": "last_12_months", "start": "9999-12-31", "end": "\x00"},
]


def period_answers(form: PeriodForm) -> bool:
    valid = answers(form)
    assert isinstance(form.chosen_period(), Period)
    return valid


def test_period_form_answers_any_input(db):
    template = PeriodForm(initial={"period": "this_quarter"})
    outcomes = run_fuzz(
        lambda typist: fill(typist, template),
        lambda data: period_answers(PeriodForm(data)),
        posted(template),
        *EDGES,
    )
    assert_both_answers(outcomes)


def organisation_answers(form: OrganisationReportForm) -> bool:
    valid = period_answers(form)
    form.filters()
    return valid


def test_organisation_report_form_answers_any_input(roles, frameworks):
    organisation = roles.team.organisation
    template = OrganisationReportForm(organisation=organisation, initial={"period": "last_quarter"})
    outcomes = run_fuzz(
        lambda typist: fill(typist, template),
        lambda data: organisation_answers(OrganisationReportForm(data, organisation=organisation)),
        posted(template),
        *EDGES,
        custom("2025-01-01", "2025-03-31", team=str(roles.team.pk), age_band="\ud800"),
        {"team": str(2**63), "framework": "\x00", "framework_outcome": "9" * 5000},
    )
    assert_both_answers(outcomes)


def narrative_answers(form: NarrativeForm) -> bool:
    valid = period_answers(form)
    if not form.figure_errors:
        form.figure()
    return valid


def test_narrative_form_answers_any_input(roles, frameworks):
    organisation = roles.team.organisation
    theme = ThemeFactory(organisation=organisation, name="Family support")
    foreign_theme = ThemeFactory(organisation=OrganisationFactory(), name="Transport")
    identities = [str(i) for i in FrameworkOutcome.objects.values_list("identity", flat=True)]
    template = NarrativeForm(
        organisation=organisation, initial={"identity": identities[0], "band": "achieved"}
    )
    untouched = posted(template)
    outcomes = run_fuzz(
        lambda typist: fill(
            typist, template, identity=st.sampled_from(identities).map(lambda i: [i])
        ),
        lambda data: narrative_answers(NarrativeForm(data, organisation=organisation)),
        untouched,
        *EDGES,
        {"theme": str(theme.pk), "kind": "helped", "period": "last_12_months"},
        {"theme": str(theme.pk), "kind": ""},
        {"theme": str(foreign_theme.pk), "kind": "hindered"},
        {"theme": str(2**63), "identity": "\ud800", "band": "\x00"},
        {"identity": "00000000-0000-0000-0000-000000000000", "band": "achieved"},
    )
    assert_both_answers(outcomes)


@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-01", "9999-12-31"), ("9999-11-20", "9999-12-05")],
    ids=["last-month-of-the-calendar", "into-the-last-month"],
)
def test_a_custom_period_in_the_last_month_of_the_calendar_gets_an_answer(roles, start, end):
    """An organisation report's period is widened to whole months: widening one in
    December 9999 must not look for the month after it."""
    form = OrganisationReportForm(custom(start, end), organisation=roles.team.organisation)
    answers(form)


def share_answers(form: ShareExampleForm) -> bool:
    valid = answers(form)
    # Flagging never fails on what was typed, whatever it is.
    assert all(flag.kind and flag.words for flag in form.flags)
    if valid and form.flags:
        assert form.cleaned_data["checked"] and form.cleaned_data["flagged"] == form.flag_key
    return valid


def test_share_example_form_answers_any_input(db):
    names = ["Iris Zebedee-Marchbanks", "Zibbity", "Ann (daughter)", "O'Neill"]
    template = ShareExampleForm(
        names=names,
        initial={"text": "She is back at the lunch club.", "how_agreed": "At the review"},
    )
    outcomes = run_fuzz(
        lambda typist: typist.fill(template),
        lambda data: share_answers(ShareExampleForm(data, names=names)),
        posted(template),
        {"person_agreed": "on", "how_agreed": "Yes", "text": "Met Zibbity on 3/4/25."},
        {"person_agreed": "on", "how_agreed": "Yes", "text": "(" * 5000 + "\ud800\x00"},
        {"person_agreed": "on", "how_agreed": "Yes", "text": "x", "checked": "on"},
        {"person_agreed": "on", "how_agreed": "Yes", "text": "She is well.", "flagged": "\x00"},
    )
    assert_both_answers(outcomes)
