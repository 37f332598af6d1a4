"""Generated input against every form of the framework and scale configuration pages.

The framework page (details, categories and each category's outcomes) and the
scale page (details and points) are bound as their views bind them, new or
editing (a framework made with the factories, a default scale), and filled in by
tests/core/test_form_fuzz_kit.py's typists: carefully (what the page showed, or
what each field accepts) or anyhow (null bytes, unpaired surrogates, 20,000
characters, 5,000-digit numbers, 2**31, negative numbers, 0001-01-01 and
9999-12-31, choices never offered, rows never shown, fields left out).
``is_valid()`` answers True or False, never an exception; a refusal says why in
words, and what a page accepts can be read as the spec its service is given.
"""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import strategies as st

from frameworks.forms import (
    CategoryForm,
    CategoryFormSet,
    CopyForm,
    FrameworkDetailsForm,
    FrameworkTreeForm,
    ImportForm,
    OutcomeFormSet,
    OutcomeRowForm,
    PointForm,
    PointFormSet,
    ScaleDetailsForm,
    ScaleForm,
)
from frameworks.models import Framework, FrameworkOutcome, RatingScale
from frameworks.specs import FrameworkSpec, ScaleSpec
from tests.core.test_form_fuzz_kit import (
    HUGE_NUMBER,
    NASTY,
    UNPAIRED,
    answered,
    answers,
    assert_both_answers,
    odd_text,
    posted,
    run_fuzz,
    with_values,
)
from tests.factories import (
    FrameworkCategoryFactory,
    FrameworkFactory,
    FrameworkOutcomeFactory,
)
from tests.frameworks.conftest import home_organisation

OUT_OF_RANGE_ID = str(2**63)


def small_framework() -> Framework:
    """A framework of two categories of two outcomes each, one outcome retired."""
    framework = FrameworkFactory(name="An example framework", scale=current_scale())
    for kind in ("quality_of_life", "process"):
        category = FrameworkCategoryFactory(framework=framework, kind=kind)
        FrameworkOutcomeFactory.create_batch(2, category=category)
    outcome = FrameworkOutcome.objects.filter(category__framework=framework).first()
    outcome.retired_at = timezone.now()
    outcome.save()
    return framework


def current_scale() -> RatingScale:
    return RatingScale.objects.filter(superseded_at__isnull=True).order_by("pk").first()


# The framework page


def tree_parts(tree: FrameworkTreeForm) -> list:
    return [tree.details, tree.categories, *tree.outcome_sets]


def tree_answers(tree: FrameworkTreeForm) -> bool:
    valid = answered(tree.is_valid(), *tree_parts(tree))
    if valid:
        assert isinstance(tree.spec(), FrameworkSpec)
    else:
        assert tree.has_errors
    return valid


@pytest.mark.parametrize("editing", [False, True], ids=["new", "editing"])
def test_framework_page_answers_any_input(frameworks, editing):
    framework = small_framework() if editing else None
    template = FrameworkTreeForm(organisations=[home_organisation()], framework=framework)
    untouched = posted(*tree_parts(template))
    filled = with_values(
        untouched,
        name="An example framework",
        audience="Adults living in their own homes",
        scale=str(current_scale().pk),
        **{
            "cat-0-name": "Feeling safe",
            "cat-0-kind": "quality_of_life",
            "cat-0-position": "1",
            "cat-0-out-0-short_name": "Safe at home",
        },
    )
    outcomes = run_fuzz(
        lambda typist: typist.fill(*tree_parts(template)),
        lambda data: tree_answers(
            FrameworkTreeForm(data, organisations=[home_organisation()], framework=framework)
        ),
        untouched,
        filled,
        with_values(filled, scale=OUT_OF_RANGE_ID, **{"cat-0-position": str(2**31)}),
        with_values(filled, scale=HUGE_NUMBER, **{"cat-0-position": "-1"}),
        with_values(filled, **{"cat-0-out-0-identity": "\ud800", "cat-0-kind": "\x00"}),
        with_values(filled, **{"cat-0-out-TOTAL_FORMS": str(2**31), "cat-1-DELETE": "on"}),
        with_values(filled, **{"cat-TOTAL_FORMS": "3", "cat-2-name": "Rows never shown"}),
    )
    assert_both_answers(outcomes)


# The scale page


def scale_answers(form: ScaleForm) -> bool:
    valid = answered(form.is_valid(), form.details, form.points)
    if valid:
        assert isinstance(form.spec(), ScaleSpec)
    else:
        assert form.has_errors
    return valid


@pytest.mark.parametrize("start", ["new", "gas", "editing"])
def test_scale_page_answers_any_input(frameworks, start):
    scale = current_scale() if start == "editing" else None
    kind = "gas" if start == "gas" else ""
    template = ScaleForm(scale=scale, kind=kind)
    untouched = posted(template.details, template.points)
    filled = with_values(
        untouched,
        name="An example scale",
        **{"points-0-score": "1", "points-0-label": "Some way", "points-0-band": "achieved"},
    )
    outcomes = run_fuzz(
        lambda typist: typist.fill(template.details, template.points),
        lambda data: scale_answers(ScaleForm(data, scale=scale, kind=kind)),
        untouched,
        filled,
        with_values(filled, **{"points-0-score": str(2**31), "points-1-score": "-1001"}),
        with_values(filled, **{"points-0-score": HUGE_NUMBER, "points-0-band": "\ud800"}),
        with_values(filled, kind="\x00", **{"points-0-DELETE": "on"}),
    )
    assert_both_answers(outcomes)


# Each form and formset on its own

FORMS = {
    "framework-details": lambda: FrameworkDetailsForm(
        organisations=[home_organisation()],
        keep_scale=current_scale(),
        initial={"name": "Example", "audience": "Adults", "scale": current_scale().pk},
    ),
    "category": lambda: CategoryForm(initial={"name": "Feeling safe", "kind": "process"}),
    "outcome-row": lambda: OutcomeRowForm(initial={"short_name": "Safe at home"}),
    "scale-details": lambda: ScaleDetailsForm(initial={"name": "Example", "kind": "extent"}),
    "point": lambda: PointForm(initial={"score": 2, "label": "Fully", "band": "achieved"}),
    "copy": lambda: CopyForm(initial={"name": "Copy of an example framework"}),
    "categories": lambda: CategoryFormSet(prefix="cat", initial=[{"name": "A", "kind": "change"}]),
    "outcomes": lambda: OutcomeFormSet(prefix="out", initial=[{"short_name": "Feeling safe"}]),
    "points": lambda: PointFormSet(prefix="points", initial=[{"score": 1, "band": "achieved"}]),
}


@pytest.mark.parametrize("name", FORMS)
def test_each_form_and_formset_answers_any_input(frameworks, name):
    template = FORMS[name]()
    keywords = {"prefix": template.prefix} if hasattr(template, "management_form") else {}
    if isinstance(template, FrameworkDetailsForm):
        keywords["keep_scale"] = current_scale()
        keywords["organisations"] = [home_organisation()]
    untouched = posted(template)
    outcomes = run_fuzz(
        lambda typist: typist.fill(template),
        lambda data: answers(type(template)(data, **keywords)),
        untouched,
        with_values(untouched, scale=OUT_OF_RANGE_ID, score="1001", position="0"),
    )
    assert_both_answers(outcomes)


# Importing a framework file

file_names = st.one_of(
    st.just("framework.json"),
    st.sampled_from(NASTY + UNPAIRED).map(lambda name: f"{name}.json"),
    odd_text,
    st.just("x" * 300 + ".json"),
).filter(lambda name: os.path.basename(name) not in ("", ".", ".."))
file_contents = st.one_of(
    st.just(b'{"format": "personal-outcomes-framework", "version": 1}'),
    st.just(b""),
    st.binary(max_size=200),
    odd_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
)


def fill_import(typist) -> tuple[dict, MultiValueDict]:
    data = {}
    if typist.careful or typist.draw(st.booleans(), "sent as a file"):
        name = typist.draw(file_names, "file name")
        content = typist.draw(file_contents, "file content")
        files = MultiValueDict({"file": [SimpleUploadedFile(name, content)]})
    else:
        files = MultiValueDict()
        data["file"] = typist.draw(odd_text, "file as text")
    return data, files


def test_import_form_answers_any_file(db):
    outcomes = run_fuzz(
        lambda typist: fill_import(typist),
        lambda sent: answers(ImportForm(*sent)),
        ({}, MultiValueDict({"file": [SimpleUploadedFile("framework.json", b"{}")]})),
        ({}, MultiValueDict({"file": [SimpleUploadedFile("\x00\ud800.json", b"\x00")]})),
        ({}, MultiValueDict({"file": [SimpleUploadedFile("empty.json", b"")]})),
        ({"file": "framework.json"}, MultiValueDict()),
        uniform=False,
    )
    assert_both_answers(outcomes)
