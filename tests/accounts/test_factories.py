"""The account and theme factories make rows the pages treat like real ones."""

import pytest

from tests.factories import (
    CaseloadEntryFactory,
    OrganisationRoleFactory,
    OutcomeFactory,
    ThemeFactory,
    UserFactory,
)


@pytest.mark.django_db
def test_an_organisation_wide_manager_from_the_factory_sees_the_organisation_report(client):
    role = OrganisationRoleFactory(organisation__name="Example Care Partnership")
    assert str(role) == f"{role.user} (Organisation-wide manager, Example Care Partnership)"

    client.force_login(role.user)
    home = client.get("/reports/").content.decode()
    assert "Example Care Partnership" in home
    assert client.get(f"/reports/organisations/{role.organisation.pk}/").status_code == 200

    client.force_login(UserFactory())
    assert client.get(f"/reports/organisations/{role.organisation.pk}/").status_code in (403, 404)


def test_a_theme_from_the_factory_is_offered_when_reviewing_in_its_organisation(
    practitioner_client, roles, frameworks
):
    theme = ThemeFactory(organisation=roles.team.organisation, name="Time with neighbours")
    elsewhere = ThemeFactory(name="Help with transport")
    assert str(theme) == "Time with neighbours"
    assert theme.is_active

    person = CaseloadEntryFactory(team=roles.team).person
    outcome = OutcomeFactory(person=person)
    page = practitioner_client.get(f"/outcomes/{outcome.pk}/reviews/add/").content.decode()
    assert "Time with neighbours" in page
    assert elsewhere.name not in page
