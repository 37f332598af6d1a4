"""The URL-by-role matrix: nobody sees or changes a person who is not on their caseloads.

A "foreign" person sits on ``other_team``'s caseload with an outcome, an action,
a key person, a review and two conversations, each carrying a marker word. Every
URL pattern of the site is then requested by every role that must not see that
person (GET, an empty POST and a plausible POST, following redirects), and the
test fails if a marker shows up in a page, if the foreign record changes, or if
a refusal is anything but a logged 404. ``other_practitioner``, whose caseload
the person is on, is the positive control: the same URLs work for them, so the
404s above are refusals and not missing rows.

A new URL is walked the moment it is added; if it has a parameter this file
does not know, the walk fails and asks for a mapping.
"""

import datetime
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Sum
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from conversations import services as conversation_services
from conversations.models import AgreedOutcome, Conversation, ConversationKind
from frameworks.models import FrameworkOutcome, ScalePoint
from records import services
from records.models import Outcome, Person, Review
from reports.models import SharedExample
from tests.factories import (
    CaseloadEntryFactory,
    KeyPersonFactory,
    MembershipFactory,
    SharedExampleFactory,
    UserFactory,
)
from tests.url_walk import Route, all_routes
from themes.models import Theme

# Words that appear nowhere else in the product or its fixtures.
NAME_MARKER = "Foreignperson"
OUTCOME_MARKER = "Xylophonequest"
ACTION_MARKER = "Quagmirewalk"
REVIEW_MARKER = "Kumquatnarrative"
KEY_PERSON_MARKER = "Yarrowkeeper"
CONVERSATION_MARKER = "Vellichorplace"
MARKERS = (
    NAME_MARKER,
    OUTCOME_MARKER,
    ACTION_MARKER,
    REVIEW_MARKER,
    KEY_PERSON_MARKER,
    CONVERSATION_MARKER,
)
PERSON_PAGE_MARKERS = (NAME_MARKER, OUTCOME_MARKER, ACTION_MARKER, REVIEW_MARKER, KEY_PERSON_MARKER)

LOGIN_PATH = "/login/"
REFUSED_ROLES = ("anonymous", "practitioner", "colleague", "manager", "admin")
# The organisation's FHIR Bulk Data files hold every person of the organisation, for
# its admins by design (each person exported is audited). Admins of another
# organisation and every other role are refused them: tests/interop/test_views.py.
ORGANISATION_EXPORTS = {
    f"organisation_ndjson_{kind}" for kind in ("patient", "goal", "observation", "careplan")
}


@dataclass
class Foreign:
    """The person on another team's caseload, and everything of theirs a URL can name."""

    person: Person
    outcome: Outcome
    review: Review
    point: ScalePoint
    framework_outcome: FrameworkOutcome
    draft: Conversation
    agreed: AgreedOutcome
    recorded: Conversation
    team: object
    practitioner: object
    theme: Theme


# How each URL parameter is filled, by name, within each part of the site. A
# value is a tuple: every combination is walked (a draft and a recorded
# conversation reach different code). Parameters in PERSON_RECORD_PARAMETERS
# reach the foreign person's record, so refused roles must get a logged 404.
Filler = Callable[[Foreign, Route], tuple]


def shared_example(review: Review) -> SharedExample:
    """The example in use shared from the review (a review has one at a time)."""
    example = review.shared_examples.filter(withdrawn_at__isnull=True).first()
    return example or SharedExampleFactory(review=review)


RECORD_PARAMETERS: dict[str, Filler] = {
    "person_id": lambda f, route: (f.person.pk,),
    "outcome_id": lambda f, route: (f.outcome.pk,),
    "review_id": lambda f, route: (f.review.pk,),
    "conversation_id": lambda f, route: (f.draft.pk, f.recorded.pk),
    "agreed_id": lambda f, route: (f.agreed.pk,),
    "team_id": lambda f, route: (f.team.pk,),
    "organisation_id": lambda f, route: (f.team.organisation_id,),
    # An account, for an admin to unlock: the foreign person's practitioner's.
    "user_id": lambda f, route: (f.practitioner.pk,),
    "table": lambda f, route: ("framework_outcomes",),
    "fmt": lambda f, route: ("csv",),
    # A story from the foreign person's review, shared as an example.
    "example_id": lambda f, route: (shared_example(f.review).pk,),
}
# Under frameworks/, ``outcome_id`` names a framework outcome, not a person's.
FRAMEWORK_PARAMETERS: dict[str, Filler] = {
    "framework_id": lambda f, route: (f.framework_outcome.category.framework_id,),
    "outcome_id": lambda f, route: (f.framework_outcome.pk,),
    "scale_id": lambda f, route: (f.outcome.scale_id,),
}
# The configuration site (Django's admin): the object of each model nearest
# the foreign person, by the model's label as it appears in the URL.
CONFIGURATION_OBJECTS: dict[str, Callable[[Foreign], object]] = {
    "accounts.organisation": lambda f: f.team.organisation_id,
    "accounts.team": lambda f: f.team.pk,
    "accounts.user": lambda f: f.practitioner.pk,
    "themes.theme": lambda f: f.theme.pk,
}


def configuration_model(route: Route) -> str:
    """``accounts.team`` for ``admin/accounts/team/<path:object_id>/change/``."""
    parts = route.pattern.split("/")
    return f"{parts[1]}.{parts[2]}" if len(parts) > 3 else ""


def configuration_object(f: Foreign, route: Route) -> tuple:
    if route.name == "view_on_site":
        return (f.person.pk,)
    return (CONFIGURATION_OBJECTS[configuration_model(route)](f),)


CONFIGURATION_PARAMETERS: dict[str, Filler] = {
    "object_id": configuration_object,
    "id": lambda f, route: (f.practitioner.pk,),
    "content_type_id": lambda f, route: (ContentType.objects.get_for_model(Person).pk,),
    "app_label": lambda f, route: ("accounts", "themes"),
    # The catch-all: asks for a person list the configuration site must not have.
    "url": lambda f, route: ("records/person/",),
}
PERSON_RECORD_PARAMETERS = {
    "person_id",
    "outcome_id",
    "review_id",
    "conversation_id",
    "agreed_id",
    "example_id",
}


def parameters_for(route: Route) -> dict[str, Filler]:
    if route.pattern.startswith("frameworks/"):
        return FRAMEWORK_PARAMETERS
    if route.pattern.startswith("admin/"):
        return CONFIGURATION_PARAMETERS
    return RECORD_PARAMETERS


def unmapped(route: Route) -> list[str]:
    """The route's parameters this file cannot fill."""
    mapping = parameters_for(route)
    missing = [name for name in route.params if name not in mapping]
    if (
        mapping is CONFIGURATION_PARAMETERS
        and "object_id" in route.params
        and route.name != "view_on_site"
        and configuration_model(route) not in CONFIGURATION_OBJECTS
    ):
        missing.append(f"object_id of {configuration_model(route)}")
    return missing


def reaches_person_record(route: Route) -> bool:
    return parameters_for(route) is RECORD_PARAMETERS and bool(
        PERSON_RECORD_PARAMETERS & set(route.params)
    )


def urls_for(route: Route, foreign: Foreign) -> list[tuple[str, dict]]:
    """Every URL of ``route`` pointed at the foreign person's objects, with its values."""
    missing = unmapped(route)
    if missing:
        pytest.fail(
            f"URL {route.name!r} ({route.pattern}) has parameter(s) {missing} that "
            "tests/records/test_access_matrix.py cannot fill. Add each to RECORD_PARAMETERS "
            "(or FRAMEWORK_PARAMETERS, CONFIGURATION_PARAMETERS, CONFIGURATION_OBJECTS), "
            "pointing at an object of the foreign person, and to PERSON_RECORD_PARAMETERS "
            "if it reaches a person's record.",
            pytrace=False,
        )
    mapping = parameters_for(route)
    choices = [mapping[name](foreign, route) for name in route.params]
    combos = [dict(zip(route.params, combo, strict=True)) for combo in itertools.product(*choices)]
    return [(route.path(**values), values) for values in combos]


def plausible_body(values: dict, foreign: Foreign) -> dict:
    """Fields of every form on the site, filled so a permitted POST would save."""
    today = timezone.localdate().isoformat()
    if "conversation_id" in values:
        version = Conversation.objects.get(pk=values["conversation_id"]).version
    elif values.get("outcome_id") == foreign.outcome.pk:
        version = foreign.outcome.version
    else:
        version = foreign.person.version
    body = {
        "version": str(version),
        "full_name": "Changed By Matrix",
        "what_matters": "Changed by the access matrix",
        "in_own_words": "on",
        "status": "active",
        "started_on": today,
        "reviewed_on": today,
        "next_review_on": today,
        "point": str(foreign.point.pk),
        "narrative": "Changed by the access matrix",
        "reason": "The access matrix says so",
        "closed_on": today,
        "kind": "first",
        "held_on": today,
        "person_took_part": "on",
        "text": "Added by the access matrix",
        "not_agreed": "Nothing",
        "differences": "None",
        "strengths_person": "Changed",
        "teams": str(foreign.team.pk),
    }
    for prefix in ("key", "actions", "others", "views", "candidates", "risks"):
        body[f"{prefix}-TOTAL_FORMS"] = "0"
        body[f"{prefix}-INITIAL_FORMS"] = "0"
    return body


def foreign_state(foreign: Foreign) -> dict:
    """Everything of the foreign person a request could change, in three queries.

    Rows that are only ever replaced or appended (key people, actions, reviews,
    agreed outcomes, addenda) are followed by their number and highest id;
    the rest by their version, status and last change.
    """
    pk = foreign.person.pk
    return {
        "person": Person.objects.filter(pk=pk)
        .annotate(
            caseloads_n=Count("caseload_entries", distinct=True),
            caseload_teams=Sum("caseload_entries__team_id", distinct=True),
            key_people_n=Count("key_people", distinct=True),
            last_key_person=Max("key_people__pk"),
        )
        .values(
            "full_name",
            "version",
            "closed_on",
            "updated_at",
            "caseloads_n",
            "caseload_teams",
            "key_people_n",
            "last_key_person",
        )
        .get(),
        "outcomes": list(
            Outcome.objects.filter(person_id=pk)
            .order_by("pk")
            .annotate(
                actions_n=Count("actions", distinct=True),
                last_action=Max("actions__pk"),
                reviews_n=Count("reviews", distinct=True),
                last_review=Max("reviews__pk"),
            )
            .values_list(
                "pk",
                "version",
                "status",
                "updated_at",
                "actions_n",
                "last_action",
                "reviews_n",
                "last_review",
            )
        ),
        "conversations": list(
            Conversation.objects.filter(person_id=pk)
            .order_by("pk")
            .annotate(
                agreed_n=Count("agreed_outcomes", distinct=True),
                last_agreed=Max("agreed_outcomes__pk"),
                addenda_n=Count("addenda", distinct=True),
            )
            .values_list(
                "pk",
                "version",
                "stage",
                "recorded_at",
                "updated_at",
                "agreed_n",
                "last_agreed",
                "addenda_n",
            )
        ),
    }


@pytest.fixture
def foreign(roles, frameworks, actor_as) -> Foreign:
    """Zebedee, on other_team's caseload only, with something behind every kind of URL."""
    actor = actor_as(roles.other_practitioner)
    today = timezone.localdate()
    person = CaseloadEntryFactory(
        team=roles.other_team, person__full_name=f"Zebedee {NAME_MARKER}"
    ).person
    KeyPersonFactory(person=person, name=f"Ann {KEY_PERSON_MARKER}", relationship="Sister")
    framework_outcome = (
        FrameworkOutcome.objects.filter(
            retired_at__isnull=True, category__framework__retired_at__isnull=True
        )
        .select_related("category__framework")
        .order_by("pk")
        .first()
    )
    outcome = services.outcome_record(
        actor=actor,
        person=person,
        what_matters=f"I want to play the {OUTCOME_MARKER} at the village hall",
        framework_outcomes=[framework_outcome],
        started_on=today - datetime.timedelta(days=30),
        actions=[services.ActionData(description=f"Book the {ACTION_MARKER} room")],
    )
    review = services.review_add(
        actor=actor,
        outcome=outcome,
        reviewed_on=today - datetime.timedelta(days=1),
        point=outcome.scale.points.order_by("score").first(),
        narrative=f"The {REVIEW_MARKER} went well",
    )

    def conversation_with_agreed_outcome(kind: str) -> tuple[Conversation, AgreedOutcome]:
        conversation = conversation_services.conversation_start(
            actor=actor, person=person, kind=kind, held_on=today, place=CONVERSATION_MARKER
        )
        agreed = conversation_services.agreed_outcome_save(
            actor=actor,
            conversation=conversation,
            agreed=None,
            what_matters=f"Singing with the {CONVERSATION_MARKER} choir",
        )
        conversation.refresh_from_db()
        return conversation, agreed

    draft, agreed = conversation_with_agreed_outcome(ConversationKind.FIRST)
    recorded, _ = conversation_with_agreed_outcome(ConversationKind.OTHER)
    recorded = conversation_services.agree_save(
        actor=actor, conversation=recorded, version=recorded.version
    )
    conversation_services.conversation_confirm(actor=actor, conversation=recorded)
    person.refresh_from_db()
    outcome.refresh_from_db()
    recorded.refresh_from_db()
    return Foreign(
        person=person,
        outcome=outcome,
        review=review,
        point=review.point,
        framework_outcome=framework_outcome,
        draft=draft,
        agreed=agreed,
        recorded=recorded,
        team=roles.other_team,
        practitioner=roles.other_practitioner,
        theme=Theme.objects.create(organisation=roles.other_team.organisation, name="Transport"),
    )


def body_text(response) -> str:
    if not response.streaming:
        return response.content.decode(errors="replace")
    # The test client closes the response once this is read to the end; closing
    # it here as well would close the database connection inside the test.
    return b"".join(response.streaming_content).decode(errors="replace")


def send(client, method: str, url: str, data: dict | None):
    """The response to the request itself, and the page its redirects end on.

    Redirects are followed like ``follow=True`` would, except to the sign-in
    page, which shows no record and would only slow the walk down.
    """
    first = client.get(url) if method == "GET" else client.post(url, data)
    last = first
    for _ in range(5):
        location = last.headers.get("Location", "")
        if last.status_code not in (301, 302, 303, 307, 308) or location.startswith(LOGIN_PATH):
            break
        last = client.get(location)
    return first, last


def test_every_url_parameter_has_a_mapping():
    unknown = [f"{r.name} ({r.pattern}): {unmapped(r)}" for r in all_routes() if unmapped(r)]
    assert not unknown, (
        "Add these URL parameters to the mappings at the top of "
        "tests/records/test_access_matrix.py:\n" + "\n".join(unknown)
    )


def test_the_matrix_walks_the_person_record_urls():
    # If the walk stopped seeing these, the matrix below would pass without testing them.
    names = {route.name for route in all_routes() if reaches_person_record(route)}
    assert {
        "person_detail",
        "person_edit",
        "person_close",
        "outcome_edit",
        "review_add",
        "review_amend",
        "conversation_detail",
    } <= names


def denials(user, url: str) -> int:
    return AuditEvent.objects.filter(actor=user, action="access_denied", path=url).count()


def problems_with_refusal(user, method: str, url: str, first, denied: int) -> list[str]:
    """What is wrong with how a person-record URL refused ``user`` (None: signed out)."""
    location = first.headers.get("Location", "")
    if user is None:
        if first.status_code != 302 or not location.startswith(LOGIN_PATH):
            return [f"{first.status_code} {location}, not sent to sign in"]
        return []
    if method == "GET" and first.status_code == 405:
        return []  # A POST-only view refuses GET before it reads anything.
    problems = []
    if first.status_code != 404:
        problems.append(f"status {first.status_code}, expected 404")
    logged = denials(user, url) - denied
    if logged != 1:
        problems.append(f"{logged} access_denied audit events for the user, expected 1")
    return problems


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_role_never_sees_or_changes_a_person_on_another_teams_caseload(
    client, roles, foreign, role, caplog
):
    # Hundreds of expected 403s and 404s each log a warning; kept out of a failure
    # report so the list of problems can be read. Server errors are still logged.
    caplog.set_level(logging.ERROR, logger="django.request")
    caplog.set_level(logging.ERROR, logger="records.selectors")
    user = None if role == "anonymous" else getattr(roles, role)
    signed_in = False
    before = foreign_state(foreign)
    problems = []
    for route in all_routes():
        for url, values in urls_for(route, foreign):
            for method, data in (
                ("GET", None),
                ("POST", {}),
                ("POST", plausible_body(values, foreign)),
            ):
                label = f"{route.name} {method} {url}" + (" (plausible body)" if data else "")
                if user is not None and not signed_in:
                    client.force_login(user)
                checked = reaches_person_record(route)
                denied = denials(user, url) if user and checked else 0
                try:
                    first, last = send(client, method, url, data)
                except Exception as error:
                    problems.append(f"{label}: raised {type(error).__name__}: {error}")
                    signed_in = False
                    continue
                # logout/ (or a password change) ends the session; sign in again.
                signed_in = last.wsgi_request.user.is_authenticated
                if first.status_code >= 500 or last.status_code >= 500:
                    problems.append(f"{label}: server error {first.status_code}")
                shown = [m for m in MARKERS if m in body_text(last)]
                if shown and not (role == "admin" and route.name in ORGANISATION_EXPORTS):
                    problems.append(f"{label}: page shows the foreign person ({', '.join(shown)})")
                if checked:
                    problems += [
                        f"{label}: {problem}"
                        for problem in problems_with_refusal(user, method, url, first, denied)
                    ]
            after = foreign_state(foreign)
            if after != before:
                changed = sorted(key for key in before if before[key] != after[key])
                problems.append(f"{route.name} {url}: changed the foreign record's {changed}")
                before = after
    assert not problems, f"As {role}:\n" + "\n".join(problems)


def test_the_persons_own_practitioner_sees_them_on_the_person_page(client, roles, foreign):
    client.force_login(roles.other_practitioner)
    response = client.get(f"/people/{foreign.person.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert [m for m in PERSON_PAGE_MARKERS if m not in page] == []
    detail = client.get(f"/conversations/{foreign.recorded.pk}/").content.decode()
    assert CONVERSATION_MARKER in detail and NAME_MARKER in detail


def test_the_persons_own_practitioner_reaches_every_person_record_url(client, roles, foreign):
    # Proves the mapping points at real, reachable rows: the 404s the refused
    # roles get are refusals, not "no such record".
    client.force_login(roles.other_practitioner)
    problems = []
    for route in all_routes():
        if not reaches_person_record(route):
            continue
        for url, _ in urls_for(route, foreign):
            status = client.get(url).status_code
            # 403: found, then refused for another reason (the access log is for managers).
            if status not in (200, 302, 403, 405) and route.name not in MANAGERS_ONLY:
                problems.append(f"{route.name} GET {url}: {status}")
    assert not problems, "\n".join(problems)


# Pages only a manager of the person's team reaches; anyone else gets a refused 404.
MANAGERS_ONLY = {
    "person_subject_access",
    "person_subject_access_pdf",
    "person_subject_access_json",
    "example_share",
    "example_withdraw",
}


def test_a_manager_of_the_persons_team_reaches_the_managers_only_urls(client, roles, foreign):
    manager = UserFactory(username="other-manager")
    MembershipFactory(user=manager, team=roles.other_team, role=Role.MANAGER)
    client.force_login(manager)
    routes = [route for route in all_routes() if route.name in MANAGERS_ONLY]
    assert {route.name for route in routes} == MANAGERS_ONLY
    for route in routes:
        for url, _ in urls_for(route, foreign):
            assert client.get(url).status_code in (200, 405), url
