import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organisation, Role, Team, User
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

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Role.PRACTITIONER


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

        return audit_record(**kwargs)


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
    scale = factory.LazyFunction(lambda: RatingScale.objects.get(key="extent-achieved"))
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
