"""Nothing with personal data is kept by a browser or proxy, and unused browser features are off."""

from django.http import HttpResponse

from common.headers import PrivacyHeadersMiddleware, permissions_policy
from tests.factories import CaseloadEntryFactory

# What the app switches off: it uses no camera, microphone, location, sensors,
# payments, media, full screen, synchronous requests or passkeys.
EXPECTED_POLICY = {
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "sync-xhr",
    "usb",
    "xr-spatial-tracking",
}


def policy_of(response) -> dict[str, str]:
    features = {}
    for directive in response.headers["Permissions-Policy"].split(","):
        feature, _, allowed = directive.strip().partition("=")
        features[feature] = allowed
    return features


def assert_locked_down(response):
    assert response.headers["Cache-Control"] == "no-store"
    assert policy_of(response) == dict.fromkeys(EXPECTED_POLICY, "()")


def test_person_page_is_not_stored_and_turns_features_off(client, roles):
    person = CaseloadEntryFactory(team=roles.team, person__full_name="Iris Mackenzie").person
    client.force_login(roles.practitioner)
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    assert "Iris Mackenzie" in response.content.decode()
    assert_locked_down(response)


def test_caseload_list_is_not_stored(client, roles):
    client.force_login(roles.practitioner)
    response = client.get("/people/")
    assert response.status_code == 200
    assert_locked_down(response)


def test_download_keeps_no_store_and_gets_the_policy(client, roles):
    client.force_login(roles.manager)
    response = client.get(f"/reports/teams/{roles.team.pk}/export/bands.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    b"".join(response.streaming_content)
    assert_locked_down(response)


def test_sign_in_page_is_not_stored(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert policy_of(response) == dict.fromkeys(EXPECTED_POLICY, "()")


def test_redirect_to_sign_in_is_not_stored(client, db):
    response = client.get("/people/")
    assert response.status_code == 302
    assert_locked_down(response)


def test_static_file_keeps_its_long_cache(client, db, settings):
    # As in production: WhiteNoise gives static files a cache lifetime of its own.
    settings.WHITENOISE_MAX_AGE = 3600
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=3600, public"
    assert policy_of(response) == dict.fromkeys(EXPECTED_POLICY, "()")


def test_health_check_keeps_never_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    # Django's never_cache, left as it was: no-store among its directives.
    assert response.headers["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_a_cache_control_the_view_chose_is_kept(rf, settings):
    def view(request):
        response = HttpResponse("public page")
        response.headers["Cache-Control"] = "max-age=60"
        return response

    response = PrivacyHeadersMiddleware(view)(rf.get("/"))
    assert response.headers["Cache-Control"] == "max-age=60"
    assert response.headers["Permissions-Policy"] == permissions_policy(
        tuple(settings.PERMISSIONS_POLICY_DISABLED)
    )
