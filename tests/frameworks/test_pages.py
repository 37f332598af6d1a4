"""The framework and scale pages an admin uses, end to end through the browser's requests."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from audit.models import AuditEvent
from frameworks import services
from frameworks.forms import FrameworkTreeForm, ScaleForm
from frameworks.models import Framework, FrameworkOutcome, RatingScale
from frameworks.specs import PointSpec, ScaleSpec
from records import services as records
from tests.factories import FrameworkCategoryFactory, FrameworkOutcomeFactory
from tests.frameworks.conftest import home_organisation

D = datetime.date


def form_data(*forms, management=()) -> dict:
    """What a browser would send for unchanged ``forms`` and formset management forms."""
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value in (None, False, ""):
                continue
            data[form.add_prefix(name)] = "on" if value is True else str(value)
    for formset in management:
        m = formset.management_form
        for name in m.fields:
            data[m.add_prefix(name)] = str(m.initial[name])
    return data


def tree_data(framework=None) -> dict:
    form = FrameworkTreeForm(organisations=[home_organisation()], framework=framework)
    data = form_data(form.details, management=[form.categories])
    for category, outcomes in form.groups:
        data |= form_data(category, *outcomes.forms, management=[outcomes])
    return data


def scale_data(scale) -> dict:
    form = ScaleForm(scale=scale)
    return form_data(form.details, *form.points.forms, management=[form.points])


def adults() -> Framework:
    return Framework.objects.get(key="adults-community")


def row_of(data: dict, short_name: str) -> str:
    """The field prefix (``cat-0-out-0-``) of the outcome row called ``short_name``."""
    key = next(k for k, v in data.items() if k.endswith("-short_name") and v == short_name)
    return key.removesuffix("short_name")


@pytest.fixture
def admin_client(client, roles):
    client.force_login(roles.admin)
    return client


@pytest.fixture
def used(roles, person, actor_as):
    """An outcome recorded against "Feeling safe" in version 1 of the adults framework."""
    return records.outcome_record(
        actor=actor_as(roles.practitioner),
        person=person,
        what_matters="I want to feel safe at night",
        framework_outcomes=[FrameworkOutcome.objects.get(short_name="Feeling safe")],
    )


def test_admin_adds_a_framework_with_categories_and_outcomes(admin_client, frameworks, roles):
    data = tree_data()
    data |= {
        "name": "Young carers",
        "audience": "Carers under 18",
        "scale": str(RatingScale.objects.get().pk),
        "cat-0-name": "Quality of life",
        "cat-0-kind": "quality_of_life",
        "cat-0-out-0-short_name": "Time with friends",
        "cat-0-out-0-description": "Seeing friends outside school.",
        "cat-0-out-1-short_name": "Doing well at school",
        "cat-0-out-1-position": "1",
    }
    response = admin_client.post("/frameworks/new/", data)
    framework = Framework.objects.get(name="Young carers")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/frameworks/{framework.pk}/"
    assert list(
        FrameworkOutcome.objects.filter(category__framework=framework)
        .order_by("order")
        .values_list("short_name", flat=True)
    ) == ["Doing well at school", "Time with friends"]
    assert AuditEvent.objects.filter(
        action="create", object_type="frameworks.framework", object_id=str(framework.pk)
    ).exists()


def test_changing_a_used_framework_saves_a_new_version_and_says_so(admin_client, used):
    framework = adults()
    data = tree_data(framework)
    data[row_of(data, "Feeling safe") + "short_name"] = "Feeling safe at night"

    response = admin_client.post(f"/frameworks/{framework.pk}/change/", data, follow=True)

    new = adults()
    assert new.version == 2
    assert response.redirect_chain[-1][0] == f"/frameworks/{new.pk}/"
    page = response.content.decode()
    assert "Saved as version 2" in page
    assert "keep the wording they were recorded with" in page
    # The version history says who changed what.
    history = page[page.index('id="history"') :]
    assert "Version 2 made, because version 1 had been used" in history
    assert "Feeling safe → Feeling safe at night" in history
    old_page = admin_client.get(f"/frameworks/{framework.pk}/").content.decode()
    assert "This is an old version" in old_page
    old_outcomes = old_page[old_page.index('id="outcomes"') : old_page.index('id="scale"')]
    assert "<strong>Feeling safe</strong>" in old_outcomes
    assert "Feeling safe at night" not in old_outcomes


def test_the_history_names_the_admin_who_made_the_change(admin_client, roles, used):
    framework = adults()
    data = tree_data(framework)
    data[row_of(data, "Reliability") + "retired"] = "on"
    admin_client.post(f"/frameworks/{framework.pk}/change/", data)
    page = admin_client.get(f"/frameworks/{framework.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    # Escaped as the page writes it: a name may hold an apostrophe (O'Donnell).
    assert (
        f"<strong>Framework changed</strong>, by {escape(roles.admin.get_full_name())}" in history
    )
    assert "Outcome “Reliability”: retired" in history
    assert "no → yes" in history
    assert adults().pk == framework.pk  # retiring needed no new version


def test_problems_are_shown_next_to_the_field_and_nothing_is_saved(admin_client, used):
    framework = adults()
    data = tree_data(framework)
    data[row_of(data, "Having a say") + "short_name"] = "Listened to"
    before = AuditEvent.objects.count()

    response = admin_client.post(f"/frameworks/{framework.pk}/change/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Please check the form" in page
    assert "already has the short name “Listened to”" in page
    assert adults().version == 1
    assert AuditEvent.objects.count() == before


def test_removing_a_used_outcome_is_refused_and_retiring_suggested(admin_client, used):
    framework = adults()
    data = tree_data(framework)
    data[row_of(data, "Feeling safe") + "DELETE"] = "on"
    page = admin_client.post(f"/frameworks/{framework.pk}/change/", data).content.decode()
    assert "“Feeling safe” cannot be removed: it is used by 1 outcome." in page
    assert "Mark it retired instead" in page
    assert FrameworkOutcome.objects.filter(short_name="Feeling safe").count() == 1


def test_a_used_framework_cannot_be_deleted_and_retiring_is_offered(admin_client, used):
    framework = adults()
    page = admin_client.get(f"/frameworks/{framework.pk}/delete/").content.decode()
    assert "This framework cannot be deleted" in page
    assert "it is used by 1 outcome" in page
    assert f'action="/frameworks/{framework.pk}/retire/"' in page

    response = admin_client.post(f"/frameworks/{framework.pk}/delete/", follow=True)
    assert "in use, so it has not been deleted" in response.content.decode()
    assert Framework.objects.filter(pk=framework.pk).exists()


def test_an_unused_framework_can_be_deleted(admin_client, frameworks, roles):
    framework = Framework.objects.get(key="care-homes")
    response = admin_client.post(f"/frameworks/{framework.pk}/delete/")
    assert response.headers["Location"] == "/frameworks/"
    assert not Framework.objects.filter(lineage=framework.lineage).exists()
    assert AuditEvent.objects.get(action="delete", object_type="frameworks.framework").actor == (
        roles.admin
    )


def test_retiring_and_reinstating_a_framework(admin_client, used):
    framework = adults()
    response = admin_client.post(f"/frameworks/{framework.pk}/retire/", follow=True)
    assert "no longer offered for new outcomes" in response.content.decode()
    assert adults().retired_at is not None
    admin_client.post(f"/frameworks/{framework.pk}/reinstate/")
    assert adults().retired_at is None


def test_retiring_one_outcome_from_the_framework_page(admin_client, used, client):
    reliability = FrameworkOutcome.objects.get(short_name="Reliability")
    admin_client.post(f"/frameworks/outcomes/{reliability.pk}/retire/")
    reliability.refresh_from_db()
    assert reliability.retired_at is not None
    assert reliability.category.framework.version == 1


def test_the_outcome_form_offers_only_current_outcomes(client, roles, used, actor_as):
    framework = adults()
    client.force_login(roles.admin)
    data = tree_data(framework)
    data[row_of(data, "Feeling safe") + "short_name"] = "Safe at night"
    data[row_of(data, "Reliability") + "retired"] = "on"
    client.post(f"/frameworks/{framework.pk}/change/", data)
    client.force_login(roles.practitioner)
    page = client.get(f"/people/{used.person_id}/outcomes/add/").content.decode()
    assert "Safe at night" in page
    assert ">Feeling safe<" not in page
    assert "Reliability" not in page


def test_a_gas_scale_starts_with_the_five_levels(admin_client, db):
    page = admin_client.get("/frameworks/scales/new/?kind=gas").content.decode()
    for label in ("Much less than expected", "The expected level", "Much more than expected"):
        assert f'value="{label}"' in page


def test_changing_a_used_scale_saves_a_new_version(admin_client, used, roles, actor_as):
    records.review_add(
        actor=actor_as(roles.practitioner),
        outcome=used,
        reviewed_on=datetime.date.today(),
        point=used.scale.points.get(score=2),
    )
    scale = RatingScale.objects.get()
    data = scale_data(scale)
    label_key = next(k for k, v in data.items() if v == "Not achieved yet")
    data[label_key] = "Not yet"

    response = admin_client.post(f"/frameworks/scales/{scale.pk}/change/", data, follow=True)

    new = RatingScale.objects.get(superseded_at__isnull=True)
    assert new.version == 2
    assert "Saved as version 2" in response.content.decode()
    assert scale.points.get(score=2).label == "Not achieved yet"
    assert new.points.get(score=2).label == "Not yet"


def test_scale_problems_are_shown_next_to_the_point(admin_client, frameworks):
    scale = RatingScale.objects.get()
    data = scale_data(scale)
    band_key = next(k for k, v in data.items() if k.endswith("band") and k.startswith("points-4"))
    data[band_key] = "not_achieved"
    page = admin_client.post(f"/frameworks/scales/{scale.pk}/change/", data).content.decode()
    assert "score 5 has a lower report band than score 4" in page
    assert scale.points.get(score=5).band == "achieved"


def test_a_used_scale_cannot_be_deleted(admin_client, used):
    scale = RatingScale.objects.get()
    page = admin_client.get(f"/frameworks/scales/{scale.pk}/delete/").content.decode()
    assert "This scale cannot be deleted" in page
    assert "it is used by 1 outcome" in page
    admin_client.post(f"/frameworks/scales/{scale.pk}/delete/")
    assert RatingScale.objects.filter(pk=scale.pk).exists()


ADMIN_PAGES = [
    "/frameworks/",
    "/frameworks/new/",
    "/frameworks/import/",
    "/frameworks/{framework}/",
    "/frameworks/{framework}/change/",
    "/frameworks/{framework}/copy/",
    "/frameworks/{framework}/retire/",
    "/frameworks/{framework}/reinstate/",
    "/frameworks/{framework}/delete/",
    "/frameworks/{framework}/export/",
    "/frameworks/outcomes/{outcome}/retire/",
    "/frameworks/outcomes/{outcome}/reinstate/",
    "/frameworks/scales/",
    "/frameworks/scales/new/",
    "/frameworks/scales/{scale}/",
    "/frameworks/scales/{scale}/change/",
    "/frameworks/scales/{scale}/retire/",
    "/frameworks/scales/{scale}/reinstate/",
    "/frameworks/scales/{scale}/delete/",
]


@pytest.mark.parametrize("who", ["practitioner", "manager"])
def test_practitioners_and_managers_are_refused_every_framework_page(
    client, roles, frameworks, who
):
    framework = Framework.objects.get(key="care-homes")
    values = {
        "framework": framework.pk,
        "outcome": FrameworkOutcome.objects.filter(category__framework=framework).first().pk,
        "scale": framework.scale_id,
    }
    client.force_login(getattr(roles, who))
    before = (Framework.objects.count(), AuditEvent.objects.filter(action="retire").count())
    for page in ADMIN_PAGES:
        url = page.format(**values)
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    assert (Framework.objects.count(), AuditEvent.objects.filter(action="retire").count()) == (
        before
    )


def test_every_framework_page_answers_an_admin(admin_client, frameworks):
    framework = Framework.objects.get(key="care-homes")
    values = {
        "framework": framework.pk,
        "outcome": FrameworkOutcome.objects.filter(category__framework=framework).first().pk,
        "scale": framework.scale_id,
    }
    for page in ADMIN_PAGES:
        url = page.format(**values)
        if "retire" in url or "reinstate" in url:
            continue  # POST only
        assert admin_client.get(url).status_code == 200, url


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow(outcomes: int) -> None:
    category = FrameworkCategoryFactory(framework=adults())
    FrameworkOutcomeFactory.create_batch(outcomes, category=category)


def test_framework_page_queries_do_not_grow_with_outcomes_or_versions(
    admin_client, used, roles, actor_as
):
    small = count_queries(admin_client, f"/frameworks/{adults().pk}/")
    grow(outcomes=30)
    for version in range(2, 5):
        data = tree_data(adults())
        data[row_of(data, "Feeling safe") + "description"] = f"Wording {version}"
        admin_client.post(f"/frameworks/{adults().pk}/change/", data)
        # Record against each new version, so the next change makes another.
        records.outcome_record(
            actor=actor_as(roles.practitioner),
            person=used.person,
            what_matters=f"Version {version} matters",
            framework_outcomes=[
                FrameworkOutcome.objects.get(
                    category__framework=adults(), short_name="Feeling safe"
                )
            ],
        )
    assert adults().version == 4
    assert count_queries(admin_client, f"/frameworks/{adults().pk}/") == small


def test_scale_list_queries_do_not_grow_with_scales(admin_client, frameworks, admin_actor):
    small = count_queries(admin_client, "/frameworks/scales/")
    for i in range(6):
        services.scale_create(
            actor=admin_actor,
            organisation=home_organisation(),
            spec=ScaleSpec(
                name=f"Scale {i}",
                kind="extent",
                points=(PointSpec(0, "No", "not_achieved"), PointSpec(1, "Yes", "achieved")),
            ),
        )
    assert count_queries(admin_client, "/frameworks/scales/") == small
