"""Versions of frameworks and scales, and a stable identity for each framework outcome.

Existing rows become version 1 of their own lineage, and each existing
framework outcome gets its own identity. The UUID fields are added as nullable,
filled row by row, then made required: a default in AddField would give every
existing row the same value.
"""

import uuid

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Q
from django.db.models.functions import Lower


def fill_identities(apps, schema_editor):
    for model_name, field in (
        ("RatingScale", "lineage"),
        ("Framework", "lineage"),
        ("FrameworkOutcome", "identity"),
    ):
        model = apps.get_model("frameworks", model_name)
        for row in model.objects.filter(**{f"{field}__isnull": True}).only("pk"):
            model.objects.filter(pk=row.pk).update(**{field: uuid.uuid4()})


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
    ]

    operations = [
        # Keys move to the current version only, so they are unique among non-blank values.
        migrations.AlterField(
            model_name="ratingscale",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Stable identifier for loading; current version only.",
                max_length=80,
            ),
        ),
        migrations.AlterField(
            model_name="framework",
            name="key",
            field=models.SlugField(
                blank=True,
                help_text="Stable identifier for loading; current version only.",
                max_length=80,
            ),
        ),
        migrations.AddField(
            model_name="ratingscale",
            name="lineage",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="ratingscale",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="ratingscale",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="ratingscale",
            name="superseded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="ratingscale",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="framework",
            name="lineage",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="framework",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name="framework",
            name="superseded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="frameworkoutcome",
            name="identity",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_identities, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="ratingscale",
            name="lineage",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="framework",
            name="lineage",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="frameworkoutcome",
            name="identity",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterModelOptions(
            name="ratingscale",
            options={"ordering": ["name", "version"]},
        ),
        migrations.AlterModelOptions(
            name="framework",
            options={"ordering": ["name", "version"]},
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.CheckConstraint(
                condition=Q(version__gte=1), name="scale_version_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.UniqueConstraint(
                fields=("lineage", "version"), name="scale_version_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.UniqueConstraint(
                condition=Q(superseded_at__isnull=True),
                fields=("lineage",),
                name="scale_one_current_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.UniqueConstraint(
                condition=~Q(key=""), fields=("key",), name="scale_key_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | Q(key=""),
                name="scale_key_on_current_version_only",
            ),
        ),
        migrations.AddConstraint(
            model_name="ratingscale",
            constraint=models.UniqueConstraint(
                Lower("name"),
                condition=Q(superseded_at__isnull=True),
                name="scale_name_unique_among_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.CheckConstraint(
                condition=Q(version__gte=1), name="framework_version_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.UniqueConstraint(
                fields=("lineage", "version"), name="framework_version_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.UniqueConstraint(
                condition=Q(superseded_at__isnull=True),
                fields=("lineage",),
                name="framework_one_current_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.UniqueConstraint(
                condition=~Q(key=""), fields=("key",), name="framework_key_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | Q(key=""),
                name="framework_key_on_current_version_only",
            ),
        ),
        migrations.AddConstraint(
            model_name="framework",
            constraint=models.UniqueConstraint(
                Lower("name"),
                condition=Q(retired_at__isnull=True, superseded_at__isnull=True),
                name="framework_name_unique_in_use",
            ),
        ),
        migrations.AddConstraint(
            model_name="frameworkoutcome",
            constraint=models.UniqueConstraint(
                fields=("category", "identity"), name="outcome_identity_once_per_category"
            ),
        ),
    ]
