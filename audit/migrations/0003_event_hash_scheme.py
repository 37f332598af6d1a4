"""Record how each event was hashed, so the trail can be keyed with a secret.

Events already in the trail were hashed with plain SHA-256 and stay that way
(rehashing them would also bless any change made to them before now); every
event written from now on is keyed (HMAC-SHA256 with AUDIT_KEY). Adding the
column rewrites no row, so the append-only trigger is not involved.

If there are unkeyed events, a keyed "audit_keyed" event is appended after
them. Its keyed hash covers the last unkeyed hash, so from then on the unkeyed
events cannot be rewritten without the key either, and the trail's newest
event is always keyed: a trail rebuilt entirely without the key shows.
"""

from django.db import migrations, models
from django.utils import timezone

from audit.services import event_hash

SCHEMES = [("sha256", "SHA-256, unkeyed"), ("hmac-sha256-v1", "HMAC-SHA256 with the audit key")]


def keyed_event_append(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    last = AuditEvent.objects.using(db).order_by("-id").first()
    if last is None:
        return
    event = AuditEvent(
        occurred_at=timezone.now(),
        action="audit_keyed",
        summary="From here on each event's hash is keyed with the audit key",
        prev_hash=last.hash,
        hash_scheme="hmac-sha256-v1",
    )
    event.hash = event_hash(event)
    event.save(using=db)
    AuditChainHead.objects.using(db).update_or_create(
        id=1, defaults={"last_hash": event.hash, "last_event_id": event.pk}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
    ]

    operations = [
        # Existing rows get "sha256"; new events name their scheme themselves.
        migrations.AddField(
            model_name="auditevent",
            name="hash_scheme",
            field=models.CharField(choices=SCHEMES, default="sha256", max_length=20),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_scheme",
            field=models.CharField(choices=SCHEMES, default="hmac-sha256-v1", max_length=20),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("hash_scheme__in", ["sha256", "hmac-sha256-v1"])),
                name="audit_event_hash_scheme_known",
            ),
        ),
        migrations.RunPython(keyed_event_append, migrations.RunPython.noop),
    ]
