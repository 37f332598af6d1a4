"""Two admins saving the same name at once: the second is told, never shown a server error.

The name is checked before the insert; the database's unique constraint
catches a framework or scale of the same name saved in between (a double
submit, or two admins at once). Each test saves that other one in between,
inside the same transaction, so the refusal rolls it back too.
"""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from frameworks import services
from frameworks.models import Framework
from frameworks.specs import PointSpec, ScaleSpec
from tests.frameworks.conftest import home_organisation

TWO_POINTS = (PointSpec(1, "Not met", "not_achieved"), PointSpec(2, "Met", "achieved"))


def adults() -> Framework:
    return Framework.objects.get(key="adults-community")


def saved_meanwhile(name: str, save) -> mock._patch:
    """The name check passes once, as if ``save`` ran just after it."""
    check = getattr(services, name)
    calls = []

    def check_then_race(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            save()
            return None
        return check(*args, **kwargs)

    return mock.patch.object(services, name, side_effect=check_then_race)


def test_a_framework_named_meanwhile_is_refused_with_the_name_message(frameworks, admin_actor):
    def other_admin_copies():
        with mock.patch.object(services, "_check_framework_name_free"):
            services.framework_copy(actor=admin_actor, framework=adults(), name="Adults in Fife")

    with (
        saved_meanwhile("_check_framework_name_free", other_admin_copies),
        pytest.raises(ValidationError) as refused,
    ):
        services.framework_copy(actor=admin_actor, framework=adults(), name="adults in fife")
    assert refused.value.message_dict["name"][0].startswith(
        "A framework called “adults in fife” is already in use."
    )


def test_a_scale_named_meanwhile_is_refused_with_the_name_message(db, roles, admin_actor):
    spec = ScaleSpec(name="Met or not", kind="extent", points=TWO_POINTS)

    def other_admin_creates():
        services.scale_create(actor=admin_actor, organisation=home_organisation(), spec=spec)

    with (
        saved_meanwhile("_check_scale_name_free", other_admin_creates),
        pytest.raises(ValidationError) as refused,
    ):
        services.scale_create(actor=admin_actor, organisation=home_organisation(), spec=spec)
    assert refused.value.message_dict == {"name": ["There is already a scale called “Met or not”."]}


def test_the_copy_page_shows_the_name_taken_meanwhile_as_a_form_error(client, roles, frameworks):
    client.force_login(roles.admin)

    def other_admin_copies():
        with mock.patch.object(services, "_check_framework_name_free"):
            services.framework_copy(
                actor=mock.Mock(signed_in_user=roles.admin, ip_address="", path=""),
                framework=adults(),
                name="Adults in Fife",
            )

    with saved_meanwhile("_check_framework_name_free", other_admin_copies):
        response = client.post(f"/frameworks/{adults().pk}/copy/", {"name": "Adults in Fife"})
    assert response.status_code == 200
    assert "is already in use" in response.content.decode()
