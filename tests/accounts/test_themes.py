"""Each organisation's themes of what helps and what hinders, kept by its admins."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from tests.factories import OrganisationFactory
from themes.models import Theme
from themes.selectors import themes_for_recording


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles.admin)
    return client


def add_theme(client, organisation, name: str):
    return client.post(
        "/admin/themes/theme/add/",
        {"organisation": organisation.pk, "name": name, "description": "Getting about"},
    )


def test_admin_adds_a_theme_and_it_is_audited(admin_client, roles):
    response = add_theme(admin_client, roles.team.organisation, "Transport")
    theme = Theme.objects.get(name="Transport")
    assert response.status_code == 302
    assert theme.organisation == roles.team.organisation
    event = AuditEvent.objects.get(object_type="themes.theme", object_id=str(theme.pk))
    assert (event.action, event.actor) == ("create", roles.admin)


def test_a_theme_name_is_used_once_in_an_organisation_whatever_its_case(admin_client, roles):
    add_theme(admin_client, roles.team.organisation, "Transport")
    response = add_theme(admin_client, roles.team.organisation, "TRANSPORT")
    assert response.status_code == 200
    assert "This organisation already has a theme with this name." in response.content.decode()
    assert Theme.objects.count() == 1


def test_another_organisation_may_use_the_same_theme_name(roles):
    Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    Theme.objects.create(organisation=OrganisationFactory(), name="Transport")
    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(organisation=roles.team.organisation, name="transport")


def test_retiring_a_theme_stops_it_being_offered(admin_client, roles):
    organisation = roles.team.organisation
    transport = Theme.objects.create(organisation=organisation, name="Transport")
    Theme.objects.create(organisation=organisation, name="Family support")
    response = admin_client.post(
        "/admin/themes/theme/",
        {"action": "retire_themes", "_selected_action": [transport.pk]},
    )
    assert response.status_code == 302
    transport.refresh_from_db()
    assert transport.retired_at is not None
    assert [t.name for t in themes_for_recording([organisation.pk])] == ["Family support"]
    assert AuditEvent.objects.get(action="retire", object_type="themes.theme").actor == roles.admin
    admin_client.post(
        "/admin/themes/theme/", {"action": "reinstate_themes", "_selected_action": [transport.pk]}
    )
    transport.refresh_from_db()
    assert transport.retired_at is None


def test_an_unused_theme_can_be_deleted_and_it_is_audited(admin_client, roles):
    theme = Theme.objects.create(organisation=roles.team.organisation, name="Weather")
    response = admin_client.post(f"/admin/themes/theme/{theme.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Theme.objects.exists()
    assert AuditEvent.objects.get(action="delete", object_type="themes.theme").changes["name"] == [
        "Weather",
        None,
    ]


def test_an_admin_sees_only_their_own_organisations_themes(admin_client, roles):
    Theme.objects.create(organisation=roles.team.organisation, name="Transport")
    Theme.objects.create(organisation=OrganisationFactory(name="Elsewhere"), name="Far away")
    page = admin_client.get("/admin/themes/theme/").content.decode()
    assert "Transport" in page
    assert "Far away" not in page
    form = admin_client.get("/admin/themes/theme/add/").content.decode()
    assert "Elsewhere" not in form
