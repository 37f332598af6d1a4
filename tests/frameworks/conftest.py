"""Fixtures for framework and scale tests: requests as an admin, and a GAS framework."""

import pytest
from django.test import RequestFactory

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


@pytest.fixture
def frameworks(db):
    defaults_load()


@pytest.fixture
def request_as():
    """A request made by ``user``, as services receive it from a view."""

    def make(user, path="/frameworks/"):
        request = RequestFactory().post(path, REMOTE_ADDR="10.0.0.9")
        request.user = user
        return request

    return make


@pytest.fixture
def admin_request(roles, request_as):
    return request_as(roles.admin)


@pytest.fixture
def person(roles, frameworks):
    """Someone on the practitioner's team's caseload."""
    return CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie").person


@pytest.fixture
def gas_framework(admin_request):
    """A framework rated on a Goal Attainment Scaling scale, with three outcomes."""
    scale = services.scale_create(
        request=admin_request,
        spec=ScaleSpec(name="Goal Attainment Scaling", kind="gas", points=GAS_POINTS),
    )
    return services.framework_create(
        request=admin_request,
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
