"""Production refuses to start without a proper audit key, as it does without SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "k3y-" + "Zq8vR2nLw5Tx" * 5


def manage_check(**env: str) -> subprocess.CompletedProcess:
    # Only what a real start would have: the test run's own keys stay out.
    leave_out = {"DEBUG", "SECRET_KEY", "AUDIT_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in leave_out}
    clean.update(DJANGO_SETTINGS_MODULE="outcomes_site.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("audit_key", "message"),
    [
        (None, "AUDIT_KEY must be set when DEBUG is off"),
        ("development-only-audit-key-never-use-in-production", "development default"),
        (SECRET_KEY, "AUDIT_KEY must differ from SECRET_KEY"),
        ("short-audit-key", "at least 32 varied characters"),
    ],
)
def test_production_start_refuses_a_missing_or_weak_audit_key(audit_key, message):
    env = {} if audit_key is None else {"AUDIT_KEY": audit_key}
    result = manage_check(SECRET_KEY=SECRET_KEY, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_an_audit_key_and_development_without_one():
    assert manage_check(SECRET_KEY=SECRET_KEY, AUDIT_KEY="a" + "Pq7xW2mK" * 5).returncode == 0
    result = manage_check(DEBUG="1")
    assert result.returncode == 0, result.stderr
