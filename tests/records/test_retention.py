"""Closed records past their organisations' retention period are anonymised, and
every report figure stays the same."""

# ruff: noqa: F811 (the reports' ``build`` fixture is imported, then asked for by name)

import datetime
import re
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from accounts.models import Organisation, OrganisationRole
from audit.models import AuditEvent
from audit.services import audit_chain_verify
from records import services
from records.models import KeyPerson, Person, Review, Submission
from records.retention import REMOVED, expired_people
from tests.factories import (
    AddendumFactory,
    ConversationFactory,
    OrganisationFactory,
    ParticipantFactory,
    SharedExampleFactory,
    TeamFactory,
)
from tests.reports.conftest import PERIOD, build  # noqa: F401 (the fixture)
from tests.reports.test_figures import rows_of

D = datetime.date
IRIS_SAYS = "I want my confidence back in the kitchen: the smell of soup on the stove."
TEAM_TABLES = ["framework_outcomes", "bands", "distance", "quality", "comparison", "themes"]
ORGANISATION_TABLES = [*TEAM_TABLES, "team_by_outcome"]


@pytest.fixture
def organisation(roles):
    organisation = roles.team.organisation
    Organisation.objects.filter(pk=organisation.pk).update(retention_years=1)
    OrganisationRole.objects.create(user=roles.manager, organisation=organisation)
    return organisation


def close(person, roles, actor_as, on=None):
    services.person_close(
        actor=actor_as(roles.practitioner),
        person=person,
        closed_on=on or D(2025, 6, 30),
        reason="Moved to Aberdeen",
    )


@pytest.fixture
def iris(roles, build, actor_as, organisation):
    """A closed record with something in every free-text field, among others that stay open."""
    iris = build.person(
        "Iris Mackenzie",
        preferred_name="Iris",
        date_of_birth=D(1943, 4, 2),
        chi_number="0204431234",
        communication_needs="Hard of hearing",
        engagement_channels=["verbal"],
        engagement_notes="Mornings are best",
    )
    KeyPerson.objects.create(
        person=iris, name="Ewan Mackenzie", relationship="Son", contact="07700"
    )
    outcome = build.outcome(
        iris,
        "Seeing people",
        [(D(2025, 2, 3), 2, "Lonely since the winter", "Her son", "The bus stopped")],
        what_matters=IRIS_SAYS,
        why_it_matters="Cooking for Alec",
        contribution="Ewan shops on Saturdays",
    )
    outcome.actions.create(description="Soup on Thursdays", who="Ewan", where="Her kitchen")
    review = build.rate(outcome, D(2025, 4, 7), 3, "Made soup with Ewan", "Ewan", "Her hip")
    services.review_amend(
        actor=build_actor(roles, actor_as),
        review=review,
        reviewed_on=D(2025, 4, 7),
        point=outcome.scale.points.get(score=4),
        narrative="Made soup on her own",
        what_helped="Ewan",
        what_hindered="Her hip",
        reason="Rated on the wrong day by Ewan's account",
    )
    conversation = ConversationFactory(
        person=iris, recorded=True, differences="Ewan worries about the gas"
    )
    ParticipantFactory(conversation=conversation, name="Ewan Mackenzie", what_matters="Her safety")
    AddendumFactory(conversation=conversation, text="Alec joined by phone", reason="Left out")
    # Others the reports count, who stay as they are.
    for n, born in enumerate([D(1950, 1, 1), D(1990, 5, 5), D(1938, 3, 3)]):
        other = build.person(f"Person {n}", date_of_birth=born)
        build.outcome(other, "Seeing people", [(D(2025, 3, 1), 3), (D(2025, 5, 1), 4)])
        build.outcome(other, "Feeling safe", [(D(2025, 3, 1), 2)])
    close(iris, roles, actor_as)
    return Person.objects.get(pk=iris.pk)


def build_actor(roles, actor_as):
    return actor_as(roles.practitioner)


def normalised(html: str) -> str:
    """A page without what changes on every request (CSRF tokens, CSP nonces)."""
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def figures(client, roles, organisation) -> dict:
    team, org = f"/reports/teams/{roles.team.pk}", f"/reports/organisations/{organisation.pk}"
    found = {}
    for table in TEAM_TABLES:
        found[f"team {table}"] = rows_of(client.get(f"{team}/export/{table}.csv{PERIOD}"))
    for query in [
        "",
        "&age_band=75_84",
        "&age_band=unknown",
        f"&team={roles.team.pk}",
        f"&team={roles.team.pk}&age_band=75_84",
    ]:
        for table in ORGANISATION_TABLES:
            response = client.get(f"{org}/export/{table}.csv{PERIOD}{query}")
            found[f"organisation {table} {query}"] = rows_of(response)
    found["team page"] = normalised(client.get(f"{team}/{PERIOD}").content.decode())
    for query in ["", "&age_band=75_84"]:
        page = client.get(f"{org}/{PERIOD}{query}").content.decode()
        found[f"organisation page {query}"] = normalised(page)
    return found


def every_text(*app_labels) -> str:
    """Every character and text column of every row of these apps, run together."""
    values = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField | models.JSONField)
            ]
            for row in model.objects.values_list(*fields):
                values.extend(str(value) for value in row)
    return "\n".join(values)


def test_an_expired_record_is_anonymised_and_no_report_figure_changes(
    client, roles, organisation, iris
):
    client.force_login(roles.manager)
    before = figures(client, roles, organisation)
    assert any("75 to 84" in str(rows) for rows in before.values())
    trail_before = list(AuditEvent.objects.order_by("pk").values_list("pk", "hash", "summary"))

    call_command("apply_retention")

    after = figures(client, roles, organisation)
    assert after.keys() == before.keys()
    for name, rows in before.items():
        assert after[name] == rows, name
    # Counted again from the records, without Iris's date of birth: her ratings stay
    # in the age band of their day (reports keep it), so nothing changes either.
    call_command("rebuild_report_tallies")
    rebuilt = figures(client, roles, organisation)
    for name, rows in before.items():
        assert rebuilt[name] == rows, name

    iris.refresh_from_db()
    assert iris.full_name == f"Anonymised record {iris.pk}"
    assert (iris.preferred_name, iris.chi_number, iris.date_of_birth) == ("", "", None)
    assert iris.engagement_channels == []
    assert iris.communication_needs == REMOVED
    assert iris.anonymised_on is not None
    assert not KeyPerson.objects.filter(person=iris).exists()
    outcome = iris.outcomes.get()
    assert (outcome.what_matters, outcome.why_it_matters) == (REMOVED, REMOVED)
    assert outcome.latest_score == 4 and outcome.rating_count == 2
    assert {r.amendment_reason for r in outcome.reviews.filter(amends__isnull=False)} == {REMOVED}

    stored = every_text("records", "conversations")
    for words in ["Iris", "Mackenzie", "Ewan", "Alec", "soup", "0204431234", "Aberdeen", "hip"]:
        assert words not in stored, words
    page = client.get(f"/people/{iris.pk}/").content.decode()
    assert "Iris" not in page and "Ewan" not in page and "soup" not in page
    assert REMOVED in page

    # One event, no personal data; the trail before it is exactly as it was.
    event = AuditEvent.objects.get(action="retention_anonymised")
    assert (event.person_id, event.actor, event.summary) == (
        iris.pk,
        None,
        "Anonymised under the retention policy",
    )
    trail_after = list(AuditEvent.objects.order_by("pk").values_list("pk", "hash", "summary"))
    assert trail_after[: len(trail_before)] == trail_before
    assert audit_chain_verify().intact

    # Run again: nothing more to do.
    call_command("apply_retention")
    assert AuditEvent.objects.filter(action="retention_anonymised").count() == 1


def test_a_shared_example_of_an_anonymised_record_keeps_none_of_its_words(roles, iris):
    review = Review.objects.filter(outcome__person=iris, amends__isnull=True).first()
    example = SharedExampleFactory(
        review=review,
        text="Iris made soup with Ewan again.",
        how_agreed="Iris said yes at home in Aberdeen",
    )
    call_command("apply_retention")
    example.refresh_from_db()
    assert example.withdrawn_at is not None
    stored = every_text("reports")
    for words in ["Iris", "Ewan", "soup", "Aberdeen"]:
        assert words not in stored, words


def test_applying_retention_forgets_week_old_form_keys_and_keeps_newer_ones(db):
    old, new = (
        Submission.objects.create(key=uuid.uuid4()),
        Submission.objects.create(key=uuid.uuid4()),
    )
    Submission.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    call_command("apply_retention")
    assert list(Submission.objects.values_list("pk", flat=True)) == [new.pk]


def test_a_dry_run_lists_ids_per_organisation_and_changes_nothing(
    roles, organisation, iris, capsys
):
    events = AuditEvent.objects.count()
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert f"{organisation.name}: 1 record(s) past the retention period: {iris.pk}" in out
    assert "Iris" not in out and "Mackenzie" not in out
    assert Person.objects.get(pk=iris.pk).full_name == "Iris Mackenzie"
    assert KeyPerson.objects.filter(person=iris).exists()
    assert AuditEvent.objects.count() == events


def test_open_records_and_those_closed_within_the_period_are_untouched(
    roles,
    build,
    actor_as,
    organisation,
):
    still_open = build.person("Morag Open")
    build.outcome(still_open, "Seeing people", what_matters="Walk by the harbour")
    recent = build.person("Hamish Recent")
    close(recent, roles, actor_as, on=D(2025, 6, 30))
    Organisation.objects.filter(pk=organisation.pk).update(retention_years=8)

    call_command("apply_retention")

    assert set(Person.objects.values_list("full_name", flat=True)) == {
        "Morag Open",
        "Hamish Recent",
    }
    assert still_open.outcomes.get().what_matters == "Walk by the harbour"
    assert not AuditEvent.objects.filter(action="retention_anonymised").exists()


def test_a_record_held_by_two_organisations_waits_for_the_longer_period(
    roles,
    build,
    actor_as,
    organisation,
):
    person = build.person("Shared Person")
    close(person, roles, actor_as, on=D(2020, 1, 6))  # over 6 years ago
    longer = OrganisationFactory(name="Island Partnership", retention_years=10)
    # The same person is on a team of a second organisation too.
    person.caseload_entries.create(team=TeamFactory(organisation=longer, name="Isles Team"))
    assert expired_people(D(2026, 11, 27)) == []
    assert expired_people(D(2030, 1, 7)) == [person.pk]
    Organisation.objects.filter(pk=longer.pk).update(retention_years=1)
    assert expired_people(D(2026, 11, 27)) == [person.pk]


def test_an_anonymised_record_cannot_be_reopened(client, roles, organisation, iris):
    call_command("apply_retention")
    client.force_login(roles.practitioner)
    response = client.post(f"/people/{iris.pk}/reopen/", follow=True)
    assert "anonymised under the retention policy" in response.content.decode()
    assert Person.objects.get(pk=iris.pk).closed_on == D(2025, 6, 30)
