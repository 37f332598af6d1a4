"""Writing events: who, what, where from, chained to the event before."""

import datetime as dt
import hashlib
import hmac
import itertools
import json
import logging
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEvent, HashScheme
from audit.services import (
    audit_chain_verify,
    audit_record,
    audit_record_each,
    changes_between,
)
from common.actor import Actor
from tests.factories import AuditEventFactory, OrganisationFactory


def test_first_event_follows_the_genesis_hash_and_each_event_links_to_the_one_before(db):
    events = [AuditEventFactory() for _ in range(4)]
    stored = list(AuditEvent.objects.all())
    assert [e.pk for e in stored] == [e.pk for e in events]
    assert stored[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in stored}) == 4


def test_one_event_for_each_person_chained_in_order_in_the_same_queries_however_many(db, roles):
    audit_record(actor=Actor(roles.manager), action="view", person_id=1)

    def record(person_ids):
        with CaptureQueriesContext(connection) as queries:
            events = audit_record_each(
                actor=Actor(roles.manager),
                action="view",
                on=("reports.narrative", 3),
                person_ids=person_ids,
                summary="Viewed review narrative from a team dashboard",
            )
        return events, len(queries)

    few, few_queries = record([11, 12])
    many, many_queries = record(list(range(20, 45)))

    assert few_queries == many_queries
    stored = list(AuditEvent.objects.all())
    assert [e.person_id for e in stored] == [1, 11, 12, *range(20, 45)]
    assert [e.pk for e in stored[1:]] == [e.pk for e in few + many]
    assert {(e.actor_id, e.object_type, e.object_id) for e in stored[1:]} == {
        (roles.manager.pk, "reports.narrative", "3")
    }
    assert audit_chain_verify().intact
    assert AuditChainHead.objects.get().last_event_id == many[-1].pk
    assert audit_record_each(actor=Actor(roles.manager), action="view", person_ids=[]) == []


def test_events_written_together_are_stored_exactly_as_returned_and_as_hashed(db, roles):
    actor = Actor(roles.manager, ip_address="2001:db8::1", path="/reports/teams/3/")
    events = audit_record_each(
        actor=actor,
        action="update",
        on=("reports.team_dashboard", 3),
        person_ids=[5, None, 7],
        summary="Changed on a team dashboard",
        changes={"status": ["active", "ended"], "notes": ["a", "b"]},
    )

    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    stored = list(AuditEvent.objects.values_list(*fields))
    assert stored == [tuple(getattr(event, name) for name in fields) for event in events]
    assert [row[fields.index("person_id")] for row in stored] == [5, None, 7]
    assert stored[0][fields.index("changes")] == {
        "status": ["active", "ended"],
        "notes": ["(not kept)", "(not kept)"],
    }
    assert stored[0][fields.index("ip_address")] == "2001:db8::1"
    assert audit_chain_verify().intact


def test_events_from_an_unknown_address_are_stored_with_none(db, roles):
    audit_record_each(
        actor=Actor(roles.manager, ip_address="", path=""), action="view", person_ids=[5, 6]
    )
    assert list(AuditEvent.objects.values_list("ip_address", "path")) == [(None, "")] * 2
    assert audit_chain_verify().intact


def test_events_that_do_not_chain_are_not_inserted_together(db):
    loose = [AuditEvent(action="view", prev_hash="a", hash="b") for _ in range(2)]
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.all()._insert_chained(loose)
    assert not AuditEvent.objects.exists()


def test_event_hash_is_hmac_with_the_audit_key_of_previous_hash_and_canonical_content(
    db, roles, settings
):
    event = audit_record(
        actor=Actor(roles.practitioner),
        action="update",
        on=("records.person", 7),
        person_id=7,
        summary="Details changed",
        changes={"status": ["active", "achieved"]},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    content = {
        "action": "update",
        "actor_id": roles.practitioner.pk,
        "changes": {"status": ["active", "achieved"]},
        "ip_address": None,
        "object_id": "7",
        "object_type": "records.person",
        "occurred_at": stored.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "path": "",
        "person_id": 7,
        "summary": "Details changed",
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    message = (GENESIS_HASH + canonical).encode()
    assert stored.hash_scheme == HashScheme.HMAC_SHA256_V1
    assert stored.hash == hmac.new(settings.AUDIT_KEY.encode(), message, "sha256").hexdigest()
    # Without the key the hash cannot be made: plain SHA-256 of the same gives another.
    assert stored.hash != hashlib.sha256(message).hexdigest()


def test_ip_address_and_path_come_from_the_request(db, rf, roles):
    request = rf.get("/people/42/?page=2", REMOTE_ADDR="203.0.113.7")
    request.user = roles.practitioner
    event = audit_record(actor=Actor.from_request(request), action="view", person_id=42)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address == "203.0.113.7"
    # The query string is left out: it may carry search terms.
    assert stored.path == "/people/42/"


def test_actor_is_the_signed_in_user_of_the_request(db, rf, roles):
    request = rf.get("/people/42/")
    request.user = roles.practitioner
    event = audit_record(actor=Actor.from_request(request), action="view")
    assert AuditEvent.objects.get(pk=event.pk).actor == roles.practitioner


def test_every_request_carries_its_actor_to_the_views(client, roles):
    client.force_login(roles.practitioner)
    response = client.get("/people/", REMOTE_ADDR="203.0.113.8")
    actor = response.wsgi_request.actor
    assert (actor.user, actor.ip_address, actor.path) == (
        roles.practitioner,
        "203.0.113.8",
        "/people/",
    )


def test_the_system_acts_without_a_user(db):
    event = audit_record(actor=Actor.system(), action="view")
    assert AuditEvent.objects.get(pk=event.pk).actor is None


def test_anonymous_visitor_is_recorded_without_an_actor(db, rf):
    request = rf.post("/login/", REMOTE_ADDR="198.51.100.9")
    request.user = AnonymousUser()
    event = audit_record(actor=Actor.from_request(request), action="sign_in_failed")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor is None
    assert stored.ip_address == "198.51.100.9"


def test_request_without_a_usable_address_still_records_the_event(db, rf):
    request = rf.get("/x/" + "a" * 600, REMOTE_ADDR="unix-socket")
    event = audit_record(actor=Actor.from_request(request), action="view")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address is None
    assert len(stored.path) == 500
    assert audit_chain_verify().intact


@pytest.mark.parametrize(
    ("remote_addr", "stored_as"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    ],
)
def test_ip_address_is_stored_as_hashed(db, rf, remote_addr, stored_as):
    actor = Actor.from_request(rf.get("/", REMOTE_ADDR=remote_addr))
    event = audit_record(actor=actor, action="view")
    assert AuditEvent.objects.get(pk=event.pk).ip_address == stored_as
    assert audit_chain_verify().intact


def test_values_read_back_from_the_database_still_match_their_hash(db, rf):
    # Dates, decimals, floats and non-ASCII text must all hash the same before
    # they are stored and after they are read back.
    request = rf.get("/people/1/", REMOTE_ADDR="2001:DB8:0:0::1")
    event = audit_record(
        actor=Actor.from_request(request),
        action="update",
        summary="Détails changés",
        changes=changes_between(
            {"on": dt.date(2025, 3, 1), "score": Decimal("2.50"), "weight": 1e16, "name": "Zoë"},
            {"on": dt.date(2025, 4, 1), "score": Decimal("3.00"), "weight": 2.5, "name": "Zoé"},
        ),
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address == "2001:db8::1"
    assert stored.changes["weight"] == ["1e+16", "2.5"]
    assert stored.hash == event.hash
    assert audit_chain_verify().intact


def test_changes_between_lists_only_fields_that_differ_as_json_safe_pairs():
    before = {
        "full_name": "Sam Jones",
        "date_of_birth": dt.date(1980, 5, 17),
        "score": Decimal("3"),
        "closed_at": None,
        "teams": [1, 2],
    }
    after = {
        "full_name": "Sam Jones",
        "date_of_birth": dt.date(1980, 5, 18),
        "score": Decimal("3.0"),  # equal in value: not a change
        "closed_at": dt.datetime(2025, 1, 2, 9, 30, tzinfo=dt.UTC),
        "teams": [1, 2],
        "preferred_name": "Sam",
    }
    assert changes_between(before, after) == {
        "date_of_birth": ["1980-05-17", "1980-05-18"],
        "closed_at": [None, "2025-01-02T09:30:00+00:00"],
        "preferred_name": [None, "Sam"],
    }
    assert changes_between(after, after) == {}
    json.dumps(changes_between(before, after))


def test_event_is_rolled_back_with_the_change_it_records(db):
    earlier = AuditEventFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        organisation = OrganisationFactory(name="Riverside")
        audit_record(actor=Actor.system(), action="create", on=organisation)
        raise RuntimeError("the change failed after its event was written")
    assert not Organisation.objects.filter(name="Riverside").exists()
    assert list(AuditEvent.objects.all()) == [earlier]
    # The chain carries on from the last committed event.
    later = AuditEventFactory()
    assert later.prev_hash == earlier.hash
    assert audit_chain_verify().intact


def test_events_carry_on_the_chain_when_the_head_row_has_gone(db):
    # The head row vanishes when every table is flushed; it is rebuilt from the trail.
    first = AuditEventFactory()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE waits for no deferred foreign-key check: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), [AuditChainHead._meta.db_table]):
            cursor.execute(sql)
    assert not AuditChainHead.objects.exists()
    second = AuditEventFactory()
    assert second.prev_hash == first.hash
    assert AuditChainHead.objects.get().last_event_id == second.pk
    assert audit_chain_verify().intact


@pytest.mark.parametrize("action", ["", "View", "viewed record", "x" * 41])
def test_malformed_action_is_refused(db, action):
    with pytest.raises(ValueError, match="action"):
        audit_record(actor=Actor.system(), action=action)
    assert not AuditEvent.objects.exists()


def test_overlong_summary_or_identifiers_are_refused_rather_than_truncated(db):
    with pytest.raises(ValueError, match="summary"):
        audit_record(actor=Actor.system(), action="view", summary="x" * 256)
    with pytest.raises(ValueError, match="object_id"):
        audit_record(actor=Actor.system(), action="view", on=("records.person", "x" * 65))
    assert not AuditEvent.objects.exists()


def test_logs_name_the_event_but_carry_no_personal_data(db, rf, caplog, roles):
    caplog.set_level(logging.DEBUG, logger="audit")
    request = rf.get("/people/42/", REMOTE_ADDR="203.0.113.7")
    request.user = roles.practitioner
    event = audit_record(
        actor=Actor.from_request(request),
        action="update",
        on=("records.person", 42),
        person_id=42,
        summary="Name changed for Alice Smith",
        changes={"full_name": ["Alice Smith", "Alice Jones"]},
    )
    audit_logs = [r.getMessage() for r in caplog.records if r.name.startswith("audit")]
    assert any(str(event.pk) in message for message in audit_logs)
    for secret in ("Alice", "Smith", "Jones", "203.0.113.7", "/people/"):
        assert secret not in caplog.text


# SQLite's in-memory test database takes one writer at a time; its guard
# against forks, the unique prev_hash, is tested on both databases.
@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    writers, events_each = 4, 10
    # The chain head is made by migrate; in a flushed test database the first event
    # rebuilds it, which is not what this test races.
    audit_record(actor=Actor.system(), action="view")
    start = threading.Barrier(writers)
    errors = []

    def write(writer: int) -> None:
        try:
            start.wait(timeout=60)
            for n in range(events_each):
                with transaction.atomic():
                    audit_record(actor=Actor.system(), action="view", on=("t", f"{writer}-{n}"))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.events_checked == writers * events_each + 1


def test_an_event_about_a_person_keeps_which_fields_changed_but_not_their_personal_values(roles):
    event = audit_record(
        actor=Actor(roles.practitioner),
        action="update",
        on=("records.person", 7),
        person_id=7,
        summary="Details changed",
        changes={
            "full_name": ["Iris Mbeki", "Iris Campbell"],
            "chi_number": ["", "0101501234"],
            "next_review_on": ["2026-01-01", "2026-04-01"],
        },
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.changes == {
        "full_name": ["(not kept)", "(not kept)"],
        "chi_number": ["(not kept)", "(not kept)"],
        "next_review_on": ["2026-01-01", "2026-04-01"],
    }
    assert "Campbell" not in json.dumps(stored.changes)
    assert audit_chain_verify().intact


def test_an_event_about_configuration_keeps_its_values(roles):
    event = audit_record(
        actor=Actor(roles.admin),
        action="update",
        on=("accounts.team", 3),
        summary="Team changed",
        changes={"name": ["Riverside", "Riverside North"]},
    )
    assert AuditEvent.objects.get(pk=event.pk).changes == {"name": ["Riverside", "Riverside North"]}
