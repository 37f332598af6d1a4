"""The agree stage: one outcome on a screen, the person's framework, rows in place."""

import re

import pytest

from conversations.models import AgreedOutcome, Conversation, Stage
from frameworks.models import Framework, FrameworkOutcome, ScaleKind
from tests.conversations.test_flows import agreed_data, exchange_data, start, text
from tests.factories import CandidateOutcomeFactory, ConversationFactory, ParticipantFactory


@pytest.fixture
def practitioner(client, roles):
    client.force_login(roles.practitioner)
    return client


def at_agree(person, roles, **extra) -> Conversation:
    return ConversationFactory(
        person=person, stage=Stage.AGREE, created_by=roles.practitioner, **extra
    )


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


def community(roles):
    return Framework.objects.get(organisation=roles.team.organisation, name__icontains="community")


def test_framework_outcomes_come_only_from_the_persons_own_framework(practitioner, person, roles):
    adults = community(roles)
    person.framework_lineage = adults.lineage
    person.save()
    conversation = at_agree(person, roles)
    page = text(practitioner.get(f"/conversations/{conversation.pk}/agree/add/"))
    offered = options(page, "framework_outcome")
    own = set(
        FrameworkOutcome.objects.filter(category__framework=adults).values_list(
            "short_name", flat=True
        )
    )
    assert offered and set(offered) <= own
    others = FrameworkOutcome.objects.exclude(category__framework=adults).values_list(
        "short_name", flat=True
    )
    assert not set(offered) & (set(others) - own)


def test_the_framework_is_chosen_at_the_start_and_kept_on_the_record(practitioner, person, roles):
    adults = community(roles)
    start(practitioner, person, framework=str(adults.lineage))
    person.refresh_from_db()
    assert person.framework_lineage == adults.lineage
    page = text(practitioner.get(f"/people/{person.pk}/conversations/start/"))
    assert f'<option value="{adults.lineage}" selected>' in page


def test_the_agree_form_is_one_compact_choice_not_a_wall_of_checkboxes(practitioner, person, roles):
    conversation = at_agree(person, roles)
    page = text(practitioner.get(f"/conversations/{conversation.pk}/agree/add/"))
    assert 'type="checkbox" name="framework_outcomes"' not in page
    assert page.count('<select name="framework_outcome"') == 1
    # Rarely used: under "more", one click away.
    more = page[page.index("<summary>More") :]
    more = more[: more.index("</details>")]
    assert "What the community will do" in more
    assert "Another framework outcome" in more
    steps = page[page.index("<summary>Steps towards it") :]
    assert 'name="actions-0-description"' in steps[: steps.index("</details>")]
    assert "Weight in the goal attainment score" not in page


def test_why_it_matters_is_carried_over_from_what_the_person_said(practitioner, person, roles):
    conversation = at_agree(person, roles)
    ParticipantFactory(
        conversation=conversation, kind="person", why="Cooking is how I look after Bill"
    )
    candidate = CandidateOutcomeFactory(conversation=conversation, statement="Cook again")
    page = text(
        practitioner.get(f"/conversations/{conversation.pk}/agree/add/?candidate={candidate.pk}")
    )
    why = page[page.index('name="why_it_matters"') :]
    assert why[: why.index("</textarea>")].endswith("Cooking is how I look after Bill")


def test_a_step_row_is_added_and_taken_out_without_saving_and_without_javascript(
    practitioner, person, roles
):
    conversation = at_agree(person, roles)
    url = f"/conversations/{conversation.pk}/agree/add/"
    data = agreed_data(**{"actions-TOTAL_FORMS": "1", "add_step": "1"})
    page = text(practitioner.post(url, data))
    assert "Step 2" in page and "Step 3" not in page
    assert "Fit a perching stool" in page  # what was typed stays
    assert "I want my confidence back in the kitchen" in page
    assert "Please check the form" not in page
    assert not AgreedOutcome.objects.exists()
    data = agreed_data(
        **{
            "actions-TOTAL_FORMS": "2",
            "actions-1-description": "Buy a hob timer",
            "remove_step": "0",
        }
    )
    page = text(practitioner.post(url, data))
    assert "Fit a perching stool" not in page and "Buy a hob timer" in page
    assert "Step 2" not in page


def test_saving_goes_straight_to_the_next_possible_outcome_then_to_the_record_check(
    practitioner, person, roles
):
    conversation = at_agree(person, roles)
    first = CandidateOutcomeFactory(conversation=conversation, statement="Cook again")
    second = CandidateOutcomeFactory(conversation=conversation, statement="See my friends")
    url = f"/conversations/{conversation.pk}/agree/add/"
    page = text(practitioner.get(f"{url}?candidate={first.pk}"))
    assert "Save and agree the next one" in page and "See my friends" in page
    response = practitioner.post(
        f"{url}?candidate={first.pk}", agreed_data(what_matters="Cook again", next="1")
    )
    assert response.headers["Location"] == f"{url}?candidate={second.pk}"
    response = practitioner.post(
        f"{url}?candidate={second.pk}", agreed_data(what_matters="See my friends", record="1")
    )
    assert response.headers["Location"] == f"/conversations/{conversation.pk}/record/"
    conversation.refresh_from_db()
    assert conversation.stage == Stage.RECORD
    assert AgreedOutcome.objects.count() == 2


def test_negotiate_shows_each_perspective_side_by_side(practitioner, person):
    start(practitioner, person)
    conversation = Conversation.objects.get()
    data = exchange_data(conversation)
    participants = list(conversation.participants.all())
    data["views-1-what_matters"] = "Iris eating well"
    practitioner.post(f"/conversations/{conversation.pk}/exchange/", data)
    page = text(practitioner.get(f"/conversations/{conversation.pk}/negotiate/"))
    views = page[page.index("What matters, from each perspective") :]
    assert "I want to make soup for Bill again" in views
    assert "Iris eating well" in views and participants[1].name in views


def test_the_gas_weight_shows_only_for_a_gas_scale(practitioner, person, roles):
    person.framework_lineage = community(roles).lineage
    person.save()
    page = text(practitioner.get(f"/people/{person.pk}/outcomes/add/"))
    uses_gas = community(roles).scale.kind == ScaleKind.GAS
    assert ("Weight in the goal attainment score" in page) == uses_gas
    assert not uses_gas  # the default community framework rates on extent achieved
