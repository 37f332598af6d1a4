import pytest


def nav_links(response) -> str:
    html = response.content.decode()
    start = html.index('aria-label="Main"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.parametrize(
    ("who", "sees_frameworks"),
    [("practitioner", False), ("manager", False), ("admin", True)],
)
def test_navigation_offers_only_what_the_role_may_use(client, roles, who, sees_frameworks):
    client.force_login(getattr(roles, who))
    links = nav_links(client.get("/"))
    assert "Home" in links
    assert ("Frameworks" in links) is sees_frameworks


@pytest.mark.parametrize("who", ["practitioner", "manager"])
def test_roles_without_admin_are_refused_the_frameworks_page(client, roles, who):
    client.force_login(getattr(roles, who))
    response = client.get("/frameworks/")
    assert response.status_code == 403
    assert b"not available to you" in response.content


def test_the_current_page_is_marked_for_screen_readers(client, roles):
    client.force_login(roles.admin)
    links = nav_links(client.get("/frameworks/"))
    assert 'href="/frameworks/" aria-current="page"' in links


def test_an_inactive_users_old_memberships_offer_nothing(client, roles):
    admin = roles.admin
    client.force_login(admin)
    admin.is_active = False
    admin.save()
    response = client.get("/")
    # Deactivated users are signed out by Django's auth backend.
    assert response.status_code == 302
