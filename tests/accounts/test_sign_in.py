from tests.factories import PASSWORD, UserFactory


def test_person_signs_in_and_lands_on_home(client, roles):
    response = client.post(
        "/login/", {"username": "practitioner", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Your teams" in response.content


def test_wrong_password_shows_a_plain_message_and_keeps_the_username(client, roles):
    response = client.post("/login/", {"username": "practitioner", "password": "not-it"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert 'value="practitioner"' in html


def test_sign_out_is_a_post_and_ends_the_session(client, roles):
    client.force_login(roles.practitioner)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_keeps_the_user_signed_in_with_the_new_password(client, db):
    user = UserFactory(username="changer")
    client.force_login(user)
    response = client.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase-42",
            "new_password2": "a-brand-new-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase-42")


def test_weak_new_password_is_refused_next_to_the_field(client, db):
    user = UserFactory(username="changer")
    client.force_login(user)
    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
