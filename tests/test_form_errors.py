"""The error summary at the top of a form page, and what it says.

Forms that save something say that nothing has been saved and what was typed is
still there; filters and sign-in save nothing, so they ask for the marked
choices to be changed instead.
"""

import re

import pytest
from django.urls import reverse

SAVING = "Nothing has been saved yet, and what you typed is still here."
FILTERING = "Change the marked choices and try again."


def summary(response):
    """The one error summary on the page, as HTML."""
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('id="error-summary"') == 1, "expected exactly one error summary"
    found = re.search(r'<div[^>]*id="error-summary"[^>]*>(.*?)</div>', page, re.S)
    assert found, "the error summary is not a <div>"
    return found.group(1)


def test_a_form_page_without_errors_shows_no_summary(client, roles):
    assert 'id="error-summary"' not in client.get("/login/").content.decode()


def test_signing_in_with_a_wrong_password_asks_to_try_again(client, roles):
    response = client.post("/login/", {"username": "practitioner", "password": "not-it"})

    shown = summary(response)
    assert FILTERING in shown
    assert SAVING not in shown
    # The reason is listed in the summary itself: it belongs to no one field.
    assert "Please enter a correct username and password" in shown
    # ...and only there: said twice, a screen reader reads it twice.
    assert response.content.decode().count("Please enter a correct username and password") == 1
    assert "_auth_user_id" not in client.session


def test_adding_a_person_without_a_name_says_nothing_was_saved(client, roles):
    client.force_login(roles.practitioner)

    response = client.post("/people/add/", {"full_name": ""})

    shown = summary(response)
    assert SAVING in shown
    assert FILTERING not in shown


def test_changing_a_password_with_a_mismatch_says_nothing_was_saved(client, roles):
    client.force_login(roles.practitioner)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-long-new-password-1",
            "new_password2": "a-different-one-2",
        },
    )

    assert SAVING in summary(response)


def test_an_invalid_caseload_filter_asks_for_another_choice(client, roles):
    client.force_login(roles.practitioner)

    response = client.get("/people/", {"sort": "sideways"})

    shown = summary(response)
    assert FILTERING in shown
    assert SAVING not in shown
    # The choice that needs changing is marked beside its field.
    page = response.content.decode()
    assert "Select a valid choice. sideways is not one of the available choices." in page


@pytest.mark.parametrize("query", ["?period=custom&start=2025-13-45", "?period=someday"])
def test_an_invalid_report_period_asks_for_another_choice(client, roles, frameworks, query):
    client.force_login(roles.manager)

    response = client.get(f"/reports/teams/{roles.team.pk}/{query}")

    shown = summary(response)
    # Worded for a report: which figures are shown until the choice is changed.
    assert "The report could not use these choices" in shown
    assert "the figures below are for" in shown
    assert SAVING not in shown
