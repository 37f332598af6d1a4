"""Shared fixtures: one user for each role the product knows, and their teams.

``practitioner`` and ``colleague`` share ``team``; ``other_practitioner`` works
in ``other_team`` only; ``manager`` manages ``team``; ``admin`` is an admin.
"""

from dataclasses import dataclass

import pytest

from accounts.models import Role
from common.actor import Actor
from frameworks.services import defaults_load
from tests.factories import (
    CaseloadEntryFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)


def pytest_collection_modifyitems(config, items):
    """Leave PostgreSQL-only tests out of a SQLite run; CI runs them on PostgreSQL."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker("postgresql_only") else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@dataclass
class Roles:
    team: object
    other_team: object
    practitioner: object
    colleague: object
    other_practitioner: object
    manager: object
    admin: object


@pytest.fixture
def roles(db) -> Roles:
    organisation = OrganisationFactory(name="Test Partnership")
    team = TeamFactory(organisation=organisation, name="Hillside Team")
    other_team = TeamFactory(organisation=organisation, name="Shoreline Team")

    def member(username: str, team, role: str):
        user = UserFactory(username=username)
        MembershipFactory(user=user, team=team, role=role)
        return user

    return Roles(
        team=team,
        other_team=other_team,
        practitioner=member("practitioner", team, Role.PRACTITIONER),
        colleague=member("colleague", team, Role.PRACTITIONER),
        other_practitioner=member("other-practitioner", other_team, Role.PRACTITIONER),
        manager=member("manager", team, Role.MANAGER),
        admin=member("admin", team, Role.ADMIN),
    )


@pytest.fixture
def practitioner_client(client, roles):
    client.force_login(roles.practitioner)
    return client


@pytest.fixture
def frameworks(roles):
    defaults_load()


@pytest.fixture
def actor_as():
    """``user`` acting from a browser, as a view hands them to services."""

    def make(user, path="/people/"):
        return Actor(user=user, ip_address="10.0.0.7", path=path)

    return make


@pytest.fixture
def person(roles, frameworks):
    """Someone on the practitioner's team's caseload."""
    return CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie").person
