"""Tamper evidence: recomputing the chain finds the first altered, removed or rewritten event."""

import hashlib
import io
import logging
from unittest import mock

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections

from audit.models import AuditEvent
from audit.services import audit_chain_verify, event_hash
from tests.factories import AuditEventFactory


@pytest.fixture
def trail(db):
    return [AuditEventFactory(person_id=5, summary="Viewed record") for _ in range(5)]


def test_intact_trail_passes_with_every_event_checked(trail):
    report = audit_chain_verify()
    assert report.intact
    assert report.events_checked == 5
    assert report.broken_event_id is None
    assert report.last_hash == trail[-1].hash


def test_empty_trail_is_intact(db):
    report = audit_chain_verify()
    assert report.intact
    assert report.events_checked == 0


def test_event_altered_behind_the_application_is_reported_first(trail, tamper):
    tamper("UPDATE {table} SET summary = %s WHERE id = %s", ["Nothing happened", trail[2].pk])
    tamper("UPDATE {table} SET summary = %s WHERE id = %s", ["Nothing happened", trail[3].pk])
    report = audit_chain_verify()
    assert not report.intact
    assert report.broken_event_id == trail[2].pk
    assert "hash does not match the event's content" in report.problem
    assert report.events_checked == 2


def test_removed_event_breaks_the_link_to_the_next(trail, tamper):
    tamper("DELETE FROM {table} WHERE id = %s", [trail[1].pk])
    report = audit_chain_verify()
    assert report.broken_event_id == trail[2].pk
    assert "prev_hash does not match the previous event's hash" in report.problem


def test_events_removed_from_the_end_are_reported(trail, tamper):
    tamper("DELETE FROM {table} WHERE id >= %s", [trail[3].pk])
    report = audit_chain_verify()
    assert not report.intact
    assert report.broken_event_id == trail[4].pk
    assert "missing" in report.problem


def test_rewritten_chain_with_recomputed_hashes_is_caught_by_the_chain_head(trail, tamper):
    # An intruder alters an event and recomputes every hash after it, so each
    # link checks out; only the head, which still holds the true last hash, differs.
    prev = trail[1].hash
    for original in trail[2:]:
        event = AuditEvent.objects.get(pk=original.pk)
        event.prev_hash = prev
        if original is trail[2]:
            event.summary = "Nothing happened"
        event.hash = event_hash(event)
        tamper(
            "UPDATE {table} SET summary = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.summary, event.prev_hash, event.hash, event.pk],
        )
        prev = event.hash
    report = audit_chain_verify()
    assert report.broken_event_id == trail[4].pk
    assert "chain head" in report.problem


def test_forged_hash_on_an_altered_event_breaks_the_next_link(trail, tamper):
    forged = hashlib.sha256(b"forged").hexdigest()
    tamper("UPDATE {table} SET hash = %s WHERE id = %s", [forged, trail[1].pk])
    report = audit_chain_verify()
    # The event's own hash no longer matches its content: that is found first.
    assert report.broken_event_id == trail[1].pk


def test_verification_failure_is_logged_without_personal_data(trail, tamper, caplog):
    caplog.set_level(logging.DEBUG, logger="audit")
    tamper("UPDATE {table} SET summary = %s WHERE id = %s", ["Alice Smith", trail[0].pk])
    audit_chain_verify()
    assert f"broken at event {trail[0].pk}" in caplog.text
    assert "Alice" not in caplog.text


def test_command_reports_an_intact_trail(trail):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Audit trail intact: 5 events checked."
    assert lines[1] == f"Latest hash: {trail[-1].hash}"


def test_command_names_the_first_broken_event(trail, tamper):
    tamper("UPDATE {table} SET action = %s WHERE id = %s", ["create", trail[3].pk])
    with pytest.raises(CommandError, match=f"broken at event {trail[3].pk}: hash does not match"):
        call_command("audit_verify", stdout=io.StringIO())


def run_from_command_line() -> None:
    """Run audit_verify as manage.py would, exit status and all."""
    # The command line closes every database connection when it finishes,
    # which would end the test's transaction; keep it open.
    with mock.patch.object(connections, "close_all"):
        execute_from_command_line(["manage.py", "audit_verify", "--skip-checks"])


def test_command_exits_zero_when_intact_and_non_zero_when_broken(trail, tamper, capsys):
    run_from_command_line()
    assert "Audit trail intact: 5 events checked." in capsys.readouterr().out

    tamper("UPDATE {table} SET person_id = %s WHERE id = %s", [6, trail[0].pk])
    with pytest.raises(SystemExit) as exit_info:
        run_from_command_line()
    assert exit_info.value.code != 0
    assert f"Audit trail broken at event {trail[0].pk}" in capsys.readouterr().err
