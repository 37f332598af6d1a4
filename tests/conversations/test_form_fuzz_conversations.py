"""Generated input against every form and formset of a conversation's stages.

Each form is bound the way its page binds it, to real rows made with the
factories, and filled in by tests/core/test_form_fuzz_kit.py's typists: carefully
(what the page showed, or what each field accepts) or anyhow (null bytes,
unpaired surrogates, 20,000 characters, 5,000-digit numbers, 2**31, negative
numbers, 0001-01-01 and 9999-12-31, choices never offered, fields left out).
``is_valid()`` answers True or False, never an exception, and a refusal says
why in words.
"""

import pytest
from django.utils import timezone

from accounts.models import Organisation
from conversations.forms import (
    AddendumForm,
    AgreedOutcomeForm,
    AgreeForm,
    CandidateFormSet,
    ExchangeForm,
    NegotiateForm,
    OtherParticipantFormSet,
    PerspectiveFormSet,
    ReviewEntryForm,
    RiskFormSet,
    StartForm,
    StrengthsForm,
    VersionedForm,
    ViewForm,
    suggestion_choices,
)
from frameworks.models import FrameworkOutcome
from records.services import organisation_ids_of
from tests.core.test_form_fuzz_kit import (
    answers,
    assert_both_answers,
    brief,
    posted,
    run_fuzz,
    with_values,
)
from tests.factories import (
    ConversationFactory,
    KeyPersonFactory,
    OrganisationFactory,
    OutcomeFactory,
    ParticipantFactory,
    PersonFactory,
    ScalePointFactory,
    ThemeFactory,
)

OUT_OF_RANGE_ID = str(2**63)


@pytest.fixture
def conversation(person, roles):
    """A first conversation with Iris (on the practitioner's team's caseload), with
    her husband and a GP taking part."""
    conversation = ConversationFactory(person=person, created_by=roles.practitioner)
    ParticipantFactory(conversation=conversation, kind="person", name=person.full_name, role="")
    ParticipantFactory(conversation=conversation, name="Bill Example", role="Husband")
    ParticipantFactory(conversation=conversation, kind="practitioner", name="Dr Example", role="GP")
    return conversation


def fuzz(template, bind, *fixed) -> None:
    """Fuzz the form (or formset) ``bind`` makes from posted data; ``template`` is the
    page's unbound form, and what it shows, posted back untouched, is accepted."""
    untouched = posted(template)
    assert answers(bind(untouched)), f"the page as shown is refused: {brief(untouched)}"
    outcomes = run_fuzz(
        lambda typist: typist.fill(template),
        lambda data: answers(bind(data)),
        untouched,
        *fixed,
    )
    assert_both_answers(outcomes)


# Starting a conversation


@pytest.mark.parametrize("key_people", [2, 0], ids=["with-key-people", "without-key-people"])
def test_start_form_answers_any_input(person, key_people):
    for name in ("Bill Example", "Ann Example")[:key_people]:
        KeyPersonFactory(person=person, name=name, relationship="Family")
    elsewhere = KeyPersonFactory(person=PersonFactory(), name="Someone Else Example")
    ids = organisation_ids_of(person)
    template = StartForm(person=person, organisation_ids=ids, initial={"channels": ["verbal"]})
    fuzz(
        template,
        lambda data: StartForm(data, person=person, organisation_ids=ids),
        with_values(posted(template), key_people=[str(elsewhere.pk)]),
        with_values(posted(template), key_people=[OUT_OF_RANGE_ID], held_on="31/02/2026"),
        with_values(posted(template), kind="review", held_on="9999-12-31", channels=["x", ""]),
    )


def test_other_participants_formset_answers_any_input(db):
    template = OtherParticipantFormSet(prefix="others")
    fuzz(
        template,
        lambda data: OtherParticipantFormSet(data, prefix="others"),
        with_values(posted(template), **{"others-0-kind": "person", "others-0-name": "Iris"}),
        with_values(posted(template), **{"others-TOTAL_FORMS": "21"}),
        with_values(posted(template), **{"others-0-name": "", "others-0-why": "Keep her home"}),
    )


# The stages: exchange, negotiate, agree, and a review


def perspectives(conversation) -> list[dict]:
    return [
        {"participant_id": p.pk, "what_matters": p.what_matters, "why": p.why, "in_own_words": True}
        for p in conversation.participants.all()
    ]


def candidates(conversation) -> list[dict]:
    outcome = FrameworkOutcome.objects.order_by("pk").first()
    return [{"statement": "Cook for Bill again", "suggested": outcome.pk}]


def risks(conversation) -> list[dict]:
    return [{"risk": "Using the cooker alone", "persons_view": "I have always cooked"}]


FORMSETS = {
    "perspectives": (PerspectiveFormSet, "views", perspectives),
    "candidates": (CandidateFormSet, "candidates", candidates),
    "risks": (RiskFormSet, "risks", risks),
}


@pytest.mark.parametrize("name", FORMSETS)
def test_stage_formsets_answer_any_input(conversation, name):
    formset_class, prefix, initial = FORMSETS[name]
    keywords = {}
    if formset_class is CandidateFormSet:
        ids = organisation_ids_of(conversation.person)
        keywords["form_kwargs"] = {
            "organisation_ids": ids,
            "suggestions": suggestion_choices(ids),
        }
    template = formset_class(prefix=prefix, initial=initial(conversation), **keywords)
    untouched = posted(template)
    fuzz(
        template,
        lambda data: formset_class(data, prefix=prefix, **keywords),
        with_values(untouched, **{f"{prefix}-INITIAL_FORMS": "40", f"{prefix}-TOTAL_FORMS": "41"}),
        with_values(untouched, **{f"{prefix}-0-suggested": OUT_OF_RANGE_ID}),
        with_values(untouched, **{f"{prefix}-0-participant_id": OUT_OF_RANGE_ID}),
        with_values(untouched, **{f"{prefix}-0-look_again_on": "0001-01-01"}),
    )


STAGE_FORMS = {
    "version": (VersionedForm, lambda: {"version": 1}),
    "exchange": (ExchangeForm, lambda: {"version": 2, "strengths_person": "A great cook"}),
    "strengths": (StrengthsForm, lambda: {"strengths_family": "Bill does the shopping"}),
    "view": (ViewForm, lambda: {"what_matters": "Soup for Bill", "in_own_words": True}),
    "negotiate": (NegotiateForm, lambda: {"version": 3, "differences": "Bill worries"}),
    "agree": (AgreeForm, lambda: {"version": 4, "not_agreed": ""}),
    "agreed-outcome": (
        AgreedOutcomeForm,
        lambda: {
            "what_matters": "I want to make soup for Bill again",
            "in_own_words": True,
            "framework_outcomes": list(FrameworkOutcome.objects.order_by("pk")[:2]),
            "next_review_on": "2026-06-01",
        },
    ),
    "addendum": (
        AddendumForm,
        lambda: {"text": "Her son took part by phone.", "reason": "Left out by mistake."},
    ),
}


@pytest.mark.parametrize("name", STAGE_FORMS)
def test_stage_forms_answer_any_input(frameworks, name):
    form_class, initial = STAGE_FORMS[name]
    keywords = {}
    if form_class is AgreedOutcomeForm:
        keywords["organisation_ids"] = list(Organisation.objects.values_list("pk", flat=True))
    template = form_class(initial=initial(), **keywords)
    untouched = posted(template)
    fuzz(
        template,
        lambda data: form_class(data, **keywords),
        with_values(untouched, version=str(2**31), framework_outcome=OUT_OF_RANGE_ID),
        with_values(untouched, version="0", next_review_on="2025-02-29"),
    )


@pytest.mark.parametrize("themes", [2, 0], ids=["with-themes", "without-themes"])
def test_review_entry_form_answers_any_input(person, roles, themes):
    outcome = OutcomeFactory(person=person)
    organisation = roles.team.organisation
    offered = [
        ThemeFactory(organisation=organisation, name=name)
        for name in ("Family support", "Transport")[:themes]
    ]
    # Real rows never offered here: another organisation's theme, another scale's point.
    foreign_theme = ThemeFactory(organisation=OrganisationFactory(), name="Peer support")
    foreign_point = ScalePointFactory()
    prefix = f"o{outcome.pk}"

    def bind(data=None):
        return ReviewEntryForm(
            data,
            prefix=prefix,
            outcome=outcome,
            themes=offered,
            reviewed_on=timezone.localdate(),
            initial={
                "point": outcome.scale.points.order_by("score").first(),
                "helped_themes": offered[:1],
                "narrative": "Out in the garden twice this week",
                "next_review_on": outcome.next_review_on,
            },
        )

    untouched = posted(bind())
    fuzz(
        bind(),
        bind,
        with_values(untouched, **{f"{prefix}-point": str(foreign_point.pk)}),
        with_values(untouched, **{f"{prefix}-helped_themes": [str(foreign_theme.pk)]}),
        with_values(untouched, **{f"{prefix}-hindered_themes": [OUT_OF_RANGE_ID, "-1"]}),
        with_values(
            untouched, **{f"{prefix}-plan_needs_change": "on", f"{prefix}-plan_change": ""}
        ),
    )
