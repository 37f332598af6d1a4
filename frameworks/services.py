"""Writes to outcome frameworks and rating scales."""

from dataclasses import dataclass, field

from django.db import transaction

from .defaults import DEFAULT_FRAMEWORKS, EXTENT_SCALE
from .models import Framework, FrameworkCategory, FrameworkOutcome, RatingScale, ScalePoint


@dataclass
class DefaultsLoaded:
    scales_created: list[str] = field(default_factory=list)
    frameworks_created: list[str] = field(default_factory=list)


@transaction.atomic
def defaults_load() -> DefaultsLoaded:
    """Create the default scale and frameworks that do not exist yet.

    A framework or scale that already exists (matched by its key) is left exactly
    as it is, so running this again changes nothing and never undoes an admin's
    edits, additions or retirements.
    """
    result = DefaultsLoaded()
    scale = RatingScale.objects.filter(key=EXTENT_SCALE["key"]).first()
    if scale is None:
        scale = RatingScale.objects.create(
            key=EXTENT_SCALE["key"],
            name=EXTENT_SCALE["name"],
            kind=EXTENT_SCALE["kind"],
            description=EXTENT_SCALE["description"],
        )
        ScalePoint.objects.bulk_create(
            ScalePoint(scale=scale, score=score, label=label, band=band)
            for score, label, band in EXTENT_SCALE["points"]
        )
        result.scales_created.append(scale.name)

    existing = set(Framework.objects.values_list("key", flat=True))
    for spec in DEFAULT_FRAMEWORKS:
        if spec["key"] in existing:
            continue
        framework = Framework.objects.create(
            key=spec["key"],
            name=spec["name"],
            audience=spec["audience"],
            description=spec["description"],
            scale=scale,
        )
        for category_order, (name, kind, outcomes) in enumerate(spec["categories"], start=1):
            category = FrameworkCategory.objects.create(
                framework=framework, name=name, kind=kind, order=category_order
            )
            FrameworkOutcome.objects.bulk_create(
                FrameworkOutcome(
                    category=category, short_name=short_name, description=description, order=i
                )
                for i, (short_name, description) in enumerate(outcomes, start=1)
            )
        result.frameworks_created.append(framework.name)
    return result
