"""Rewriting the trail with database access but without the audit key.

Each way the trail could once be rewritten with the application's own database
credentials is tried again here: the database refuses it, or ``audit_verify``
finds it (with a checkpoint where the chain alone cannot show it). Where a
superuser could get past the triggers, the test does so too, to show what
still finds the change.
"""

import hmac
import importlib
import io
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import psycopg2.errors
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, HashScheme
from audit.services import (
    Checkpoint,
    CheckpointInvalid,
    TrailBroken,
    audit_chain_verify,
    audit_checkpoint_make,
    audit_record,
    event_hash,
)
from common.actor import Actor
from records.models import Person
from tests.factories import AuditEventFactory

EVENTS = AuditEvent._meta.db_table
HEAD = AuditChainHead._meta.db_table
WRONG_KEY = "a-guess-at-the-audit-key-" + "Zk3m" * 8


@pytest.fixture
def trail(db) -> list[AuditEvent]:
    return [AuditEventFactory(person_id=5) for _ in range(30)]


@pytest.fixture
def checkpoint(trail) -> Checkpoint:
    """A checkpoint taken before the tampering, kept where the intruder cannot reach."""
    return Checkpoint.from_json(audit_checkpoint_make().to_json())


def sql(statement: str, params: list | None = None) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(statement.format(events=quote(EVENTS), head=quote(HEAD)), params or [])


@contextmanager
def triggers_bypassed() -> Iterator[None]:
    """Statements inside run as a superuser could: on PostgreSQL no trigger fires.

    SET LOCAL ends with the test's transaction, which is rolled back anyway.
    SQLite has no triggers here, so nothing needs bypassing there.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def head_move(event_id: int | None, last_hash: str) -> None:
    sql("UPDATE {head} SET last_event_id = %s, last_hash = %s", [event_id, last_hash])


def rewrite(events: list[AuditEvent], *, scheme: str, key: str | None, prev: str) -> str:
    """Change the first event's summary and recompute every hash from it on, as an
    intruder would with ``scheme`` (and ``key`` for a keyed scheme); return the last."""
    for n, original in enumerate(events):
        event = AuditEvent.objects.get(pk=original.pk)
        if n == 0:
            event.summary = "Nothing happened"
        event.prev_hash, event.hash_scheme = prev, scheme
        event.hash = event_hash(event, key=key)
        sql(
            "UPDATE {events} SET summary = %s, prev_hash = %s, hash = %s, hash_scheme = %s "
            "WHERE id = %s",
            [event.summary, event.prev_hash, event.hash, event.hash_scheme, event.pk],
        )
        prev = event.hash
    return prev


def refused(statement: str, params: list | None = None) -> DatabaseError:
    """Run ``statement`` in a savepoint and return the database's refusal."""
    with pytest.raises(DatabaseError) as refusal, transaction.atomic():
        sql(statement, params)
    return refusal.value


def role_make(prefix: str) -> str:
    """A role for this test only: created in the test's transaction, so it goes with
    the rollback; the random suffix keeps parallel runs apart."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    sql(f"CREATE ROLE {name} NOLOGIN")
    return name


@contextmanager
def acting_as(role: str) -> Iterator[None]:
    sql(f"SET ROLE {role}")
    try:
        yield
    finally:
        sql("RESET ROLE")


# (a) An event edited and every later hash recomputed, and the head moved to match.


@pytest.mark.parametrize(
    ("scheme", "key", "found"),
    [
        (HashScheme.SHA256, None, "unkeyed but comes after keyed events"),
        (HashScheme.HMAC_SHA256_V1, WRONG_KEY, "does not match the event's content"),
    ],
    ids=["plain-sha256", "wrong-key"],
)
def test_edit_with_every_later_hash_recomputed_without_the_key_is_detected(
    trail, checkpoint, scheme, key, found
):
    with triggers_bypassed():
        last = rewrite(trail[10:], scheme=scheme, key=key, prev=trail[9].hash)
        head_move(trail[-1].pk, last)

    report = audit_chain_verify()
    assert (report.intact, report.broken_event_id) == (False, trail[10].pk)
    assert found in report.problem
    against_checkpoint = audit_chain_verify(checkpoint=checkpoint)
    assert against_checkpoint.broken_event_id == trail[10].pk


def test_whole_trail_rebuilt_with_plain_sha256_is_detected(trail, checkpoint):
    with triggers_bypassed():
        last = rewrite(trail, scheme=HashScheme.SHA256, key=None, prev=GENESIS_HASH)
        head_move(trail[-1].pk, last)

    report = audit_chain_verify()
    assert not report.intact
    assert "newest event's hash is unkeyed" in report.problem
    against_checkpoint = audit_chain_verify(checkpoint=checkpoint)
    assert against_checkpoint.broken_event_id == trail[-1].pk
    assert "differs from the checkpoint" in against_checkpoint.problem


@pytest.mark.postgresql_only
def test_the_database_refuses_to_move_the_head_to_a_rewritten_event(trail):
    with triggers_bypassed():
        last = rewrite(trail[10:], scheme=HashScheme.SHA256, key=None, prev=trail[9].hash)
    error = refused("UPDATE {head} SET last_hash = %s", [last])
    assert "only moves forward" in str(error)


# (b) The last 20 events removed and the head moved back.


@pytest.mark.postgresql_only
def test_moving_the_head_back_is_refused_by_the_database(trail, tamper):
    tamper("DELETE FROM {table} WHERE id > %s", [trail[9].pk])
    error = refused(
        "UPDATE {head} SET last_event_id = %s, last_hash = %s", [trail[9].pk, trail[9].hash]
    )
    assert "only moves forward" in str(error)
    # Nor can the head be removed and made again where the intruder wants it.
    assert "cannot be removed" in str(refused("DELETE FROM {head}"))


def test_last_events_removed_with_the_head_moved_back_are_detected_against_a_checkpoint(
    trail, checkpoint, tmp_path
):
    with triggers_bypassed():
        sql("DELETE FROM {events} WHERE id > %s", [trail[9].pk])
        head_move(trail[9].pk, trail[9].hash)

    # The chain alone now ends, consistently, at the tenth event ...
    assert audit_chain_verify().events_checked == 10
    # ... but the checkpoint remembers thirty.
    report = audit_chain_verify(checkpoint=checkpoint)
    assert (report.intact, report.broken_event_id) == (False, trail[-1].pk)
    assert "it had 30 events then and 10 now" in report.problem
    saved = tmp_path / "checkpoint.json"
    saved.write_text(checkpoint.to_json())
    with pytest.raises(CommandError, match=f"broken at event {trail[-1].pk}: .* missing"):
        call_command("audit_verify", checkpoint=saved, stdout=io.StringIO())


# (c) The whole trail emptied and the head reset.


@pytest.mark.postgresql_only
def test_truncate_is_refused_to_the_tables_owner_and_to_the_application(trail):
    owner = role_make("audit_owner")
    # ALTER TABLE waits for no deferred foreign-key check: run them now.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    sql(f"ALTER TABLE {{events}} OWNER TO {owner}")
    sql(f"ALTER TABLE {{head}} OWNER TO {owner}")
    with acting_as(owner):
        assert "cannot be truncated" in str(refused("TRUNCATE {events}"))
        assert "cannot be truncated" in str(refused("TRUNCATE {head}"))
        assert "append-only" in str(refused("DELETE FROM {events}"))
        assert "cannot be removed" in str(refused("DELETE FROM {head}"))
    app = app_role_granted()
    with acting_as(app):
        error = refused("TRUNCATE {events}")
    assert isinstance(error.__cause__, psycopg2.errors.InsufficientPrivilege)
    assert AuditEvent.objects.count() == 30


def test_trail_emptied_with_the_head_reset_is_detected_against_a_checkpoint(trail, checkpoint):
    # As a superuser can (the TRUNCATE trigger lets one through, as the test
    # suite's flush needs), then a fresh head, as for an empty trail.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), [EVENTS, HEAD]):
            cursor.execute(statement)
    sql("INSERT INTO {head} (id, last_hash, last_event_id) VALUES (1, %s, NULL)", [GENESIS_HASH])

    assert audit_chain_verify().events_checked == 0
    report = audit_chain_verify(checkpoint=checkpoint)
    assert (report.intact, report.broken_event_id) == (False, trail[-1].pk)
    assert "emptied or cut back" in report.problem


# (d) A forged event appended with a hash computed without the key.


@pytest.mark.parametrize(
    ("scheme", "key", "found"),
    [
        (HashScheme.SHA256, None, "unkeyed but comes after keyed events"),
        (HashScheme.HMAC_SHA256_V1, WRONG_KEY, "does not match the event's content"),
    ],
    ids=["plain-sha256", "wrong-key"],
)
def test_forged_event_appended_without_the_key_is_detected(trail, scheme, key, found):
    forged = AuditEvent(
        action="view", summary="Viewed record", prev_hash=trail[-1].hash, hash_scheme=scheme
    )
    forged.hash = event_hash(forged, key=key)
    forged.save()  # straight into the table, as INSERT with the app's credentials would
    # The head trigger lets it move: the forged row exists with that hash.
    head_move(forged.pk, forged.hash)

    report = audit_chain_verify()
    assert (report.intact, report.broken_event_id) == (False, forged.pk)
    assert found in report.problem


def test_event_appended_without_moving_the_head_is_detected(trail):
    forged = AuditEvent(action="view", prev_hash=trail[-1].hash)
    forged.hash = event_hash(forged)  # even with the key: it went round the service
    forged.save()
    report = audit_chain_verify()
    assert (report.intact, report.broken_event_id) == (False, forged.pk)
    assert "after the chain head" in report.problem


# The application's role: it may read and add to the trail, nothing more.


def app_role_granted() -> str:
    role = role_make("audit_app")
    out = io.StringIO()
    call_command("db_roles_grant", app_role=role, stdout=out)
    assert f"table {EVENTS}: SELECT, INSERT\n" in out.getvalue()
    return role


@pytest.mark.postgresql_only
def test_the_application_role_cannot_rewrite_remove_or_unprotect_the_trail(trail):
    app = app_role_granted()
    with acting_as(app):
        # What the application does still works: reading and appending.
        event = audit_record(actor=Actor.system(), action="view", person_id=5)
        assert AuditChainHead.objects.get().last_event_id == event.pk
        for statement in (
            "UPDATE {events} SET summary = 'Rewritten'",
            "DELETE FROM {events}",
            "TRUNCATE {events}",
            "ALTER TABLE {events} DISABLE TRIGGER ALL",
            "DROP TABLE {events}",
            "TRUNCATE {head}",
            "DELETE FROM {head}",
            "UPDATE {head} SET id = 2",
            "ALTER TABLE {head} DISABLE TRIGGER ALL",
        ):
            error = refused(statement)
            assert isinstance(error.__cause__, psycopg2.errors.InsufficientPrivilege), statement
        # The head's two columns it may write, but only forward.
        error = refused(
            "UPDATE {head} SET last_event_id = %s, last_hash = %s", [trail[0].pk, trail[0].hash]
        )
        assert "only moves forward" in str(error)
    assert audit_chain_verify().intact


@pytest.mark.postgresql_only
def test_grants_are_exact_and_the_same_when_run_again(db):
    app = app_role_granted()
    call_command("db_roles_grant", app_role=app, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) "
            "FROM information_schema.role_table_grants WHERE grantee = %s "
            "AND table_name IN (%s, %s, 'django_migrations', %s) "
            "GROUP BY table_name",
            [app, EVENTS, HEAD, Person._meta.db_table],
        )
        grants = dict(cursor.fetchall())
        cursor.execute(
            "SELECT column_name FROM information_schema.column_privileges "
            "WHERE grantee = %s AND table_name = %s AND privilege_type = 'UPDATE' "
            "ORDER BY column_name",
            [app, HEAD],
        )
        head_columns = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM pg_class WHERE pg_get_userbyid(relowner) = %s", [app])
        owned = cursor.fetchone()[0]
    assert grants == {
        EVENTS: "INSERT,SELECT",
        HEAD: "INSERT,SELECT",
        "django_migrations": "SELECT",
        Person._meta.db_table: "DELETE,INSERT,SELECT,UPDATE",
    }
    assert head_columns == ["last_event_id", "last_hash"]
    assert owned == 0


@pytest.mark.postgresql_only
def test_grants_are_refused_for_a_superuser_or_a_missing_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")  # the test suite's own role, a superuser
        superuser = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="superuser"):
        call_command("db_roles_grant", app_role=superuser, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no database role"):
        call_command("db_roles_grant", app_role="nobody_" + secrets.token_hex(4))


def test_grants_are_refused_on_sqlite(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("db_roles_grant", app_role="outcomes_app")


# Checkpoints.


def test_checkpoint_command_prints_the_signed_head_that_verify_accepts(trail, tmp_path, settings):
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    line = out.getvalue().strip()
    data = json.loads(line)
    assert (data["event_id"], data["hash"], data["event_count"]) == (
        trail[-1].pk,
        trail[-1].hash,
        30,
    )
    fields = {name: data[name] for name in data if name != "signature"}
    signed = (
        b"audit-checkpoint-v1:" + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    )
    assert data["signature"] == hmac.new(settings.AUDIT_KEY.encode(), signed, "sha256").hexdigest()

    saved = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", out=saved, stderr=io.StringIO())
    AuditEventFactory()  # the trail may grow after a checkpoint
    out = io.StringIO()
    call_command("audit_verify", checkpoint=saved, stdout=out)
    assert "Audit trail intact: 31 events checked." in out.getvalue()
    assert "Matches the checkpoint" in out.getvalue()


def test_checkpoint_altered_or_signed_with_another_key_is_not_trusted(trail, tmp_path, settings):
    line = audit_checkpoint_make().to_json()
    altered = json.loads(line) | {"event_count": 10}
    with pytest.raises(CheckpointInvalid, match="signature does not match"):
        Checkpoint.from_json(json.dumps(altered))
    settings.AUDIT_KEY = WRONG_KEY
    with pytest.raises(CheckpointInvalid, match="signature does not match"):
        Checkpoint.from_json(line)
    saved = tmp_path / "checkpoint.json"
    saved.write_text("not a checkpoint")
    with pytest.raises(CommandError, match="cannot be trusted: it is not a checkpoint"):
        call_command("audit_verify", checkpoint=saved)


def test_no_checkpoint_is_made_of_a_broken_trail(trail, tamper):
    tamper("UPDATE {table} SET summary = 'Nothing happened' WHERE id = %s", [trail[3].pk])
    with pytest.raises(TrailBroken):
        audit_checkpoint_make()
    with pytest.raises(CommandError, match="No checkpoint was made"):
        call_command("audit_checkpoint", stdout=io.StringIO())


# A trail from before keying.


def test_unkeyed_events_from_before_keying_are_vouched_for_by_the_keyed_event_after_them(trail):
    # The trail as it was before the key: plain SHA-256 throughout.
    previous = GENESIS_HASH
    with triggers_bypassed():
        for event in trail:
            stored = AuditEvent.objects.get(pk=event.pk)
            stored.hash_scheme = HashScheme.SHA256
            stored.prev_hash = previous
            stored.hash = event_hash(stored)
            sql(
                "UPDATE {events} SET prev_hash = %s, hash = %s, hash_scheme = %s WHERE id = %s",
                [stored.prev_hash, stored.hash, stored.hash_scheme, stored.pk],
            )
            previous = stored.hash
        head_move(trail[-1].pk, previous)
    keying = importlib.import_module("audit.migrations.0003_event_hash_scheme")
    keying.keyed_event_append(apps, SimpleNamespace(connection=connection))

    report = audit_chain_verify()
    assert report.intact, report.problem
    assert (report.events_checked, report.unkeyed_events) == (31, 30)
    assert AuditEvent.objects.last().action == "audit_keyed"
    # Rewriting an unkeyed event, even with every unkeyed hash after it redone,
    # breaks the link into the keyed event.
    with triggers_bypassed():
        before = AuditEvent.objects.get(pk=trail[19].pk).hash
        rewrite(trail[20:], scheme=HashScheme.SHA256, key=None, prev=before)
    assert audit_chain_verify().broken_event_id == AuditEvent.objects.last().pk
