"""Fixtures for framework and scale tests: requests as an admin, and a GAS framework."""

import pytest

from accounts.models import Organisation
from common.actor import Actor
from frameworks import services
from frameworks.services import defaults_load
from frameworks.specs import CategorySpec, FrameworkSpec, OutcomeSpec, PointSpec, ScaleSpec
from tests.factories import CaseloadEntryFactory

GAS_POINTS = (
    PointSpec(-2, "Much less than expected", "not_achieved"),
    PointSpec(-1, "Somewhat less than expected", "partly_achieved"),
    PointSpec(0, "The expected level", "achieved"),
    PointSpec(1, "Somewhat more than expected", "achieved"),
    PointSpec(2, "Much more than expected", "achieved"),
)


def home_organisation():
    """The organisation of the ``roles`` fixture, whose admin is ``admin_actor``."""
    return Organisation.objects.get(name="Test Partnership")


@pytest.fixture
def frameworks(roles):
    defaults_load()


@pytest.fixture
def actor_as():
    """``user`` acting from a browser, as a view hands them to services."""

    def make(user, path="/frameworks/"):
        return Actor(user=user, ip_address="10.0.0.9", path=path)

    return make


@pytest.fixture
def admin_actor(roles, actor_as):
    return actor_as(roles.admin)


@pytest.fixture
def person(roles, frameworks):
    """Someone on the practitioner's team's caseload."""
    return CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie").person


@pytest.fixture
def gas_framework(admin_actor):
    """A framework rated on a Goal Attainment Scaling scale, with three outcomes."""
    scale = services.scale_create(
        actor=admin_actor,
        organisation=home_organisation(),
        spec=ScaleSpec(name="Goal Attainment Scaling", kind="gas", points=GAS_POINTS),
    )
    return services.framework_create(
        actor=admin_actor,
        scale=scale,
        spec=FrameworkSpec(
            name="Personal goals",
            audience="Adults who set goals with their practitioner",
            categories=(
                CategorySpec(
                    name="Goals",
                    kind="change",
                    outcomes=(
                        OutcomeSpec("Getting out"),
                        OutcomeSpec("Cooking"),
                        OutcomeSpec("Sleeping well"),
                    ),
                ),
            ),
        ),
    )
