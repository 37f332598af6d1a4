"""Generated input against the user change form of the configuration site.

accounts.admin.UserChangeForm is the one form class written in accounts (the
other configuration pages use the forms Django builds from their models). It is
bound as the site binds it for an admin, changing a colleague's account or
their own, and filled in by tests/core/test_form_fuzz_kit.py's typists:
carefully (what the page showed, or what each field accepts) or anyhow (null
bytes, unpaired surrogates, 20,000 characters, 5,000-digit numbers, 2**31,
negative numbers, 0001-01-01 and 9999-12-31, fields left out). ``is_valid()``
answers True or False, never an exception, and a refusal says why in words.
"""

import pytest
from django.test import RequestFactory
from hypothesis import strategies as st

from accounts import admin as configuration
from accounts.models import User
from tests.core.test_form_fuzz_kit import (
    answers,
    assert_both_answers,
    posted,
    run_fuzz,
    text_within,
    with_values,
)

# What the username and name fields accept, more precisely than a text field's limit.
usernames = st.from_regex(r"[A-Za-z0-9_.@+-]{1,30}", fullmatch=True).map(lambda u: [u])
names = text_within(150).map(lambda name: [name])


def change_form(admin: User):
    """The form class the configuration site gives ``admin`` to change an account."""
    request = RequestFactory().post("/configuration/accounts/user/", REMOTE_ADDR="10.0.0.7")
    request.user = admin
    user_admin = configuration.site._registry[User]
    return lambda user: user_admin.get_form(request, obj=user, change=True)


@pytest.mark.parametrize("whose", ["a-colleagues", "their-own"])
def test_user_change_form_answers_any_input(roles, whose):
    user = roles.admin if whose == "their-own" else roles.colleague
    form_class = change_form(roles.admin)(user)
    template = form_class(instance=user)
    untouched = posted(template)
    outcomes = run_fuzz(
        lambda typist: typist.fill(template, username=usernames, first_name=names, last_name=names),
        lambda data: answers(form_class(data, instance=User.objects.get(pk=user.pk))),
        untouched,
        with_values(untouched, is_active=None),
        with_values(untouched, username=roles.practitioner.username),
        with_values(untouched, username="nul\x00", email="\ud800@example.org"),
        with_values(untouched, username="x" * 151, last_name="\ud800" * 151, is_active="\x00"),
    )
    assert_both_answers(outcomes)
