"""Generated input against every form that changes a person's record, and the caseload search.

Whatever is typed (empty, 20,000 characters, any Unicode, null bytes, markup,
SQL, impossible dates, choices that were never offered) the answer is either
the form again, saying what is wrong and with what was typed still in it
(200), or a redirect after saving (302); never a server error. What is saved
is what was typed, less the surrounding whitespace every text field trims, and
nothing typed runs as markup on the person page.

Half the generated examples type carefully (within what each field accepts) so
that saving is exercised as hard as refusing. Each example runs in a savepoint
that is rolled back, so every one starts from the same record.
"""

import datetime
import re
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Organisation
from common.dates import HAPPENED, PLANNED
from frameworks.models import FrameworkOutcome, ScaleKind
from records import services
from records.models import Outcome, Person, Review
from tests.factories import CaseloadEntryFactory, KeyPersonFactory, ScalePointFactory
from themes.models import Theme

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE records_person; --"
RTL = "\u202eevil.exe\u202c \u200f\u05e9\u05dc\u05d5\u05dd\u200e"  # override, Hebrew, RLM/LRM
EMOJI = "👩‍👩‍👧‍👦 🏳️‍🌈 🙂"
NASTY = (
    SCRIPT,
    IMG,
    SQL,
    RTL,
    EMOJI,
    "\x00",
    "nul\x00in the middle",
    "مرحبا",
    "  padded  ",
    "\r\nline\rbreaks\n\n",
    "\t",
    "\u00a0\u2003\u3000",  # whitespace Python trims but HTML does not
    "{{ request.user }} {% csrf_token %}",
    "%s %d %(name)s",
    "&amp; &lt;b&gt;",
    "\\",
    "\uff21\uff42\uff43",  # fullwidth "Abc"
    "\uff10\uff11\uff10\uff11\uff15\uff10\uff11\uff12\uff13\uff14",  # fullwidth digits
    "None",
    "0",
)
ODD_DATES = (
    "",
    "31/02/2026",
    "2026-13-01",
    "9999-12-31",
    "0001-01-01",
    "29/02/2024",
    "2025-02-29",
    "00/00/0000",
    "1/1/1",
    "today",
    "2025-03-01T00:00",
    " 2025-03-01 ",
    "2025-03-01\x00",
    "\uff11\uff19\uff19\uff10-\uff10\uff11-\uff10\uff11",  # fullwidth 1990-01-01
    "-1",
    "99999-01-01",
)
OUT_OF_RANGE_ID = "99999999999999999999"
ODD_CHOICES = (
    "",
    "0",
    "-1",
    "abc",
    OUT_OF_RANGE_ID,
    "1.5",
    "\x00",
    "\uff11",  # fullwidth 1
    " 1 ",
    "1e3",
    "[1]",
    "None",
    SCRIPT,
)
ODD_BOOLEANS = ("", "on", "off", "false", "0", "1", "yes", "\x00", SCRIPT)
ERROR_SIGNS = ("alert-danger", "is-invalid", "invalid-feedback", "Someone else saved this")
EXAMPLES = 30

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    report_multiple_bugs=False,
    # Examples share the test's fixtures (each is rolled back) and may carry
    # 20,000-character fields.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Anything a browser, a script or a copy-paste could send in a text field.
any_text = st.one_of(
    st.just(""),
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.builds(
        lambda unit, size: (unit * size)[:size],
        st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=5)),
        st.integers(5_000, 20_000),
    ),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), min_size=2, max_size=4).map(
        "".join
    ),
)


def text_within(limit: int):
    """Text a field of ``limit`` characters accepts, however odd, up to exactly the limit."""
    return st.one_of(
        st.sampled_from([v for v in NASTY if "\x00" not in v and len(v) <= limit]),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=min(60, limit)),
        st.sampled_from(["a", "é", "👩", "<", " x"]).map(lambda unit: (unit * limit)[:limit]),
    )


class Typist:
    """Fills in a form field by field: carefully (what the field accepts) or anyhow."""

    def __init__(self, data):
        self.data = data
        self.careful = data.draw(st.booleans(), label="careful")

    def draw(self, strategy, label: str):
        return self.data.draw(strategy, label=label)

    def text(self, label: str, limit: int, *, required: bool = False) -> str:
        if not self.careful:
            return self.draw(any_text, label)
        strategy = text_within(limit)
        return self.draw(strategy.filter(str.strip) if required else strategy, label)

    def date(self, label: str, low: datetime.date, high: datetime.date) -> str:
        accepted = st.one_of(
            st.dates(low, high).map(datetime.date.isoformat),
            st.dates(low, high).map(lambda d: d.strftime("%d/%m/%Y")),
        )
        if self.careful:
            return self.draw(accepted, label)
        anything = st.one_of(
            st.sampled_from(ODD_DATES),
            st.dates().map(datetime.date.isoformat),
            st.text(max_size=12),
        )
        return self.draw(st.one_of(accepted, anything), label)

    def choice(self, label: str, valid: list[str]) -> str:
        if self.careful:
            return self.draw(st.sampled_from(valid), label)
        return self.draw(st.one_of(st.sampled_from(valid), st.sampled_from(ODD_CHOICES)), label)

    def choices(
        self, label: str, valid: list[str], *, min_size: int = 0, max_size: int = 3
    ) -> list[str]:
        if self.careful:
            unique = st.lists(
                st.sampled_from(valid), min_size=min_size, max_size=max_size, unique=True
            )
            return self.draw(unique, label)
        one = st.one_of(st.sampled_from(valid), st.sampled_from(ODD_CHOICES))
        return self.draw(st.lists(one, max_size=max_size), label)

    def boolean(self, label: str) -> str:
        return self.draw(st.sampled_from(ODD_BOOLEANS), label)

    def rows(
        self, prefix: str, limits: dict[str, int], *, required: tuple[str, ...], count: int = 2
    ) -> dict:
        """A formset's rows and management form. Carefully, a row is either empty or
        has its ``required`` fields filled in, which is what the row forms ask for."""
        form = {f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": "0"}
        for i in range(count):
            filled = not self.careful or self.draw(st.booleans(), f"{prefix}-{i} filled")
            for field, limit in limits.items():
                label = f"{prefix}-{i}-{field}"
                form[label] = self.text(label, limit, required=field in required) if filled else ""
        return form


@dataclass
class Setting:
    """A signed-in practitioner and a person on their caseload with an outcome and a review."""

    client: object
    person: Person
    outcome: Outcome
    review: Review
    team_ids: list[str]
    other_team_ids: list[str]
    point_ids: list[str]
    other_point_ids: list[str]
    framework_outcome_ids: list[str]
    theme_ids: list[str]
    other_theme_ids: list[str]
    today: datetime.date


@pytest.fixture
def setting(client, roles, frameworks, actor_as) -> Setting:
    actor = actor_as(roles.practitioner)
    person = CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie").person
    KeyPersonFactory(person=person, name="Bill Mackenzie", relationship="Husband")
    outcome = services.outcome_record(
        actor=actor,
        person=person,
        what_matters="I want to get back to my garden",
        started_on=datetime.date(2025, 1, 6),
        actions=[services.ActionData(description="Raised beds by the door")],
    )
    points = list(outcome.scale.points.order_by("score"))
    review = services.review_add(
        actor=actor,
        outcome=outcome,
        reviewed_on=datetime.date(2025, 3, 1),
        point=points[0],
        narrative="Out in the garden twice this week",
    )
    ours = Theme.objects.create(organisation=roles.team.organisation, name="Family support")
    theirs = Theme.objects.create(
        organisation=Organisation.objects.create(name="Another Partnership"), name="Transport"
    )
    client.force_login(roles.practitioner)
    person.refresh_from_db()
    outcome.refresh_from_db()
    return Setting(
        client=client,
        person=person,
        outcome=outcome,
        review=review,
        team_ids=[str(roles.team.pk)],
        other_team_ids=[str(roles.other_team.pk)],
        point_ids=[str(p.pk) for p in points],
        # A rating from another scale, never offered for this outcome.
        other_point_ids=[str(ScalePointFactory().pk)],
        framework_outcome_ids=[
            str(pk) for pk in FrameworkOutcome.objects.order_by("pk").values_list("pk", flat=True)
        ],
        theme_ids=[str(ours.pk)],
        other_theme_ids=[str(theirs.pk)],
        today=timezone.localdate(),
    )


@contextmanager
def rolled_back():
    """Run one example in a savepoint and undo whatever it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def run_fuzz(fill: Callable, check: Callable, *fixed: dict) -> Counter:
    """``check`` generated forms (made by ``fill`` from a Typist) and then the ``fixed``
    ones; return how often each status came back."""
    statuses: Counter = Counter()

    @fuzz_settings
    @given(data=st.data())
    def fuzz(data):
        form = fill(Typist(data))
        with rolled_back():
            statuses[check(form)] += 1

    fuzz()
    for form in fixed:
        with rolled_back():
            statuses[check(form)] += 1
    return statuses


def assert_both_outcomes(statuses: Counter) -> None:
    # Proves the run saved and refused, so neither half of the checks went unused.
    assert statuses[302] >= 2 and statuses[200] >= 2, statuses


def post_form(client, url: str, form: dict, typed: list[str]):
    """POST ``form``; if it is shown again, check it says why and keeps what was typed."""
    response = client.post(url, form)
    assert response.status_code in (200, 302), f"{response.status_code} from {url}"
    if response.status_code == 200:
        page = response.content.decode()
        assert any(sign in page for sign in ERROR_SIGNS), "form shown again without an error"
        # Only whitespace is as good as empty once trimmed, and crispy-forms folds a
        # textarea holding nothing else into one space, so those are not checked.
        lost = [name for name in typed if form[name].strip() and escape(form[name]) not in page]
        assert not lost, f"what was typed in {lost} is not in the form shown again"
    return response


def check_page(client, url: str, shown: list[str]) -> str:
    """The page a save led to renders, and markup saved in ``shown`` is inert text."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    if any(SCRIPT in text for text in shown):
        assert escape(SCRIPT) in page
    return page


def typed_fields(form: dict, names: tuple[str, ...], *prefixes: str) -> list[str]:
    """The text fields of ``form``: ``names`` and every row field of the ``prefixes``."""
    rows = [key for key in form if re.fullmatch(rf"({'|'.join(prefixes)})-\d+-\w+", key)]
    return [name for name in names if name in form] + rows


def saved_rows(form: dict, prefix: str, names: tuple[str, ...]) -> list[tuple]:
    """The formset rows the view keeps: those whose first field is filled, each trimmed."""
    count = int(form[f"{prefix}-TOTAL_FORMS"])
    rows = [tuple(form[f"{prefix}-{i}-{name}"].strip() for name in names) for i in range(count)]
    return [row for row in rows if row[0]]


# Person details

PERSON_TEXT = {
    "full_name": 200,
    "preferred_name": 100,
    "communication_needs": 10_000,
    "engagement_notes": 10_000,
}
KEY_PERSON_TEXT = {"name": 200, "relationship": 100, "contact": 300}
CHANNELS = ["verbal", "non_verbal", "life_story", "family_proxy"]


def fill_person(t: Typist, s: Setting, *, adding: bool) -> dict:
    form = {
        name: t.text(name, limit, required=name == "full_name")
        for name, limit in PERSON_TEXT.items()
    }
    form["date_of_birth"] = t.date("date_of_birth", datetime.date(1900, 1, 1), s.today)
    form["chi_number"] = (
        "" if t.careful else t.draw(st.one_of(any_text, st.just("0101501234")), "chi_number")
    )
    form["engagement_channels"] = t.choices("engagement_channels", CHANNELS)
    form |= t.rows("key", KEY_PERSON_TEXT, required=("name", "relationship"))
    if adding:
        teams = s.team_ids + s.other_team_ids * (not t.careful)
        form["teams"] = t.choices("teams", teams, min_size=1)
    else:
        form["version"] = t.choice("version", [str(s.person.version)])
    return form


def person_post(s: Setting, **changes) -> dict:
    """A person form that saves: markup, SQL and right-to-left text in every field."""
    return {
        "full_name": f"  {SCRIPT} Agnes  ",
        "preferred_name": EMOJI,
        "communication_needs": f"{RTL}\r\nline two",
        "engagement_notes": SQL,
        "date_of_birth": "",
        "chi_number": "",
        "engagement_channels": ["verbal"],
        "key-TOTAL_FORMS": "2",
        "key-INITIAL_FORMS": "0",
        "key-0-name": IMG,
        "key-0-relationship": "Neighbour",
        "key-0-contact": SCRIPT,
        "key-1-name": "",
        "key-1-relationship": "",
        "key-1-contact": "",
        "teams": s.team_ids,
        "version": str(s.person.version),
    } | changes


def check_person(s: Setting, url: str, form: dict) -> int:
    typed = typed_fields(form, tuple(PERSON_TEXT), "key")
    response = post_form(s.client, url, form, typed)
    if response.status_code == 302:
        location = response.headers["Location"]
        person = Person.objects.get(pk=re.fullmatch(r"/people/(\d+)/", location).group(1))
        for name in PERSON_TEXT:
            assert getattr(person, name) == form[name].strip(), name
        key_people = sorted(person.key_people.values_list(*KEY_PERSON_TEXT))
        assert key_people == sorted(saved_rows(form, "key", tuple(KEY_PERSON_TEXT)))
        shown = [getattr(person, name) for name in PERSON_TEXT]
        check_page(s.client, location, shown + [v for row in key_people for v in row])
    return response.status_code


def test_person_add_answers_any_input_without_error(setting):
    s = setting
    statuses = run_fuzz(
        lambda t: fill_person(t, s, adding=True),
        lambda form: check_person(s, "/people/add/", form),
        person_post(s),
        person_post(s, full_name="nul\x00in the middle", date_of_birth="31/02/2026"),
    )
    assert_both_outcomes(statuses)


def test_person_edit_answers_any_input_without_error(setting):
    s = setting
    url = f"/people/{s.person.pk}/edit/"
    statuses = run_fuzz(
        lambda t: fill_person(t, s, adding=False),
        lambda form: check_person(s, url, form),
        person_post(s),
        person_post(s, full_name="x" * 20_000, version="0"),
    )
    assert_both_outcomes(statuses)


# Outcomes

OUTCOME_TEXT = {"what_matters": 10_000, "why_it_matters": 10_000, "contribution": 10_000}
ACTION_TEXT = {"description": 2000, "who": 300, "when": 200, "where": 200}
STATUSES = ["active", "achieved", "no_longer_relevant"]


def fill_outcome(t: Typist, s: Setting, *, adding: bool) -> dict:
    form = {
        name: t.text(name, limit, required=name == "what_matters")
        for name, limit in OUTCOME_TEXT.items()
    }
    form["in_own_words"] = t.boolean("in_own_words")
    form["framework_outcomes"] = t.choices("framework_outcomes", s.framework_outcome_ids)
    form["next_review_on"] = t.date("next_review_on", s.today, datetime.date(2030, 1, 1))
    form["gas_weight"] = t.choice("gas_weight", ["", "1", "3", "100"])
    form |= t.rows("actions", ACTION_TEXT, required=("description",))
    if adding:
        form["started_on"] = t.date("started_on", datetime.date(2024, 1, 1), s.today)
    else:
        form["status"] = t.choice("status", STATUSES)
        form["status_changed_on"] = t.date("status_changed_on", datetime.date(2025, 1, 6), s.today)
        form["version"] = t.choice("version", [str(s.outcome.version)])
    return form


def outcome_post(s: Setting, **changes) -> dict:
    """An outcome form that saves, with markup, SQL and the far ends of the dates allowed."""
    return {
        "what_matters": f"{SCRIPT}\r\nI want to dance again 💃",
        "why_it_matters": IMG,
        "contribution": SQL,
        "in_own_words": "on",
        "framework_outcomes": s.framework_outcome_ids[:1],
        "next_review_on": PLANNED.latest().isoformat(),
        "started_on": HAPPENED.earliest.isoformat(),
        "status": "achieved",
        "status_changed_on": s.today.isoformat(),
        "version": str(s.outcome.version),
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": RTL,
        "actions-0-who": SCRIPT,
        "actions-0-when": "",
        "actions-0-where": "",
        "actions-1-description": "",
        "actions-1-who": "",
        "actions-1-when": "",
        "actions-1-where": "",
    } | changes


def check_outcome(s: Setting, url: str, form: dict) -> int:
    typed = typed_fields(form, tuple(OUTCOME_TEXT), "actions")
    response = post_form(s.client, url, form, typed)
    if response.status_code == 302:
        assert response.headers["Location"] == f"/people/{s.person.pk}/"
        added = s.person.outcomes.exclude(pk=s.outcome.pk).first()
        outcome = added or Outcome.objects.get(pk=s.outcome.pk)
        for name in OUTCOME_TEXT:
            assert getattr(outcome, name) == form[name].strip(), name
        # The weight is asked for (and kept) only for a Goal Attainment Scaling scale.
        if "gas_weight" in form and outcome.scale.kind == ScaleKind.GAS:
            assert outcome.gas_weight == int(form["gas_weight"] or 1)
        actions = list(outcome.actions.order_by("order").values_list(*ACTION_TEXT))
        assert actions == saved_rows(form, "actions", tuple(ACTION_TEXT))
        shown = [getattr(outcome, name) for name in OUTCOME_TEXT]
        check_page(s.client, f"/people/{s.person.pk}/", shown + [v for a in actions for v in a])
    return response.status_code


def test_outcome_add_answers_any_input_without_error(setting):
    s = setting
    statuses = run_fuzz(
        lambda t: fill_outcome(t, s, adding=True),
        lambda form: check_outcome(s, f"/people/{s.person.pk}/outcomes/add/", form),
        outcome_post(s),
        outcome_post(s, what_matters="x" * 20_000, next_review_on="2026-13-01"),
    )
    assert_both_outcomes(statuses)


def test_outcome_edit_answers_any_input_without_error(setting):
    s = setting
    statuses = run_fuzz(
        lambda t: fill_outcome(t, s, adding=False),
        lambda form: check_outcome(s, f"/outcomes/{s.outcome.pk}/edit/", form),
        outcome_post(s),
        outcome_post(s, status="\x00", status_changed_on="31/02/2026"),
    )
    assert_both_outcomes(statuses)


# Reviews

REVIEW_TEXT = {
    "narrative": 10_000,
    "what_helped": 10_000,
    "what_hindered": 10_000,
    "unintended_outcomes": 10_000,
    "plan_change": 10_000,
    "views_included": 1000,
}


def fill_review(t: Typist, s: Setting, *, amending: bool) -> dict:
    form = {name: t.text(name, limit) for name, limit in REVIEW_TEXT.items()}
    themes = s.theme_ids + (s.other_theme_ids * (not t.careful))
    form |= {
        "reviewed_on": t.date("reviewed_on", datetime.date(2025, 1, 6), s.today),
        "point": t.choice("point", s.point_ids + s.other_point_ids * (not t.careful)),
        "plan_needs_change": t.boolean("plan_needs_change"),
        "helped_themes": t.choices("helped_themes", themes, max_size=2),
        "hindered_themes": t.choices("hindered_themes", themes, max_size=2),
    }
    if amending:
        form["reason"] = t.text("reason", 10_000, required=True)
    else:
        form["next_review_on"] = t.date("next_review_on", s.today, datetime.date(2030, 1, 1))
    return form


def review_post(s: Setting, **changes) -> dict:
    return {
        "narrative": f"{SCRIPT} went to the garden centre",
        "what_helped": IMG,
        "what_hindered": SQL,
        "unintended_outcomes": EMOJI,
        "plan_change": f"{SCRIPT} more often",
        "views_included": RTL,
        "reviewed_on": s.today.strftime("%d/%m/%Y"),
        "point": s.point_ids[-1],
        "plan_needs_change": "on",
        "helped_themes": s.theme_ids,
        "hindered_themes": [],
        "reason": f"  {SCRIPT} typo  ",
        "next_review_on": "9999-12-31",
    } | changes


def check_review(s: Setting, url: str, form: dict) -> int:
    names = (*REVIEW_TEXT, "reason") if url.endswith("/amend/") else tuple(REVIEW_TEXT)
    response = post_form(s.client, url, form, typed_fields(form, names))
    if response.status_code == 302:
        assert response.headers["Location"] == f"/people/{s.person.pk}/"
        review = s.outcome.reviews.exclude(pk=s.review.pk).get()
        for name in REVIEW_TEXT:
            assert getattr(review, name) == form[name].strip(), name
        shown = [getattr(review, name) for name in REVIEW_TEXT if name != "plan_change"]
        if review.plan_needs_change:
            shown.append(review.plan_change)
        if review.amends_id:
            assert review.amendment_reason == form["reason"].strip()
            shown.append(review.amendment_reason)
        # Every review is on the outcome's reviews page; the person's page has the latest.
        check_page(s.client, f"/outcomes/{s.outcome.pk}/reviews/", shown)
    return response.status_code


def test_review_add_answers_any_input_without_error(setting):
    s = setting
    statuses = run_fuzz(
        lambda t: fill_review(t, s, amending=False),
        lambda form: check_review(s, f"/outcomes/{s.outcome.pk}/reviews/add/", form),
        review_post(s),
        review_post(s, point=s.other_point_ids[0], helped_themes=s.other_theme_ids),
    )
    assert_both_outcomes(statuses)


def test_review_amend_answers_any_input_without_error(setting):
    s = setting
    statuses = run_fuzz(
        lambda t: fill_review(t, s, amending=True),
        lambda form: check_review(s, f"/reviews/{s.review.pk}/amend/", form),
        review_post(s),
        review_post(s, reason="\x00", reviewed_on="2025-02-29"),
    )
    assert_both_outcomes(statuses)


# Closing a record


def check_close(s: Setting, form: dict) -> int:
    response = post_form(s.client, f"/people/{s.person.pk}/close/", form, ["reason"])
    if response.status_code == 302:
        person = Person.objects.get(pk=s.person.pk)
        assert person.is_closed
        assert person.closed_reason == form["reason"].strip()
        check_page(s.client, response.headers["Location"], [person.closed_reason])
    return response.status_code


def test_close_record_answers_any_input_without_error(setting):
    s = setting
    statuses = run_fuzz(
        lambda t: {
            "closed_on": t.date("closed_on", datetime.date(2000, 1, 1), s.today),
            "reason": t.text("reason", 10_000, required=True),
        },
        lambda form: check_close(s, form),
        {"closed_on": "0001-01-01", "reason": f" {SCRIPT}\r\nmoved away "},
        {"closed_on": s.today.isoformat(), "reason": " \t "},
        {"closed_on": "9999-12-31", "reason": SQL},
    )
    assert_both_outcomes(statuses)


# Caseload search


def check_search(s: Setting, query: dict) -> int:
    response = s.client.get("/people/", query)
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(query["q"]) in page, "the search box lost what was typed"
    assert "<script>alert" not in page
    return response.status_code


def test_caseload_search_answers_any_query_without_error(setting):
    s = setting
    statuses = run_fuzz(
        lambda t: {
            "q": t.text("q", 200),
            "team": t.choice("team", ["", *s.team_ids, *s.other_team_ids]),
            "sort": t.choice("sort", ["name", "next_review"]),
            "closed": t.choice("closed", ["", "1"]),
            "page": t.choice("page", ["1", "2"]),
        },
        lambda query: check_search(s, query),
        {"q": "mack", "team": "", "sort": "name", "closed": "", "page": "1"},
        {"q": SCRIPT, "team": SQL, "sort": "\x00", "closed": "2", "page": OUT_OF_RANGE_ID},
    )
    assert set(statuses) == {200}, statuses


# The nastiest inputs, every run


@pytest.mark.parametrize(
    "text",
    [SCRIPT, IMG, SQL, RTL, EMOJI, "  padded  ", "\r\nline\rbreaks\n", "x" * 10_000],
    ids=[
        "script",
        "img-onerror",
        "sql",
        "right-to-left",
        "emoji",
        "padded",
        "newlines",
        "at-limit",
    ],
)
def test_nasty_text_is_saved_as_typed_and_shown_as_text(setting, text):
    s = setting
    form = outcome_post(s, what_matters=text, why_it_matters=text, contribution=text)
    assert check_outcome(s, f"/people/{s.person.pk}/outcomes/add/", form) == 302
    outcome = s.person.outcomes.exclude(pk=s.outcome.pk).get()
    assert outcome.what_matters == outcome.why_it_matters == outcome.contribution == text.strip()


@pytest.mark.parametrize(
    "text",
    ["nul\x00in the middle", "x" * 20_000, " \t\u3000 "],
    ids=["null-byte", "over-limit", "only-whitespace"],
)
def test_text_that_cannot_be_saved_is_refused_and_shown_again(setting, text):
    s = setting
    url = f"/people/{s.person.pk}/outcomes/add/"
    assert check_outcome(s, url, outcome_post(s, what_matters=text)) == 200
    assert check_person(s, "/people/add/", person_post(s, full_name=text)) == 200
    assert check_review(s, f"/reviews/{s.review.pk}/amend/", review_post(s, reason=text)) == 200
    assert check_close(s, {"closed_on": s.today.isoformat(), "reason": text}) == 200
    assert s.person.outcomes.count() == 1
    assert not Person.objects.get(pk=s.person.pk).is_closed


@pytest.mark.parametrize("day", ODD_DATES)
def test_odd_dates_are_saved_or_refused_never_an_error(setting, day):
    s = setting
    form = outcome_post(s, started_on=day, next_review_on=day)
    assert check_outcome(s, f"/people/{s.person.pk}/outcomes/add/", form) in (200, 302)
    assert check_search(s, {"q": day}) == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/people/add/", "teams"),
        ("/people/{person}/outcomes/add/", "framework_outcomes"),
        ("/outcomes/{outcome}/reviews/add/", "helped_themes"),
        ("/outcomes/{outcome}/reviews/add/", "point"),
    ],
    ids=["person-teams", "outcome-framework_outcomes", "review-helped_themes", "review-point"],
)
def test_an_id_beyond_any_integer_is_refused_not_a_server_error(setting, url, field):
    s = setting
    form = person_post(s) | outcome_post(s) | review_post(s) | {field: [OUT_OF_RANGE_ID]}
    response = s.client.post(url.format(person=s.person.pk, outcome=s.outcome.pk), form)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
