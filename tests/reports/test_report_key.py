"""Production refuses to start without a proper key for the reports' disclosure control."""

import pytest

from tests.audit.test_audit_key import SECRET_KEY, manage_check

AUDIT_KEY = "a" + "Pq7xW2mK" * 5


@pytest.mark.parametrize(
    ("report_key", "message"),
    [
        ("", "REPORT_KEY must be set when DEBUG is off"),
        ("development-only-report-key-never-use-in-production", "development default"),
        (AUDIT_KEY, "REPORT_KEY must differ from SECRET_KEY and AUDIT_KEY"),
        ("short-report-key", "at least 32 varied characters"),
    ],
)
def test_production_start_refuses_a_missing_or_weak_report_key(report_key, message):
    result = manage_check(SECRET_KEY=SECRET_KEY, AUDIT_KEY=AUDIT_KEY, REPORT_KEY=report_key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_starts_with_a_report_key():
    report_key = "r" + "Tn4vB8sQ" * 5
    result = manage_check(SECRET_KEY=SECRET_KEY, AUDIT_KEY=AUDIT_KEY, REPORT_KEY=report_key)
    assert result.returncode == 0, result.stderr
