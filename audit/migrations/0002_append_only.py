"""Make the trail append-only in the database itself, and create the chain head.

On PostgreSQL a trigger refuses every UPDATE and DELETE of an audit event, so
not even raw SQL through the application's connection can rewrite the trail.
TRUNCATE is left alone: the test suite flushes tables with it. SQLite has no
such trigger here; the model's guards stand in for it.
"""

from django.db import migrations

TRIGGER = "audit_event_append_only"
FUNCTION = "audit_event_refuse_change"


def _table(apps, schema_editor) -> str:
    return schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)


def trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit events are append-only';
        END;
        $$
        """
    )
    schema_editor.execute(
        f"""
        CREATE TRIGGER {TRIGGER}
        BEFORE UPDATE OR DELETE ON {_table(apps, schema_editor)}
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
        """
    )


def trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_table(apps, schema_editor)}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def chain_head_create(apps, schema_editor):
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditChainHead.objects.using(schema_editor.connection.alias).get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(trigger_create, trigger_drop),
        migrations.RunPython(chain_head_create, migrations.RunPython.noop),
    ]
