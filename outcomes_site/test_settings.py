"""Settings for the test suite: production settings with test-only conveniences."""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-key-" + "x7Qp2LmZ" * 6)
# A fixed key for the audit trail's hashes; tests that check a hash use settings.AUDIT_KEY.
os.environ.setdefault("AUDIT_KEY", "test-suite-audit-key-" + "Hv4kT9wB" * 4)
# A fixed key for the reports' disclosure control, so perturbed counts are the same each run.
os.environ.setdefault("REPORT_KEY", "test-suite-report-key-" + "Rk3sW8pN" * 4)

from .settings import *  # noqa: F403

# Tests talk plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast hashing: the suite creates many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files straight from the source folders, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The suite signs users in with force_login (no second step) and client.login
# (no request, which django-axes needs); the sign-in security tests switch these on.
MFA_ENFORCED = False
AXES_ENABLED = False
