"""Every framework and scale now belongs to an organisation; each organisation's keys and
names are its own. A separate step from 0003, so PostgreSQL has checked the rows
0003 changed before their table is altered."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0003_organisation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="framework",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="frameworks",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="ratingscale",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rating_scales",
                to="accounts.organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("organisation", "key"),
                name="framework_key_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.UniqueConstraint(
                models.F("organisation"),
                django.db.models.functions.text.Lower("name"),
                condition=models.Q(("retired_at__isnull", True), ("superseded_at__isnull", True)),
                name="framework_name_unique_in_use",
            ),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("organisation", "key"),
                name="scale_key_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.UniqueConstraint(
                models.F("organisation"),
                django.db.models.functions.text.Lower("name"),
                condition=models.Q(("superseded_at__isnull", True)),
                name="scale_name_unique_among_current",
            ),
        ),
    ]
