"""Production settings refuse to start insecurely, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k3y-" + "Zq8vR2nLw5Tx" * 5


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a real start would have: no test-run variables leak in.
    leave_out = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in leave_out}
    clean.update(DJANGO_SETTINGS_MODULE="outcomes_site.settings", **env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("secret_key", "message"),
    [
        (None, "SECRET_KEY must be set when DEBUG is off"),
        ("", "SECRET_KEY must be set when DEBUG is off"),
        ("development-only-key-never-use-in-production", "development default"),
        ("django-insecure-" + "a1b2c3d4e5" * 5, "development default"),
        ("short-key", "at least 50 varied characters"),
    ],
)
def test_production_start_refuses_missing_or_default_secret_key(secret_key, message):
    env = {} if secret_key is None else {"SECRET_KEY": secret_key}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_with_a_nonsense_value_is_refused_with_a_clear_message():
    result = run_manage("check", DEBUG="perhaps", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_development_start_works_without_a_secret_key():
    result = run_manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_deploy_check_prints_no_warning_with_production_values():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="a.org"
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_would_warn_if_https_settings_were_missing():
    # The deploy check is only meaningful if it can fail: turning the HTTPS
    # redirect off must make it complain.
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="a.org",
        SECURE_SSL_REDIRECT="0",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_secure_cookies_and_hsts_are_on_in_production_settings():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "False"]
