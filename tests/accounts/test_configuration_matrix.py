"""The configuration site by organisation: one organisation's admin never reaches another's rows.

Every configuration URL that names an object is requested by organisation 1's
admin with each object of organisation 2 (GET, and a POST of the form the same
page shows for their own object), and must answer 404 or 403. Every list page
is sent each of its actions for organisation 2's rows. Organisation 2's rows
of every model on the site must be exactly as they were afterwards. The URLs
and models come from the site itself, so a newly registered model is walked
without changing this file.
"""

import logging

import pytest
from django.core.exceptions import FieldError

from accounts.configuration import site
from accounts.models import Organisation, Role
from tests.accounts.admin_forms import form_data
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    TeamFactory,
    UserFactory,
)
from tests.url_walk import all_routes
from themes.models import Theme

# How a row reaches the organisation it belongs to, tried in turn.
ORGANISATION_PATHS = ("organisation", "team__organisation", "user__organisation")
OBJECT_PARAMETERS = ("object_id", "id")
TAKEN_OVER = "taken-over-password-42"


def site_models() -> list:
    """Every model the site shows, with the models edited inline on its pages."""
    models = []
    for model, model_admin in site._registry.items():
        models.append(model)
        models += [inline.model for inline in model_admin.inlines]
    return list(dict.fromkeys(models))


def rows_of(model, organisation):
    if model is Organisation:
        return Organisation.objects.filter(pk=organisation.pk)
    for path in ORGANISATION_PATHS:
        try:
            return model._base_manager.filter(**{path: organisation}).order_by("pk")
        except FieldError:
            continue
    pytest.fail(f"{model._meta.label}: add how it reaches its organisation to ORGANISATION_PATHS")


def snapshot(organisation) -> dict:
    return {
        model._meta.label: list(rows_of(model, organisation).values()) for model in site_models()
    }


def model_of(pattern: str):
    """``accounts.User`` for ``admin/accounts/user/<path:object_id>/change/``."""
    _, app_label, model_name, *_ = pattern.split("/")
    return next(
        model
        for model in site._registry
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
    )


def object_routes():
    return [
        r
        for r in all_routes()
        if r.pattern.startswith("admin/") and set(OBJECT_PARAMETERS) & set(r.params)
    ]


def list_routes():
    return [r for r in all_routes() if r.name and r.name.endswith("_changelist")]


@pytest.fixture
def second_organisation(roles):
    """Organisation 2: a team and its practitioner, a manager with only an
    organisation-wide role, and a theme."""
    organisation = OrganisationFactory(name="Second Partnership")
    team = TeamFactory(organisation=organisation, name="Second Team")
    MembershipFactory(team=team, user=UserFactory(username="second-practitioner"))
    OrganisationRoleFactory(organisation=organisation, user=UserFactory(username="second-wide"))
    Theme.objects.create(organisation=organisation, name="Second theme")
    return organisation


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles.admin)
    return client


def test_the_walk_covers_every_model_and_page_with_an_object(second_organisation):
    walked = {model_of(r.pattern) for r in object_routes()}
    assert walked == set(site._registry)
    names = {r.name for r in object_routes()}
    assert {
        "accounts_user_change",
        "accounts_user_history",
        "accounts_team_delete",
        "themes_theme_change",
    } <= names
    assert any(r.pattern.endswith("<id>/password/") for r in object_routes())
    for model in site_models():
        assert rows_of(model, second_organisation).exists(), model


def plausible_body(client, route, own_pk) -> dict:
    """The form the page shows for one's own object, changed, to send to the other's."""
    response = client.get(route.path(**dict.fromkeys(route.params, own_pk)))
    body = form_data(response.content.decode()) if response.status_code == 200 else {}
    return body | {
        "name": "Taken over",
        "username": "taken-over",
        "is_active": "",
        "password1": TAKEN_OVER,
        "password2": TAKEN_OVER,
        "post": "yes",
    }


def test_an_admin_reaches_no_object_of_another_organisation(
    admin_client, client, roles, second_organisation, caplog
):
    caplog.set_level(logging.ERROR, logger="django.request")
    caplog.set_level(logging.ERROR, logger="audit.services")
    before = snapshot(second_organisation)
    own = roles.team.organisation
    problems = []
    checked = 0
    for route in object_routes():
        model = model_of(route.pattern)
        own_pk = rows_of(model, own).values_list("pk", flat=True).first()
        body = plausible_body(admin_client, route, own_pk)
        for pk in rows_of(model, second_organisation).values_list("pk", flat=True):
            url = route.path(**dict.fromkeys(route.params, pk))
            for method in ("get", "post"):
                response = getattr(admin_client, method)(url, body if method == "post" else {})
                checked += 1
                status = response.status_code
                if status == 302:
                    # Django's old object URL redirects to the change page, which refuses.
                    status = admin_client.get(response.headers["Location"]).status_code
                if status not in (403, 404):
                    problems.append(f"{method.upper()} {url}: {response.status_code} → {status}")
    assert checked > 40
    assert not problems, "\n".join(problems)
    assert snapshot(second_organisation) == before
    assert not client.login(username="second-wide", password=TAKEN_OVER)


def test_list_actions_change_nothing_of_another_organisation(
    admin_client, roles, second_organisation
):
    before = snapshot(second_organisation)
    checked = 0
    for route in list_routes():
        model = model_of(route.pattern)
        model_admin = site._registry[model]
        ids = [str(pk) for pk in rows_of(model, second_organisation).values_list("pk", flat=True)]
        request = admin_client.get(route.path()).wsgi_request
        for action in model_admin.get_actions(request):
            admin_client.post(
                route.path(), {"action": action, "_selected_action": ids, "index": "0"}
            )
            checked += 1
    assert checked >= 4
    assert snapshot(second_organisation) == before


def test_the_walk_would_notice_a_change(admin_client, roles, second_organisation):
    # The control: the same requests for organisation 1's own users do change them.
    own = roles.team.organisation
    before = snapshot(own)
    colleague = roles.colleague
    admin_client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [str(colleague.pk)], "index": "0"},
    )
    assert snapshot(own) != before
    assert MembershipFactory._meta.model.objects.filter(user=colleague, role=Role.PRACTITIONER)
