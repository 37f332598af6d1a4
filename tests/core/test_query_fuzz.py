"""Generated query strings against every page that reads its query string.

Names the pages read, and names no page knows, each with a value typed
anyhow (tests/core/test_form_fuzz_kit.py: null bytes, unpaired surrogates,
20,000 characters, 5,000-digit numbers, the calendar's first and last days,
choices never offered). Whatever arrives, the page answers below 500: a bad
value is refused or ignored, never a server error. tests/test_bad_input.py
sends a fixed corpus to every route; this explores around it.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_form_fuzz_kit import fuzz_settings, odd_scalar
from tests.factories import CandidateOutcomeFactory, ConversationFactory

# Every name a page reads from its query string.
READ = (
    "page",
    "q",
    "team",
    "sort",
    "closed",
    "period",
    "start",
    "end",
    "identity",
    "band",
    "kind",
    "theme",
    "framework",
    "framework_outcome",
    "age_band",
    "teams_from",
    "candidate",
    "next",
    "organisation",
    "is_active",
    "memberships__role",
    "o",
    "p",
    "e",
    "_changelist_filters",
)

names = st.one_of(st.sampled_from(READ), st.text(max_size=12))
query_strings = st.lists(st.tuples(names, odd_scalar), max_size=6).map(
    lambda pairs: "&".join(
        f"{quote(name, safe='', errors='surrogatepass')}="
        f"{quote(value, safe='', errors='surrogatepass')}"
        for name, value in pairs
    )
)

# Each page that reads its query string, and who may see it.
PAGES = (
    ("practitioner", "/people/"),
    ("manager", "/people/{person}/access/"),
    ("practitioner", "/conversations/{conversation}/agree/add/"),
    ("admin", "/frameworks/scales/new/"),
    ("manager", "/reports/teams/{team}/"),
    ("manager", "/reports/teams/{team}/narrative/"),
    ("manager", "/reports/teams/{team}/export/bands.csv"),
    ("admin", "/reports/organisations/{organisation}/"),
    ("admin", "/reports/organisations/{organisation}/export/bands.csv"),
    ("practitioner", "/login/code/"),
    ("admin", "/admin/accounts/user/"),
    ("admin", "/admin/accounts/team/"),
)


@pytest.mark.parametrize(("role", "page"), PAGES, ids=[page for _, page in PAGES])
def test_any_query_string_is_answered_without_a_server_error(roles, person, role, page):
    conversation = ConversationFactory(person=person, created_by=roles.practitioner)
    CandidateOutcomeFactory(conversation=conversation)
    path = page.format(
        person=person.pk,
        conversation=conversation.pk,
        team=roles.team.pk,
        organisation=roles.team.organisation_id,
    )
    client = Client()
    client.force_login(getattr(roles, role))

    @fuzz_settings
    @given(query=query_strings)
    def answered(query):
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500

    answered()
