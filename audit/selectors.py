"""Reads of the audit trail, shaped for the pages that show it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser as User
from django.db.models import QuerySet

from .models import AuditEvent


def access_log_for_person(person_id: int) -> QuerySet[AuditEvent]:
    """Everything recorded about one person's record, newest first, with who did it."""
    return (
        AuditEvent.objects.filter(person_id=person_id)
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def recent_events(
    *,
    actor: User | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events across the whole trail, newest first, optionally narrowed.

    ``actor`` gives what one user did, ``action`` one kind of event (for
    example every refused access), ``since`` only events at or after a moment.
    """
    events = AuditEvent.objects.select_related("actor")
    if actor is not None:
        events = events.filter(actor=actor)
    if action is not None:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return events.order_by("-occurred_at", "-id")
