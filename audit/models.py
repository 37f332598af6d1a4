from itertools import pairwise

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

# The ``prev_hash`` of the very first event: there is nothing before it.
GENESIS_HASH = "0" * 64
# The primary key of the chain head's only row.
CHAIN_HEAD_ID = 1


class HashScheme(models.TextChoices):
    """How an event's ``hash`` was made (see ``audit.services.event_hash``)."""

    # Plain SHA-256: anyone who can write to the table can recompute it. Only
    # events written before the trail was keyed carry it.
    SHA256 = "sha256", "SHA-256, unkeyed"
    # HMAC-SHA256 with AUDIT_KEY, which is kept out of the database.
    HMAC_SHA256_V1 = "hmac-sha256-v1", "HMAC-SHA256 with the audit key"


class AuditAction(models.TextChoices):
    """Actions the product records. Other apps may record further action strings."""

    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    AMEND = "amend", "Corrected"
    DELETE = "delete", "Deleted"
    CLOSE = "close", "Closed"
    REOPEN = "reopen", "Reopened"
    EXPORT = "export", "Exported"
    ACCESS_DENIED = "access_denied", "Refused access"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    # Integrity guard, not a business rule: the trail is evidence, so the ORM
    # offers no way to rewrite or remove it, and no way to insert events that
    # skip the hash chain. On PostgreSQL a trigger refuses the same at the
    # database; on SQLite this is the only barrier short of raw SQL.
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def bulk_create(self, objs, *args, **kwargs):
        raise AppendOnlyError(
            "Audit events are written with audit_record() or audit_record_each()."
        )

    def _insert_chained(self, events: list) -> list:
        """Insert events that ``audit.services`` chained under the head's lock, in one
        statement. Only for ``audit_record_each``: refuses events that do not link."""
        if not connection.in_atomic_block:
            raise AppendOnlyError("Chained events are inserted inside the appending transaction.")
        if any(after.prev_hash != before.hash for before, after in pairwise(events)):
            raise AppendOnlyError("These events do not form a chain.")
        first = events[0]
        if connection.vendor == "postgresql" and all(
            getattr(event, name) == getattr(first, name) for event in events for name in SHARED
        ):
            return _insert_shared_once(events)
        return super().bulk_create(events)


# What the events of one ``audit_record_each`` call have in common, and what differs.
SHARED = (
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "summary",
    "changes",
    "ip_address",
    "path",
    "hash_scheme",
)
EACH = ("occurred_at", "person_id", "prev_hash", "hash")
# PostgreSQL: what the events share is sent once and what differs as one array per
# column, rather than every column of every event as its own value: the 53 events
# of a team dashboard took 2.9 ms in the database rather than 5.2, and the ORM's
# statement also took about 3 ms to build (bench/RESULTS.md, 2026-11-28).
INSERT_SHARED_ONCE_SQL = f"""
    INSERT INTO audit_auditevent ({", ".join(EACH + SHARED)})
    SELECT {", ".join(f"event.{name}" for name in EACH)},
           %s, %s, %s, %s, %s, %s::jsonb, %s::inet, %s, %s
    FROM UNNEST(%s::timestamptz[], %s::bigint[], %s::text[], %s::text[])
         WITH ORDINALITY AS event (occurred_at, person_id, prev_hash, hash, position)
    ORDER BY event.position
    RETURNING id, hash
"""  # noqa: S608  (column names only; every value is a parameter)


def _insert_shared_once(events: list) -> list:
    # Each value made ready for the database by its field, as the ORM's insert would:
    # a blank IP address is stored as none, for one.
    fields = {field.attname: field for field in AuditEvent._meta.concrete_fields}

    def ready(name: str, value):
        return fields[name].get_db_prep_save(value, connection)

    shared = [ready(name, getattr(events[0], name)) for name in SHARED]
    arrays = [[ready(name, getattr(event, name)) for event in events] for name in EACH]
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SHARED_ONCE_SQL, shared + arrays)
        # Matched by hash: each is unique, and the caller checks the ids follow the chain.
        ids = dict((hash_, pk) for pk, hash_ in cursor.fetchall())
    for event in events:
        event.pk = ids[event.hash]
        event._state.adding, event._state.db = False, connection.alias
    return events


class AuditEvent(models.Model):
    """One thing that happened: who did what to which record, when and from where.

    Events form a hash chain: each ``hash`` is an HMAC, keyed with a secret kept
    out of the database, of the event's content and the previous event's hash,
    so altering or removing an event breaks every link after it, and nobody
    without the key can make a rewritten link check out (see
    ``audit_chain_verify``). Write events only with
    ``audit.services.audit_record``.
    """

    occurred_at = models.DateTimeField(default=timezone.now)
    # PROTECT: users are deactivated, never deleted, so the trail keeps naming them.
    # No index of its own: the (actor, occurred_at) index below serves lookups.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_index=False,
    )
    # A plain string, so other apps can record actions AuditAction does not list
    # without a migration here.
    action = models.CharField(max_length=40)
    object_type = models.CharField(
        max_length=100, blank=True, help_text='For example "records.person".'
    )
    object_id = models.CharField(max_length=64, blank=True)
    # Not a foreign key: removing a person's record must never touch the trail of
    # who saw or changed it. Indexed through (person_id, occurred_at) below.
    person_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(
        max_length=255, blank=True, help_text="Plain text, no personal data."
    )
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    hash_scheme = models.CharField(
        max_length=20, choices=HashScheme.choices, default=HashScheme.HMAC_SHA256_V1
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["person_id", "occurred_at"], name="audit_event_person_time"),
            models.Index(fields=["actor", "occurred_at"], name="audit_event_actor_time"),
        ]
        constraints = [
            # Each hash is the prev_hash of at most one event, so the chain can
            # never fork, whatever goes wrong with the lock in audit_record.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_never_forks"),
            models.CheckConstraint(
                condition=models.Q(hash_scheme__in=HashScheme.values),
                name="audit_event_hash_scheme_known",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
        )

    # Integrity guards, not business rules (see AuditEventQuerySet): an event is
    # inserted once and never written again.
    def save(self, **kwargs) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        # Always INSERT: an unsaved instance carrying an existing pk must not
        # silently overwrite that row.
        kwargs["force_insert"] = True
        super().save(**kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    @property
    def action_label(self) -> str:
        """The human label for a known action, else the action string itself."""
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action


class AuditChainHead(models.Model):
    """The latest link of the hash chain: one row, locked while an event is appended.

    Locking this row serialises writers so two concurrent events never take the
    same previous hash. It also anchors the chain's end: removing the newest
    events leaves the head pointing at an event that no longer exists. On
    PostgreSQL a trigger lets the head only move forward, to an event that
    exists with the hash it records, and refuses its removal.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=CHAIN_HEAD_ID)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    # A plain number rather than a foreign key: the head only records where the
    # chain ended, and audit_chain_verify reports it if that event has gone.
    last_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=CHAIN_HEAD_ID), name="audit_chain_head_is_single_row"
            ),
        ]

    def __str__(self) -> str:
        return f"Audit chain head at event {self.last_event_id}"
