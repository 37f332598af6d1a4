"""A factory for every model a test may need to make directly.

Left out on purpose, each also named in tests/test_factories_cover_models.py:

- the audit trail's chain head: audit rows are written only through
  audit.services (AuditEventFactory below goes through it too);
- the reports' tallies: derived data, counted from the records by
  reports.tallies whenever an outcome or a review is written.
"""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organisation, OrganisationRole, Role, Team, User
from conversations.models import (
    Addendum,
    AgreedAction,
    AgreedOutcome,
    CandidateOutcome,
    Channel,
    Conversation,
    ConversationKind,
    Participant,
    ParticipantKind,
    ReviewEntry,
    RiskDiscussion,
    Stage,
)
from frameworks.models import (
    Band,
    CategoryKind,
    Framework,
    FrameworkCategory,
    FrameworkOutcome,
    RatingScale,
    ScalePoint,
)
from records.models import Action, CaseloadEntry, KeyPerson, Outcome, Person, Review
from reports.models import SharedExample
from themes.models import Theme

PASSWORD = "a-long-test-password-1"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Partnership {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.PRACTITIONER

    @factory.post_generation
    def user_works_there(obj, create, extracted, **kwargs):
        # A user works for one organisation: the first one they get a role in.
        _belongs_to(obj.user, obj.team.organisation_id)


class OrganisationRoleFactory(DjangoModelFactory):
    """A role across a whole organisation: an organisation-wide manager."""

    class Meta:
        model = OrganisationRole
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganisationRole.Kind.MANAGER

    @factory.post_generation
    def user_works_there(obj, create, extracted, **kwargs):
        _belongs_to(obj.user, obj.organisation_id)


def _belongs_to(user, organisation_id) -> None:
    if user.organisation_id is None:
        user.organisation_id = organisation_id
        User.objects.filter(pk=user.pk).update(organisation_id=organisation_id)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name", locale="en_GB")
    preferred_name = ""


class CaseloadEntryFactory(DjangoModelFactory):
    class Meta:
        model = CaseloadEntry

    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(TeamFactory)


class RatingScaleFactory(DjangoModelFactory):
    class Meta:
        model = RatingScale

    # The organisation already there (most tests have one), so no second set of
    # default frameworks is loaded for a new one.
    organisation = factory.LazyFunction(
        lambda: Organisation.objects.order_by("pk").first() or OrganisationFactory()
    )
    key = factory.Sequence(lambda n: f"scale-{n}")
    name = factory.Sequence(lambda n: f"Scale {n}")


class ScalePointFactory(DjangoModelFactory):
    class Meta:
        model = ScalePoint

    scale = factory.SubFactory(RatingScaleFactory)
    score = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"Point {n}")
    band = Band.PARTLY_ACHIEVED


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework

    key = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.Sequence(lambda n: f"Framework {n}")
    audience = "Adults living in the community"
    scale = factory.SubFactory(RatingScaleFactory)
    organisation = factory.LazyAttribute(lambda framework: framework.scale.organisation)


class FrameworkCategoryFactory(DjangoModelFactory):
    class Meta:
        model = FrameworkCategory

    framework = factory.SubFactory(FrameworkFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    kind = CategoryKind.QUALITY_OF_LIFE


class FrameworkOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = FrameworkOutcome

    category = factory.SubFactory(FrameworkCategoryFactory)
    short_name = factory.Sequence(lambda n: f"Outcome {n}")
    description = "A plain description."


class AuditEventFactory(DjangoModelFactory):
    """An audit event written through audit_record, so the hash chain stays intact."""

    class Meta:
        model = "audit.AuditEvent"

    actor = factory.SubFactory(UserFactory)
    action = "view"
    object_type = "records.person"
    object_id = factory.Sequence(str)
    summary = "Viewed record"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Imported here, not at the top, to keep this factory's addition in one place.
        from audit.services import audit_record
        from common.actor import Actor

        on = (kwargs.pop("object_type"), kwargs.pop("object_id"))
        return audit_record(actor=Actor(user=kwargs.pop("actor")), on=on, **kwargs)


class KeyPersonFactory(DjangoModelFactory):
    class Meta:
        model = KeyPerson

    person = factory.SubFactory(PersonFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = "Daughter"


class OutcomeFactory(DjangoModelFactory):
    """An outcome on the extent-achieved scale (load the default frameworks first)."""

    class Meta:
        model = Outcome

    person = factory.SubFactory(PersonFactory)
    what_matters = factory.Sequence(lambda n: f"I want to get back to my garden, number {n}")
    started_on = factory.LazyFunction(lambda: datetime.date(2025, 1, 6))
    # The extent-achieved scale of the organisation supporting the person (or of the
    # first organisation, for a person on no caseload yet).
    scale = factory.LazyAttribute(
        lambda outcome: (
            RatingScale.objects.filter(key="extent-achieved")
            .filter(
                organisation=outcome.person.teams.values("organisation").first()["organisation"]
                if outcome.person.teams.exists()
                else Organisation.objects.order_by("pk").first()
            )
            .get()
        )
    )
    created_by = factory.SubFactory(UserFactory)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    outcome = factory.SubFactory(OutcomeFactory)
    description = "Walk to the shop together"
    who = "Support worker"


class ReviewFactory(DjangoModelFactory):
    """A review row written directly; tests of progress go through services.review_add."""

    class Meta:
        model = Review

    outcome = factory.SubFactory(OutcomeFactory)
    reviewed_on = factory.LazyFunction(lambda: datetime.date(2025, 3, 1))
    point = factory.LazyAttribute(lambda o: o.outcome.scale.points.order_by("score").first())
    narrative = "Going to the garden centre on Fridays again."
    created_by = factory.SubFactory(UserFactory)


class ThemeFactory(DjangoModelFactory):
    """A theme of what helps or what hinders, on one organisation's list."""

    class Meta:
        model = Theme

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Time with neighbours {n}")
    description = "Neighbours dropping in, sharing a meal or a walk."


class ConversationFactory(DjangoModelFactory):
    """A first conversation, still a draft at its first stage.

    ``kind=ConversationKind.REVIEW`` makes a review conversation (at the review
    stage), and ``recorded=True`` one already confirmed into the record. The rows
    are written directly; tests of confirming go through the conversation pages.
    """

    class Meta:
        model = Conversation

    class Params:
        recorded = factory.Trait(
            stage=Stage.RECORD,
            recorded_at=factory.LazyFunction(timezone.now),
            recorded_by=factory.SelfAttribute("created_by"),
        )

    person = factory.SubFactory(PersonFactory)
    kind = ConversationKind.FIRST
    held_on = factory.LazyFunction(lambda: datetime.date(2025, 1, 6))
    place = "At home"
    channels = factory.LazyFunction(lambda: [Channel.VERBAL.value])
    stage = factory.LazyAttribute(
        lambda o: Stage.REVIEW if o.kind == ConversationKind.REVIEW else Stage.EXCHANGE
    )
    created_by = factory.SubFactory(UserFactory)


class ParticipantFactory(DjangoModelFactory):
    """A relative who took part, and what matters to the person from where they stand."""

    class Meta:
        model = Participant

    conversation = factory.SubFactory(ConversationFactory)
    kind = ParticipantKind.FAMILY
    name = factory.Sequence(lambda n: f"Robin Example {n}")
    role = "Daughter"
    what_matters = "That Mum gets out to the harbour while the weather holds."
    why = "She is brighter for days afterwards."
    order = factory.Sequence(int)


class CandidateOutcomeFactory(DjangoModelFactory):
    """A possible outcome noted while exchanging information, not yet agreed."""

    class Meta:
        model = CandidateOutcome

    conversation = factory.SubFactory(ConversationFactory)
    statement = factory.Sequence(lambda n: f"Walk to the harbour again, idea {n}")
    order = factory.Sequence(int)


class RiskDiscussionFactory(DjangoModelFactory):
    """A risk talked through with the person: their view, what is reasonable, safeguards."""

    class Meta:
        model = RiskDiscussion

    conversation = factory.SubFactory(ConversationFactory)
    risk = factory.Sequence(lambda n: f"Slipping on the harbour path in icy weather ({n})")
    persons_view = "I would rather risk a fall than stay in all winter."
    agreed_reasonable = "Walking on dry days, with a stick."
    safeguards = "A neighbour walks with her; a phone in her pocket."
    order = factory.Sequence(int)


class AgreedOutcomeFactory(DjangoModelFactory):
    """An outcome agreed in a conversation, in the person's own words."""

    class Meta:
        model = AgreedOutcome

    conversation = factory.SubFactory(ConversationFactory)
    what_matters = factory.Sequence(
        lambda n: f"I want to walk to the harbour with my grandson ({n})"
    )
    in_own_words = True
    why_it_matters = "It is where I grew up."
    person_contribution = "Practise the stairs every morning."
    family_contribution = "Drive us down on Sundays."
    order = factory.Sequence(int)


class AgreedActionFactory(DjangoModelFactory):
    class Meta:
        model = AgreedAction

    agreed_outcome = factory.SubFactory(AgreedOutcomeFactory)
    description = factory.Sequence(lambda n: f"Try the harbour path together, step {n}")
    who = "Physiotherapist"
    when = "Next fortnight"
    where = "The harbour"
    order = factory.Sequence(int)


class ReviewEntryFactory(DjangoModelFactory):
    """One outcome's review within a review conversation, rated at the top of its scale.

    The outcome is the conversation's person's (load the default frameworks first).
    """

    class Meta:
        model = ReviewEntry

    conversation = factory.SubFactory(ConversationFactory, kind=ConversationKind.REVIEW)
    outcome = factory.SubFactory(
        OutcomeFactory, person=factory.SelfAttribute("..conversation.person")
    )
    point = factory.LazyAttribute(lambda o: o.outcome.scale.points.order_by("score").last())
    narrative = "Walked to the harbour twice this month, once with her grandson."
    what_helped = "Her neighbour's company on the path."
    what_hindered = "Two weeks of ice in January."


class AddendumFactory(DjangoModelFactory):
    """A later addition to a recorded conversation, with why it was added."""

    class Meta:
        model = Addendum

    conversation = factory.SubFactory(ConversationFactory, recorded=True)
    text = factory.Sequence(lambda n: f"Her son also took part, by phone ({n}).")
    reason = "Left out of the record by mistake."
    created_by = factory.SubFactory(UserFactory)


class SharedExampleFactory(DjangoModelFactory):
    """A review's story shared as an example, edited, after the person agreed."""

    class Meta:
        model = SharedExample

    review = factory.SubFactory(ReviewFactory)
    organisation = factory.LazyAttribute(lambda o: o.review.outcome.scale.organisation)
    text = "She is back at the lunch club each week, and looks forward to it."
    person_agreed = True
    how_agreed = "Asked at the review; agreed in person."
    quarter_start = factory.LazyAttribute(
        lambda o: o.review.reviewed_on.replace(
            month=(o.review.reviewed_on.month - 1) // 3 * 3 + 1, day=1
        )
    )
    created_by = factory.SubFactory(UserFactory)
