"""Generated input for the forms outside records, shared by their fuzz tests.

tests/records/test_form_fuzz.py posts generated forms through the record pages.
The other apps' forms are checked one form at a time: a ``Typist`` fills in a
page's forms and formsets from their own fields, carefully (what each field
accepts, or what the page showed) or anyhow (null bytes, unpaired surrogates,
20,000 characters, 5,000-digit, negative and 2**31 numbers, the first and last
days of the calendar, choices never offered, fields left out). Whatever is
typed, ``is_valid()`` answers True or False, never an exception, and a refusal
says why in words. A ``Uniform`` typist types one value into every field, so
the oddest values are tried on every run.

The tests at the end check the typists themselves.
"""

import datetime
import re
from collections import Counter
from collections.abc import Callable

from django import forms
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Team
from tests.factories import TeamFactory
from tests.records.test_form_fuzz import (
    NASTY,
    ODD_BOOLEANS,
    ODD_CHOICES,
    ODD_DATES,
    any_text,
    rolled_back,
    text_within,
)

HUGE_NUMBER = "9" * 5000
ODD_NUMBERS = (
    "-1",
    "0",
    "-99999",
    str(2**31),
    str(2**31 - 1),
    str(-(2**31) - 1),
    str(2**63),
    str(-(2**63) - 1),
    HUGE_NUMBER,
    "-" + HUGE_NUMBER,
    "1e3",
    "1.5",
    "0x1F",
    " 7 ",
    "\uff17",  # fullwidth 7
    "NaN",
    "-inf",
    "1_000",
)
EDGE_DATES = (
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "10000-01-01",
    "01/01/0001",
    "31/12/9999",
    "9999-12-31 23:59:59",
    "0001-01-01T00:00",
)
# Lone halves of a surrogate pair: no browser sends them, but a str can hold them.
UNPAIRED = ("\ud800", "\udfff", "a\ud800b", "\udc00\ud800", "\ud83d")
# One value typed into every field of a form, every run.
EVERYWHERE = (
    "",
    "\x00",
    "nul\x00in the middle",
    "\ud800",
    "x" * 20_000,
    HUGE_NUMBER,
    str(2**31),
    "-1",
    "0001-01-01",
    "9999-12-31",
    "<script>alert(1)</script>",
)
# What a formset's management form may say about how many rows were sent.
ODD_TOTALS = ("", "-1", str(2**31), HUGE_NUMBER, "\x00", "\ud800")
EXAMPLES = 40

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

odd_text = st.one_of(
    any_text,
    st.sampled_from(UNPAIRED),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=8),
)
odd_numbers = st.one_of(
    st.sampled_from(ODD_NUMBERS),
    st.integers().map(str),
    st.integers(min_value=2**31 - 1).map(str),
    st.integers(max_value=-1).map(str),
)
odd_scalar = st.one_of(
    st.just(""),
    odd_text,
    odd_numbers,
    st.sampled_from(ODD_DATES + EDGE_DATES),
    st.sampled_from(ODD_CHOICES),
    st.sampled_from(ODD_BOOLEANS),
)
# What a formset's management form is sent anyhow. Counts the formset caps (2**31
# makes a thousand rows) are tried once a run, by Uniform(total=...), not here.
odd_counts = st.one_of(
    st.none(),
    st.integers(-3, 45).map(lambda n: [str(n)]),
    st.sampled_from([v for v in ODD_TOTALS if v != str(2**31)]).map(lambda v: [v]),
    odd_text.map(lambda text: [text]),
)
# Posted values of a field: left out (None), one value, or several.
odd_values = st.one_of(
    st.none(),
    odd_scalar.map(lambda value: [value]),
    st.lists(odd_scalar, min_size=2, max_size=3),
)


def choice_values(field) -> list[str]:
    """The values a choice field offers, groups flattened, the empty choice left out."""
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            values += [str(v) for v, _ in label]
        else:
            values.append(str(value))
    return [value for value in values if value != ""]


def _date_text(day: datetime.date) -> st.SearchStrategy:
    formats = [day.isoformat()]
    if day.year >= 1000:
        formats.append(day.strftime("%d/%m/%Y"))
    return st.sampled_from(formats)


def accepted(field: forms.Field) -> st.SearchStrategy:
    """Posted values the field accepts on its own (other fields' rules aside)."""
    blank = [] if field.required else [st.none(), st.just([""])]

    def one(strategy):
        return st.one_of(*blank, strategy.map(lambda value: [value]))

    if isinstance(field, forms.BooleanField):
        return st.just(["on"]) if field.required else st.sampled_from([None, ["on"]])
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        values = choice_values(field)
        if not values:
            return st.none()
        chosen = st.lists(
            st.sampled_from(values), min_size=int(field.required), max_size=3, unique=True
        )
        return chosen.map(lambda chosen: chosen or None)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        values = choice_values(field)
        return one(st.sampled_from(values)) if values else st.one_of(*blank, st.none())
    if isinstance(field, forms.IntegerField):
        low = -(10**6) if field.min_value is None else field.min_value
        high = 10**6 if field.max_value is None else field.max_value
        return one(st.integers(low, high).map(str))
    if isinstance(field, forms.DateField):
        return one(st.dates().flatmap(_date_text))
    if isinstance(field, forms.UUIDField):
        return one(st.uuids().map(str))
    if isinstance(field, forms.EmailField):
        address = r"[a-z0-9]{1,12}(\.[a-z0-9]{1,12})?@[a-z0-9]{1,12}\.(org|uk|scot)"
        return one(st.from_regex(address, fullmatch=True))
    if isinstance(field, forms.FileField):
        return st.none()
    if isinstance(field, forms.CharField):
        text = text_within(field.max_length or 10_000)
        return one(text.filter(str.strip) if field.required else text)
    return st.none()


def shown(bound_field) -> list[str] | None:
    """What a browser posts back for a field the page showed and nobody touched."""
    value = bound_field.value()
    if isinstance(bound_field.field, forms.BooleanField):
        return ["on"] if value else None
    several = forms.MultipleChoiceField | forms.ModelMultipleChoiceField
    if isinstance(bound_field.field, several) or isinstance(value, list | tuple):
        # Boxes left unticked (or a list with nothing chosen) send nothing at all.
        return [str(v) for v in value or ()] or None
    return [""] if value is None else [str(value)]


def _parts(part) -> list:
    return [part.management_form, *part.forms] if isinstance(part, forms.BaseFormSet) else [part]


class Typist:
    """Fills in a page's forms and formsets field by field: carefully or anyhow."""

    def __init__(self, data):
        self.data = data
        self.careful = data.draw(st.booleans(), label="careful")

    def draw(self, strategy, label: str):
        return self.data.draw(strategy, label=label)

    def values(self, bound_field, accepts=None) -> list[str] | None:
        """Carefully: what was shown, or what the field accepts (``accepts``, if given,
        says so more precisely than the field's kind). Anyhow: anything."""
        if accepts is None:
            accepts = accepted(bound_field.field)
        choices = [st.just(shown(bound_field)), accepts]
        if isinstance(bound_field.form, forms.formsets.ManagementForm):
            # The rows the page showed, or (anyhow) other counts, or no count at all.
            choices = choices[:1] + ([] if self.careful else [odd_counts])
        elif not self.careful:
            choices.append(odd_values)
        return self.draw(st.one_of(*choices), bound_field.html_name)

    def fill(self, *parts, **accepts) -> QueryDict:
        """Post data for the unbound ``parts`` (forms and formsets, as the page shows
        them); ``accepts`` gives what some fields (by their name as posted) accept."""
        data = QueryDict(mutable=True)
        for part in parts:
            for form in _parts(part):
                for bound_field in form:
                    values = self.values(bound_field, accepts.get(bound_field.html_name))
                    if values is not None:
                        data.setlist(bound_field.html_name, values)
        return data


class Uniform(Typist):
    """Types ``value`` into every field; ``total`` (if given) into every formset's
    count of rows, which otherwise says what the page showed."""

    def __init__(self, value: str, total: str | None = None):
        self.value = value
        self.total = total
        self.careful = False

    def draw(self, strategy, label: str):
        raise AssertionError(f"{label}: a uniform typist draws nothing")

    def values(self, bound_field, accepts=None) -> list[str] | None:
        if isinstance(bound_field.form, forms.formsets.ManagementForm):
            if self.total is not None and bound_field.name == "TOTAL_FORMS":
                return [self.total]
            return shown(bound_field)
        return [self.value]


def said(part) -> list[str]:
    """Every error message of a form or a formset: its own, and its rows' but for
    rows being removed, which Django leaves out of whether the formset is valid."""
    if isinstance(part, forms.BaseFormSet):
        kept = [f for f in part.forms if not getattr(f, "cleaned_data", {}).get("DELETE")]
        rows = [message for form in kept for message in said(form)]
        return rows + [error["message"] for error in part.non_form_errors().get_json_data()]
    return [error["message"] for errors in part.errors.get_json_data().values() for error in errors]


def answered(valid, *parts) -> bool:
    """``valid`` is a bool; a refusal comes with messages, each of them words."""
    assert valid is True or valid is False, f"is_valid() gave {valid!r}"
    messages = [message for part in parts for message in said(part)]
    if valid:
        assert not messages, messages
    else:
        assert messages, "refused without saying why"
        for message in messages:
            assert isinstance(message, str), repr(message)
            assert message.strip(), f"an empty error message among {messages!r}"
    return valid


def answers(form) -> bool:
    """A form or a formset answers ``is_valid()`` as ``answered`` asks."""
    return answered(form.is_valid(), form)


def brief(data) -> object:
    """The posted data, each value cut short enough to read in a failure."""

    def cut(value) -> str:
        value = value if isinstance(value, str) else repr(value)
        return value if len(value) <= 40 else f"{value[:20]}…({len(value)} characters)"

    if isinstance(data, QueryDict):
        return {key: [cut(v) for v in values] for key, values in data.lists()}
    if isinstance(data, dict):
        return {key: brief(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [brief(value) for value in data]
    return cut(data)


def run_fuzz(fill: Callable, check: Callable, *fixed, uniform: bool = True) -> Counter:
    """``check`` generated data (made by ``fill`` from a Typist), then (if ``uniform``)
    the data of a Uniform typist for each of EVERYWHERE and ODD_TOTALS, then the
    ``fixed`` data; return how often the forms were valid (True) and refused (False)."""
    outcomes: Counter = Counter()

    def attempt(data):
        with rolled_back():
            try:
                outcomes[check(data)] += 1
            except AssertionError:
                raise
            except Exception as error:
                raise AssertionError(
                    f"{type(error).__name__}: {error} instead of an answer, for {brief(data)}"
                ) from error

    @fuzz_settings
    @given(data=st.data())
    def fuzz(data):
        attempt(fill(Typist(data)))

    fuzz()
    everywhere = [fill(Uniform(value)) for value in EVERYWHERE] if uniform else []
    everywhere += [fill(Uniform("", total=total)) for total in ODD_TOTALS] if uniform else []
    seen = []
    for data in [*everywhere, *fixed]:
        if data not in seen:
            seen.append(data)
            attempt(data)
    return outcomes


def assert_both_answers(outcomes: Counter) -> None:
    # Proves the run saw the form accept and refuse, so neither half went unchecked.
    assert outcomes[True] >= 1 and outcomes[False] >= 1, outcomes


def posted(*parts) -> QueryDict:
    """The data a browser posts for the unbound ``parts`` when nothing is changed."""
    data = QueryDict(mutable=True)
    for part in parts:
        for form in _parts(part):
            for bound_field in form:
                values = shown(bound_field)
                if values is not None:
                    data.setlist(bound_field.html_name, values)
    return data


def with_values(data: QueryDict, **changes) -> QueryDict:
    """``data`` with some fields changed (a list for several values, None to leave out)."""
    data = data.copy()
    for name, value in changes.items():
        data.pop(name, None)
        if value is not None:
            data.setlist(name, value if isinstance(value, list) else [value])
    return data


# The typists themselves


class EveryKind(forms.Form):
    text = forms.CharField(max_length=20)
    notes = forms.CharField(max_length=300, required=False, widget=forms.Textarea)
    email = forms.EmailField(required=False)
    count = forms.IntegerField(min_value=1, max_value=10)
    score = forms.IntegerField(required=False)
    day = forms.DateField()
    identity = forms.UUIDField(required=False)
    agreed = forms.BooleanField(required=False)
    colour = forms.ChoiceField(choices=[("", "Choose"), ("red", "Red"), ("blue", "Blue")])
    grouped = forms.ChoiceField(choices=[("Warm", [("red", "Red")]), ("Cool", [("sea", "Sea")])])
    tags = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)


EveryKindFormSet = forms.formset_factory(EveryKind, extra=2, can_delete=True)


def test_what_every_kind_of_field_accepts_is_accepted():
    @fuzz_settings
    @given(data=st.data())
    def fuzz(data):
        typed = QueryDict(mutable=True)
        for bound_field in EveryKind():
            values = data.draw(accepted(bound_field.field), label=bound_field.name)
            if values is not None:
                typed.setlist(bound_field.html_name, values)
        form = EveryKind(typed)
        assert form.is_valid(), form.errors

    fuzz()


def test_an_untouched_page_posts_back_what_it_showed():
    form = EveryKind(initial={"text": "Ada", "count": 3, "day": datetime.date(2025, 1, 6)})
    data = posted(form)
    assert data["text"] == "Ada"
    assert data["count"] == "3"
    assert data["day"] == "2025-01-06"
    assert "agreed" not in data
    assert "tags" not in data, "unticked boxes send nothing"
    assert posted(EveryKind(initial={"tags": ["b"]})).getlist("tags") == ["b"]
    rows = EveryKindFormSet(prefix="rows", initial=[{"text": "Ada"}])
    data = posted(rows)
    assert data["rows-TOTAL_FORMS"] == "3"
    assert data["rows-INITIAL_FORMS"] == "1"
    assert data["rows-0-text"] == "Ada"


def test_an_untouched_page_with_no_row_ticked_is_accepted(db):
    class Chosen(forms.Form):
        teams = forms.ModelMultipleChoiceField(
            queryset=Team.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
        )

    TeamFactory()
    data = posted(Chosen())
    assert "teams" not in data
    assert Chosen(data).is_valid()


def test_a_uniform_typist_types_its_value_everywhere_but_the_count_of_rows():
    rows = EveryKindFormSet(prefix="rows")
    data = Uniform("\ud800").fill(EveryKind(prefix="one"), rows)
    assert data.getlist("one-tags") == ["\ud800"]
    assert data["rows-1-day"] == "\ud800"
    assert data["rows-TOTAL_FORMS"] == "2"
    assert Uniform("", total=str(2**31)).fill(rows)["rows-TOTAL_FORMS"] == str(2**31)


def test_typing_anyhow_reaches_every_kind_of_odd_input():
    typed: list[str] = []

    @settings(fuzz_settings, max_examples=150)
    @given(data=st.data())
    def fuzz(data):
        typed.extend(v for values in Typist(data).fill(EveryKind()).lists() for v in values[1])

    fuzz()
    assert any("\x00" in v for v in typed)
    assert any(any("\ud800" <= c <= "\udfff" for c in v) for v in typed)
    assert any(len(v) >= 5000 for v in typed)
    numbers = [int(v) for v in typed if re.fullmatch(r"-?[0-9]{1,100}", v)]
    assert any(n >= 2**31 for n in numbers)
    assert any(n < 0 for n in numbers)
    assert {"0001-01-01", "9999-12-31", ""} & set(typed)
    assert set(NASTY) & set(typed)


def test_a_refusal_without_words_is_caught():
    form = EveryKind({})
    form.is_valid()
    form.errors["text"] = forms.utils.ErrorList([" "])
    try:
        answers(form)
    except AssertionError as error:
        assert "empty error message" in str(error)
    else:
        raise AssertionError("an empty message went unnoticed")
