from unittest import mock

from django.db import OperationalError


def test_healthz_reports_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_with_the_same_shape_when_the_database_is_down(client, db):
    with mock.patch("core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"status", "database"}
    assert body["status"] != "ok"
    assert body["database"] != "ok"


def test_healthz_needs_no_login_and_is_never_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response.headers["Cache-Control"]
