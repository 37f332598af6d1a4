import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from accounts.models import Organisation


class Band(models.TextChoices):
    """The three report bands every scale point maps to, worst first."""

    NOT_ACHIEVED = "not_achieved", "Not achieved"
    PARTLY_ACHIEVED = "partly_achieved", "Partly achieved"
    ACHIEVED = "achieved", "Achieved"


class ScaleKind(models.TextChoices):
    EXTENT = "extent", "Extent achieved"
    GAS = "gas", "Goal Attainment Scaling"


class CategoryKind(models.TextChoices):
    QUALITY_OF_LIFE = "quality_of_life", "Quality of life"
    PROCESS = "process", "Process"
    CHANGE = "change", "Change"
    CARING_ROLE = "caring_role", "Managing the caring role"


# The scores of a Goal Attainment Scaling scale: -2 (much less than expected)
# to +2 (much more), 0 being the expected level.
GAS_SCORES = (-2, -1, 0, 1, 2)


class RatingScale(models.Model):
    """A rating scale. One row is one version: rows are never edited once used.

    Every version of the same scale shares ``lineage``; the current version is
    the one not ``superseded_at``. Outcomes and reviews point at the version
    (and its points) they were rated with, so their meaning never changes.
    """

    # Each organisation has its own scales and frameworks, so nothing one
    # organisation changes alters what another's records mean.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rating_scales"
    )
    # Only the current version carries the key, so looking a scale up by key
    # always finds the version to use now.
    key = models.SlugField(
        max_length=80, blank=True, help_text="Stable identifier for loading; current version only."
    )
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ScaleKind.choices, default=ScaleKind.EXTENT)
    description = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ScaleKind.values), name="scale_kind_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="scale_version_positive"),
            models.UniqueConstraint(fields=["lineage", "version"], name="scale_version_unique"),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(superseded_at__isnull=True),
                name="scale_one_current_version",
            ),
            models.UniqueConstraint(
                fields=["organisation", "key"], condition=~Q(key=""), name="scale_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | Q(key=""),
                name="scale_key_on_current_version_only",
            ),
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                condition=Q(superseded_at__isnull=True),
                name="scale_name_unique_among_current",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scale_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_gas(self) -> bool:
        return self.kind == ScaleKind.GAS


class ScalePoint(models.Model):
    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="points")
    score = models.IntegerField()
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    band = models.CharField(max_length=20, choices=Band.choices)

    class Meta:
        ordering = ["scale", "score"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "score"], name="scale_score_unique"),
            models.CheckConstraint(
                condition=models.Q(band__in=Band.values), name="point_band_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.label}"


class Framework(models.Model):
    """An outcome framework. One row is one version, as for ``RatingScale``.

    A version that anything has been recorded against is never edited again
    (apart from being retired or superseded): a change makes a new version
    with the same ``lineage``, and its outcomes keep their ``identity``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="frameworks"
    )
    key = models.SlugField(
        max_length=80, blank=True, help_text="Stable identifier for loading; current version only."
    )
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    name = models.CharField(max_length=200)
    audience = models.CharField("who it is for", max_length=200)
    description = models.TextField(blank=True)
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="frameworks")
    retired_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="framework_version_positive"),
            models.UniqueConstraint(fields=["lineage", "version"], name="framework_version_unique"),
            models.UniqueConstraint(
                fields=["lineage"],
                condition=Q(superseded_at__isnull=True),
                name="framework_one_current_version",
            ),
            models.UniqueConstraint(
                fields=["organisation", "key"], condition=~Q(key=""), name="framework_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True) | Q(key=""),
                name="framework_key_on_current_version_only",
            ),
            # Two frameworks in use with the same name could not be told apart
            # when recording; a retired one may share its name with its successor.
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                condition=Q(superseded_at__isnull=True, retired_at__isnull=True),
                name="framework_name_unique_in_use",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("framework_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class FrameworkCategory(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=CategoryKind.choices)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "pk"]
        verbose_name_plural = "framework categories"
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="category_name_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=CategoryKind.values), name="category_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkOutcome(models.Model):
    """One outcome of a framework, such as "Feeling safe"."""

    category = models.ForeignKey(
        FrameworkCategory, on_delete=models.CASCADE, related_name="outcomes"
    )
    # The same in every version of the framework, so reports can count an
    # outcome across versions however its wording changed.
    identity = models.UUIDField(default=uuid.uuid4, editable=False)
    short_name = models.CharField(max_length=200)
    description = models.TextField("plain-language description", blank=True)
    order = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "short_name"], name="outcome_name_unique"),
            models.UniqueConstraint(
                fields=["category", "identity"], name="outcome_identity_once_per_category"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name
