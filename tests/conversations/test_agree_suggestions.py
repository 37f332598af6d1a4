"""The agree form suggests framework outcomes from the words typed, and never chooses one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from conversations.models import AgreedOutcome, Stage
from frameworks.models import FrameworkOutcome
from records.models import Submission
from tests.conversations.test_flows import agreed_data, text
from tests.factories import (
    CandidateOutcomeFactory,
    ConversationFactory,
    FrameworkCategoryFactory,
    FrameworkFactory,
    FrameworkOutcomeFactory,
    OrganisationFactory,
    RatingScaleFactory,
)


@pytest.fixture
def practitioner(client, roles):
    client.force_login(roles.practitioner)
    return client


@pytest.fixture
def conversation(person, roles):
    return ConversationFactory(person=person, stage=Stage.AGREE, created_by=roles.practitioner)


@pytest.fixture
def cooking(roles):
    """A framework outcome of the practitioner's organisation about cooking."""
    return FrameworkOutcomeFactory(
        category__framework__scale__organisation=roles.team.organisation,
        short_name="Cooking and meals",
        description="Making meals in their own kitchen.",
    )


def suggestions(page: str) -> str:
    """The suggestions part of the agree form."""
    part = page[page.index('<div id="suggestions"') :]
    return part[: part.index("</noscript>")]


def suggested(page: str) -> list[str]:
    return re.findall(r'name="suggest" id="suggest-\d+"[^>]*>([^<]+)</button>', page, re.S)


def selected(page: str) -> str | None:
    select = re.search(r'<select name="framework_outcome".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="\d+" selected>([^<]+)</option>', select)
    return chosen.group(1) if chosen else None


def test_the_words_of_a_possible_outcome_bring_suggestions_that_say_why(
    practitioner, conversation, cooking
):
    candidate = CandidateOutcomeFactory(
        conversation=conversation, statement="I want to cook in my own kitchen again"
    )
    url = f"/conversations/{conversation.pk}/agree/add/?candidate={candidate.pk}"
    page = text(practitioner.get(url))
    part = suggestions(page)
    assert "Suggested from the words typed" in part
    assert suggested(part) == ["Cooking and meals"]
    assert "shares the words: cook, kitchen" in part
    assert selected(page) is None  # suggested, not chosen
    # Without JavaScript the suggestions can be asked for again after typing.
    assert re.search(r'<noscript>\s*<button type="submit"[^>]*name="suggest" value="words"', page)


def test_with_no_shared_word_nothing_is_suggested(practitioner, conversation, cooking):
    candidate = CandidateOutcomeFactory(conversation=conversation, statement="Dancing on Fridays")
    url = f"/conversations/{conversation.pk}/agree/add/?candidate={candidate.pk}"
    part = suggestions(text(practitioner.get(url)))
    assert suggested(part) == []
    assert "Suggested from the words typed" not in part
    data = agreed_data(what_matters="Dancing on Fridays", suggest="words")
    part = suggestions(text(practitioner.post(url, data)))
    assert suggested(part) == []
    assert "No framework outcome on offer shares a word with the agreed outcome" in part


def test_another_organisations_and_retired_outcomes_are_never_suggested(
    practitioner, conversation, cooking, roles
):
    data = agreed_data(what_matters="Cooking again", suggest="words")
    elsewhere = OrganisationFactory(name="Elsewhere Partnership")
    FrameworkOutcomeFactory(
        category__framework=FrameworkFactory(scale=RatingScaleFactory(organisation=elsewhere)),
        short_name="Cooking elsewhere",
    )
    FrameworkOutcomeFactory(
        category=cooking.category, short_name="Cooking long ago", retired_at=timezone.now()
    )
    url = f"/conversations/{conversation.pk}/agree/add/"
    page = text(practitioner.post(url, data))
    assert suggested(suggestions(page)) == ["Cooking and meals"]


def test_only_the_persons_own_framework_is_suggested_from_once_it_is_chosen(
    practitioner, conversation, cooking, person
):
    other = FrameworkCategoryFactory(framework__scale=cooking.category.framework.scale)
    FrameworkOutcomeFactory(category=other, short_name="Cooking for others")
    person.framework_lineage = cooking.category.framework.lineage
    person.save()
    url = f"/conversations/{conversation.pk}/agree/add/"
    page = text(practitioner.post(url, agreed_data(what_matters="Cooking again", suggest="words")))
    assert suggested(suggestions(page)) == ["Cooking and meals"]


def test_asking_again_without_javascript_keeps_what_was_typed_and_saves_nothing(
    practitioner, conversation, cooking
):
    url = f"/conversations/{conversation.pk}/agree/add/"
    key = "0b8e3a52-53f2-4b3e-9a51-2f5cbb1c6a11"
    data = agreed_data(
        what_matters="Make soup in my kitchen",
        submission=key,
        framework_outcome="",
        suggest="words",
    )
    page = text(practitioner.post(url, data))
    part = suggestions(page)
    assert suggested(part) == ["Cooking and meals"]
    assert "shares the words: kitchen, cooking" in part
    assert "Make soup in my kitchen" in page
    assert "Cooking is how I look after Bill" in page
    assert "Fit a perching stool" in page
    assert "Please check the form" not in page
    assert selected(page) is None
    assert not AgreedOutcome.objects.exists()
    assert not Submission.objects.exists()
    assert f'value="{key}"' in page  # the same page can still be saved, once


def test_choosing_a_suggestion_sets_the_choice_and_the_page_then_saves_with_it(
    practitioner, conversation, cooking
):
    url = f"/conversations/{conversation.pk}/agree/add/"
    key = "6f1c9a3e-2f5d-4d7e-8b1a-0e4a2f9c7d55"
    data = agreed_data(what_matters="Cook in my kitchen", submission=key, framework_outcome="")
    page = text(practitioner.post(url, data | {"suggest": str(cooking.pk)}))
    assert selected(page) == "Cooking and meals"
    assert 'aria-pressed="true"' in suggestions(page)
    assert "Cook in my kitchen" in page
    assert not AgreedOutcome.objects.exists()

    response = practitioner.post(url, data | {"framework_outcome": str(cooking.pk)})
    assert response.status_code == 302
    agreed = AgreedOutcome.objects.get()
    assert list(agreed.framework_outcomes.all()) == [cooking]


def test_changing_an_agreed_outcome_shows_its_framework_outcome_as_the_chosen_suggestion(
    practitioner, conversation, cooking
):
    agreed = AgreedOutcome.objects.create(
        conversation=conversation, what_matters="Cooking Sunday dinner"
    )
    agreed.framework_outcomes.set([cooking])
    page = text(practitioner.get(f"/conversations/{conversation.pk}/agree/{agreed.pk}/edit/"))
    part = suggestions(page)
    assert suggested(part) == ["Cooking and meals"]
    assert 'aria-pressed="true"' in part and "Chosen; shares the word: cooking" in part
    assert selected(page) == "Cooking and meals"


def test_pressing_the_chosen_suggestion_again_takes_the_choice_away(
    practitioner, conversation, cooking
):
    url = f"/conversations/{conversation.pk}/agree/add/"
    data = agreed_data(what_matters="Cook", framework_outcome=str(cooking.pk), suggest="none")
    page = text(practitioner.post(url, data))
    assert selected(page) is None
    assert not AgreedOutcome.objects.exists()


def test_a_suggestion_not_on_offer_cannot_be_chosen(practitioner, conversation, cooking, roles):
    data = agreed_data(what_matters="Cook", framework_outcome="")
    elsewhere = OrganisationFactory(name="Elsewhere Partnership")
    foreign = FrameworkOutcomeFactory(
        category__framework=FrameworkFactory(scale=RatingScaleFactory(organisation=elsewhere)),
        short_name="Cooking elsewhere",
    )
    url = f"/conversations/{conversation.pk}/agree/add/"
    for bad in (str(foreign.pk), "banana", "99999999999999999999"):
        response = practitioner.post(url, data | {"suggest": bad})
        assert response.status_code == 200
        assert selected(text(response)) is None
        assert "Cooking elsewhere" not in text(response)


def test_suggestions_for_someone_elses_conversation_are_not_given(client, roles, conversation):
    client.force_login(roles.other_practitioner)
    url = f"/conversations/{conversation.pk}/agree/add/"
    response = client.post(url, agreed_data(what_matters="Cook", suggest="words"))
    assert response.status_code == 404
    assert not AgreedOutcome.objects.exists()
    assert AuditEvent.objects.filter(action="access_denied").exists()


def test_the_agree_page_asks_as_much_of_the_database_with_many_framework_outcomes(
    practitioner, conversation, cooking
):
    candidate = CandidateOutcomeFactory(
        conversation=conversation, statement="I want to cook in my own kitchen again"
    )
    url = f"/conversations/{conversation.pk}/agree/add/?candidate={candidate.pk}"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert practitioner.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(20):
        FrameworkOutcomeFactory(category=cooking.category, short_name=f"Kitchen task {n}")
    assert FrameworkOutcome.objects.count() > 40
    assert count() == few
