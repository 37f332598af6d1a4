"""Settings, read from environment variables.

Every value that differs between a laptop and a production server comes from the
environment. Production is the default: ``DEBUG`` is off unless it is set, and
without ``DEBUG`` the app refuses to start on an insecure ``SECRET_KEY``.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

# A key that is safe only on a developer's machine: refused whenever DEBUG is off.
DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 50
# The audit trail's key (audit.services.event_hash), kept out of the database so
# that someone who can write to it still cannot forge events that verify.
DEVELOPMENT_AUDIT_KEY = "development-only-audit-key-never-use-in-production"
MIN_AUDIT_KEY_LENGTH = 32

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def production_secret_key(raw: str | None) -> str:
    """Return ``raw`` if it is fit for production, else explain why not."""
    if not raw:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if raw == DEVELOPMENT_SECRET_KEY or raw.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY is a development default; set a secret one.")
    if len(raw) < MIN_SECRET_KEY_LENGTH or len(set(raw)) < 5:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} varied characters long."
        )
    return raw


def production_audit_key(raw: str | None, secret_key: str) -> str:
    """Return ``raw`` if it is fit to key the production audit trail, else explain why not."""
    if not raw:
        raise ImproperlyConfigured("AUDIT_KEY must be set when DEBUG is off.")
    if raw == DEVELOPMENT_AUDIT_KEY:
        raise ImproperlyConfigured("AUDIT_KEY is a development default; set a secret one.")
    if raw == secret_key:
        # Rotating SECRET_KEY must never break the trail, nor one leak expose both.
        raise ImproperlyConfigured("AUDIT_KEY must differ from SECRET_KEY.")
    if len(raw) < MIN_AUDIT_KEY_LENGTH or len(set(raw)) < 5:
        raise ImproperlyConfigured(
            f"AUDIT_KEY must be at least {MIN_AUDIT_KEY_LENGTH} varied characters long."
        )
    return raw


DEVELOPMENT_REPORT_KEY = "development-only-report-key-never-use-in-production"


def production_report_key(raw: str | None, secret_key: str, audit_key: str) -> str:
    """Return ``raw`` if it is fit to key the reports' disclosure control, else explain why not."""
    if not raw:
        raise ImproperlyConfigured("REPORT_KEY must be set when DEBUG is off.")
    if raw == DEVELOPMENT_REPORT_KEY:
        raise ImproperlyConfigured("REPORT_KEY is a development default; set a secret one.")
    if raw in (secret_key, audit_key):
        raise ImproperlyConfigured("REPORT_KEY must differ from SECRET_KEY and AUDIT_KEY.")
    if len(raw) < MIN_AUDIT_KEY_LENGTH or len(set(raw)) < 5:
        raise ImproperlyConfigured(
            f"REPORT_KEY must be at least {MIN_AUDIT_KEY_LENGTH} varied characters long."
        )
    return raw


DEBUG = env_bool("DEBUG", default=False)
# Behind a TLS-terminating proxy the client's address is the last one the proxy
# added to X-Forwarded-For; otherwise REMOTE_ADDR (see common.actor.client_address).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)

if DEBUG:
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
else:
    SECRET_KEY = production_secret_key(os.environ.get("SECRET_KEY"))

if DEBUG:
    AUDIT_KEY = os.environ.get("AUDIT_KEY") or DEVELOPMENT_AUDIT_KEY
else:
    AUDIT_KEY = production_audit_key(os.environ.get("AUDIT_KEY"), SECRET_KEY)

# The key of the organisation reports' disclosure control (reports.disclosure):
# whoever has it can take the noise off a published count. Never change it: the
# same cell must show the same value in every report, old and new.
if DEBUG:
    REPORT_KEY = os.environ.get("REPORT_KEY") or DEVELOPMENT_REPORT_KEY
else:
    REPORT_KEY = production_report_key(os.environ.get("REPORT_KEY"), SECRET_KEY, AUDIT_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Only for the configuration site (accounts.configuration), never the default admin.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "core",
    "frameworks",
    "records",
    "conversations",
    "reports",
    "audit",
    "themes",
    "interop",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get a Permissions-Policy too (and keep their cache).
    "common.headers.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.ActorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so it sees the sign-in page's response and replaces it while locked out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outcomes_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "outcomes_site.wsgi.application"
ASGI_APPLICATION = "outcomes_site.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reports aggregate millions of rows in a few queries: compiling each with
    # JIT costs seconds and saves nothing, and hashes that fit in memory keep
    # them off the disk. Parallel workers only for big scans: starting them for
    # a dashboard's few thousand rows costs more than the reading. Override
    # with DATABASE_SESSION_OPTIONS.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "DATABASE_SESSION_OPTIONS", "-c jit=off -c work_mem=32MB -c parallel_setup_cost=10000"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one connection write at a time. Taking the write lock when a
    # transaction begins, and waiting up to 20 seconds for it, makes a second
    # writer queue rather than fail with "database is locked" part way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt, even with the right password, while locked out.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.SignInBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.HardToGuessValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Records hold sensitive personal data: sessions end after a working day, or
# sooner when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# And after this long without a request (accounts.middleware.IdleTimeoutMiddleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)

# Too many failed sign-ins for one username, or from one address, refuse further
# attempts (even with the right password) for the cool-off; an admin can unlock.
# An address has a higher limit: a whole office may sign in from one.
SIGN_IN_FAILURES_ALLOWED = env_int("SIGN_IN_FAILURES_ALLOWED", 5)
SIGN_IN_FAILURES_ALLOWED_PER_ADDRESS = env_int("SIGN_IN_FAILURES_ALLOWED_PER_ADDRESS", 25)
SIGN_IN_COOL_OFF_MINUTES = env_int("SIGN_IN_COOL_OFF_MINUTES", 15)
AXES_FAILURE_LIMIT = SIGN_IN_FAILURES_ALLOWED
AXES_COOLOFF_TIME = datetime.timedelta(minutes=SIGN_IN_COOL_OFF_MINUTES)
# Each separately: many usernames from one address, or one username from many.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "common.actor.client_address"
# The audit trail records every sign-in; axes keeps only the failed attempts.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Second sign-in step (django-otp): who must use it is accounts.roles.mfa_required;
# MFA_ENFORCED off lets nobody be made to enrol (the test suite signs users in directly).
MFA_ENFORCED = env_bool("MFA_ENFORCED", default=True)
OTP_TOTP_ISSUER = "Personal outcomes"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: only this site's own scripts, styles, images and
# forms; no inline script or style, nothing from another origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws form-control icons as data: SVG images.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features switched off for every origin (common.headers): the app uses
# no camera, microphone, location, payments, media, sensors or passkeys.
PERMISSIONS_POLICY_DISABLED = (
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
)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Application logs never carry personal data: only identifiers and events.
# Django's request and database errors are cut to the exception class and the
# view (common.logging), as their text can hold the values of a row.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_personal_data": {"()": "common.logging.WithoutPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["without_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING", "filters": ["without_personal_data"]},
        "django.request": {"filters": ["without_personal_data"]},
        # WeasyPrint reports every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes reports every failed sign-in; the audit trail already has them.
        "axes": {"level": "WARNING"},
    },
}
