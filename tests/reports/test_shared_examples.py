"""Stories beside the numbers: a manager shares a review's story as an example once the
person has agreed, with the words that could identify them flagged and taken out; the
organisation report shows it beside its framework outcome and theme, never whose it is."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import OrganisationRole, Role
from audit.models import AuditEvent
from records import services as record_services
from records.models import Review
from reports import services
from reports.models import SharedExample
from reports.stories import likely_identifiers
from tests.factories import (
    KeyPersonFactory,
    MembershipFactory,
    OrganisationFactory,
    SharedExampleFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
)
from tests.reports.conftest import PERIOD, D
from tests.reports.test_exports import page_text, pages_of, pdf_html  # noqa: F401 (a fixture)

STORY = "Iris got back to the lunch club in Portobello on 3 March with her daughter Ann."
EDITED = "She got back to the lunch club with her daughter. Seeing friends again helped."


@pytest.fixture
def story(roles, build, actor_as):
    """Iris's review, with a theme that helped, on the manager's team's caseload."""
    iris = build.person("Iris Mackenzie", preferred_name="Rena", chi_number="1703814622")
    KeyPersonFactory(person=iris, name="Ann Mackenzie")
    outcome = build.outcome(iris, "Seeing people", [(D(2025, 2, 1), 2)])
    transport = ThemeFactory(organisation=roles.team.organisation, name="Transport")
    return record_services.review_add(
        actor=actor_as(roles.practitioner),
        outcome=outcome,
        reviewed_on=D(2025, 5, 14),
        point=outcome.scale.points.get(score=4),
        narrative=STORY,
        what_helped="Her daughter drove her.",
        helped_themes=[transport],
    )


def share_url(review) -> str:
    return f"/reports/reviews/{review.pk}/share/"


def agreed(**fields) -> dict:
    return {
        "person_agreed": "on",
        "how_agreed": "Asked at the review; she said yes",
        "text": EDITED,
        **fields,
    }


@pytest.fixture
def manager(client, roles):
    client.force_login(roles.manager)
    return client


# Flagging words that may identify someone


def test_names_chi_numbers_dates_and_capitalised_words_are_flagged():
    text = (
        "Rena met Ann at the Leith library on 3rd of March. Her CHI is 170381 4622. "
        "She goes every Tuesday, since 12/05/2024 and in April 2025. Walking helps."
    )
    flags = [str(f) for f in likely_identifiers(text, ["Iris Mackenzie", "Rena", "Ann Smith"])]
    assert "Name: Rena" in flags and "Name: Ann" in flags
    assert "CHI number: 170381 4622" in flags
    assert "Date: 3rd of March" in flags
    assert "Date: 12/05/2024" in flags
    assert "Date: April 2025" in flags
    assert "Capitalised word: Leith" in flags
    # A word that starts a sentence, a weekday and a name already flagged are not.
    assert not any(f.endswith((": She", ": Walking", ": Tuesday", ": Her")) for f in flags)
    assert flags.count("Name: Rena") == 1 and "Capitalised word: Rena" not in flags


def test_a_text_with_nothing_identifying_raises_no_flag():
    assert likely_identifiers(EDITED, ["Iris Mackenzie", "Rena", "Ann Mackenzie"]) == []


# Sharing


def test_a_manager_shares_an_edited_story_after_recording_agreement(manager, roles, story):
    page = manager.get(share_url(story)).content.decode()
    assert STORY in page  # the review as recorded, to work from
    assert AuditEvent.objects.filter(
        action="view", person_id=story.outcome.person_id, summary__contains="to share it"
    ).exists()

    response = manager.post(share_url(story), agreed())

    assert response.status_code == 302
    example = SharedExample.objects.get()
    assert (example.text, example.quarter) == (EDITED, "Apr to Jun 2025")
    assert example.how_agreed == "Asked at the review; she said yes"
    event = AuditEvent.objects.get(action="create", object_type="reports.sharedexample")
    assert event.person_id == story.outcome.person_id
    # The review itself is never changed.
    story.refresh_from_db()
    assert story.narrative == STORY
    page = manager.get(share_url(story)).content.decode()
    assert "Withdraw the example" in page and "Apr to Jun 2025" in page


def test_nothing_is_shared_before_the_person_has_agreed(manager, story):
    response = manager.post(share_url(story), agreed(person_agreed="", how_agreed=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Share a story only after the person has agreed." in page
    assert "Say how and when the person agreed." in page
    assert EDITED in page  # what was typed is still there
    assert not SharedExample.objects.exists()


def test_flagged_words_must_be_checked_before_sharing(manager, story):
    text = "Iris got back to the lunch club in Portobello with Ann on 3 March."
    first = manager.post(share_url(story), agreed(text=text))
    page = first.content.decode()
    assert first.status_code == 200
    assert not SharedExample.objects.exists()
    flagged = re.search(r'id="flagged-words".*?</ul>', page, re.S).group()
    for words in ("Iris", "Ann", "3 March", "Portobello"):
        assert f"<strong>{words}</strong>" in flagged
    assert "check each one flagged" in page
    key = re.search(r'name="flagged" value="([^"]*)"', page).group(1)

    # Ticked, but the text then changed: the new flags need checking again.
    changed = manager.post(
        share_url(story), agreed(text=text + " With Rena.", checked="on", flagged=key)
    )
    assert changed.status_code == 200
    assert "<strong>Rena</strong>" in changed.content.decode()
    assert not SharedExample.objects.exists()

    # A warning, not a block: once checked, it is shared as written.
    confirmed = manager.post(share_url(story), agreed(text=text, checked="on", flagged=key))
    assert confirmed.status_code == 302
    assert SharedExample.objects.get().text == text


def test_a_story_is_shared_once_until_withdrawn(manager, story):
    manager.post(share_url(story), agreed())
    again = manager.post(share_url(story), agreed(text="Another version"))
    assert again.status_code == 200  # the page shows the one in use, with its withdraw button
    assert SharedExample.objects.count() == 1


@pytest.mark.parametrize("who", ["practitioner", "colleague", "other_practitioner", "admin"])
def test_only_a_manager_of_the_persons_team_may_share(client, roles, story, who):
    client.force_login(getattr(roles, who))
    assert client.get(share_url(story)).status_code == 404
    assert client.post(share_url(story), agreed()).status_code == 404
    assert not SharedExample.objects.exists()


def test_an_organisation_wide_manager_may_not_share_or_read_the_review(client, roles, story):
    commissioner = UserFactory(username="commissioner")
    OrganisationRole.objects.create(user=commissioner, organisation=roles.team.organisation)
    client.force_login(commissioner)
    response = client.get(share_url(story))
    assert response.status_code == 404
    assert STORY not in response.content.decode()


def test_a_manager_of_another_team_may_not_share_or_withdraw(client, roles, story, manager):
    manager.post(share_url(story), agreed())
    example = SharedExample.objects.get()
    other_manager = UserFactory(username="other-manager")
    MembershipFactory(user=other_manager, team=roles.other_team, role=Role.MANAGER)
    client.force_login(other_manager)
    assert client.get(share_url(story)).status_code == 404
    assert client.post(f"/reports/examples/{example.pk}/withdraw/").status_code == 404
    example.refresh_from_db()
    assert example.withdrawn_at is None


def test_the_share_link_is_on_the_record_for_managers_only(client, roles, story):
    person_url = f"/people/{story.outcome.person_id}/"
    client.force_login(roles.manager)
    assert share_url(story) in client.get(person_url).content.decode()
    client.force_login(roles.practitioner)
    assert share_url(story) not in client.get(person_url).content.decode()


# In the organisation report


@pytest.fixture
def commissioner(roles):
    """A client signed in as an organisation-wide manager (beside ``manager``'s)."""
    user = UserFactory(username="commissioner")
    OrganisationRole.objects.create(user=user, organisation=roles.team.organisation)
    client = Client()
    client.force_login(user)
    return client


def report_of(client, organisation, query="") -> str:
    return client.get(f"/reports/organisations/{organisation.pk}/{PERIOD}{query}").content.decode()


def test_the_report_shows_the_example_beside_its_outcome_and_theme_never_whose(
    roles, story, manager, commissioner
):
    manager.post(share_url(story), agreed())
    page = report_of(commissioner, roles.team.organisation)

    examples = re.findall(r'<div class="shared-examples">.*?</ul>\s*</div>', page, re.S)
    assert len(examples) == 2  # beside the framework outcomes and beside the themes
    assert '<h4 class="h6">Seeing people</h4>' in examples[0] and EDITED in examples[0]
    assert '<h4 class="h6">Transport</h4>' in examples[1] and EDITED in examples[1]
    assert "Apr to Jun 2025" in page
    # Nothing says whose story it is, or exactly when.
    for words in ("Iris", "Mackenzie", "Rena", "14 May", "2025-05-14", "/people/"):
        assert words not in page, words
    # An organisation-wide manager sees only the shared example, never the review.
    assert STORY not in page and "Her daughter drove her." not in page


def test_a_withdrawn_example_leaves_every_report(roles, story, manager, commissioner):
    manager.post(share_url(story), agreed())
    example = SharedExample.objects.get()
    response = manager.post(f"/reports/examples/{example.pk}/withdraw/")
    assert response.status_code == 302
    example.refresh_from_db()
    assert example.withdrawn_by == roles.manager
    event = AuditEvent.objects.get(action="withdraw")
    assert event.person_id == story.outcome.person_id
    assert EDITED not in report_of(commissioner, roles.team.organisation)
    # Withdrawn, it may be shared again.
    assert "Share the example" in manager.get(share_url(story)).content.decode()


def test_another_organisations_examples_never_appear(client, roles, story, manager):
    manager.post(share_url(story), agreed())
    elsewhere = OrganisationFactory(name="Elsewhere Partnership")
    TeamFactory(organisation=elsewhere, name="Elsewhere Team")
    other_commissioner = UserFactory(username="elsewhere")
    OrganisationRole.objects.create(user=other_commissioner, organisation=elsewhere)
    client.force_login(other_commissioner)
    assert EDITED not in report_of(client, elsewhere)
    assert client.get(f"/reports/organisations/{roles.team.organisation.pk}/").status_code == 404


def test_examples_follow_the_reports_period_and_filters(roles, story, manager, commissioner):
    manager.post(share_url(story), agreed())
    organisation = roles.team.organisation
    assert EDITED in report_of(commissioner, organisation, f"&team={roles.team.pk}")
    assert EDITED not in report_of(commissioner, organisation, f"&team={roles.other_team.pk}")
    earlier = commissioner.get(
        f"/reports/organisations/{organisation.pk}/?period=custom&start=2024-01-01&end=2024-12-31"
    )
    assert EDITED not in earlier.content.decode()


def test_the_organisation_pdf_holds_the_examples(
    roles,
    story,
    manager,
    commissioner,
    pdf_html,  # noqa: F811 (the fixture, imported)
):
    manager.post(share_url(story), agreed())
    response = commissioner.get(
        f"/reports/organisations/{roles.team.organisation.pk}/report.pdf{PERIOD}"
    )
    assert response.status_code == 200
    text = page_text(pages_of(pdf_html[0]))
    assert "Examples people agreed to share" in text
    assert "She got back to the lunch club" in text
    assert "Iris" not in text and "Mackenzie" not in text


def test_examples_cost_the_same_queries_however_many(roles, build, actor_as, manager, commissioner):
    actor = actor_as(roles.practitioner)
    theme = ThemeFactory(organisation=roles.team.organisation, name="Transport")

    def share(n: int) -> None:
        for i in range(n):
            person = build.person(f"Person {i}")
            outcome = build.outcome(person, ["Seeing people", "Feeling safe"][i % 2])
            review = record_services.review_add(
                actor=actor,
                outcome=outcome,
                reviewed_on=D(2025, 5, 1),
                point=outcome.scale.points.get(score=3),
                narrative="Went well",
                helped_themes=[theme],
            )
            manager.post(share_url(review), agreed(text=f"Example number {i}"))

    organisation = roles.team.organisation
    pdf_url = f"/reports/organisations/{organisation.pk}/report.pdf{PERIOD}"

    def queries() -> tuple[list[int], str]:
        with CaptureQueriesContext(connection) as captured:
            page = report_of(commissioner, organisation)
        with CaptureQueriesContext(connection) as pdf:
            assert commissioner.get(pdf_url).status_code == 200
        return [len(captured), len(pdf)], page

    share(1)
    few, page = queries()
    assert "Example number 0" in page
    share(8)
    many, page = queries()
    assert "Example number 7" in page
    assert many == few
    assert Review.objects.count() == 9


def test_the_share_page_costs_the_same_queries_for_a_long_record(manager, roles, story, build):
    person = story.outcome.person

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(share_url(story)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(20):
        KeyPersonFactory(person=person, name=f"Helper Number{n}")
        build.outcome(person, "Feeling safe", [(D(2025, 3, 1), 3, f"Review {n}")])
    assert queries() == few


def test_two_managers_sharing_at_once_leave_one_example(roles, story, actor_as):
    """The second save finds the first (one example in use per review, in the database)."""
    actor = actor_as(roles.manager)
    organisation = roles.team.organisation
    services.example_share(
        actor=actor, review=story, organisation=organisation, text=EDITED, how_agreed="Yes"
    )
    with pytest.raises(ValidationError, match="already shared as an example"):
        services.example_share(
            actor=actor, review=story, organisation=organisation, text="Mine", how_agreed="Yes"
        )
    assert SharedExample.objects.count() == 1
    created = AuditEvent.objects.filter(action="create", object_type="reports.sharedexample")
    assert created.count() == 1


def test_the_database_refuses_an_example_without_the_persons_agreement(roles, story):
    with pytest.raises(IntegrityError), transaction.atomic():
        SharedExampleFactory(review=story, person_agreed=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        SharedExampleFactory(review=story, how_agreed="")


def test_an_anonymised_persons_example_is_no_longer_shown(roles, story, manager, commissioner):
    manager.post(share_url(story), agreed())
    person = story.outcome.person
    person.anonymised_on = D(2026, 1, 1)
    person.save(update_fields=["anonymised_on"])
    assert EDITED not in report_of(commissioner, roles.team.organisation)
    assert manager.get(share_url(story)).status_code == 404
