"""Reads of the trail for the "who has seen this record" page and for oversight."""

import datetime as dt

from django.db.models import FETCH_RAISE
from django.utils import timezone

from audit.selectors import access_log_for_person, recent_events
from tests.factories import AuditEventFactory


def test_access_log_shows_only_that_persons_events_newest_first(db, roles):
    first = AuditEventFactory(actor=roles.practitioner, person_id=1, action="view")
    AuditEventFactory(actor=roles.practitioner, person_id=2, action="view")
    second = AuditEventFactory(actor=roles.colleague, person_id=1, action="update")
    AuditEventFactory(actor=roles.manager, action="export")
    assert list(access_log_for_person(1)) == [second, first]


def test_access_log_loads_who_acted_in_one_query_at_any_size(db, roles, django_assert_num_queries):
    for size in (2, 12):
        for _ in range(size // 2):
            AuditEventFactory(actor=roles.practitioner, person_id=size)
            AuditEventFactory(actor=roles.colleague, person_id=size)
        with django_assert_num_queries(1):
            events = list(access_log_for_person(size).fetch_mode(FETCH_RAISE))
            names = {event.actor.username for event in events}
        assert len(events) == size
        assert names == {"practitioner", "colleague"}


def test_recent_events_narrow_by_actor_action_and_time(db, roles):
    old = AuditEventFactory(actor=roles.practitioner, action="view")
    cutoff = timezone.now() + dt.timedelta(microseconds=1)
    refused = AuditEventFactory(actor=roles.other_practitioner, action="access_denied")
    viewed = AuditEventFactory(actor=roles.practitioner, action="view")
    assert list(recent_events()) == [viewed, refused, old]
    assert list(recent_events(actor=roles.practitioner)) == [viewed, old]
    assert list(recent_events(action="access_denied")) == [refused]
    assert list(recent_events(since=cutoff)) == [viewed, refused]
