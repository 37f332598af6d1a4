"""The trail is append-only: neither the ORM nor (on PostgreSQL) the database lets it change."""

import pytest
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import AppendOnlyError, AuditAction, AuditEvent
from audit.services import audit_record
from common.actor import Actor
from tests.factories import AuditEventFactory

TABLE = AuditEvent._meta.db_table


def test_saving_an_existing_event_again_is_refused(db):
    event = AuditEventFactory()
    event.summary = "Something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["summary"])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Viewed record"


def test_deleting_an_event_is_refused(db):
    event = AuditEventFactory()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(db):
    event = AuditEventFactory()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="Rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.actor.audit_events.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["summary"])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Viewed record"


def test_events_cannot_be_bulk_created_outside_the_chain(db):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(action="view", prev_hash="a", hash="b")])
    assert not AuditEvent.objects.exists()


def test_an_unsaved_copy_cannot_overwrite_an_existing_event(db):
    event = AuditEventFactory()
    copy = AuditEvent(pk=event.pk, action="delete", prev_hash="f" * 64, hash="e" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_the_database_refuses_update_and_delete_of_events(db):
    event = AuditEventFactory()
    if connection.vendor == "postgresql":
        # Even raw SQL through the application's own connection is refused.
        table = connection.ops.quote_name(TABLE)
        for statement in (
            "UPDATE {table} SET summary = 'Rewritten' WHERE id = %s",
            "DELETE FROM {table} WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="audit events are append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement.format(table=table), [event.pk])
    else:
        # SQLite has no trigger here: the ORM is the barrier.
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).update(summary="Rewritten")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(pk=event.pk).delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.summary == "Viewed record"


def test_flushing_tables_still_empties_the_trail(db):
    # The test suite's live-server tests flush every table (TRUNCATE on
    # PostgreSQL); the append-only trigger must not stop them.
    AuditEventFactory.create_batch(2)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE waits for no deferred foreign-key check: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), [TABLE]):
            cursor.execute(sql)
    assert not AuditEvent.objects.exists()


def test_the_database_refuses_a_second_event_after_the_same_link(db):
    first = AuditEventFactory()
    fork = AuditEvent(action="view", prev_hash=first.prev_hash, hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()
    assert AuditEvent.objects.count() == 1


def test_actions_other_apps_invent_are_recorded_and_labelled_as_given(db):
    event = audit_record(actor=Actor.system(), action="letter_printed")
    known = audit_record(actor=Actor.system(), action=AuditAction.ACCESS_DENIED)
    assert AuditEvent.objects.get(pk=event.pk).action_label == "letter_printed"
    assert AuditEvent.objects.get(pk=known.pk).action_label == "Refused access"
