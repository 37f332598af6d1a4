"""Writes to the audit trail, and the check that it has not been tampered with.

Every event is chained to the one before it: ``hash`` is the HMAC-SHA256, keyed
with ``settings.AUDIT_KEY``, of the previous event's hash followed by the
event's canonical content (see ``event_hash``). The key is kept out of the
database, so someone who can write to the tables cannot make a rewritten or
forged event check out. Events written before the trail was keyed carry plain
SHA-256 and say so in ``hash_scheme``.

A checkpoint (``audit_checkpoint_make``) is the head of the chain signed with
the key, to be kept away from the database; checking the trail against one
(``audit_chain_verify(checkpoint=...)``) finds a trail cut back or rebuilt
since, which the chain alone cannot show once its head has been moved too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from common.actor import Actor

from .models import CHAIN_HEAD_ID, GENESIS_HASH, AuditChainHead, AuditEvent, HashScheme

logger = logging.getLogger(__name__)

# Action strings are identifiers chosen in code, never user input.
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
VERIFY_CHUNK_SIZE = 2000


Target = Model | tuple[str, object] | None

# In an event about a person, the values of any other field are not kept: the
# trail says that the field changed, not what it said. What the trail cannot
# forget (it is append-only) then never holds a name, a date of birth, a CHI
# number or the person's words, and anonymising the record removes them.
VALUES_KEPT_FOR_PEOPLE = frozenset(
    {
        "closed_on",
        "framework_outcomes",
        "gas_weight",
        "in_own_words",
        "key_people",
        "next_review_on",
        "retired",
        "reviewed_on",
        "score",
        "started_on",
        "status",
        "status_changed_on",
        "team_id",
        "teams",
        "version",
    }
)
VALUE_NOT_KEPT = "(not kept)"


def audit_record(
    *,
    actor: Actor,
    action: str,
    on: Target = None,
    person_id: int | None = None,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append an event to the audit trail and return it.

    ``on`` is the row acted on, or ``(object_type, object_id)`` for something
    that is not one row (a report, say); ``person_id`` defaults to the row's
    own ``person_id``, if it has one. Call it inside the transaction that
    makes the change, so the change and its event are committed or rolled back
    together. ``summary`` is short plain text with no personal data (say
    "Details changed", not whose); ``changes`` is ``{field: [old, new]}`` as
    made by ``changes_between``; in an event about a person only the fields in
    ``VALUES_KEPT_FOR_PEOPLE`` keep their values.

    Appending locks the chain head until the caller's transaction ends, so
    other audited writes wait for it: record the event last, and keep the
    transaction short.
    """
    if person_id is None and isinstance(on, Model):
        person_id = getattr(on, "person_id", None)
    return audit_record_each(
        actor=actor, action=action, on=on, person_ids=[person_id], summary=summary, changes=changes
    )[0]


def audit_record_each(
    *,
    actor: Actor,
    action: str,
    person_ids: Sequence[int | None],
    on: Target = None,
    summary: str = "",
    changes: dict | None = None,
) -> list[AuditEvent]:
    """Append one event for each person, in that order, and return them.

    For a page that shows several people's records at once: the events are
    chained and written together, in the same number of queries however many
    people there are. Otherwise as ``audit_record``.
    """
    object_type, object_id = _target(on)
    _check_identifiers(action=action, object_type=object_type, object_id=object_id, summary=summary)
    if not person_ids:
        return []
    if any(person_id is not None for person_id in person_ids):
        changes = _personal_values_dropped(changes or {})

    # Stored exactly as hashed, so the hash can be recomputed from the row.
    changes = _json_safe(changes or {})
    with transaction.atomic():
        head = _chain_head_locked()
        events = []
        for person_id in person_ids:
            event = AuditEvent(
                actor=actor.signed_in_user,
                action=action,
                object_type=object_type,
                object_id=object_id,
                person_id=person_id,
                summary=summary,
                changes=changes,
                # Hashed as stored: a blank address is stored as none.
                ip_address=actor.ip_address or None,
                path=actor.path,
                prev_hash=head.last_hash,
                hash_scheme=HashScheme.HMAC_SHA256_V1,
            )
            # Timestamped only once the lock is held, so time order follows chain order.
            event.occurred_at = timezone.now()
            event.hash = event_hash(event)
            head.last_hash = event.hash
            events.append(event)
        # One INSERT. The trail is checked in id order, so the ids must follow the
        # chain; if the database ever numbered the rows otherwise, write nothing.
        AuditEvent.objects.all()._insert_chained(events)
        ids = [event.pk for event in events]
        if ids != sorted(ids) or len(set(ids)) != len(ids):
            raise IntegrityError("Audit events were numbered out of chain order.")
        head.last_event_id = events[-1].pk
        head.save(update_fields=["last_hash", "last_event_id"])

    for event in events:
        # Identifiers only: summary, changes, IP address and path may be personal data.
        logger.debug(
            "Audit event %s: %s %s %s", event.pk, event.action, event.object_type, event.object_id
        )
    return events


def access_refused(*, actor: Actor, object_type: str, object_id: object) -> AuditEvent:
    """Record that the actor asked for a record they may not see (shown to them as a 404)."""
    user = actor.signed_in_user
    # Identifiers only: no personal data reaches the application log.
    logger.warning("Refused access: user=%s %s=%s", user and user.pk, object_type, object_id)
    return audit_record(
        actor=actor,
        action="access_denied",
        on=(object_type, object_id),
        summary="Refused: not on the user's teams' caseloads",
    )


def _target(on: Target) -> tuple[str, str]:
    if on is None:
        return "", ""
    if isinstance(on, Model):
        return on._meta.label_lower, str(on.pk)
    object_type, object_id = on
    return object_type, str(object_id)


def _personal_values_dropped(changes: dict) -> dict:
    return {
        field: values if field in VALUES_KEPT_FOR_PEOPLE else [VALUE_NOT_KEPT, VALUE_NOT_KEPT]
        for field, values in changes.items()
    }


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """``{field: [old, new]}`` for every field whose value differs, ready for the trail.

    A field missing from one side counts as ``None`` there. Values are compared
    as they are, then made JSON-safe: dates and times in ISO 8601, decimals and
    other objects as strings.
    """
    changed = {}
    for field in [*before, *(key for key in after if key not in before)]:
        old, new = before.get(field), after.get(field)
        if old != new:
            changed[str(field)] = [_json_safe(old), _json_safe(new)]
    return changed


def event_hash(event: AuditEvent, *, key: str | None = None) -> str:
    """The hash an event must carry: ``prev_hash`` + canonical content, hashed by its scheme.

    Keyed events (every event written now) take HMAC-SHA256 with ``key``,
    ``settings.AUDIT_KEY`` unless given; events from before the trail was keyed
    take plain SHA-256. The content is JSON with sorted keys and no spaces;
    ``occurred_at`` is ISO 8601 in UTC with microseconds. Changing what goes in
    here breaks every existing chain, so it must not change.
    """
    content = {
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "person_id": event.person_id,
        "summary": event.summary,
        "changes": event.changes,
        "ip_address": event.ip_address,
        "path": event.path,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    message = (event.prev_hash + canonical).encode()
    if event.hash_scheme == HashScheme.HMAC_SHA256_V1:
        secret = (key if key is not None else settings.AUDIT_KEY).encode()
        return hmac.new(secret, message, hashlib.sha256).hexdigest()
    if event.hash_scheme == HashScheme.SHA256:
        return hashlib.sha256(message).hexdigest()
    raise ValueError(f"Unknown audit hash scheme {event.hash_scheme!r}")


@dataclass(frozen=True)
class ChainReport:
    """What ``audit_chain_verify`` found.

    ``events_checked`` counts the events confirmed before any problem.
    ``broken_event_id`` names the first event that fails, and ``problem`` says
    how; both are empty when the trail is intact. ``unkeyed_events`` counts the
    events checked that were hashed before the trail was keyed.
    """

    events_checked: int
    broken_event_id: int | None = None
    problem: str = ""
    last_hash: str = GENESIS_HASH
    unkeyed_events: int = 0

    @property
    def intact(self) -> bool:
        return not self.problem


class CheckpointInvalid(ValueError):
    """A checkpoint that cannot be read, or whose signature does not match."""


class TrailBroken(Exception):
    """The trail failed verification, so it must not be vouched for with a checkpoint."""

    def __init__(self, report: ChainReport) -> None:
        super().__init__(f"Audit trail broken at event {report.broken_event_id}: {report.problem}")
        self.report = report


CHECKPOINT_FIELDS = ("event_id", "hash", "occurred_at", "event_count", "taken_at")
# Keeps a checkpoint's signature from ever standing for anything else made with the key.
CHECKPOINT_LABEL = b"audit-checkpoint-v1:"


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at one moment, signed with the audit key.

    ``event_id`` and ``hash`` are the newest event's (``None`` and the genesis
    hash for an empty trail), ``occurred_at`` its time (ISO 8601, UTC),
    ``event_count`` how many events there were up to it, and ``taken_at`` when
    the checkpoint was made.
    """

    event_id: int | None
    hash: str
    occurred_at: str
    event_count: int
    taken_at: str

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CHECKPOINT_FIELDS}

    def signature(self, *, key: str | None = None) -> str:
        canonical = json.dumps(self._fields(), sort_keys=True, separators=(",", ":"))
        secret = (key if key is not None else settings.AUDIT_KEY).encode()
        return hmac.new(secret, CHECKPOINT_LABEL + canonical.encode(), hashlib.sha256).hexdigest()

    def to_json(self) -> str:
        """One line of JSON, signature included."""
        return json.dumps({**self._fields(), "signature": self.signature()}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        """The checkpoint in ``text``, once its signature is found to match the key."""
        try:
            data = json.loads(text)
            checkpoint = cls(**{name: data[name] for name in CHECKPOINT_FIELDS})
            signature = data["signature"]
        except (ValueError, TypeError, KeyError) as exc:
            raise CheckpointInvalid(f"it is not a checkpoint ({exc})") from None
        if not isinstance(signature, str) or not hmac.compare_digest(
            signature, checkpoint.signature()
        ):
            raise CheckpointInvalid(
                "its signature does not match (it was altered, or signed with another key)"
            )
        return checkpoint


def audit_checkpoint_make() -> Checkpoint:
    """Verify the trail and return its head as a signed checkpoint.

    Raises ``TrailBroken`` rather than vouch for a trail that fails. Writers are
    not held up: the head is read first, and the walk that follows confirms
    every event up to it.
    """
    head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).first()
    report = audit_chain_verify()
    if not report.intact:
        raise TrailBroken(report)
    taken_at = timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds")
    if head is None or head.last_event_id is None:
        return Checkpoint(None, GENESIS_HASH, "", 0, taken_at)
    event = AuditEvent.objects.only("id", "hash", "occurred_at").get(pk=head.last_event_id)
    return Checkpoint(
        event_id=event.pk,
        hash=event.hash,
        occurred_at=event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        # Ids follow the chain, so these are exactly the events up to the head.
        event_count=AuditEvent.objects.filter(pk__lte=event.pk).count(),
        taken_at=taken_at,
    )


def audit_chain_verify(*, checkpoint: Checkpoint | None = None) -> ChainReport:
    """Walk the whole trail in order, recomputing every link; stop at the first break.

    With a ``checkpoint`` (already checked by ``Checkpoint.from_json``), the
    event it names must still be there with the same hash and the same number
    of events up to it: that finds a trail cut back, emptied or rebuilt even
    when the chain head was moved to match. Reads in chunks, so memory stays constant however
    long the trail is. Events appended while the walk runs are checked too if
    it reaches them.
    """
    # Read the head first: any event it names was committed before the walk
    # began, so it must be found, with the same hash, however far the trail grows.
    head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).first()
    expected_prev = GENESIS_HASH
    checked = unkeyed = 0
    keyed_seen = head_event_seen = checkpoint_event_seen = False
    last_pk = None

    def broken(event_id: int | None, problem: str) -> ChainReport:
        logger.warning("Audit trail broken at event %s", event_id)
        return ChainReport(checked, event_id, problem, expected_prev, unkeyed)

    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=VERIFY_CHUNK_SIZE):
        problem = ""
        is_unkeyed = event.hash_scheme == HashScheme.SHA256
        if event.prev_hash != expected_prev:
            problem = (
                "prev_hash does not match the previous event's hash "
                "(an event before it was altered or removed)"
            )
        elif is_unkeyed and keyed_seen:
            # Nothing writes unkeyed events any more: this one was made without the key.
            problem = "hash is unkeyed but comes after keyed events (the event was forged)"
        elif event_hash(event) != event.hash:
            problem = "hash does not match the event's content (the event was altered)"
        elif head is not None and event.pk == head.last_event_id:
            head_event_seen = True
            if event.hash != head.last_hash:
                problem = "hash does not match the chain head (the chain was rewritten)"
        if not problem and checkpoint is not None and event.pk == checkpoint.event_id:
            checkpoint_event_seen = True
            if event.hash != checkpoint.hash:
                problem = "hash differs from the checkpoint's (the trail was rewritten since)"
            elif checked + 1 != checkpoint.event_count:
                problem = (
                    f"{checked + 1} events up to here, but {checkpoint.event_count} at the "
                    "checkpoint (events were removed or added since)"
                )
        if problem:
            return broken(event.pk, problem)
        keyed_seen = keyed_seen or not is_unkeyed
        unkeyed += is_unkeyed
        expected_prev = event.hash
        checked += 1
        last_pk = event.pk

    if head is not None and head.last_event_id is not None and not head_event_seen:
        return broken(
            head.last_event_id,
            "this event, the latest the chain head recorded, is missing "
            "(events were removed from the end of the trail)",
        )
    if checkpoint is not None and checkpoint.event_id is not None and not checkpoint_event_seen:
        return broken(
            checkpoint.event_id,
            "this event, the latest at the checkpoint, is missing "
            f"(the trail was emptied or cut back since; it had {checkpoint.event_count} "
            f"events then and {checked} now)",
        )
    if last_pk is not None and not keyed_seen:
        # Keying the trail (audit migration 0003) appended a keyed event after
        # any unkeyed ones, and every event since is keyed.
        return broken(
            last_pk,
            "the newest event's hash is unkeyed (the trail was rebuilt without the key)",
        )
    if last_pk is not None:
        # Read the head again: every event the walk saw had been committed, and
        # an append moves the head in the same transaction, so the head now
        # covers them all unless one was written without going through it.
        head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).first()
        head_id = head.last_event_id if head is not None else None
        if head_id is None or head_id < last_pk:
            after = AuditEvent.objects.filter(pk__lte=last_pk)
            if head_id is not None:
                after = after.filter(pk__gt=head_id)
            return broken(
                after.order_by("id").values_list("pk", flat=True).first(),
                "this event comes after the chain head (it was written without advancing "
                "the head, not through the audit service)",
            )
    return ChainReport(checked, last_hash=expected_prev, unkeyed_events=unkeyed)


def _chain_head_locked() -> AuditChainHead:
    """The chain head row, locked until the surrounding transaction ends."""
    head = AuditChainHead.objects.select_for_update().filter(pk=CHAIN_HEAD_ID).first()
    if head is not None:
        return head
    # The migration creates the row; it is missing only after every table was
    # flushed (as the test suite's TRUNCATE does). Rebuild it from the trail.
    last = AuditEvent.objects.order_by("-id").only("id", "hash").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                id=CHAIN_HEAD_ID,
                last_hash=last.hash if last else GENESIS_HASH,
                last_event_id=last.pk if last else None,
            )
    except IntegrityError:
        pass  # Another writer rebuilt it first; lock theirs.
    return AuditChainHead.objects.select_for_update().get(pk=CHAIN_HEAD_ID)


def _check_identifiers(*, action: str, object_type: str, object_id: str, summary: str) -> None:
    """Refuse values that would not fit, rather than let one database truncate them."""
    if not ACTION_PATTERN.match(action) or len(action) > 40:
        raise ValueError(
            f"Audit action must be a lower-case identifier, 40 characters at most; got {action!r}"
        )
    if len(object_type) > 100 or len(object_id) > 64:
        raise ValueError("Audit object_type is limited to 100 characters and object_id to 64.")
    if len(summary) > 255:
        raise ValueError("Audit summary is limited to 255 characters.")


def _json_safe(value: Any) -> Any:
    """``value`` with everything JSON cannot hold exactly turned into strings.

    Floats become strings too: PostgreSQL's jsonb hands back ``1e+16`` as an
    integer, which would no longer match the hash.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dt.date | dt.time):  # datetime is a date too
        return value.isoformat()
    return str(value)
