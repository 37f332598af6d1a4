"""Deactivating a user signs them out at once, everywhere, and keeps what they recorded."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from accounts.services import sessions_end_for_user, user_deactivate, user_reactivate
from audit.models import AuditEvent
from common.actor import Actor
from tests.accounts.admin_forms import form_data
from tests.factories import PASSWORD


@pytest.fixture
def admin_actor(roles):
    """The admin, as a view hands them to services."""
    return Actor(user=roles.admin, path="/admin/")


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles.admin)
    return client


def signed_in(user) -> Client:
    """A browser of ``user``'s, signed in with their password (a real session)."""
    browser = Client()
    assert browser.login(username=user.username, password=PASSWORD)
    assert browser.get("/people/").status_code == 200
    return browser


def user_sessions(user) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def test_unticking_active_signs_the_user_out_at_once(admin_client, roles):
    laptop = signed_in(roles.practitioner)
    phone = signed_in(roles.practitioner)
    colleague = signed_in(roles.colleague)
    url = f"/admin/accounts/user/{roles.practitioner.pk}/change/"
    data = form_data(admin_client.get(url).content.decode())
    del data["is_active"]

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert user_sessions(roles.practitioner) == 0
    for browser in (laptop, phone):
        page = browser.get("/people/")
        assert page.status_code == 302
        assert page.headers["Location"].startswith("/login/?next=")
    # Nobody else is signed out.
    assert colleague.get("/people/").status_code == 200
    event = AuditEvent.objects.get(action="deactivate", object_id=str(roles.practitioner.pk))
    assert event.actor == roles.admin
    assert event.changes == {"is_active": [True, False], "sessions_ended": [None, 2]}


def test_a_deactivated_user_cannot_sign_in_again(roles, admin_actor):
    user_deactivate(actor=admin_actor, user=roles.practitioner)
    assert not Client().login(username="practitioner", password=PASSWORD)


def test_an_inactive_users_old_session_is_refused_even_if_it_was_not_deleted(roles):
    browser = signed_in(roles.practitioner)
    # As if deactivated behind the application's back: the session row survives.
    User.objects.filter(pk=roles.practitioner.pk).update(is_active=False)
    assert user_sessions(roles.practitioner) == 1
    response = browser.get("/people/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/?next=")


def test_ending_sessions_leaves_other_users_sessions_alone(roles):
    signed_in(roles.practitioner)
    signed_in(roles.manager)
    assert sessions_end_for_user(roles.practitioner) == 1
    assert user_sessions(roles.manager) == 1


def test_an_admin_cannot_deactivate_their_own_account(admin_client, roles, admin_actor):
    url = f"/admin/accounts/user/{roles.admin.pk}/change/"
    data = form_data(admin_client.get(url).content.decode())
    del data["is_active"]
    page = admin_client.post(url, data).content.decode()
    assert "You cannot deactivate your own account; ask another admin." in page
    roles.admin.refresh_from_db()
    assert roles.admin.is_active
    with pytest.raises(ValidationError):
        user_deactivate(actor=admin_actor, user=roles.admin)


def test_the_deactivate_action_signs_out_every_selected_user(admin_client, roles):
    laptop = signed_in(roles.colleague)
    response = admin_client.post(
        "/admin/accounts/user/",
        {
            "action": "deactivate_users",
            "_selected_action": [roles.colleague.pk, roles.manager.pk],
        },
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[roles.colleague.pk, roles.manager.pk], is_active=True)
    assert laptop.get("/people/").status_code == 302


def test_reactivating_lets_them_sign_in_again_and_keeps_their_roles(roles, admin_actor):
    user_deactivate(actor=admin_actor, user=roles.practitioner)
    user_reactivate(actor=admin_actor, user=roles.practitioner)
    browser = signed_in(roles.practitioner)
    assert browser.get("/people/").status_code == 200
    assert roles.practitioner.memberships.count() == 1
    assert AuditEvent.objects.filter(action="reactivate").count() == 1
