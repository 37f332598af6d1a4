from django.db import migrations, models

OUTCOME = ("outcome_not_output", "personalised", "contribution", "own_voice")
REVIEW = ("narrative", "helps_hinders", "own_voice")


def lists_to_columns(apps, schema_editor):
    for model_name, criteria in (("Outcome", OUTCOME), ("Review", REVIEW)):
        model = apps.get_model("records", model_name)
        for row in model.objects.exclude(quality=[]).only("pk", "quality").iterator():
            model.objects.filter(pk=row.pk).update(
                **{f"meets_{c}": c in (row.quality or []) for c in criteria}
            )


class Migration(migrations.Migration):
    dependencies = [("records", "0003_progress_scores")]

    operations = [
        *[
            migrations.AddField(
                model_name="outcome",
                name=f"meets_{c}",
                field=models.BooleanField(default=False),
            )
            for c in OUTCOME
        ],
        *[
            migrations.AddField(
                model_name="review",
                name=f"meets_{c}",
                field=models.BooleanField(default=False),
            )
            for c in REVIEW
        ],
        migrations.RunPython(lists_to_columns, migrations.RunPython.noop),
        migrations.RemoveField(model_name="outcome", name="quality"),
        migrations.RemoveField(model_name="review", name="quality"),
    ]
