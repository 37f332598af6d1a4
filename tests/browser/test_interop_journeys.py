"""An admin checks and imports a file of people; a practitioner exports a person as
FHIR; an admin downloads the organisation's FHIR files."""

import json

import pytest
from playwright.sync_api import Page, expect

from records.models import Person
from tests.browser.harness import assert_accessible, field, sign_in
from tests.factories import OutcomeFactory

pytestmark = pytest.mark.browser

AGNES_CHI = "1403482314"
GOOD = (
    "full_name,date_of_birth,chi_number,teams,key_people\n"
    f"Agnes Example,1948-03-14,{AGNES_CHI},Hillside Team,Mary Example (daughter)\n"
)
WITH_PROBLEMS = GOOD + "Callum Sample,1961-02-30,,Nowhere Team,\n"


def choose(page: Page, content: str) -> None:
    field(page, "File of people").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )


def test_admin_checks_a_file_sees_its_problems_then_imports_a_good_one(
    page: Page, live_server, roles
):
    sign_in(page, live_server, roles.admin)
    page.get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", name="Import people and caseloads")).to_be_visible()
    assert_accessible(page)

    choose(page, WITH_PROBLEMS)
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("The file has 2 problems")
    expect(problems).to_contain_text("Row 3, date_of_birth")
    expect(problems).to_contain_text("Row 3, teams: There is no team called “Nowhere Team”")
    assert_accessible(page)

    choose(page, GOOD)
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-check")).to_contain_text("1 to add, 0 to change")
    expect(page.get_by_role("cell", name="add a new person")).to_be_visible()
    assert_accessible(page)
    assert not Person.objects.filter(chi_number=AGNES_CHI).exists()

    choose(page, GOOD)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported: 1 added, 0 changed, 0 already up to date.")).to_be_visible()
    assert_accessible(page)
    agnes = Person.objects.get(chi_number=AGNES_CHI)
    assert list(agnes.key_people.values_list("name", flat=True)) == ["Mary Example"]


def test_practitioner_exports_a_person_as_fhir_from_their_page(
    page: Page, live_server, roles, person
):
    OutcomeFactory(person=person, what_matters="Soup on the stove", created_by=roles.practitioner)
    sign_in(page, live_server, roles.practitioner)
    page.goto(f"{live_server.url}/people/{person.pk}/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export (FHIR)").click()
    with open(download.value.path(), encoding="utf-8") as document:
        bundle = json.load(document)
    assert bundle["resourceType"] == "Bundle"
    goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert [g["description"]["text"] for g in goals] == ["Soup on the stove"]


def test_admin_downloads_the_organisations_patient_file(page: Page, live_server, roles, person):
    sign_in(page, live_server, roles.admin)
    page.get_by_role("link", name="FHIR export").click()
    expect(page.get_by_role("heading", name="FHIR export for Test Partnership")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Patient.ndjson").click()
    with open(download.value.path(), encoding="utf-8") as document:
        patients = [json.loads(line) for line in document]
    assert [p["name"][0]["text"] for p in patients] == ["Iris Mackenzie"]
