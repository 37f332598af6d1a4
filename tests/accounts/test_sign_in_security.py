"""Signing in safely: lockout, the audit of each attempt, the second step with a
code app, the idle timeout, password rules and demo accounts."""

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import TOTP

from accounts.middleware import LAST_ACTIVITY_KEY
from accounts.models import Role
from accounts.views import PENDING_KEY
from audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)

LOCKED = (
    "Too many attempts to sign in. Wait 15 minutes and try again, "
    "or ask an admin to unlock the account."
)
WRONG = "Please enter a correct username and password"


@pytest.fixture
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def mfa_on(settings):
    settings.MFA_ENFORCED = True


def sign_in(client, username, password=PASSWORD, address="192.0.2.1", follow=False):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        follow=follow,
    )


def fail(client, username, times, address="192.0.2.1"):
    """Sign in with a wrong password ``times`` times; the fifth failure locks."""
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address=address)
        assert response.status_code in (200, 429)


def without_csrf(response) -> str:
    return re.sub(r'value="[^"]{32,}"', "", response.content.decode())


# Lockout


def test_right_password_is_refused_after_five_failures_for_the_account(client, roles, lockout_on):
    # Each failure from a different address: the account itself is locked.
    for n in range(5):
        fail(client, "practitioner", 1, address=f"198.51.100.{n + 1}")
    response = sign_in(client, "practitioner", address="198.51.100.99")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert 'name="username"' in response.content.decode()  # the sign-in page itself
    assert client.get("/").status_code == 302  # not signed in


def test_right_password_is_refused_from_an_address_that_tried_many_accounts(
    client, roles, lockout_on
):
    for n in range(25):
        fail(client, f"guess-{n}", 1, address="203.0.113.5")
    response = sign_in(client, "practitioner", address="203.0.113.5")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # The same account from elsewhere still signs in.
    assert sign_in(Client(), "practitioner", address="203.0.113.6").status_code == 302


def test_an_office_sharing_one_address_is_not_locked_out_by_a_few_mistyped_passwords(
    client, roles, lockout_on
):
    # Twenty-four people in one office each mistype their password once.
    for n in range(24):
        fail(client, f"colleague-{n}", 1, address="203.0.113.7")
    assert sign_in(client, "practitioner", address="203.0.113.7").status_code == 302
    # One account's own limit is still five, from that address too.
    fail(Client(), "manager", 5, address="203.0.113.7")
    assert sign_in(Client(), "manager", address="203.0.113.7").status_code == 429


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, roles, lockout_on):
    for _ in range(4):
        assert sign_in(client, "practitioner", "not-it").status_code == 200
    assert sign_in(client, "practitioner").status_code == 302


def test_lockout_message_is_the_same_for_a_real_and_an_unknown_account(client, roles, lockout_on):
    fail(client, "practitioner", 5, address="198.51.100.1")
    fail(client, "nobody-by-this-name", 5, address="198.51.100.2")
    real = sign_in(client, "practitioner", address="198.51.100.1")
    unknown = sign_in(client, "nobody-by-this-name", address="198.51.100.2")
    assert real.status_code == unknown.status_code == 429
    assert without_csrf(real) == without_csrf(unknown)


def test_admin_of_the_organisation_unlocks_an_account_and_it_is_audited(client, roles, lockout_on):
    fail(client, "practitioner", 5, address="198.51.100.1")
    assert sign_in(Client(), "practitioner", address="198.51.100.2").status_code == 429

    admin = Client()
    admin.force_login(roles.admin)
    response = admin.post(f"/accounts/users/{roles.practitioner.pk}/unlock/", follow=True)
    assert response.redirect_chain[0][0] == f"/admin/accounts/user/{roles.practitioner.pk}/change/"

    assert sign_in(Client(), "practitioner", address="198.51.100.2").status_code == 302
    event = AuditEvent.objects.get(action="sign_in_unlock")
    assert event.actor == roles.admin
    assert event.object_id == str(roles.practitioner.pk)


def test_admin_of_another_organisation_cannot_unlock_the_account(client, roles, lockout_on):
    other_admin = UserFactory(username="elsewhere-admin")
    MembershipFactory(
        user=other_admin,
        team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere")),
        role=Role.ADMIN,
    )
    fail(client, "practitioner", 5)
    elsewhere = Client()
    elsewhere.force_login(other_admin)
    assert elsewhere.post(f"/accounts/users/{roles.practitioner.pk}/unlock/").status_code == 404
    # Nor can a practitioner unlock a colleague.
    colleague = Client()
    colleague.force_login(roles.colleague)
    assert colleague.post(f"/accounts/users/{roles.practitioner.pk}/unlock/").status_code == 404
    assert sign_in(Client(), "practitioner", address="198.51.100.77").status_code == 429
    assert not AuditEvent.objects.filter(action="sign_in_unlock").exists()


def test_unlock_is_a_post(client, roles):
    client.force_login(roles.admin)
    assert client.get(f"/accounts/users/{roles.practitioner.pk}/unlock/").status_code == 405


# The audit trail


def test_sign_in_and_sign_out_are_in_the_audit_trail(client, roles):
    sign_in(client, "practitioner", address="192.0.2.44")
    client.post("/logout/", REMOTE_ADDR="192.0.2.44")
    signed_in = AuditEvent.objects.get(action="sign_in")
    signed_out = AuditEvent.objects.get(action="sign_out")
    for event in (signed_in, signed_out):
        assert event.actor == roles.practitioner
        assert event.object_id == str(roles.practitioner.pk)
        assert event.ip_address == "192.0.2.44"


def test_failed_sign_in_names_a_real_account_but_never_the_typed_text(client, roles):
    sign_in(client, "practitioner", password="my-secret-guess-1")
    sign_in(client, "my-secret-guess-2", password="my-secret-guess-3")
    real, unknown = AuditEvent.objects.filter(action="sign_in_failed").order_by("pk")
    assert real.object_id == str(roles.practitioner.pk)
    assert real.path == "/login/"
    assert real.ip_address == "192.0.2.1"
    assert unknown.object_id == ""
    for event in AuditEvent.objects.all():
        text = f"{event.summary} {event.changes} {event.object_type} {event.path}"
        assert "my-secret-guess" not in text
        assert PASSWORD not in text


def test_lockout_is_in_the_audit_trail(client, roles, lockout_on):
    fail(client, "practitioner", 5)
    assert AuditEvent.objects.filter(
        action="sign_in_locked_out", object_id=str(roles.practitioner.pk)
    ).exists()


# Idle timeout


def test_session_ends_after_thirty_idle_minutes_with_a_message(client, roles):
    client.force_login(roles.practitioner)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()

    response = client.get("/people/", follow=True)
    assert response.redirect_chain[0][0] == "/login/?next=/people/"
    assert "You were signed out after 30 minutes without activity." in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="sign_out", actor=roles.practitioner).exists()


def test_twenty_nine_idle_minutes_keep_the_session(client, roles):
    client.force_login(roles.practitioner)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get("/").status_code == 200


def test_staying_signed_in_refreshes_the_session(client, roles):
    client.force_login(roles.practitioner)
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.post("/account/still-here/").status_code == 204
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5


def test_signed_in_pages_carry_the_idle_time_for_the_warning_script(client, roles):
    client.force_login(roles.practitioner)
    html = client.get("/").content.decode()
    assert 'data-idle-seconds="1800"' in html
    assert "js/idle.js" in html


# Password rules


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abcdefghijkl",
        " " * 12,
        "Summer2026!!",
        "demo-password-1",
        "Personal-Outcomes-2026",
    ],
)
def test_easy_to_guess_passwords_are_refused(db, password):
    user = UserFactory(username="heather", first_name="Heather", last_name="Munro")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert any("easy to guess" in m or "too common" in m for m in refused.value.messages)


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "Heather-on-the-hill-at-dawn-7"]
)
def test_long_passphrases_are_accepted(db, password):
    validate_password(password, UserFactory(username="morag"))


def test_the_users_own_name_makes_a_weak_password(db):
    user = UserFactory(username="kirsteen", first_name="Kirsteen", last_name="Macaulay")
    with pytest.raises(ValidationError):
        validate_password("Kirsteen-Macaulay", user)


def test_password_change_page_refuses_a_sequence_in_plain_words(client, db):
    user = UserFactory(username="changer")
    client.force_login(user)
    response = client.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "abcdefghijkl",
            "new_password2": "abcdefghijkl",
        },
    )
    assert response.status_code == 200
    assert "This password would be easy to guess" in response.content.decode()


# Demo accounts


def test_demo_account_is_refused_when_debug_is_off(client, roles, settings):
    settings.DEBUG = False
    UserFactory(username="demo-manager", is_demo=True)
    response = sign_in(client, "demo-manager")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert AuditEvent.objects.filter(action="sign_in_failed").exists()


def test_demo_account_signs_in_with_its_password_alone_when_debug_is_on(
    client, db, settings, mfa_on
):
    settings.DEBUG = True
    demo = UserFactory(username="demo-manager", is_demo=True)
    MembershipFactory(user=demo, role=Role.MANAGER)
    response = sign_in(client, "demo-manager", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"Your teams" in response.content


# The second step


def code_for(key_hex: str, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(client) -> tuple[str, list[str]]:
    """Set up a code app on the security page; return its key and the recovery codes."""
    page = client.get("/account/security/")
    assert page.status_code == 200
    key = client.session[PENDING_KEY]
    response = client.post("/account/security/", {"code": code_for(key)}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/security/recovery-codes/"
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    return key, codes


def test_manager_without_an_app_must_set_one_up_before_any_page(client, roles, mfa_on):
    response = sign_in(client, "manager", follow=True)
    assert response.redirect_chain[-1][0] == "/account/security/"
    html = response.content.decode()
    assert "Your role needs a second step" in html
    assert "<svg" in html  # the QR code, drawn on the server
    assert client.get("/people/").headers["Location"] == "/account/security/"
    assert client.get("/healthz").status_code == 200


def test_setting_up_an_app_shows_ten_recovery_codes_once(client, roles, mfa_on):
    sign_in(client, "manager")
    _key, codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    # Shown once: coming back does not show them again.
    assert client.get("/account/security/recovery-codes/").status_code == 302
    assert AuditEvent.objects.filter(action="mfa_enrol", actor=roles.manager).exists()


def test_a_wrong_code_when_setting_up_is_refused_and_audited(client, roles, mfa_on):
    sign_in(client, "manager")
    client.get("/account/security/")
    response = client.post("/account/security/", {"code": "000000"})
    assert "That code did not match" in response.content.decode()
    assert client.get("/").headers["Location"] == "/account/security/"
    assert AuditEvent.objects.filter(action="mfa_code_wrong").exists()


def test_signing_in_with_an_app_asks_for_its_code(client, roles, mfa_on):
    sign_in(client, "manager")
    key, _ = enrol(client)
    client.post("/logout/")

    response = sign_in(client, "manager", follow=True)
    assert response.redirect_chain[-1][0] == "/login/code/?next=/"
    assert client.get("/people/").headers["Location"] == "/login/code/?next=/people/"

    wrong = client.post("/login/code/", {"code": "123456", "next": "/"})
    assert "That code did not work" in wrong.content.decode()
    # django-otp's throttle: after a wrong code, even the right one waits a second.
    throttled = client.post("/login/code/", {"code": code_for(key, 1), "next": "/"})
    assert "That code did not work" in throttled.content.decode()
    time.sleep(1.1)
    # The code from the app's next 30 seconds: the one used to set up is spent.
    response = client.post("/login/code/", {"code": code_for(key, 1), "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert b"Your teams" in response.content
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"mfa_code_wrong", "mfa_code_accepted"} <= actions


def test_a_recovery_code_works_once(client, roles, mfa_on):
    sign_in(client, "manager")
    _, codes = enrol(client)
    client.post("/logout/")

    sign_in(client, "manager")
    response = client.post("/login/code/", {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    client.post("/logout/")

    sign_in(client, "manager")
    response = client.post("/login/code/", {"code": codes[0]})
    assert "That code did not work" in response.content.decode()
    assert client.get("/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, roles, mfa_on):
    sign_in(client, "manager")
    _, old = enrol(client)
    response = client.post("/account/security/recovery-codes/", follow=True)
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/logout/")
    sign_in(client, "manager")
    assert "did not work" in client.post("/login/code/", {"code": old[1]}).content.decode()
    assert AuditEvent.objects.filter(action="mfa_recovery_codes_renew").exists()


def test_removing_the_app_means_a_manager_must_set_one_up_again(client, roles, mfa_on):
    sign_in(client, "manager")
    enrol(client)
    client.post("/account/security/remove/")
    assert client.get("/").headers["Location"] == "/account/security/"
    assert AuditEvent.objects.filter(action="mfa_remove").exists()


def test_practitioner_needs_no_app_unless_their_organisation_asks(client, roles, mfa_on):
    assert sign_in(client, "practitioner", follow=True).redirect_chain[-1][0] == "/"
    client.post("/logout/")

    organisation = roles.team.organisation
    organisation.practitioners_need_mfa = True
    organisation.save()
    assert (
        sign_in(client, "practitioner", follow=True).redirect_chain[-1][0] == "/account/security/"
    )


def test_practitioner_may_set_up_an_app_and_is_then_asked_for_codes(client, roles, mfa_on):
    sign_in(client, "practitioner")
    _key, _ = enrol(client)
    client.post("/logout/")
    assert sign_in(client, "practitioner").headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/login/code/?next=/"


def test_organisation_wide_manager_and_admin_must_use_the_second_step(db):
    from accounts.roles import mfa_required
    from tests.factories import OrganisationRoleFactory

    wide = UserFactory(username="wide")
    OrganisationRoleFactory(user=wide)
    admin = UserFactory(username="an-admin")
    MembershipFactory(user=admin, role=Role.ADMIN)
    practitioner = UserFactory(username="a-practitioner")
    MembershipFactory(user=practitioner, role=Role.PRACTITIONER)
    assert mfa_required(wide) and mfa_required(admin)
    assert not mfa_required(practitioner)


def test_address_behind_a_proxy_is_the_one_the_proxy_added(rf, settings):
    from common.actor import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.BEHIND_TLS_PROXY = False
    assert client_address(request) == "10.0.0.1"
    settings.BEHIND_TLS_PROXY = True
    assert client_address(request) == "203.0.113.9"
