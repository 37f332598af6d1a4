from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_quality_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcome",
            name="gas_weight",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="GAS weight"),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=models.Q(("gas_weight__gte", 1), ("gas_weight__lte", 100)),
                name="outcome_gas_weight_in_range",
            ),
        ),
    ]
