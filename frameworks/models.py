from django.db import models


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


class RatingScale(models.Model):
    key = models.SlugField(max_length=80, unique=True, help_text="Stable identifier for loading.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ScaleKind.choices, default=ScaleKind.EXTENT)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ScaleKind.values), name="scale_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


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
    key = models.SlugField(max_length=80, unique=True, help_text="Stable identifier for loading.")
    name = models.CharField(max_length=200)
    audience = models.CharField("who it is for", max_length=200)
    description = models.TextField(blank=True)
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="frameworks")
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    short_name = models.CharField(max_length=200)
    description = models.TextField("plain-language description", blank=True)
    order = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["category", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "short_name"], name="outcome_name_unique")
        ]

    def __str__(self) -> str:
        return self.short_name
