from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from audit.models import AuditChainHead, AuditEvent

# What the application's role may do, table by table. The trail only grows: its
# events may be read and added, never changed or removed; the chain head may be
# moved, and a trigger (audit migration 0004) lets it move only forward.
EVENT_PRIVILEGES = "SELECT, INSERT"
HEAD_PRIVILEGES = "SELECT, INSERT, UPDATE (last_hash, last_event_id)"
# Only migrate, run as the owner, writes the record of applied migrations.
MIGRATIONS_PRIVILEGES = "SELECT"
OTHER_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE"


class Command(BaseCommand):
    help = (
        "PostgreSQL only. Run as the role that owns the tables, after every migrate: grant "
        "the application's role exactly what it needs and nothing more (no TRUNCATE, no "
        "ALTER, no ownership; the audit trail only read and added to)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--app-role", required=True, help="The role the application connects as."
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "db_roles_grant is for PostgreSQL only: SQLite has no database roles, so "
                "there the application's own guards are the only barrier."
            )
        app_role = options["app_role"]
        with transaction.atomic(), connection.cursor() as cursor:
            self._check_role(cursor, app_role)
            schema, tables, sequences = _schema_contents(cursor)
            quote = connection.ops.quote_name
            role = quote(app_role)
            cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {role}")
            self.stdout.write(f"schema {schema}: USAGE")
            for table in tables:
                privileges = _table_privileges(table)
                # Revoke first, so running again leaves exactly this and nothing
                # granted by hand in between.
                cursor.execute(f"REVOKE ALL ON TABLE {quote(table)} FROM {role}")
                cursor.execute(f"GRANT {privileges} ON TABLE {quote(table)} TO {role}")
                self.stdout.write(f"table {table}: {privileges}")
            for sequence in sequences:
                cursor.execute(f"REVOKE ALL ON SEQUENCE {quote(sequence)} FROM {role}")
                cursor.execute(
                    f"GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCE {quote(sequence)} TO {role}"
                )
                self.stdout.write(f"sequence {sequence}: {SEQUENCE_PRIVILEGES}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Granted {app_role} what the application needs on {len(tables)} tables "
                f"and {len(sequences)} sequences."
            )
        )

    def _check_role(self, cursor, app_role: str) -> None:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        row = cursor.fetchone()
        if row is None:
            raise CommandError(f"There is no database role {app_role!r}; create it first.")
        if row[0]:
            raise CommandError(f"{app_role} is a superuser: no grant can limit what it does.")
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == app_role:
            raise CommandError(
                f"This is running as {app_role} itself: run it as the role that owns the "
                "tables (the one migrate runs as)."
            )
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND pg_get_userbyid(c.relowner) = %s
            ORDER BY c.relname
            """,
            [app_role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise CommandError(
                f"{app_role} owns {', '.join(owned)}: an owner can switch off the audit "
                "trail's triggers. Make the migrating role their owner (ALTER TABLE ... "
                "OWNER TO, or REASSIGN OWNED), then run this again."
            )


def _schema_contents(cursor) -> tuple[str, list[str], list[str]]:
    """The current schema's name, and its tables and sequences."""
    cursor.execute("SELECT current_schema()")
    schema = cursor.fetchone()[0]
    cursor.execute(
        """
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S')
        ORDER BY c.relname
        """
    )
    rows = cursor.fetchall()
    tables = [name for name, kind in rows if kind in ("r", "p")]
    sequences = [name for name, kind in rows if kind == "S"]
    return schema, tables, sequences


def _table_privileges(table: str) -> str:
    return {
        AuditEvent._meta.db_table: EVENT_PRIVILEGES,
        AuditChainHead._meta.db_table: HEAD_PRIVILEGES,
        MigrationRecorder.Migration._meta.db_table: MIGRATIONS_PRIVILEGES,
    }.get(table, OTHER_PRIVILEGES)
