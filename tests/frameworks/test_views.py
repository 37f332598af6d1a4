from frameworks.services import defaults_load
from tests.factories import FrameworkCategoryFactory, FrameworkOutcomeFactory, ScalePointFactory


def test_admin_sees_every_framework_with_outcomes_and_scale(client, roles):
    defaults_load()
    client.force_login(roles.admin)
    html = client.get("/frameworks/").content.decode()
    assert "Adults living in the community" in html
    assert "Dealing with stigma / discrimination" in html
    assert "Fully achieved / being maintained" in html


def extra_framework(outcomes: int) -> None:
    category = FrameworkCategoryFactory()
    ScalePointFactory(scale=category.framework.scale)
    FrameworkOutcomeFactory.create_batch(outcomes, category=category)


def test_frameworks_page_query_count_does_not_grow_with_frameworks(
    client, roles, django_assert_num_queries
):
    client.force_login(roles.admin)
    extra_framework(outcomes=2)
    # session, user, role check, nav roles, frameworks, points, categories, outcomes
    with django_assert_num_queries(8):
        client.get("/frameworks/")
    for _ in range(5):
        extra_framework(outcomes=10)
    with django_assert_num_queries(8):
        response = client.get("/frameworks/")
    # The organisation's three default frameworks and the six added.
    assert response.content.decode().count("<h2") == 9
