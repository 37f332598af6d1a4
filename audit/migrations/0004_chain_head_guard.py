"""Refuse TRUNCATE of the trail, and let the chain head only move forward.

PostgreSQL only, like 0002. Two triggers:

- A statement trigger refuses TRUNCATE of the audit events and the chain head.
  A superuser is let through: the test suite flushes every table with TRUNCATE
  as one, and a superuser can switch any trigger off anyway. Production roles
  are never superusers (README, "Production: database roles and the audit key").
- A row trigger on the chain head refuses DELETE, and allows an UPDATE only to
  an event that exists with the hash the head records and comes after the one
  it recorded before (or leaves it as it is): the head never moves back, so
  events cut from the end of the trail leave it pointing at an event that has
  gone. An INSERT (the head is
  rebuilt after a flush) must name the newest event, or the start of an empty
  trail.
"""

from django.db import migrations

GENESIS_HASH = "0" * 64
TRUNCATE_TRIGGER = "audit_refuse_truncate"
TRUNCATE_FUNCTION = "audit_refuse_truncate"
HEAD_TRIGGER = "audit_chain_head_forward_only"
HEAD_FUNCTION = "audit_chain_head_check"


def _tables(apps, schema_editor) -> tuple[str, str]:
    quote = schema_editor.quote_name
    return (
        quote(apps.get_model("audit", "AuditEvent")._meta.db_table),
        quote(apps.get_model("audit", "AuditChainHead")._meta.db_table),
    )


def triggers_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    events, head = _tables(apps, schema_editor)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {TRUNCATE_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'the audit trail cannot be truncated';
        END;
        $$
        """  # noqa: S608 - names from the models, no input
    )
    for table in (events, head):
        schema_editor.execute(
            f"""
            CREATE TRIGGER {TRUNCATE_TRIGGER}
            BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {TRUNCATE_FUNCTION}()
            """
        )
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {HEAD_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'the audit chain head cannot be removed';
            END IF;
            IF TG_OP = 'INSERT' THEN
                IF NEW.last_event_id IS NULL THEN
                    IF NEW.last_hash = '{GENESIS_HASH}' AND NOT EXISTS (SELECT 1 FROM {events}) THEN
                        RETURN NEW;
                    END IF;
                ELSIF EXISTS (
                    SELECT 1 FROM {events} WHERE id = NEW.last_event_id AND hash = NEW.last_hash
                ) AND NOT EXISTS (SELECT 1 FROM {events} WHERE id > NEW.last_event_id) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'the audit chain head must name the newest event';
            END IF;
            -- Writing the same values again moves nothing (fixture loading does it).
            IF NEW IS NOT DISTINCT FROM OLD THEN
                RETURN NEW;
            END IF;
            IF NEW.id IS DISTINCT FROM OLD.id
                OR NEW.last_event_id IS NULL
                OR NEW.last_event_id <= OLD.last_event_id
                OR NOT EXISTS (
                    SELECT 1 FROM {events} WHERE id = NEW.last_event_id AND hash = NEW.last_hash
                )
            THEN
                RAISE EXCEPTION 'the audit chain head only moves forward, to an event with its hash';
            END IF;
            RETURN NEW;
        END;
        $$
        """  # noqa: S608 - names from the models, no input
    )
    schema_editor.execute(
        f"""
        CREATE TRIGGER {HEAD_TRIGGER}
        BEFORE INSERT OR UPDATE OR DELETE ON {head}
        FOR EACH ROW EXECUTE FUNCTION {HEAD_FUNCTION}()
        """
    )


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    events, head = _tables(apps, schema_editor)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {HEAD_TRIGGER} ON {head}")
    for table in (events, head):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {HEAD_FUNCTION}()")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRUNCATE_FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_event_hash_scheme"),
    ]

    operations = [
        migrations.RunPython(triggers_create, triggers_drop),
    ]
