"""Bad values anywhere in a request are refused or ignored, never a server error.

Every route of tests/url_walk.py is sent a corpus of bad values: each value in
each path parameter, and spread over the query parameters its views read plus
some every site is probed with, by GET and by POST, signed in as each role and
signed out. Then one test for each way a bad value once caused a 500 (issue 14).
"""

import json
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import IntegrityError
from django.db.utils import ConnectionHandler
from django.test import Client

from audit.models import AuditEvent
from frameworks.models import Framework, FrameworkOutcome, RatingScale
from records import services as record_services
from tests.factories import (
    AgreedOutcomeFactory,
    CandidateOutcomeFactory,
    ConversationFactory,
    OutcomeFactory,
    ReviewFactory,
    SharedExampleFactory,
)
from tests.url_walk import all_routes

# Written as they travel in a URL: percent-encoded where a browser would.
CORPUS = (
    "abc",
    "1.5",
    "-1",
    "0",
    "9" * 70,
    "%00",
    "%ED%A0%80",  # a lone surrogate, \ud800, as UTF-8 would write it
    quote("' OR 1=1 --", safe=""),
    "9" * 5000,
    "9999-12-31",
    "0001-01-01",
    "",
    "x" * 5000,
)
# The query parameters the views read, and some any site is probed with.
QUERY_NAMES = (
    "page",
    "q",
    "period",
    "start",
    "end",
    "team",
    "identity",
    "band",
    "theme",
    "kind",
    "candidate",
    "sort",
    "closed",
    "teams_from",
    "framework",
    "framework_outcome",
    "age_band",
    "next",
)
ROLES = ("practitioner", "manager", "admin", None)  # None: signed out
METHODS = ("get", "post")
# Rendering a PDF takes a second; its query parameters are the page's, tried there.
SLOW = (".pdf", "pdf/")


@pytest.fixture
def real_ids(roles, person) -> dict[str, object]:
    """A real value for each path parameter, so the bad one is the only thing wrong."""
    outcome = OutcomeFactory(person=person, created_by=roles.practitioner)
    conversation = ConversationFactory(person=person, created_by=roles.practitioner)
    CandidateOutcomeFactory(conversation=conversation)
    organisation = roles.team.organisation
    return {
        "person_id": person.pk,
        "outcome_id": outcome.pk,
        "review_id": ReviewFactory(outcome=outcome, created_by=roles.practitioner).pk,
        "conversation_id": conversation.pk,
        "agreed_id": AgreedOutcomeFactory(conversation=conversation).pk,
        "team_id": roles.team.pk,
        "organisation_id": organisation.pk,
        "framework_id": Framework.objects.filter(organisation=organisation).first().pk,
        "scale_id": RatingScale.objects.filter(organisation=organisation).first().pk,
        "user_id": roles.colleague.pk,
        "table": "bands",
        "fmt": "csv",
        "example_id": SharedExampleFactory(review__outcome=outcome).pk,
        "object_id": organisation.pk,
        "id": roles.colleague.pk,
        "app_label": "accounts",
        "url": "accounts/team/",
    } | (
        {
            "outcome_id_framework": FrameworkOutcome.objects.filter(
                category__framework__organisation=organisation
            )
            .first()
            .pk
        }
    )


def send(roles, role: str | None, method: str, path: str, query: str = ""):
    """The response, or the exception that escaped the view, for one request."""
    client = Client(enforce_csrf_checks=False)
    if role:
        client.force_login(getattr(roles, role))
    url = f"{path}?{query}" if query else path
    try:
        if method == "get":
            return client.get(url).status_code
        return client.post(url, query, content_type="application/x-www-form-urlencoded").status_code
    except Exception as error:  # reported with the request that caused it
        return f"{type(error).__name__}: {str(error)[:200]}"


def assert_no_server_errors(results) -> None:
    """Each result ends with a status code, or the exception that escaped the view."""
    bad = [r for r in results if not (isinstance(r[-1], int) and r[-1] < 500)]
    assert not bad, "\n".join(" ".join(str(part)[:200] for part in r) for r in bad)


ROUTES = all_routes()


def _values_for(route, real_ids: dict) -> dict:
    if route.pattern.startswith("frameworks/outcomes/"):
        return real_ids | {"outcome_id": real_ids["outcome_id_framework"]}
    return real_ids


# One test for all routes: the data they share takes longer to make than the requests.
def test_every_bad_value_in_each_path_parameter_is_no_server_error(roles, real_ids):
    results = []
    for r, route in enumerate(ROUTES):
        values = _values_for(route, real_ids)
        for param in route.params:
            for i, bad in enumerate(CORPUS):
                # Each route starts the roles at a different value, so across the
                # routes every role meets every value.
                role = ROLES[(i + r) % len(ROLES)]
                method = METHODS[(i // len(ROLES)) % 2]
                path = route.path(**(values | {param: bad}))
                results.append((role, method, path[:120], send(roles, role, method, path)))
    assert_no_server_errors(results)


def test_bad_query_values_on_every_route_are_no_server_error(roles, real_ids):
    tries = [(role, method) for role in ROLES for method in METHODS]
    results = []
    for route in ROUTES:
        path = route.path(**_values_for(route, real_ids))
        for k, (role, method) in enumerate(tries[:2] if path.endswith(SLOW) else tries):
            # Each name gets a different value on each try: eight of the corpus in all.
            query = "&".join(
                f"{name}={CORPUS[(k * 3 + j) % len(CORPUS)]}" for j, name in enumerate(QUERY_NAMES)
            )
            results.append((role, method, path, query[:80], send(roles, role, method, path, query)))
    assert_no_server_errors(results)


# The findings of issue 14, one by one ------------------------------------------


@pytest.mark.parametrize("identity", ["abc", "%00", "%ED%A0%80"])
def test_a_narrative_link_with_a_bad_identity_is_not_found(client, roles, frameworks, identity):
    client.force_login(roles.manager)
    response = client.get(f"/reports/teams/{roles.team.pk}/narrative/?identity={identity}")
    assert response.status_code == 404


@pytest.mark.parametrize("candidate", ["abc", "1.5", "9" * 70, "%00", str(2**63)])
def test_adding_an_agreed_outcome_from_a_bad_candidate_starts_empty(
    client, roles, person, candidate
):
    conversation = ConversationFactory(person=person, created_by=roles.practitioner)
    CandidateOutcomeFactory(conversation=conversation, statement="Back to the bowling club")
    client.force_login(roles.practitioner)
    response = client.get(f"/conversations/{conversation.pk}/agree/add/?candidate={candidate}")
    assert response.status_code == 200
    assert "Back to the bowling club" not in response.content.decode().split("<form")[1]


def test_adding_an_agreed_outcome_from_a_candidate_starts_from_its_words(client, roles, person):
    conversation = ConversationFactory(person=person, created_by=roles.practitioner)
    candidate = CandidateOutcomeFactory(
        conversation=conversation, statement="Back to the bowling club"
    )
    client.force_login(roles.practitioner)
    response = client.get(f"/conversations/{conversation.pk}/agree/add/?candidate={candidate.pk}")
    assert "Back to the bowling club" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/people/{id}/",
        "/people/{id}/edit/",
        "/outcomes/{id}/edit/",
        "/reviews/{id}/amend/",
        "/conversations/{id}/",
        "/teams/{id}/members/",
    ],
)
@pytest.mark.parametrize("number", ["9" * 70, str(2**63), "9" * 5000])
def test_an_impossible_id_is_not_found_and_the_attempt_is_audited(
    client, roles, person, path, number
):
    client.force_login(roles.practitioner)
    response = client.get(path.format(id=number))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access_denied")
    assert event.actor == roles.practitioner
    if len(number) > 64:
        assert event.object_id == number[:60] + "…"
    else:
        assert event.object_id == number


def test_every_row_id_in_a_url_matches_however_long_it_is():
    # Django's int converter does not match past 4,300 digits, so such a request
    # would be "Page not found" before any view could audit it.
    with_int = [route.pattern for route in all_routes() if "<int:" in route.pattern]
    assert with_int == []


def test_a_refusal_of_an_id_with_a_nul_character_is_audited_on_any_database(client, roles):
    client.force_login(roles.admin)
    response = client.get("/admin/accounts/team/1%00/change/")
    assert response.status_code == 404
    assert AuditEvent.objects.get(action="access_denied").object_id == "1\ufffd"


@pytest.mark.parametrize("teams_from", ["²", "9" * 5000, "-1", "abc"])
def test_a_bad_page_of_the_team_table_shows_the_first_page(client, roles, frameworks, teams_from):
    client.force_login(roles.admin)
    response = client.get(
        f"/reports/organisations/{roles.team.organisation_id}/?teams_from={teams_from}"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("kind", ["%00", "%ED%A0%80", "abc", "9" * 5000])
def test_a_new_scale_of_an_unknown_kind_starts_as_usual(client, roles, frameworks, kind):
    client.force_login(roles.admin)
    response = client.get(f"/frameworks/scales/new/?kind={kind}")
    assert response.status_code == 200


CHI = "0101501234"
# What PostgreSQL says about a duplicate; SQLite names only the columns.
DUPLICATE = (
    'duplicate key value violates unique constraint "person_chi_unique"\n'
    f"DETAIL:  Key (organisation_id, chi_number)=(1, {CHI}) already exists."
)


def test_a_database_error_reaches_the_log_without_the_values_it_names(
    roles, frameworks, caplog, monkeypatch
):
    def refused(**kwargs):
        raise IntegrityError(DUPLICATE)

    monkeypatch.setattr(record_services, "person_create", refused)
    client = Client(raise_request_exception=False)
    client.force_login(roles.practitioner)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/people/add/",
            {
                "full_name": "Agnes Stewart",
                "chi_number": CHI,
                "teams": [roles.team.pk],
                "key-TOTAL_FORMS": "0",
                "key-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 500
    assert "IntegrityError in person_add" in caplog.text  # the view's name
    # Formatted as a handler would, traceback included.
    logged = caplog.text + "".join(logging.Formatter().format(r) for r in caplog.records)
    assert CHI not in logged
    assert "Agnes" not in logged


def test_the_log_filter_is_on_the_handlers_and_django_loggers():
    assert "without_personal_data" in settings.LOGGING["handlers"]["console"]["filters"]
    for name in ("django.request", "django.db.backends"):
        assert "without_personal_data" in settings.LOGGING["loggers"][name]["filters"]


# SQLite: two writers at once wait for each other ----------------------------------


def test_sqlite_writes_wait_for_the_lock_and_take_it_when_they_begin():
    # The settings as `make run` reads them (no DATABASE_URL: the SQLite file),
    # whichever database this run of the suite uses.
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["DJANGO_SETTINGS_MODULE"] = "outcomes_site.test_settings"
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.DATABASES['default']['OPTIONS']))",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    options = json.loads(read.stdout)
    assert options["timeout"] >= 20
    assert options["transaction_mode"] == "IMMEDIATE"


def _two_writers_at_once(tmp_path: Path, options: dict) -> list:
    """Two threads each read a row, pause, and write it back, as Record does.

    Each begins its transaction as Django's ``atomic`` does on SQLite; returns
    what each ended with: "saved" or the error.
    """
    name = str(tmp_path / "race.sqlite3")
    with sqlite3.connect(name) as setup:
        setup.execute("CREATE TABLE stage (id INTEGER PRIMARY KEY, value INTEGER)")
        setup.execute("INSERT INTO stage VALUES (1, 0)")
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": options}}
    )
    start = threading.Barrier(2)
    ended = []

    def record() -> None:
        try:
            connection = handler["default"]
            start.wait()
            connection.ensure_connection()
            connection._start_transaction_under_autocommit()
            with connection.cursor() as cursor:
                cursor.execute("SELECT value FROM stage WHERE id = 1")
                (value,) = cursor.fetchone()
                time.sleep(0.2)
                cursor.execute("UPDATE stage SET value = %s WHERE id = 1", [value + 1])
            connection.commit()
            ended.append("saved")
        except Exception as error:  # what a user would have seen as a 500
            ended.append(str(error))
        finally:
            handler.close_all()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ended


def test_two_record_presses_at_once_on_a_sqlite_file_both_save(tmp_path, django_db_blocker):
    options = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        options = settings.DATABASES["default"]["OPTIONS"]
    with django_db_blocker.unblock():  # a database of its own, not the test database
        assert _two_writers_at_once(tmp_path, options) == ["saved", "saved"]


def test_without_immediate_transactions_the_second_press_fails_on_sqlite(
    tmp_path, django_db_blocker
):
    # What the settings prevent: shows the race test above can fail.
    with django_db_blocker.unblock():
        assert "database is locked" in _two_writers_at_once(tmp_path, {"timeout": 20})
