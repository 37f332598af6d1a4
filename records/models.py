from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Team
from frameworks.models import Band, FrameworkOutcome, RatingScale, ScalePoint

QUALITY_CRITERIA_OUTCOME = ("outcome_not_output", "personalised", "contribution", "own_voice")
QUALITY_CRITERIA_REVIEW = ("narrative", "helps_hinders", "own_voice")


class EngagementChannel(models.TextChoices):
    """How the person's view is gathered, fitted to how they communicate."""

    VERBAL = "verbal", "Talking with them (verbal)"
    NON_VERBAL = "non_verbal", "Non-verbal communication"
    LIFE_STORY = "life_story", "Life story and records"
    FAMILY_PROXY = "family_proxy", "Through family or a proxy"


class Person(models.Model):
    """Someone a team supports. They do not sign in; their record is kept for them."""

    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="What the person likes to be called."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    chi_number = models.CharField("CHI number", max_length=10, blank=True)
    communication_needs = models.TextField(blank=True)
    engagement_channels = models.JSONField(default=list, blank=True)
    engagement_notes = models.TextField("how they prefer to be engaged", blank=True)
    # The outcome framework that fits them (adults in the community, carers, care
    # homes, or an organisation's own), by lineage so a new version still fits.
    # Agreeing an outcome offers only its framework outcomes.
    framework_lineage = models.UUIDField(null=True, blank=True)
    teams = models.ManyToManyField(Team, through="CaseloadEntry", related_name="people")
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # Set when the record is anonymised under the retention policy (records.retention).
    anonymised_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "pk"]
        # No unique constraint on the CHI number: two organisations may each hold a
        # record of the same person. records.services refuses a second record of
        # it within one organisation, which the database cannot express.
        indexes = [
            models.Index(
                fields=["chi_number"], condition=~Q(chi_number=""), name="person_chi_number"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(closed_reason=""),
                name="closed_record_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def engagement_channel_labels(self) -> list[str]:
        labels = dict(EngagementChannel.choices)
        return [labels[c] for c in self.engagement_channels if c in labels]


class CaseloadEntry(models.Model):
    """A person being on one team's caseload. A person may be on several."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="caseload_entries")
    # Indexed with the person below: a team's caseload is read from the index alone.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="caseload_entries", db_index=False
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "team"], name="person_once_per_caseload")
        ]
        indexes = [models.Index(fields=["team", "person"], name="caseload_team_person")]

    def __str__(self) -> str:
        return f"{self.person} on {self.team}"


class KeyPerson(models.Model):
    """Someone important in the person's life: family, friend, neighbour, advocate."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="key_people")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    contact = models.CharField("how to contact them", max_length=300, blank=True)
    may_speak_for_person = models.BooleanField("may speak on the person's behalf", default=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class OutcomeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ACHIEVED = "achieved", "Achieved"
    NO_LONGER_RELEVANT = "no_longer_relevant", "No longer relevant"


class Outcome(models.Model):
    """A personal outcome: what matters to the person, in their words, and how to get there."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outcomes")
    what_matters = models.TextField("what matters")
    in_own_words = models.BooleanField(
        "these are the person's own words",
        default=True,
        help_text="Untick if this is someone else's account of what matters.",
    )
    why_it_matters = models.TextField("why it matters", blank=True)
    framework_outcomes = models.ManyToManyField(
        FrameworkOutcome, related_name="personal_outcomes", blank=True
    )
    scale = models.ForeignKey(RatingScale, on_delete=models.PROTECT, related_name="outcomes")
    # How much the outcome counts in the person's Goal Attainment Scaling
    # T-score (records.progress.gas_rounds); used only when the scale is a GAS scale.
    gas_weight = models.PositiveSmallIntegerField("GAS weight", default=1)
    contribution = models.TextField("what the person and family will do", blank=True)
    next_review_on = models.DateField("next review", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=OutcomeStatus.choices, default=OutcomeStatus.ACTIVE
    )
    started_on = models.DateField()
    status_changed_on = models.DateField(null=True, blank=True)
    # Progress kept up to date by every review written, so reports never
    # recompute it from the reviews table.
    first_point = models.ForeignKey(
        ScalePoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_rated_on = models.DateField(null=True, blank=True)
    latest_point = models.ForeignKey(
        ScalePoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latest_rated_on = models.DateField(null=True, blank=True)
    # Copies of the first and latest point's score and band, so reports
    # aggregate one table without joining the scale points.
    first_score = models.IntegerField(null=True, blank=True)
    latest_score = models.IntegerField(null=True, blank=True)
    latest_band = models.CharField(max_length=20, choices=Band.choices, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    # Which of the four core recording criteria it met (records.quality), as
    # columns so reports count them with a plain aggregate on any database.
    meets_outcome_not_output = models.BooleanField(default=False)
    meets_personalised = models.BooleanField(default=False)
    meets_contribution = models.BooleanField(default=False)
    meets_own_voice = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "pk"]
        indexes = [
            models.Index(fields=["status", "next_review_on"]),
            models.Index(fields=["latest_rated_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutcomeStatus.values), name="outcome_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=OutcomeStatus.ACTIVE) | Q(status_changed_on__isnull=False),
                name="closed_outcome_has_status_date",
            ),
            models.CheckConstraint(
                condition=Q(gas_weight__gte=1, gas_weight__lte=100),
                name="outcome_gas_weight_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.what_matters[:80]

    @property
    def quality(self) -> list[str]:
        """The recording criteria met, by name (see records.quality)."""
        return [c for c in QUALITY_CRITERIA_OUTCOME if getattr(self, f"meets_{c}")]

    @quality.setter
    def quality(self, met: list[str]) -> None:
        for criterion in QUALITY_CRITERIA_OUTCOME:
            setattr(self, f"meets_{criterion}", criterion in met)


class Action(models.Model):
    """One step towards an outcome: what, who, when and where."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("what will happen")
    who = models.CharField(max_length=300, blank=True)
    # "when" stays free text ("every Sunday"); a due date, if there is one, lets
    # the step fall due on the practitioner's home page.
    when = models.CharField(max_length=200, blank=True)
    due_on = models.DateField("due by", null=True, blank=True)
    where = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["outcome", "order", "pk"]
        indexes = [models.Index(fields=["due_on"], name="action_due_on")]

    def __str__(self) -> str:
        return self.description[:80]


class Review(models.Model):
    """A look at how an outcome is going. Append-only: a correction is a new amendment."""

    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    point = models.ForeignKey(ScalePoint, on_delete=models.PROTECT, related_name="reviews")
    narrative = models.TextField("how it is going", blank=True)
    what_helped = models.TextField(blank=True)
    what_hindered = models.TextField(blank=True)
    unintended_outcomes = models.TextField(blank=True)
    plan_needs_change = models.BooleanField("the plan needs to change", default=False)
    plan_change = models.TextField("how the plan should change", blank=True)
    views_included = models.TextField("whose views were included", blank=True)
    # How the person's view was gathered (EngagementChannel values).
    channels = models.JSONField(default=list, blank=True)
    # Admin-defined themes of what helped and what hindered, for reports.
    helped_themes = models.ManyToManyField(
        "themes.Theme", blank=True, related_name="reviews_helped"
    )
    hindered_themes = models.ManyToManyField(
        "themes.Theme", blank=True, related_name="reviews_hindered"
    )
    amends = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendment"
    )
    amendment_reason = models.TextField(blank=True)
    meets_narrative = models.BooleanField(default=False)
    meets_helps_hinders = models.BooleanField(default=False)
    meets_own_voice = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["outcome", "reviewed_on", "pk"]
        indexes = [models.Index(fields=["outcome", "reviewed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amends__isnull=True) | ~Q(amendment_reason=""),
                name="amendment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.outcome_id} on {self.reviewed_on}"

    @property
    def quality(self) -> list[str]:
        """The recording criteria met, by name (see records.quality)."""
        return [c for c in QUALITY_CRITERIA_REVIEW if getattr(self, f"meets_{c}")]

    @quality.setter
    def quality(self, met: list[str]) -> None:
        for criterion in QUALITY_CRITERIA_REVIEW:
            setattr(self, f"meets_{criterion}", criterion in met)


class Submission(models.Model):
    """A create form's one-time key, claimed by the save it was sent with
    (records.submissions), so the same page sent twice saves once."""

    key = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.key)
