"""Frameworks and rating scales belong to one organisation: another organisation's
admin can neither see nor change them, and practitioners record only against their
own organisation's frameworks."""

import pytest

from accounts.models import Role
from frameworks.models import (
    Framework,
    FrameworkCategory,
    FrameworkOutcome,
    RatingScale,
    ScalePoint,
)
from tests.factories import (
    CaseloadEntryFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    TeamFactory,
    UserFactory,
)
from tests.url_walk import all_routes

FRAMEWORK_ROUTES = [r for r in all_routes() if r.pattern.startswith("frameworks/") and r.params]


@pytest.fixture
def farshore(db, roles):
    """A second organisation, with its own admin and practitioner (and its own defaults)."""
    organisation = OrganisationFactory(name="Farshore Partnership")
    team = TeamFactory(organisation=organisation, name="Farshore Team")
    admin = UserFactory(username="farshore-admin", organisation=organisation)
    MembershipFactory(user=admin, team=team, role=Role.ADMIN)
    practitioner = UserFactory(username="farshore-practitioner", organisation=organisation)
    MembershipFactory(user=practitioner, team=team, role=Role.PRACTITIONER)
    return organisation, team, admin, practitioner


def rows_of(organisation) -> list:
    """Everything of ``organisation``'s frameworks and scales, as stored."""
    return [
        sorted(RatingScale.objects.filter(organisation=organisation).values_list()),
        sorted(ScalePoint.objects.filter(scale__organisation=organisation).values_list()),
        sorted(Framework.objects.filter(organisation=organisation).values_list()),
        sorted(
            FrameworkCategory.objects.filter(framework__organisation=organisation).values_list()
        ),
        sorted(
            FrameworkOutcome.objects.filter(
                category__framework__organisation=organisation
            ).values_list()
        ),
    ]


def ids_in(organisation) -> dict:
    framework = Framework.objects.filter(organisation=organisation).order_by("pk").first()
    return {
        "framework_id": framework.pk,
        "scale_id": framework.scale_id,
        "outcome_id": FrameworkOutcome.objects.filter(category__framework=framework)
        .order_by("pk")
        .first()
        .pk,
    }


@pytest.mark.parametrize("route", FRAMEWORK_ROUTES, ids=lambda r: r.name)
def test_another_organisations_admin_gets_404_and_changes_nothing(client, roles, farshore, route):
    home = roles.team.organisation
    _, _, their_admin, _ = farshore
    url = route.path(**ids_in(home))
    before = rows_of(home)
    client.force_login(their_admin)
    # Retiring and reinstating take only a POST: a GET is refused before anything is looked up.
    assert client.get(url).status_code in (404, 405), url
    assert client.post(url, {"name": "Taken over", "file": ""}).status_code == 404, url
    assert rows_of(home) == before


@pytest.mark.parametrize("route", FRAMEWORK_ROUTES, ids=lambda r: r.name)
def test_the_organisations_own_admin_reaches_each_page(client, roles, route):
    client.force_login(roles.admin)
    url = route.path(**ids_in(roles.team.organisation))
    response = client.get(url)
    # Retiring, reinstating and deleting take a POST (405) or show a confirmation.
    assert response.status_code in (200, 405), url


def test_framework_and_scale_lists_show_only_the_admins_organisation(client, roles, farshore):
    organisation = farshore[0]
    mine = Framework.objects.filter(organisation=roles.team.organisation).first()
    theirs = Framework.objects.filter(organisation=organisation, key=mine.key).get()
    theirs.name = "Farshore adults"
    theirs.save()
    client.force_login(roles.admin)
    html = client.get("/frameworks/").content.decode()
    assert mine.name in html and "Farshore adults" not in html
    assert f"/frameworks/{theirs.pk}/" not in html
    scales = client.get("/frameworks/scales/").content.decode()
    assert f"/frameworks/scales/{theirs.scale_id}/" not in scales


def test_usage_counts_are_the_organisations_own(client, roles, farshore, person):
    organisation, _, their_admin, _ = farshore
    seeing = FrameworkOutcome.objects.get(
        short_name="Seeing people", category__framework__organisation=roles.team.organisation
    )
    OutcomeFactory(person=person).framework_outcomes.add(seeing)
    client.force_login(their_admin)
    theirs = Framework.objects.get(organisation=organisation, key="adults-community")
    page = client.get(f"/frameworks/{theirs.pk}/").content.decode()
    assert "1 outcome" not in page
    client.force_login(roles.admin)
    page = client.get(f"/frameworks/{seeing.category.framework_id}/").content.decode()
    assert "1 outcome" in page


def test_one_organisation_retiring_an_outcome_leaves_the_others_on_offer(
    client, roles, farshore, person
):
    organisation, _, their_admin, _ = farshore
    theirs = FrameworkOutcome.objects.get(
        short_name="Feeling safe", category__framework__organisation=organisation
    )
    client.force_login(their_admin)
    assert client.post(f"/frameworks/outcomes/{theirs.pk}/retire/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.retired_at is not None
    mine = FrameworkOutcome.objects.get(
        short_name="Feeling safe", category__framework__organisation=roles.team.organisation
    )
    assert mine.retired_at is None
    client.force_login(roles.practitioner)
    form = client.get(f"/people/{person.pk}/outcomes/add/").content.decode()
    assert f'value="{mine.pk}"' in form
    assert f'value="{theirs.pk}"' not in form


def test_a_practitioner_cannot_link_another_organisations_framework_outcome(
    client, roles, farshore, person
):
    organisation = farshore[0]
    theirs = FrameworkOutcome.objects.get(
        short_name="Seeing people", category__framework__organisation=organisation
    )
    client.force_login(roles.practitioner)
    response = client.post(
        f"/people/{person.pk}/outcomes/add/",
        {
            "what_matters": "I want to see my pals at the lunch club",
            "in_own_words": "on",
            "framework_outcomes": [str(theirs.pk)],
            "gas_weight": "1",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "I want to see my pals at the lunch club" in response.content.decode()
    assert not person.outcomes.exists()


def test_a_new_organisation_starts_with_its_own_default_frameworks(db):
    organisation = OrganisationFactory(name="Glenview Partnership")
    assert set(
        Framework.objects.filter(organisation=organisation).values_list("key", flat=True)
    ) == {
        "adults-community",
        "unpaid-carers",
        "care-homes",
    }
    assert RatingScale.objects.filter(organisation=organisation, key="extent-achieved").exists()


def test_the_organisation_report_offers_only_its_own_frameworks(client, roles, farshore):
    organisation = farshore[0]
    Framework.objects.filter(organisation=organisation, key="care-homes").update(
        name="Farshore care homes"
    )
    client.force_login(roles.admin)
    html = client.get(f"/reports/organisations/{roles.team.organisation.pk}/").content.decode()
    assert "People living in care homes" in html
    assert "Farshore care homes" not in html


def test_person_fixture_is_on_the_first_organisations_caseload(roles, person):
    # The tests above rely on it: the person is recorded for by roles.practitioner.
    assert CaseloadEntryFactory._meta.model.objects.filter(
        person=person, team__organisation=roles.team.organisation
    ).exists()


def test_an_admin_of_two_organisations_is_told_whose_each_framework_and_scale_is(
    client, roles, farshore
):
    organisation, team = farshore[0], farshore[1]
    MembershipFactory(user=roles.admin, team=team, role=Role.ADMIN)
    client.force_login(roles.admin)
    for url in ("/frameworks/", "/frameworks/scales/"):
        html = client.get(url).content.decode()
        home = roles.team.organisation.name
        assert f"<strong>Organisation:</strong> {home}" in html, url
        assert f"<strong>Organisation:</strong> {organisation.name}" in html, url


def test_an_admin_of_one_organisation_is_not_told_it_on_every_framework(client, roles, farshore):
    client.force_login(roles.admin)
    for url in ("/frameworks/", "/frameworks/scales/"):
        assert "<strong>Organisation:</strong>" not in client.get(url).content.decode(), url
