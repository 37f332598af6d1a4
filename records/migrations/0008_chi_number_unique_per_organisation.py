# The CHI number is unique within an organisation, not across them: two
# organisations may each hold a record of the same person. records.services
# enforces it within an organisation; the index keeps that check quick.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_caseload_team_person_index"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="person",
            name="chi_number_unique",
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("chi_number", ""), _negated=True),
                fields=["chi_number"],
                name="person_chi_number",
            ),
        ),
    ]
