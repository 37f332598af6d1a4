import datetime
import re

import pytest
from django.utils.html import escape

from audit.models import AuditEvent
from frameworks.models import FrameworkOutcome, ScalePoint
from records.models import Outcome, OutcomeStatus, Person, Review
from tests.factories import (
    CaseloadEntryFactory,
    KeyPersonFactory,
    MembershipFactory,
    OutcomeFactory,
    ReviewFactory,
    TeamFactory,
)

D = datetime.date

ACTIONS_EMPTY = {"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0"}
KEY_EMPTY = {"key-TOTAL_FORMS": "2", "key-INITIAL_FORMS": "0"}


@pytest.fixture
def client_as(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def text(response) -> str:
    return response.content.decode()


# Caseload


def test_caseload_lists_only_people_on_the_users_teams(client_as, roles, frameworks):
    CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie")
    CaseloadEntryFactory(team=roles.other_team, person__full_name="Zara Hidden")
    html = text(client_as(roles.practitioner).get("/people/"))
    assert "Iris Mackenzie" in html
    assert "Zara Hidden" not in html


def test_caseload_shows_overdue_reviews_and_sorts_by_next_review(client_as, roles, frameworks):
    soon = CaseloadEntryFactory(team=roles.team, person__full_name="Bella Soon").person
    late = CaseloadEntryFactory(team=roles.team, person__full_name="Adam Overdue").person
    CaseloadEntryFactory(team=roles.team, person__full_name="Carl Noreview")
    OutcomeFactory(person=soon, next_review_on=D(2999, 1, 1))
    OutcomeFactory(person=late, next_review_on=D(2020, 1, 1))
    html = text(client_as(roles.practitioner).get("/people/?sort=next_review"))
    assert html.index("Adam Overdue") < html.index("Bella Soon") < html.index("Carl Noreview")
    row = html[html.index("Adam Overdue") : html.index("Bella Soon")]
    assert "Overdue" in row
    by_name = text(client_as(roles.practitioner).get("/people/?sort=name"))
    # Full names: a generated name elsewhere on the page may hold "Adam" or "Carl".
    assert (
        by_name.index("Adam Overdue") < by_name.index("Bella Soon") < by_name.index("Carl Noreview")
    )


def test_caseload_search_by_name_or_chi_number(client_as, roles, frameworks):
    CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie")
    CaseloadEntryFactory(
        team=roles.team, person__full_name="Tam Baird", person__chi_number="0101501234"
    )
    client = client_as(roles.practitioner)
    assert "Tam Baird" not in text(client.get("/people/?q=mack"))
    assert "Iris Mackenzie" in text(client.get("/people/?q=mack"))
    by_chi = text(client.get("/people/?q=0101 50"))
    assert "Tam Baird" in by_chi and "Iris Mackenzie" not in by_chi


def test_caseload_is_paginated(client_as, roles, frameworks):
    CaseloadEntryFactory.create_batch(30, team=roles.team)
    client = client_as(roles.practitioner)
    first = text(client.get("/people/"))
    assert "Page 1 of 2" in first
    assert first.count('<th scope="row">') == 25
    assert text(client.get("/people/?page=2")).count('<th scope="row">') == 5


def test_closed_records_leave_the_caseload_but_can_be_listed(client_as, roles, frameworks):
    CaseloadEntryFactory(
        team=roles.team,
        person__full_name="Ruth Closed",
        person__closed_on=D(2026, 1, 1),
        person__closed_reason="Moved away",
    )
    client = client_as(roles.practitioner)
    assert "Ruth Closed" not in text(client.get("/people/"))
    assert "Ruth Closed" in text(client.get("/people/?closed=1"))


# Adding and changing a person


def test_practitioner_adds_a_person_to_their_team(client_as, roles, frameworks):
    response = client_as(roles.practitioner).post(
        "/people/add/",
        {
            "full_name": "Agnes Stewart",
            "teams": [roles.team.pk],
            "engagement_channels": ["verbal"],
            **KEY_EMPTY,
            "key-0-name": "Ann Stewart",
            "key-0-relationship": "Daughter",
            "key-0-may_speak_for_person": "on",
        },
    )
    person = Person.objects.get()
    assert response.headers["Location"] == f"/people/{person.pk}/"
    assert person.key_people.get().may_speak_for_person


def test_adding_a_person_to_another_teams_caseload_is_refused(client_as, roles, frameworks):
    response = client_as(roles.practitioner).post(
        "/people/add/", {"full_name": "Agnes Stewart", "teams": [roles.other_team.pk], **KEY_EMPTY}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Person.objects.exists()


def test_a_bad_chi_number_is_explained_and_everything_typed_is_kept(client_as, roles, frameworks):
    response = client_as(roles.practitioner).post(
        "/people/add/",
        {
            "full_name": "Agnes Stewart",
            "communication_needs": "Uses a hearing aid; speak clearly",
            "chi_number": "0101501235",
            "teams": [roles.team.pk],
            **KEY_EMPTY,
            "key-0-name": "Ann Stewart",
            "key-0-relationship": "Daughter",
        },
    )
    html = text(response)
    assert response.status_code == 200
    assert "last digit does not match" in html
    assert "Uses a hearing aid; speak clearly" in html
    assert 'value="Ann Stewart"' in html
    assert not Person.objects.exists()


def test_concurrent_edit_of_a_person_shows_both_versions_and_loses_neither(
    client_as, roles, person
):
    form = {
        "full_name": person.full_name,
        "preferred_name": "",
        "communication_needs": "",
        "version": "1",
        **KEY_EMPTY,
    }
    colleague = client_as(roles.colleague)
    colleague.post(f"/people/{person.pk}/edit/", form | {"preferred_name": "Iris"})
    mine = client_as(roles.practitioner).post(
        f"/people/{person.pk}/edit/", form | {"communication_needs": "Prefers mornings"}
    )
    html = text(mine)
    assert mine.status_code == 200
    assert "Someone else saved this record" in html
    assert "Prefers mornings" in html  # what I typed is still in the form
    assert "<dd>Iris</dd>" in html  # what the colleague saved is shown
    person.refresh_from_db()
    assert person.preferred_name == "Iris" and person.communication_needs == ""
    # Saving again, knowingly, keeps my change on top of theirs.
    again = client_as(roles.practitioner).post(
        f"/people/{person.pk}/edit/",
        form
        | {"preferred_name": "Iris", "communication_needs": "Prefers mornings", "version": "2"},
    )
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.preferred_name, person.communication_needs) == ("Iris", "Prefers mornings")


def test_manager_can_read_but_not_change_a_record(client_as, roles, person):
    client = client_as(roles.manager)
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200
    assert "Change details" not in text(page)
    assert client.get(f"/people/{person.pk}/edit/").status_code == 404


def test_closing_and_reopening_through_the_pages(client_as, roles, person):
    client = client_as(roles.practitioner)
    missing = client.post(f"/people/{person.pk}/close/", {"closed_on": "2026-01-05", "reason": ""})
    assert "This field is required" in text(missing)
    client.post(f"/people/{person.pk}/close/", {"closed_on": "2026-01-05", "reason": "Moved"})
    page = text(client.get(f"/people/{person.pk}/"))
    assert "This record is closed" in page and "Moved" in page
    assert "Record an outcome" not in page
    client.post(f"/people/{person.pk}/reopen/")
    assert "This record is closed" not in text(client.get(f"/people/{person.pk}/"))


# Teams


def checked(html: str, name: str) -> list[str]:
    """The values of the ticked checkboxes called ``name``."""
    boxes = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', b).group(1) for b in boxes if " checked" in b]


@pytest.fixture
def second_team(roles):
    """A team the practitioner is also on, in the same organisation."""
    team = TeamFactory(organisation=roles.team.organisation, name="Riverside Team")
    MembershipFactory(user=roles.practitioner, team=team)
    return team


def test_moving_a_person_to_another_of_my_teams(client_as, roles, person, second_team):
    client = client_as(roles.practitioner)
    form = text(client.get(f"/people/{person.pk}/teams/"))
    assert checked(form, "teams") == [str(roles.team.pk)]
    assert "Riverside Team" in form and roles.other_team.name not in form

    response = client.post(
        f"/people/{person.pk}/teams/", {"version": "1", "teams": [second_team.pk]}
    )

    assert response.status_code == 302 and response.url == f"/people/{person.pk}/"
    assert list(person.teams.all()) == [second_team]
    assert AuditEvent.objects.filter(person_id=person.pk, summary="Viewed teams").count() == 1
    event = AuditEvent.objects.filter(person_id=person.pk, action="update").latest("id")
    assert event.summary == "Moved to other teams' caseloads"
    assert event.changes == {"teams": [[roles.team.pk], [second_team.pk]]}
    page = text(client.get(f"/people/{person.pk}/"))
    assert "The teams have been saved." in page and "Riverside Team" in page


def test_a_person_is_not_moved_to_another_organisations_team(client_as, roles, person, second_team):
    elsewhere = TeamFactory(name="Harbour Team")  # in another organisation
    MembershipFactory(user=roles.practitioner, team=elsewhere)
    client = client_as(roles.practitioner)
    assert "Harbour Team" not in text(client.get(f"/people/{person.pk}/teams/"))

    response = client.post(f"/people/{person.pk}/teams/", {"version": "1", "teams": [elsewhere.pk]})

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert list(person.teams.all()) == [roles.team]


def test_teams_i_am_not_on_are_kept_and_one_team_is_needed(client_as, roles, person):
    CaseloadEntryFactory(person=person, team=roles.other_team)
    client = client_as(roles.practitioner)
    form = text(client.get(f"/people/{person.pk}/teams/"))
    assert f"They stay on the caseload of {roles.other_team.name}" in form

    # Taken off my only team: they stay on the other team's, and leave my caseload.
    response = client.post(f"/people/{person.pk}/teams/", {"version": "1"}, follow=True)
    assert list(person.teams.all()) == [roles.other_team]
    assert f"is now on the caseload of {roles.other_team.name} only" in text(response)
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_a_closed_record_keeps_its_teams(client_as, roles, person, second_team):
    client = client_as(roles.practitioner)
    assert 'Change<span class="visually-hidden"> teams' in text(client.get(f"/people/{person.pk}/"))
    client.post(f"/people/{person.pk}/close/", {"closed_on": "2026-01-05", "reason": "Moved"})
    assert 'Change<span class="visually-hidden"> teams' not in text(
        client.get(f"/people/{person.pk}/")
    )

    person.refresh_from_db()
    data = {"version": str(person.version), "teams": [roles.team.pk, second_team.pk]}
    response = client.post(f"/people/{person.pk}/teams/", data)

    assert "This record is closed. Reopen it to change its teams." in text(response)
    assert list(person.teams.all()) == [roles.team]


def test_a_person_must_stay_on_some_caseload(client_as, roles, person):
    response = client_as(roles.practitioner).post(f"/people/{person.pk}/teams/", {"version": "1"})
    assert response.status_code == 200
    assert "Choose at least one team whose caseload they are on." in text(response)
    assert list(person.teams.all()) == [roles.team]


def test_concurrent_team_change_is_shown_and_nothing_is_lost(client_as, roles, person, second_team):
    client = client_as(roles.practitioner)
    client.post(
        f"/people/{person.pk}/teams/", {"version": "1", "teams": [roles.team.pk, second_team.pk]}
    )
    # A form opened before that save, sent after it:
    stale = client.post(f"/people/{person.pk}/teams/", {"version": "1", "teams": [second_team.pk]})
    html = text(stale)
    assert stale.status_code == 200
    assert "Someone else saved this record" in html
    assert "<dd>Hillside Team, Riverside Team</dd>" in html
    assert checked(html, "teams") == [str(second_team.pk)]  # what I chose, still chosen
    assert sorted(t.name for t in person.teams.all()) == ["Hillside Team", "Riverside Team"]


def test_only_practitioners_of_the_persons_teams_change_them(client_as, roles, person):
    for user in (roles.manager, roles.other_practitioner, roles.admin):
        client = client_as(user)
        assert client.get(f"/people/{person.pk}/teams/").status_code == 404
        data = {"version": "1", "teams": [roles.other_team.pk]}
        assert client.post(f"/people/{person.pk}/teams/", data).status_code == 404
    assert list(person.teams.all()) == [roles.team]
    assert 'Change<span class="visually-hidden"> teams' not in text(
        client_as(roles.manager).get(f"/people/{person.pk}/")
    )


# Outcomes and reviews


def test_recording_an_outcome_with_actions(client_as, roles, person):
    safe = FrameworkOutcome.objects.get(short_name="Feeling safe")
    response = client_as(roles.practitioner).post(
        f"/people/{person.pk}/outcomes/add/",
        {
            "what_matters": "I want to feel safe in my own home at night",
            "in_own_words": "on",
            "framework_outcomes": [safe.pk],
            "started_on": "2026-01-10",
            "next_review_on": "2026-04-10",
            **ACTIONS_EMPTY,
            "actions-0-description": "Fit a key safe",
            "actions-0-who": "Son, Jim",
            "actions-0-when": "This week",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.actions.get().who == "Son, Jim"
    page = text(client_as(roles.practitioner).get(f"/people/{person.pk}/"))
    assert "I want to feel safe in my own home at night" in page
    assert "Fit a key safe" in page


def test_framework_outcomes_are_offered_in_named_groups(client_as, roles, person):
    """Each framework's category is a fieldset, so its name is read out with its choices."""
    page = text(client_as(roles.practitioner).get(f"/people/{person.pk}/outcomes/add/"))
    safe = FrameworkOutcome.objects.select_related("category__framework").get(
        short_name="Feeling safe"
    )
    group = f"{safe.category.framework.name}: {safe.category.name}"

    start = page.index(f'<legend class="fs-6 fw-semibold mb-1">{escape(group)}</legend>')
    assert page.rindex('<fieldset class="option-group', 0, start) < start
    assert start < page.index(">Feeling safe</label>") < page.index("</fieldset>", start)


def test_an_outcome_form_error_keeps_what_was_typed(client_as, roles, person):
    response = client_as(roles.practitioner).post(
        f"/people/{person.pk}/outcomes/add/",
        {
            "what_matters": "",
            "why_it_matters": "My husband loved my soup",
            "started_on": "31/02/2026",
            **ACTIONS_EMPTY,
            "actions-0-who": "Daughter",
        },
    )
    html = text(response)
    assert response.status_code == 200
    assert "My husband loved my soup" in html
    assert "Enter a real date" in html
    assert "Say what will happen, or clear this row" in html
    assert 'value="Daughter"' in html
    assert not Outcome.objects.exists()


def test_review_then_correction_are_both_shown(client_as, roles, person):
    outcome = OutcomeFactory(person=person)
    points = {p.score: p.pk for p in ScalePoint.objects.filter(scale=outcome.scale)}
    client = client_as(roles.practitioner)
    client.post(
        f"/outcomes/{outcome.pk}/reviews/add/",
        {"reviewed_on": "2025-03-01", "point": points[2], "what_helped": "Her neighbour"},
    )
    client.post(
        f"/outcomes/{outcome.pk}/reviews/add/",
        {"reviewed_on": "2025-06-01", "point": points[4], "narrative": "Out every Friday"},
    )
    original = Review.objects.get(reviewed_on=D(2025, 3, 1))
    client.post(
        f"/reviews/{original.pk}/amend/",
        {"reviewed_on": "2025-03-01", "point": points[3], "reason": "Wrong score typed"},
    )
    html = text(client.get(f"/people/{person.pk}/"))
    assert "First rating: 3" in html and "Latest: 4" in html
    # The latest review on the person's page; every one, and the ratings as a
    # table for screen readers, on the outcome's reviews page.
    assert "Out every Friday" in html
    assert f'href="/outcomes/{outcome.pk}/reviews/"' in html
    every = text(client.get(f"/outcomes/{outcome.pk}/reviews/"))
    assert "Correction</strong> of the review of 1 Mar 2025" in every
    assert "Wrong score typed" in every
    assert "Corrected later" in every  # the original is still there
    assert "<td>1 Mar 2025</td><td>3</td>" in every
    assert "<svg" in every and 'role="img"' in every


def test_a_latest_review_that_corrects_another_names_the_date_it_corrects(client_as, roles, person):
    outcome = OutcomeFactory(person=person)
    points = {p.score: p.pk for p in ScalePoint.objects.filter(scale=outcome.scale)}
    client = client_as(roles.practitioner)
    client.post(
        f"/outcomes/{outcome.pk}/reviews/add/",
        {"reviewed_on": "2025-03-01", "point": points[2], "narrative": "Stayed in"},
    )
    original = Review.objects.get(reviewed_on=D(2025, 3, 1))
    client.post(
        f"/reviews/{original.pk}/amend/",
        {"reviewed_on": "2025-03-02", "point": points[3], "reason": "Wrong day typed"},
    )
    html = text(client.get(f"/people/{person.pk}/"))
    # The correction is the latest review, shown in full, with what it corrects.
    assert "Correction</strong> of the review of 1 Mar 2025. Reason: Wrong day typed" in html


def test_a_review_without_a_rating_is_refused_next_to_the_field(client_as, roles, person):
    outcome = OutcomeFactory(person=person)
    response = client_as(roles.practitioner).post(
        f"/outcomes/{outcome.pk}/reviews/add/",
        {"reviewed_on": "2025-03-01", "narrative": "She said the mornings are hard"},
    )
    assert "Choose a rating" in text(response)
    assert "She said the mornings are hard" in text(response)
    assert not Review.objects.exists()


def test_concurrent_edit_of_an_outcome_is_detected(client_as, roles, person):
    outcome = OutcomeFactory(person=person, what_matters="Get to the shops")
    form = {
        "what_matters": "Get to the shops",
        "status": "active",
        "version": "1",
        **ACTIONS_EMPTY,
    }
    client_as(roles.colleague).post(
        f"/outcomes/{outcome.pk}/edit/", form | {"why_it_matters": "Independence"}
    )
    mine = client_as(roles.practitioner).post(
        f"/outcomes/{outcome.pk}/edit/", form | {"contribution": "Son drives on Saturdays"}
    )
    html = text(mine)
    assert "Someone else saved this record" in html
    assert "Son drives on Saturdays" in html
    assert "<dd>Independence</dd>" in html
    outcome.refresh_from_db()
    assert (outcome.why_it_matters, outcome.contribution, outcome.status) == (
        "Independence",
        "",
        OutcomeStatus.ACTIVE,
    )


# The person page, the summary and the audit trail


def test_person_page_starts_with_what_matters_in_their_words(client_as, roles, person):
    outcome = OutcomeFactory(person=person, what_matters="To be at my granddaughter's wedding")
    ReviewFactory(outcome=outcome, point=outcome.scale.points.get(score=3))
    Outcome.objects.filter(pk=outcome.pk).update(latest_point=outcome.scale.points.get(score=3))
    KeyPersonFactory(person=person, name="Ann Mackenzie", may_speak_for_person=True)
    html = text(client_as(roles.practitioner).get(f"/people/{person.pk}/"))
    summary = html[html.index("What matters to me") : html.index('id="about"')]
    assert "To be at my granddaughter&#x27;s wedding" in summary
    assert "Partly achieved" in summary
    assert "Ann Mackenzie" in html and "May speak on" in html


def test_summary_prints_and_downloads_as_pdf(client_as, roles, person):
    OutcomeFactory(person=person, what_matters="Sing in the church choir again")
    client = client_as(roles.practitioner)
    page = client.get(f"/people/{person.pk}/summary/")
    assert "Sing in the church choir again" in text(page)
    pdf = client.get(f"/people/{person.pk}/summary.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "no-store"


def test_every_view_and_change_is_in_the_audit_trail(client_as, roles, person):
    client = client_as(roles.practitioner)
    client.get(f"/people/{person.pk}/")
    client.get(f"/people/{person.pk}/summary/")
    client.post(f"/people/{person.pk}/close/", {"closed_on": "2026-01-05", "reason": "Moved"})
    events = AuditEvent.objects.filter(person_id=person.pk).order_by("pk")
    assert [(e.action, e.actor_id) for e in events] == [
        ("view", roles.practitioner.pk),
        ("view", roles.practitioner.pk),
        ("close", roles.practitioner.pk),
    ]
    assert events[0].path == f"/people/{person.pk}/"


def test_a_refused_access_is_a_404_and_is_recorded(client_as, roles, person):
    response = client_as(roles.other_practitioner).get(f"/people/{person.pk}/")
    assert response.status_code == 404
    assert "Iris" not in text(response)
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.actor, event.object_id) == (roles.other_practitioner, str(person.pk))


def test_manager_sees_who_has_accessed_the_record(client_as, roles, person):
    client_as(roles.practitioner).get(f"/people/{person.pk}/")
    client = client_as(roles.manager)
    html = text(client.get(f"/people/{person.pk}/access/"))
    assert escape(roles.practitioner.get_full_name()) in html
    assert "Viewed record" in html
    assert "<td>Viewed</td>" in html, "each event says what was done"
    assert client_as(roles.practitioner).get(f"/people/{person.pk}/access/").status_code == 403


def test_admin_without_a_caseload_role_sees_no_person(client_as, roles, person):
    client = client_as(roles.admin)
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert "Iris" not in text(client.get("/people/"))


def test_a_review_can_be_tagged_with_the_organisations_themes(client_as, roles, person):
    from themes.models import Theme

    mine = Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    retired = Theme.objects.create(
        organisation=roles.team.organisation, name="Old theme", retired_at="2025-01-01T00:00Z"
    )
    outcome = OutcomeFactory(person=person)
    client = client_as(roles.practitioner)
    form = text(client.get(f"/outcomes/{outcome.pk}/reviews/add/"))
    assert "Transport" in form and "Old theme" not in form
    point = outcome.scale.points.get(score=3)
    client.post(
        f"/outcomes/{outcome.pk}/reviews/add/",
        {"reviewed_on": "2025-03-01", "point": point.pk, "hindered_themes": [mine.pk]},
    )
    assert list(Review.objects.get().hindered_themes.all()) == [mine]
    refused = client.post(
        f"/outcomes/{outcome.pk}/reviews/add/",
        {"reviewed_on": "2025-03-02", "point": point.pk, "helped_themes": [retired.pk]},
    )
    assert "Select a valid choice" in text(refused)


def test_editing_an_outcome_keeps_a_link_to_a_retired_framework_outcome(client_as, roles, person):
    retired = FrameworkOutcome.objects.get(short_name="Reliability")
    outcome = OutcomeFactory(person=person, what_matters="Carers who turn up")
    outcome.framework_outcomes.set([retired])
    retired.retired_at = "2026-01-01T00:00Z"
    retired.save()
    client = client_as(roles.practitioner)
    page = text(client.get(f"/outcomes/{outcome.pk}/edit/"))
    assert "Reliability (no longer offered)" in page
    client.post(
        f"/outcomes/{outcome.pk}/edit/",
        {
            "what_matters": "Carers who turn up on time",
            "status": "active",
            "version": "1",
            "framework_outcomes": [retired.pk],
            **ACTIONS_EMPTY,
        },
    )
    outcome.refresh_from_db()
    assert outcome.what_matters == "Carers who turn up on time"
    assert list(outcome.framework_outcomes.all()) == [retired]


def test_a_search_that_is_too_long_says_so(client_as, roles, frameworks):
    html = text(client_as(roles.practitioner).get("/people/?q=" + "x" * 300))
    assert "at most 200 characters" in html
