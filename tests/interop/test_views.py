"""The import page and the FHIR export pages, as each role meets them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from audit.models import AuditEvent
from interop.views import MAX_UPLOAD_BYTES
from records.models import Person
from tests.factories import (
    CaseloadEntryFactory,
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    TeamFactory,
    UserFactory,
)

AGNES_CHI = "1403482314"
GOOD = (
    "full_name,date_of_birth,chi_number,teams\n"
    f"Agnes Example,1948-03-14,{AGNES_CHI},Hillside Team\n"
)


def upload(content: bytes | str, name: str = "people.csv") -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles.admin)
    return client


def test_the_import_page_offers_the_example_file(admin_client):
    page = admin_client.get("/people/import/").content.decode()
    assert "Download an example file" in page
    assert "interop/people-example" in page


def test_the_example_file_passes_its_own_check(roles, frameworks):
    from pathlib import Path

    from common.actor import Actor
    from interop.services import people_import_check

    # The example names the demo teams; here, teams of those names.
    for name in ("North Locality Team", "Riverside Community Team"):
        TeamFactory(organisation=roles.team.organisation, name=name)
    content = (Path(__file__).parents[2] / "static/interop/people-example.csv").read_bytes()
    plan = people_import_check(
        actor=Actor.system(), organisation=roles.team.organisation, content=content
    )
    assert plan.problems == []
    assert plan.added == 2


ADMIN_PAGES = (
    "/people/import/",
    "/export/",
    "/export/{org}/fhir/",
    "/export/{org}/fhir/Patient.ndjson",
)


@pytest.mark.parametrize("who", ["practitioner", "manager", "organisation_manager"])
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_anyone_but_an_admin_gets_page_not_found_and_is_audited(client, roles, iris, who, page):
    if who == "organisation_manager":
        user = UserFactory(username="wide-manager")
        OrganisationRoleFactory(user=user, organisation=roles.team.organisation)
    else:
        user = getattr(roles, who)
    client.force_login(user)
    url = page.format(org=roles.team.organisation_id)
    response = client.get(url)
    assert response.status_code == 404, url
    assert "Iris" not in response.content.decode()
    refused = AuditEvent.objects.get(action="access_denied")
    assert (refused.actor, refused.object_type) == (user, "accounts.organisation")
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize("who", ["practitioner", "manager"])
def test_anyone_but_an_admin_posting_a_file_is_refused_before_it_is_read(client, roles, who):
    client.force_login(getattr(roles, who))
    response = client.post("/people/import/", {"file": upload(GOOD), "action": "import"})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access_denied").count() == 1
    assert not AuditEvent.objects.filter(action__startswith="people_import").exists()
    assert not Person.objects.filter(chi_number=AGNES_CHI).exists()


def test_checking_a_file_lists_each_problem_and_saves_nothing(admin_client):
    people = Person.objects.count()
    response = admin_client.post(
        "/people/import/",
        {"file": upload(GOOD + "Callum Sample,1961-13-02,,Nowhere Team\n"), "action": "check"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has 2 problems" in page
    assert "Row 3, date_of_birth:" in page
    assert "Row 3, teams: There is no team called “Nowhere Team”" in page
    assert Person.objects.count() == people


def test_checking_a_good_file_says_what_it_would_do(admin_client):
    page = admin_client.post(
        "/people/import/", {"file": upload(GOOD), "action": "check"}
    ).content.decode()
    assert "The file is ready to import" in page
    assert "1 to add, 0 to change, 0 already up to date" in page
    assert "add a new person" in page
    assert not Person.objects.filter(chi_number=AGNES_CHI).exists()


def test_importing_a_good_file_saves_it_and_says_so(admin_client):
    response = admin_client.post(
        "/people/import/", {"file": upload(GOOD), "action": "import"}, follow=True
    )
    assert "Imported: 1 added, 0 changed, 0 already up to date." in response.content.decode()
    assert Person.objects.filter(chi_number=AGNES_CHI).exists()


def test_importing_a_file_with_problems_saves_nothing(admin_client):
    response = admin_client.post(
        "/people/import/",
        {"file": upload(GOOD + "Callum Sample,,,Nowhere Team\n"), "action": "import"},
    )
    assert "Nothing has been imported" in response.content.decode()
    assert not Person.objects.filter(chi_number=AGNES_CHI).exists()


def test_a_file_over_the_limit_is_refused_with_a_message(admin_client):
    big = GOOD.encode() + b"x" * (MAX_UPLOAD_BYTES + 1)
    response = admin_client.post("/people/import/", {"file": upload(big), "action": "check"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is larger than 20 MB" in page
    assert not AuditEvent.objects.filter(action="people_import_checked").exists()


def test_no_file_chosen_asks_for_one(admin_client):
    page = admin_client.post("/people/import/", {"action": "check"}).content.decode()
    assert "Choose the file of people to check or import." in page


def test_an_admin_of_two_organisations_imports_into_the_one_chosen(client, roles):
    other = OrganisationFactory(name="Second Partnership")
    far = TeamFactory(organisation=other, name="Far Team")
    MembershipFactory(user=roles.admin, team=far, role=Role.ADMIN)
    client.force_login(roles.admin)
    content = f"full_name,chi_number,teams\nAgnes Example,{AGNES_CHI},Far Team\n"
    response = client.post(
        "/people/import/",
        {"file": upload(content), "action": "import", "organisation": other.pk},
    )
    assert response.status_code == 302
    assert list(Person.objects.get(chi_number=AGNES_CHI).teams.all()) == [far]
    # The admin's other organisation has no such team: the same file is refused there.
    page = client.post(
        "/people/import/",
        {"file": upload(content), "action": "check", "organisation": roles.team.organisation.pk},
    ).content.decode()
    assert "There is no team called “Far Team”" in page


# FHIR export of one person ---------------------------------------------------------


@pytest.fixture
def iris(person):
    return person


def test_a_practitioner_of_the_team_downloads_the_bundle_and_it_is_audited(client, roles, iris):
    client.force_login(roles.practitioner)
    response = client.get(f"/people/{iris.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["entry"][0]["resource"]["name"][0]["text"] == "Iris Mackenzie"
    event = AuditEvent.objects.filter(action="export", person_id=iris.pk).get()
    assert event.actor == roles.practitioner


def test_a_manager_of_the_team_downloads_the_bundle(client, roles, iris):
    client.force_login(roles.manager)
    assert client.get(f"/people/{iris.pk}/fhir/").status_code == 200


@pytest.mark.parametrize("who", ["other_practitioner", "admin"])
def test_nobody_outside_the_persons_teams_can_export_them(client, roles, iris, who):
    client.force_login(getattr(roles, who))
    response = client.get(f"/people/{iris.pk}/fhir/")
    assert response.status_code == 404
    assert "Iris" not in response.content.decode()
    assert AuditEvent.objects.filter(action="access_denied").exists()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_person_page_links_to_the_export(client, roles, iris):
    client.force_login(roles.practitioner)
    page = client.get(f"/people/{iris.pk}/").content.decode()
    assert f'href="/people/{iris.pk}/fhir/"' in page
    assert "Export (FHIR)" in page


# FHIR export of an organisation ----------------------------------------------------


def ndjson(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def test_an_admin_downloads_each_file_with_every_person_of_the_organisation(
    admin_client, roles, iris
):
    shoreline = CaseloadEntryFactory(team=roles.other_team, person__full_name="Zeb Shore").person
    page = admin_client.get(f"/export/{roles.team.organisation_id}/fhir/").content.decode()
    for name in ("Patient.ndjson", "Goal.ndjson", "Observation.ndjson", "CarePlan.ndjson"):
        assert name in page
    response = admin_client.get(f"/export/{roles.team.organisation_id}/fhir/Patient.ndjson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+ndjson")
    patients = ndjson(response)
    assert [p["name"][0]["text"] for p in patients] == ["Iris Mackenzie", "Zeb Shore"]
    exported = AuditEvent.objects.filter(action="export", object_type="accounts.organisation")
    assert sorted(exported.values_list("person_id", flat=True)) == sorted([iris.pk, shoreline.pk])


def test_the_export_link_goes_straight_to_the_admins_one_organisation(admin_client, roles):
    response = admin_client.get("/export/")
    assert response.url == f"/export/{roles.team.organisation_id}/fhir/"


def test_an_admin_of_another_organisation_gets_nothing(client, roles, iris):
    stranger = UserFactory(username="stranger")
    MembershipFactory(
        user=stranger,
        team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere")),
        role=Role.ADMIN,
    )
    client.force_login(stranger)
    organisation = roles.team.organisation_id
    for url in (f"/export/{organisation}/fhir/", f"/export/{organisation}/fhir/Patient.ndjson"):
        response = client.get(url)
        assert response.status_code == 404, url
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_import_form_still_needs_its_csrf_token(roles):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(roles.admin)
    refused = client.post("/people/import/", {"file": upload(GOOD), "action": "import"})
    assert refused.status_code == 403
    token = client.get("/people/import/").cookies["csrftoken"].value
    accepted = client.post(
        "/people/import/",
        {"csrfmiddlewaretoken": token, "file": upload(GOOD), "action": "import"},
    )
    assert accepted.status_code == 302
    assert Person.objects.filter(chi_number=AGNES_CHI).exists()


def test_the_check_page_closes_every_block_it_opens(admin_client):
    page = admin_client.post(
        "/people/import/", {"file": upload(GOOD), "action": "check"}
    ).content.decode()
    assert "What each row would do" in page
    assert page.count("<div") == page.count("</div>")


def test_an_admin_cannot_import_into_an_organisation_they_do_not_look_after(client, roles):
    MembershipFactory(
        user=roles.admin,
        team=TeamFactory(organisation=OrganisationFactory(name="Second Partnership")),
        role=Role.ADMIN,
    )
    stranger = OrganisationFactory(name="Stranger Partnership")
    TeamFactory(organisation=stranger, name="Hillside Team")
    client.force_login(roles.admin)
    page = client.post(
        "/people/import/",
        {"file": upload(GOOD), "action": "import", "organisation": stranger.pk},
    ).content.decode()
    assert "Select a valid choice" in page
    assert not Person.objects.filter(chi_number=AGNES_CHI).exists()
    assert not AuditEvent.objects.filter(action__startswith="people_import").exists()


def test_a_practitioner_of_another_organisation_cannot_export_a_person(client, roles, iris):
    elsewhere = UserFactory(username="elsewhere")
    MembershipFactory(
        user=elsewhere,
        team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere")),
        role=Role.PRACTITIONER,
    )
    client.force_login(elsewhere)
    response = client.get(f"/people/{iris.pk}/fhir/")
    assert response.status_code == 404
    assert "Iris" not in response.content.decode()
    assert AuditEvent.objects.filter(action="access_denied", actor=elsewhere).exists()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_file_notes_as_exported_only_the_people_it_holds(admin_client, roles, iris, frameworks):
    from common.actor import Actor
    from records import services

    zeb = CaseloadEntryFactory(team=roles.other_team, person__full_name="Zeb Shore").person
    services.outcome_record(
        actor=Actor(user=roles.practitioner, ip_address="10.0.0.7", path="/"),
        person=iris,
        what_matters="See my friends",
    )
    response = admin_client.get(f"/export/{roles.team.organisation_id}/fhir/Goal.ndjson")
    assert len(ndjson(response)) == 1
    exported = AuditEvent.objects.filter(action="export", object_type="accounts.organisation")
    assert list(exported.values_list("person_id", flat=True)) == [iris.pk]
    assert zeb.pk not in exported.values_list("person_id", flat=True)


def test_the_import_page_says_which_files_it_reads_and_what_a_cell_may_not_start_with(
    admin_client,
):
    page = admin_client.get("/people/import/").content.decode()
    assert "separated by commas, semicolons or tabs" in page
    assert "UTF-16" in page
    assert "no name with <code>+</code>, <code>-</code> or <code>@</code>" in page


def test_an_admin_of_two_organisations_exports_each_with_only_its_own_people(client, roles, iris):
    other = OrganisationFactory(name="Second Partnership")
    far = TeamFactory(organisation=other, name="Far Team")
    MembershipFactory(user=roles.admin, team=far, role=Role.ADMIN)
    zeb = CaseloadEntryFactory(team=far, person__full_name="Zeb Far").person
    client.force_login(roles.admin)
    page = client.get("/export/").content.decode()
    assert "Second Partnership" in page and "Test Partnership" in page
    patients = ndjson(client.get(f"/export/{other.pk}/fhir/Patient.ndjson"))
    assert [p["name"][0]["text"] for p in patients] == ["Zeb Far"]
    exported = AuditEvent.objects.filter(action="export")
    assert list(exported.values_list("person_id", flat=True)) == [zeb.pk]
