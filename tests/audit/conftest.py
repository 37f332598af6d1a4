"""Helpers for altering the trail behind the application's back, as an intruder would."""

from collections.abc import Callable

import pytest
from django.db import connection

from audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table
TRIGGER = "audit_event_append_only"


@pytest.fixture
def tamper() -> Callable[..., None]:
    """Run raw SQL against the trail, the way someone with database access could.

    On PostgreSQL the append-only trigger would refuse it, so it is disabled for
    the one statement (inside the test's transaction, which is rolled back).
    """

    def run(sql: str, params: list | None = None) -> None:
        sql = sql.format(table=connection.ops.quote_name(TABLE))
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute(sql, params or [])
                return
            # ALTER TABLE waits for no deferred foreign-key check: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
            try:
                cursor.execute(sql, params or [])
            finally:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    return run
