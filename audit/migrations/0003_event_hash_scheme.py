"""Record how each event was hashed, so the trail can be keyed with a secret.

Events already in the trail were hashed with plain SHA-256 and stay that way
(rehashing them would also bless any change made to them before now); every
event written from now on is keyed (HMAC-SHA256 with AUDIT_KEY). Adding the
column rewrites no row, so the append-only trigger is not involved.
"""

from django.db import migrations, models

SCHEMES = [("sha256", "SHA-256, unkeyed"), ("hmac-sha256-v1", "HMAC-SHA256 with the audit key")]


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
    ]
