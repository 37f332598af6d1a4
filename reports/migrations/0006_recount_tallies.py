"""Clear the tallies of a database upgraded from a version that counted
differently (before ratings given, the cell-key method and kept age bands).

Only clears them: counting again needs the app's code and the schema as it is
at the end of ``migrate``, so ``ReportsConfig`` does it after migrating, when
there are reviews and no tallies. A new database has nothing to clear.
"""

from django.db import migrations

TALLIES = ("Tally", "TeamTally", "TeamOutcomeTally", "TeamOutcomeSpan")


def clear(apps, schema_editor):
    if not apps.get_model("records", "Review").objects.exists():
        return
    for name in TALLIES:
        apps.get_model("reports", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0013_review_channels"),
        ("reports", "0005_team_outcome_tally_start"),
    ]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
