"""Every page except sign-in and the health check needs a signed-in user."""

import pytest

from tests.url_walk import all_routes

PUBLIC = {"login", "healthz"}


def protected_routes():
    return [r for r in all_routes() if r.name not in PUBLIC]


def test_the_walk_finds_the_sites_pages():
    names = {route.name for route in all_routes()}
    assert {"home", "login", "logout", "password_change", "framework_list"} <= names


@pytest.mark.parametrize("route", protected_routes(), ids=lambda r: r.name or r.pattern)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_sign_in(client, db, route, method):
    url = route.path()
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_answer_without_sign_in(client, db, name):
    route = next(r for r in all_routes() if r.name == name)
    assert client.get(route.path()).status_code == 200
