"""A CHI number is unique within an organisation, and the check reveals nothing else.

Another organisation's record of the same person is not a duplicate and is
never mentioned. A duplicate within the organisation is refused without naming
the person or their team, is recorded in the audit trail without the number,
and a user who keeps meeting duplicates is stopped for a while.
"""

import datetime
import logging
import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from records import services
from records.models import Person
from tests.factories import (
    AuditEventFactory,
    CaseloadEntryFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)

CHI = "0101501234"  # born 1 January 1950
OTHER_CHI = "0101500300"
ASK_YOUR_TEAM = "A record with this CHI number already exists in your organisation."
PAUSED = (
    "You have checked several CHI numbers that are already recorded. "
    "Wait 10 minutes, or ask your team."
)


def text(response) -> str:
    return response.content.decode()


def add_form(team, chi=CHI, **extra) -> dict:
    return {
        "full_name": "Agnes Stewart",
        "chi_number": chi,
        "teams": [team.pk],
        "key-TOTAL_FORMS": "0",
        "key-INITIAL_FORMS": "0",
    } | extra


@pytest.fixture
def elsewhere(db):
    """A team of another organisation."""
    return TeamFactory(organisation=OrganisationFactory(name="Riverside Care"), name="Harbour Team")


def on_caseload(team, chi=CHI, name="Morag Gillespie") -> Person:
    return CaseloadEntryFactory(team=team, person__full_name=name, person__chi_number=chi).person


def test_a_chi_number_held_elsewhere_in_the_organisation_is_refused_naming_nobody(
    client, roles, frameworks, caplog
):
    existing = on_caseload(roles.other_team)  # a team the practitioner is not on
    client.force_login(roles.practitioner)
    with caplog.at_level(logging.DEBUG):
        response = client.post("/people/add/", add_form(roles.team))
    assert response.status_code == 200
    page = text(response)
    assert ASK_YOUR_TEAM in page and "Ask the person&#x27;s team" in page
    assert "Morag Gillespie" not in page and "Shoreline Team" not in page
    assert f"/people/{existing.pk}/" not in page
    assert f'value="{CHI}"' in page and "Agnes Stewart" in page  # what was typed is kept
    assert Person.objects.count() == 1
    event = AuditEvent.objects.get(action="chi_duplicate_found")
    assert event.actor == roles.practitioner
    assert event.person_id == existing.pk  # shows in that person's access log
    for recorded in AuditEvent.objects.all():
        assert CHI not in f"{recorded.summary} {recorded.changes} {recorded.path}"
    assert CHI not in caplog.text


def test_a_duplicate_the_practitioner_can_already_see_is_linked(client, roles, frameworks):
    existing = on_caseload(roles.team)
    client.force_login(roles.practitioner)
    response = client.post("/people/add/", add_form(roles.team))
    assert ASK_YOUR_TEAM in text(response)
    assert f'href="/people/{existing.pk}/"' in text(response)
    assert Person.objects.count() == 1


def test_changing_a_chi_number_to_one_held_in_the_organisation_is_refused(client, roles, person):
    on_caseload(roles.other_team)
    client.force_login(roles.practitioner)
    response = client.post(
        f"/people/{person.pk}/edit/",
        add_form(roles.team, full_name=person.full_name, version=str(person.version)),
    )
    assert ASK_YOUR_TEAM in text(response)
    person.refresh_from_db()
    assert person.chi_number == ""
    assert AuditEvent.objects.filter(action="chi_duplicate_found").count() == 1


def test_another_organisations_record_of_the_same_person_is_no_duplicate(
    client, roles, frameworks, elsewhere
):
    team = elsewhere
    theirs = on_caseload(team)
    client.force_login(roles.practitioner)
    response = client.post("/people/add/", add_form(roles.team))
    assert response.status_code == 302
    ours = Person.objects.exclude(pk=theirs.pk).get()
    assert ours.chi_number == theirs.chi_number == CHI
    page = text(client.get(response.headers["Location"]))
    assert "Morag Gillespie" not in page and "Harbour Team" not in page
    assert not AuditEvent.objects.filter(action="chi_duplicate_found").exists()


def test_after_five_duplicates_in_ten_minutes_chi_numbers_are_refused_for_a_while(
    client, roles, frameworks
):
    on_caseload(roles.other_team)
    client.force_login(roles.practitioner)
    for _ in range(5):
        assert ASK_YOUR_TEAM in text(client.post("/people/add/", add_form(roles.team)))
    # A number nobody holds is refused too: the check is paused, not just this number.
    paused = client.post("/people/add/", add_form(roles.team, chi=OTHER_CHI))
    assert PAUSED in text(paused) and f'value="{OTHER_CHI}"' in text(paused)
    assert Person.objects.count() == 1
    # Adding someone without a CHI number still works.
    assert client.post("/people/add/", add_form(roles.team, chi="")).status_code == 302
    # A colleague is not held up by someone else's refusals.
    client.force_login(roles.colleague)
    assert client.post("/people/add/", add_form(roles.team, chi=OTHER_CHI)).status_code == 302


def test_the_pause_ends_ten_minutes_after_the_duplicates(roles, frameworks, actor_as):
    on_caseload(roles.other_team)
    actor = actor_as(roles.practitioner)

    def add(chi):
        return services.person_create(
            actor=actor, teams=[roles.team], full_name="Agnes Stewart", chi_number=chi
        )

    for _ in range(5):
        with pytest.raises(ValidationError, match="already exists in your organisation"):
            add(CHI)
    with pytest.raises(ValidationError, match="Wait 10 minutes"):
        add(OTHER_CHI)
    later = timezone.now() + datetime.timedelta(minutes=10, seconds=1)
    with mock.patch("records.services.timezone.now", return_value=later):
        assert add(OTHER_CHI).chi_number == OTHER_CHI


def test_moving_onto_another_organisations_team_with_the_same_chi_there_is_refused(
    roles, person, elsewhere, actor_as
):
    team = elsewhere
    person.chi_number = CHI
    person.save()
    on_caseload(team)
    with pytest.raises(ValidationError) as caught:
        services.person_teams_change(
            actor=actor_as(roles.practitioner), person=person, teams=[roles.team, team]
        )
    assert ASK_YOUR_TEAM in caught.value.message_dict["teams"][0]
    assert list(person.teams.all()) == [roles.team]
    assert AuditEvent.objects.filter(action="chi_duplicate_found").count() == 1


def test_moving_onto_another_organisations_team_without_the_chi_there_is_allowed(
    roles, person, elsewhere, actor_as
):
    team = elsewhere
    person.chi_number = CHI
    person.save()
    on_caseload(team, chi=OTHER_CHI)
    services.person_teams_change(
        actor=actor_as(roles.practitioner), person=person, teams=[roles.team, team]
    )
    assert set(person.teams.all()) == {roles.team, team}


# SQLite takes one writer at a time, so only PostgreSQL can race two additions.
@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_additions_of_one_chi_number_make_exactly_one_record():
    team = TeamFactory(organisation=OrganisationFactory(name="Test Partnership"))
    users = [UserFactory(username=f"racer-{n}") for n in range(10)]
    for user in users:
        MembershipFactory(user=user, team=team, role=Role.PRACTITIONER)
    # The chain head is made by migrate; a flushed test database lacks it until the
    # first event rebuilds it, which ten writers must not all try at once.
    AuditEventFactory()
    start = threading.Barrier(len(users))
    statuses, pages, errors = [], [], []

    def add(user) -> None:
        try:
            client = Client()
            client.force_login(user)
            start.wait(timeout=60)  # a thread that failed first breaks it, never hangs it
            response = client.post("/people/add/", add_form(team))
            statuses.append(response.status_code)
            pages.append(text(response))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sorted(statuses) == [200] * 9 + [302]
    assert sum(ASK_YOUR_TEAM in page for page in pages) == 9
    assert Person.objects.filter(chi_number=CHI).count() == 1
    assert AuditEvent.objects.filter(action="chi_duplicate_found").count() == 9
    # Each refusal is recorded for the user who met it.
    assert set(
        AuditEvent.objects.filter(action="chi_duplicate_found").values_list("actor", flat=True)
    ) <= {u.pk for u in users}
