import pytest
from django.test import RequestFactory

from frameworks.services import defaults_load
from tests.factories import CaseloadEntryFactory


@pytest.fixture
def frameworks(db):
    defaults_load()


@pytest.fixture
def request_as():
    """A request made by ``user``, as services receive it from a view."""

    def make(user, path="/people/"):
        request = RequestFactory().post(path, REMOTE_ADDR="10.0.0.7")
        request.user = user
        return request

    return make


@pytest.fixture
def person(roles, frameworks):
    """Someone on the practitioner's team's caseload."""
    return CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie").person
