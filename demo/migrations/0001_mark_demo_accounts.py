"""Mark the demo accounts made before accounts were marked, so that they too are
refused whenever DEBUG is off."""

from django.db import migrations

# The usernames ``make run`` has always given its demo accounts.
DEMO_USERNAMES = ("demo-practitioner", "demo-practitioner-2", "demo-manager", "demo-admin")


def mark(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(username__in=DEMO_USERNAMES).update(is_demo=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_organisation")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
