from django.conf import settings
from django.db import models
from django.db.models import Q

from frameworks.models import FrameworkOutcome, ScalePoint
from records.models import KeyPerson, Outcome, Person, Review


class ConversationKind(models.TextChoices):
    FIRST = "first", "First conversation"
    REVIEW = "review", "Review"
    OTHER = "other", "Other conversation"


class Stage(models.TextChoices):
    """The Exchange Model's four stages, in order. A review walks outcomes instead."""

    EXCHANGE = "exchange", "Exchange information"
    NEGOTIATE = "negotiate", "Negotiate"
    AGREE = "agree", "Agree outcomes"
    RECORD = "record", "Record"
    REVIEW = "review", "Review outcomes"


FIRST_STAGES = (Stage.EXCHANGE, Stage.NEGOTIATE, Stage.AGREE, Stage.RECORD)
REVIEW_STAGES = (Stage.REVIEW, Stage.RECORD)


class Channel(models.TextChoices):
    """How the person's view was gathered."""

    VERBAL = "verbal", "Direct: talking (verbal)"
    NON_VERBAL = "non_verbal", "Direct: non-verbal (gesture, signing, pictures, objects)"
    LIFE_STORY = "life_story", "Indirect: life story and records"
    FAMILY_PROXY = "family_proxy", "Indirect: family or a proxy speaking for them"


class Conversation(models.Model):
    """A conversation with a person, a draft until it is confirmed into the record."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="conversations")
    kind = models.CharField(max_length=20, choices=ConversationKind.choices)
    held_on = models.DateField("date")
    place = models.CharField(max_length=200, blank=True)
    channels = models.JSONField(default=list, blank=True)
    communication_support = models.TextField(blank=True)
    # Exchange information
    strengths_person = models.TextField("the person's strengths and resources", blank=True)
    strengths_family = models.TextField("family's strengths and resources", blank=True)
    strengths_community = models.TextField("community strengths and resources", blank=True)
    # Negotiate
    differences = models.TextField("where views differ, and how it was discussed", blank=True)
    # Agree
    not_agreed = models.TextField("anything still not agreed", blank=True)
    # The furthest stage reached, and the stage to pick the draft up at: where it
    # was left ("save draft and come back later"), or the next one after a save.
    stage = models.CharField(max_length=20, choices=Stage.choices)
    resume_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ConversationKind.values), name="conversation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(recorded_at__isnull=True) | Q(recorded_by__isnull=False),
                name="recorded_conversation_has_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.person} on {self.held_on}"

    @property
    def is_draft(self) -> bool:
        return self.recorded_at is None

    @property
    def resume_at(self) -> str:
        return self.resume_stage or self.stage

    @property
    def stages(self) -> tuple[str, ...]:
        return REVIEW_STAGES if self.kind == ConversationKind.REVIEW else FIRST_STAGES

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [labels[c] for c in self.channels if c in labels]


class ParticipantKind(models.TextChoices):
    PERSON = "person", "The person"
    FAMILY = "family", "Relative or carer"
    PRACTITIONER = "practitioner", "Practitioner"
    ORGANISATION = "organisation", "Other organisation"


class Participant(models.Model):
    """Someone who took part: the person, family, practitioners, other organisations."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(max_length=20, choices=ParticipantKind.choices)
    name = models.CharField(max_length=200)
    role = models.CharField("relationship, discipline or organisation", max_length=200, blank=True)
    key_person = models.ForeignKey(
        KeyPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Exchange information: what matters, from this perspective.
    what_matters = models.TextField(blank=True)
    why = models.TextField(blank=True)
    in_own_words = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["conversation", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ParticipantKind.values), name="participant_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class CandidateOutcome(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="candidates"
    )
    statement = models.TextField()
    suggested = models.ForeignKey(
        FrameworkOutcome, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["conversation", "order", "pk"]

    def __str__(self) -> str:
        return self.statement[:80]


class RiskDiscussion(models.Model):
    """A risk talked through: what is reasonable to the person, with safeguards."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="risks")
    risk = models.TextField()
    persons_view = models.TextField("the person's view", blank=True)
    agreed_reasonable = models.TextField("what was agreed as reasonable", blank=True)
    safeguards = models.TextField(blank=True)
    look_again_on = models.DateField("when to look at it again", null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["conversation", "order", "pk"]

    def __str__(self) -> str:
        return self.risk[:80]


class AgreedOutcome(models.Model):
    """An outcome agreed in the conversation; written into the record on confirming."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="agreed_outcomes"
    )
    what_matters = models.TextField()
    in_own_words = models.BooleanField(default=True)
    why_it_matters = models.TextField(blank=True)
    framework_outcomes = models.ManyToManyField(FrameworkOutcome, related_name="+", blank=True)
    person_contribution = models.TextField("what the person will do", blank=True)
    family_contribution = models.TextField("what family and friends will do", blank=True)
    practitioner_contribution = models.TextField("what practitioners will do", blank=True)
    community_contribution = models.TextField("what the community will do", blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_outcome = models.OneToOneField(
        Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="agreed_in"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["conversation", "order", "pk"]

    def __str__(self) -> str:
        return self.what_matters[:80]

    def contribution_text(self) -> str:
        """The person's and family's part, as it goes into the record."""
        parts = [
            ("The person", self.person_contribution),
            ("Family and friends", self.family_contribution),
        ]
        return "\n".join(f"{who}: {text.strip()}" for who, text in parts if text.strip())


class AgreedAction(models.Model):
    agreed_outcome = models.ForeignKey(
        AgreedOutcome, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField()
    who = models.CharField(max_length=300, blank=True)
    when = models.CharField(max_length=200, blank=True)
    due_on = models.DateField("due by", null=True, blank=True)
    where = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agreed_outcome", "order", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


class ReviewEntry(models.Model):
    """One outcome's review within a review conversation, until it is confirmed."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="review_entries"
    )
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="+")
    point = models.ForeignKey(
        ScalePoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    narrative = models.TextField(blank=True)
    what_helped = models.TextField(blank=True)
    what_hindered = models.TextField(blank=True)
    unintended_outcomes = models.TextField(blank=True)
    plan_needs_change = models.BooleanField(default=False)
    plan_change = models.TextField(blank=True)
    # The outcome's steps as they should be after the review, when the plan
    # changes there and then (records.services.ActionData fields); null keeps them.
    new_steps = models.JSONField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    helped_themes = models.ManyToManyField("themes.Theme", blank=True, related_name="+")
    hindered_themes = models.ManyToManyField("themes.Theme", blank=True, related_name="+")
    recorded_review = models.OneToOneField(
        Review, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed_in"
    )

    class Meta:
        ordering = ["conversation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "outcome"], name="one_entry_per_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"Review of outcome {self.outcome_id}"


class Addendum(models.Model):
    """A later correction or addition to a recorded conversation, with its reason."""

    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "created_at", "pk"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum to {self.conversation_id}"
