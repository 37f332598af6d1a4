"""Every page that shows someone's record writes a view event for them.

Iris, on the practitioner's team's caseload, has something behind every kind
of URL, each carrying a word found nowhere else. Every URL pattern of the site
is requested by each role with real ids; a page that shows any of Iris's words
must have written a ``view`` (or ``export``) event naming her, for that path,
during that request. Forms are then sent back empty, and a form shown again
with its errors must write one too. A new URL is walked the moment it is
added; if it has a parameter this file does not know, the walk fails and asks
for a mapping.
"""

import datetime
import itertools
import logging
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accounts.models import OrganisationRole
from audit.models import AuditEvent
from conversations import services as conversation_services
from conversations.models import AgreedOutcome, Conversation, ConversationKind
from frameworks.models import FrameworkOutcome
from records import services
from records.models import Outcome, Person, Review
from tests.factories import CaseloadEntryFactory, SharedExampleFactory
from tests.url_walk import Route, all_routes
from themes.models import Theme

NAME = "Iris Zebedee-Marchbanks"
PREFERRED_NAME = "Zibbity"
CHI = "1703814622"
OUTCOME = "Tending the Quillfeather allotment"
NARRATIVE = "The Marrowglen walk went well"
PLACE = "Oystercatcher Cafe"
ADDENDUM = "Nettlesworth added afterwards"
MARKERS = (NAME, PREFERRED_NAME, CHI, OUTCOME, NARRATIVE, PLACE, ADDENDUM)

# Lists a user picks a person from (their caseload, their drafts): name only,
# so a user is not written into everyone's access log just for opening them.
# They must never show more than the name; the walk checks that.
# The home page lists what falls due, in the person's words, and notes each person it lists.
NAME_ONLY_LISTS = {"caseload"}
NAME_ONLY = (NAME, PREFERRED_NAME)

WALKERS = ("practitioner", "manager", "admin")


@dataclass
class Shown:
    """Iris, and everything of hers a URL can name."""

    person: Person
    outcome: Outcome
    review: Review
    framework_outcome: FrameworkOutcome
    drafts: list[Conversation]
    agreed: AgreedOutcome
    recorded: Conversation
    roles: object
    theme: Theme


@pytest.fixture
def shown(roles, frameworks, actor_as) -> Shown:
    actor = actor_as(roles.practitioner)
    today = timezone.localdate()
    person = CaseloadEntryFactory(
        team=roles.team,
        person__full_name=NAME,
        person__preferred_name=PREFERRED_NAME,
        person__chi_number=CHI,
        person__date_of_birth=datetime.date(1981, 3, 17),
    ).person
    framework_outcome = (
        FrameworkOutcome.objects.filter(
            retired_at__isnull=True, category__framework__retired_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    outcome = services.outcome_record(
        actor=actor,
        person=person,
        what_matters=OUTCOME,
        framework_outcomes=[framework_outcome],
        started_on=today - datetime.timedelta(days=60),
        next_review_on=today - datetime.timedelta(days=1),  # overdue: on the dashboard
    )
    review = services.review_add(
        actor=actor,
        outcome=outcome,
        reviewed_on=today - datetime.timedelta(days=2),
        point=outcome.scale.points.order_by("score").first(),
        narrative=NARRATIVE,
    )
    # A review moves the next one on; set it back so the outcome is overdue on the dashboard.
    Outcome.objects.filter(pk=outcome.pk).update(next_review_on=today - datetime.timedelta(days=1))

    def start(kind=ConversationKind.FIRST) -> Conversation:
        return conversation_services.conversation_start(
            actor=actor, person=person, kind=kind, held_on=today, place=PLACE
        )

    def fresh(conversation) -> Conversation:
        conversation.refresh_from_db()
        return conversation

    exchange = start()
    negotiate = conversation_services.exchange_save(
        actor=actor, conversation=start(), version=1, perspectives=[]
    )
    agree = conversation_services.negotiate_save(
        actor=actor,
        conversation=fresh(
            conversation_services.exchange_save(
                actor=actor, conversation=start(), version=1, perspectives=[]
            )
        ),
        version=2,
    )
    record = start()
    agreed = conversation_services.agreed_outcome_save(
        actor=actor, conversation=record, agreed=None, what_matters=f"{OUTCOME} with Ann"
    )
    record = conversation_services.agree_save(
        actor=actor, conversation=fresh(record), version=fresh(record).version
    )
    review_draft = start(ConversationKind.REVIEW)
    recorded = start(ConversationKind.OTHER)
    conversation_services.agree_save(
        actor=actor, conversation=recorded, version=recorded.version, not_agreed="Nothing yet"
    )
    conversation_services.conversation_confirm(actor=actor, conversation=fresh(recorded))
    conversation_services.addendum_add(
        actor=actor, conversation=recorded, text=ADDENDUM, reason="Remembered later"
    )
    # The manager may also see the organisation's report.
    OrganisationRole.objects.create(user=roles.manager, organisation=roles.team.organisation)
    drafts = [fresh(c) for c in (exchange, negotiate, agree, record, review_draft)]
    assert [c.stage for c in drafts] == ["exchange", "negotiate", "agree", "record", "review"]
    return Shown(
        person=person,
        outcome=fresh(outcome),
        review=review,
        framework_outcome=framework_outcome,
        drafts=drafts,
        agreed=agreed,
        recorded=fresh(recorded),
        roles=roles,
        theme=Theme.objects.create(organisation=roles.team.organisation, name="Transport"),
    )


# How each URL parameter is filled, by name, within each part of the site; every
# combination of the values is walked.
RECORD_PARAMETERS = {
    "person_id": lambda s: (s.person.pk,),
    "outcome_id": lambda s: (s.outcome.pk,),
    "review_id": lambda s: (s.review.pk,),
    "conversation_id": lambda s: (*(c.pk for c in s.drafts), s.recorded.pk),
    "agreed_id": lambda s: (s.agreed.pk,),
    "team_id": lambda s: (s.roles.team.pk,),
    "organisation_id": lambda s: (s.roles.team.organisation_id,),
    "user_id": lambda s: (s.roles.practitioner.pk,),
    # Every table a team or organisation can download.
    "table": lambda s: (
        "framework_outcomes",
        "bands",
        "distance",
        "quality",
        "comparison",
        "themes",
        "team_by_outcome",
    ),
    # The same table as XLSX is compressed, so cannot be searched for words.
    "fmt": lambda s: ("csv",),
    # A story from Iris's review, shared as an example.
    "example_id": lambda s: (
        (
            s.review.shared_examples.filter(withdrawn_at__isnull=True).first()
            or SharedExampleFactory(review=s.review)
        ).pk,
    ),
}
# Under frameworks/, ``outcome_id`` names a framework outcome, not a person's.
FRAMEWORK_PARAMETERS = {
    "framework_id": lambda s: (s.framework_outcome.category.framework_id,),
    "outcome_id": lambda s: (s.framework_outcome.pk,),
    "scale_id": lambda s: (s.outcome.scale_id,),
}
# The configuration site: the object of each model nearest Iris.
CONFIGURATION_OBJECTS = {
    "accounts.organisation": lambda s: s.roles.team.organisation_id,
    "accounts.team": lambda s: s.roles.team.pk,
    "accounts.user": lambda s: s.roles.practitioner.pk,
    "themes.theme": lambda s: s.theme.pk,
}


def configuration_model(route: Route) -> str:
    parts = route.pattern.split("/")
    return f"{parts[1]}.{parts[2]}" if len(parts) > 3 else ""


CONFIGURATION_PARAMETERS = {
    "object_id": lambda s, route: (CONFIGURATION_OBJECTS[configuration_model(route)](s),),
    "id": lambda s, route: (s.roles.practitioner.pk,),
    "app_label": lambda s, route: ("accounts", "themes"),
    "url": lambda s, route: ("records/person/",),
}


def parameters_for(route: Route) -> dict:
    if route.pattern.startswith("frameworks/"):
        return FRAMEWORK_PARAMETERS
    if route.pattern.startswith("admin/"):
        return CONFIGURATION_PARAMETERS
    return RECORD_PARAMETERS


def unmapped(route: Route) -> list[str]:
    mapping = parameters_for(route)
    missing = [name for name in route.params if name not in mapping]
    if (
        mapping is CONFIGURATION_PARAMETERS
        and "object_id" in route.params
        and configuration_model(route) not in CONFIGURATION_OBJECTS
    ):
        missing.append(f"object_id of {configuration_model(route)}")
    return missing


def urls_for(route: Route, s: Shown) -> list[str]:
    missing = unmapped(route)
    if missing:
        pytest.fail(
            f"URL {route.name!r} ({route.pattern}) has parameter(s) {missing} that "
            "tests/test_view_audit.py cannot fill. Add each to RECORD_PARAMETERS (or "
            "FRAMEWORK_PARAMETERS, CONFIGURATION_PARAMETERS, CONFIGURATION_OBJECTS), "
            "pointing at an object of Iris's.",
            pytrace=False,
        )
    mapping = parameters_for(route)
    if mapping is CONFIGURATION_PARAMETERS:
        choices = [mapping[name](s, route) for name in route.params]
    else:
        choices = [mapping[name](s) for name in route.params]
    return [
        route.path(**dict(zip(route.params, combo, strict=True)))
        for combo in itertools.product(*choices)
    ]


def body_text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def problems_with(
    route: Route, label: str, response, shown: list[str], person: Person, since: int
) -> list[str]:
    """What is wrong with how a page showing ``shown`` of ``person``'s record audited it."""
    if not shown:
        return []
    if route.name in NAME_ONLY_LISTS:
        more = [m for m in shown if m not in NAME_ONLY]
        return [f"{label}: a name-only list shows {more}"] if more else []
    written = AuditEvent.objects.filter(
        pk__gt=since,
        person_id=person.pk,
        action__in=("view", "export"),
        path=response.wsgi_request.path,
    )
    if not written.exists():
        return [f"{label}: shows {shown} but wrote no view event for the person"]
    return []


@pytest.mark.parametrize("role", WALKERS)
def test_every_page_showing_a_person_writes_a_view_event(client, shown, role, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    caplog.set_level(logging.ERROR, logger="audit.services")
    user = getattr(shown.roles, role)
    problems, showing, forms = [], set(), []

    def request(method: str, route: Route, url: str):
        client.force_login(user)  # a walked URL may have signed the user out
        since = last_event_id()
        response = client.get(url) if method == "GET" else client.post(url, {})
        if response.status_code >= 500:
            problems.append(f"{method} {url}: server error {response.status_code}")
        body = body_text(response)
        markers = [m for m in MARKERS if escape(m) in body]
        label = f"{route.name} {method} {url}"
        problems.extend(problems_with(route, label, response, markers, shown.person, since))
        return response, bool(markers)

    for route in all_routes():
        for url in urls_for(route, shown):
            response, showed = request("GET", route, url)
            if showed and response.status_code == 200:
                showing.add(route.name)
                forms.append((route, url))
    # Each form sent back empty: shown again with its errors, it still shows Iris.
    for route, url in forms:
        request("POST", route, url)

    assert not problems, f"As {role}:\n" + "\n".join(problems)
    # The walk saw Iris where it should, so the checks above had pages to check.
    assert EXPECTED_PAGES[role] <= showing, EXPECTED_PAGES[role] - showing


EXPECTED_PAGES = {
    "practitioner": {
        "person_detail",
        "person_edit",
        "person_close",
        "person_teams",
        "outcome_add",
        "outcome_edit",
        "review_add",
        "review_amend",
        "conversation_start",
        "conversation_exchange",
        "conversation_negotiate",
        "conversation_agree",
        "agreed_outcome_add",
        "agreed_outcome_edit",
        "conversation_review",
        "conversation_record",
        "conversation_detail",
        "caseload",
        "home",
    },
    "manager": {"person_detail", "person_summary", "conversation_detail", "team_dashboard"},
    "admin": set(),
}


def test_every_url_parameter_has_a_mapping():
    unknown = [f"{r.name} ({r.pattern}): {unmapped(r)}" for r in all_routes() if unmapped(r)]
    assert not unknown, (
        "Add these URL parameters to the mappings at the top of tests/test_view_audit.py:\n"
        + "\n".join(unknown)
    )


def views_of(person: Person) -> list[str]:
    return list(
        AuditEvent.objects.filter(person_id=person.pk, action="view")
        .order_by("pk")
        .values_list("summary", flat=True)
    )


def test_each_page_says_which_page_was_viewed(client, shown):
    client.force_login(shown.roles.practitioner)
    before = len(views_of(shown.person))
    client.get(f"/people/{shown.person.pk}/edit/")
    client.get(f"/reviews/{shown.review.pk}/amend/")
    client.get(f"/conversations/{shown.drafts[2].pk}/agree/")
    assert views_of(shown.person)[before:] == [
        "Viewed details form",
        "Viewed review correction form",
        "Viewed conversation: agree stage",
    ]


def test_form_shown_again_with_errors_writes_a_view_event(client, shown):
    client.force_login(shown.roles.practitioner)
    before = len(views_of(shown.person))
    response = client.post(f"/people/{shown.person.pk}/close/", {"reason": ""})
    assert response.status_code == 200
    assert NAME in response.content.decode()
    assert views_of(shown.person)[before:] == ["Viewed close form"]


def test_team_dashboard_writes_one_event_per_person_listed(client, shown):
    # Iris has an overdue review; Hamish has no outcome yet: both are listed.
    hamish = CaseloadEntryFactory(team=shown.roles.team, person__full_name="Hamish Orr").person
    client.force_login(shown.roles.manager)
    since = last_event_id()
    page = client.get(f"/reports/teams/{shown.roles.team.pk}/").content.decode()
    assert NAME in page and "Hamish Orr" in page
    events = AuditEvent.objects.filter(pk__gt=since, action="view")
    assert sorted(events.values_list("person_id", "object_type", "summary")) == sorted(
        [
            (shown.person.pk, "reports.team_dashboard", "Viewed team dashboard"),
            (hamish.pk, "reports.team_dashboard", "Viewed team dashboard"),
        ]
    )


def test_team_dashboard_pdf_writes_one_event_per_person_listed(client, shown):
    client.force_login(shown.roles.manager)
    since = last_event_id()
    response = client.get(f"/reports/teams/{shown.roles.team.pk}/dashboard.pdf")
    assert response.status_code == 200
    # Listed as overdue, and her review is in the PDF's narrative section.
    assert list(
        AuditEvent.objects.filter(pk__gt=since, action="view").values_list("person_id", "summary")
    ) == [
        (shown.person.pk, "Viewed team dashboard PDF"),
        (shown.person.pk, "Viewed review narrative from a team dashboard PDF"),
    ]


def test_dashboard_of_a_team_not_managed_is_refused_and_audited(client, shown):
    client.force_login(shown.roles.manager)
    other = shown.roles.other_team
    for url in (
        f"/reports/teams/{other.pk}/",
        f"/reports/teams/{other.pk}/dashboard.pdf",
        f"/reports/teams/{other.pk}/export/bands.csv",
    ):
        assert client.get(url).status_code == 404
        refused = AuditEvent.objects.filter(
            actor=shown.roles.manager, action="access_denied", path=url
        )
        assert list(refused.values_list("object_type", "object_id")) == [
            ("reports.team_dashboard", str(other.pk))
        ]


def test_organisation_report_not_theirs_is_refused_and_audited(client, shown):
    client.force_login(shown.roles.practitioner)
    organisation_id = shown.roles.team.organisation_id
    url = f"/reports/organisations/{organisation_id}/"
    assert client.get(url).status_code == 404
    refused = AuditEvent.objects.filter(
        actor=shown.roles.practitioner, action="access_denied", path=url
    )
    assert list(refused.values_list("object_type", "object_id")) == [
        ("reports.organisation_report", str(organisation_id))
    ]


def dashboard_queries(client, team) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/reports/teams/{team.pk}/").status_code == 200
    return len(queries)


def test_dashboard_events_take_the_same_queries_for_one_person_or_many(client, shown):
    client.force_login(shown.roles.manager)
    one = dashboard_queries(client, shown.roles.team)
    CaseloadEntryFactory.create_batch(20, team=shown.roles.team)  # listed: no outcome yet
    assert dashboard_queries(client, shown.roles.team) == one
    assert AuditEvent.objects.filter(object_type="reports.team_dashboard").count() == 1 + 21
