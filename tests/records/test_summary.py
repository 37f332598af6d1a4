"""The one-page summary in plain words, with strengths, risks agreed and what is not agreed."""

from unittest import mock

import pytest
import weasyprint

from common import pdf
from conversations.models import ConversationKind
from tests.factories import (
    ActionFactory,
    ConversationFactory,
    OutcomeFactory,
    RiskDiscussionFactory,
)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def planned(person, roles):
    for n, words in enumerate(
        [
            "I want to cook soup for Bill again",
            "I want to see my friends at the lunch club",
            "I want to walk to the harbour on dry days",
        ]
    ):
        outcome = OutcomeFactory(
            person=person,
            what_matters=words,
            why_it_matters="It is how I look after my family.",
            contribution="The person: Choose the recipes\nFamily and friends: Bill writes the list",
        )
        ActionFactory(outcome=outcome, description=f"Step {n} for {words[:10]}", who="OT")
    recorded = ConversationFactory(
        person=person,
        recorded=True,
        kind=ConversationKind.FIRST,
        created_by=roles.practitioner,
        strengths_person="Knows every recipe by heart.",
        not_agreed="Whether to give up the car.",
    )
    RiskDiscussionFactory(
        conversation=recorded, risk="A pan left on the hob", agreed_reasonable="Cook with a timer"
    )
    return person


def test_the_summary_is_in_plain_words(practitioner_client, planned):
    page = text(practitioner_client.get(f"/people/{planned.pk}/summary/"))
    assert "In Iris Mackenzie&#x27;s words" not in page and "In Iris Mackenzie's words" not in page
    assert "and family will do" not in page
    assert "The person:" not in page
    assert "Iris Mackenzie: Choose the recipes" in page
    assert "Family and friends: Bill writes the list" in page


def test_the_summary_and_the_person_page_show_strengths_risks_and_what_is_not_agreed(
    practitioner_client, planned
):
    for url in (f"/people/{planned.pk}/summary/", f"/people/{planned.pk}/"):
        page = text(practitioner_client.get(url))
        assert "Knows every recipe by heart." in page, url
        assert "A pan left on the hob" in page and "Cook with a timer" in page, url
        assert "Whether to give up the car." in page, url


def test_the_summary_pdf_is_one_page_for_three_outcomes(practitioner_client, planned):
    with mock.patch("records.views.pdf_response", wraps=pdf.pdf_response) as made:
        response = practitioner_client.get(f"/people/{planned.pk}/summary.pdf")
    assert response.content.startswith(b"%PDF")
    html = made.call_args.args[0]
    rendered = weasyprint.HTML(
        string=html, base_url=pdf.BASE_URL, url_fetcher=pdf._local_static
    ).render()
    assert len(rendered.pages) == 1
