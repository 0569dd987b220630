"""Settings, read from the environment (12-factor) with safe defaults for development.

Every variable is listed in the README. Production is whatever runs with ``DEBUG`` off: it then
refuses to start without a real ``SECRET_KEY`` and turns on every transport-security setting.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from startpakket.caches import cache_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


DEBUG = env_bool("DEBUG", False)
# Demo mode: the data on this instance is made up (``make demo``). Shown as a banner on every page.
DEMO = env_bool("DEMO", False)

_DEV_SECRET_KEY = "django-insecure-development-only-never-use-this-key-in-production"  # noqa: S105
# Production without a strong key must not serve: wsgi.py refuses to start and
# `check --deploy` reports startpakket.E001. Commands that sign nothing (makemigrations, a
# linter's hook) still run, with a throwaway key.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
INSECURE_CONFIGURATION = ""
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = _DEV_SECRET_KEY
    else:
        INSECURE_CONFIGURATION = (
            "SECRET_KEY is not set. Production (DEBUG off) needs a random secret of at least 50 "
            "characters, e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For development set DEBUG=1."
        )
        SECRET_KEY = secrets.token_urlsafe(50)
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    INSECURE_CONFIGURATION = (
        "SECRET_KEY is too weak for production: use at least 50 random characters and do not "
        "start it with 'django-insecure'."
    )

# Two-factor login (TOTP app or a backup code) for every account: the data is health-related and
# about families in poverty. Only a development or demo instance may switch it off.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
if not TWO_FACTOR_REQUIRED and not DEBUG:
    INSECURE_CONFIGURATION = INSECURE_CONFIGURATION or (
        "TWO_FACTOR_REQUIRED is off. Production (DEBUG off) requires two-factor login; only a "
        "development or demo instance (DEBUG=1) may switch it off."
    )
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Startpakket")
# Linking an authenticator app needs a one-time enrolment link (startpakket.enrolment), valid
# this long.
ENROLMENT_LINK_HOURS = env_int("ENROLMENT_LINK_HOURS", 48)
# An authenticator's secret is shown once, to its owner, while linking the app; never again, to
# nobody (startpakket.admin also removes django-otp's config and QR views; this is its own switch).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "phonenumber_field",
    "axes",
    "csp",
    "auditlog",
    "django_otp",
    # django-otp's apps under names a coordinator understands (startpakket.third_party).
    "startpakket.third_party.AuthenticatorAppsConfig",
    "startpakket.third_party.BackupCodesConfig",
    "startpakket",
    "eligibility",
    "logistics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "startpakket.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request's user becomes the actor of the audit log's entries (startpakket.audit), and
    # the client's address (startpakket.proxies) their remote address.
    "startpakket.middleware.AuditlogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "startpakket.middleware.SessionLimitsMiddleware",
    "startpakket.two_factor.TwoFactorRequiredMiddleware",
    "startpakket.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "startpakket.urls"
WSGI_APPLICATION = "startpakket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "startpakket.context_processors.site",
                "eligibility.context_processors.norm_banner",
                "logistics.referrals.context_processors.answers_waiting",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite under var/ by default; DATABASE_URL=postgres://user:pass@host:5432/name for PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'startpakket.sqlite3'}"
# A worker keeps its connection for a minute instead of opening one per request (which cost a
# PostgreSQL referral half its time, issue #18); checked before reuse, so a restarted database
# is noticed before a request uses a dead connection.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue up
        # instead of failing half-way with "database is locked"; WAL lets readers go on meanwhile.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# --- Cache ---------------------------------------------------------------------------------------
# One cache for every worker and instance (the throttles count in it): the database's own table
# by default, made by `migrate`; CACHE_URL=redis://host:6379/0 for Redis (startpakket.caches).
CACHES = {"default": cache_config(os.environ.get("CACHE_URL", ""))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Shipped data (role groups, norm tables, policy, kit types); see install_defaults.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Users ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "startpakket.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times per language: British English with a 24-hour clock, Dutch (startpakket.formats).
FORMAT_MODULE_PATH = ["startpakket.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
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

# --- E-mail --------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds to wait for the mail server before giving up on a mail (logged): without it a server
# that takes the connection and never answers would hold a worker for good.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "startpakket@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Whether the application may rely on e-mail reaching people: only when an SMTP server was named
# (EMAIL_HOST set, or EMAIL_CONFIGURED=1 for another backend). Without it, enrolment links are
# shown to the coordinator who made them instead of being mailed.
EMAIL_CONFIGURED = env_bool("EMAIL_CONFIGURED", bool(os.environ.get("EMAIL_HOST")))
# The address people open the application at; links in e-mails start with it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PHONENUMBER_DEFAULT_REGION = "NL"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"
ADMINS = [("Beheer", address) for address in env_list("ADMINS")]

# --- Security ------------------------------------------------------------------------------------
# Sessions end after 30 minutes without a request, and 12 hours after logging in whatever happens
# (startpakket.middleware.SessionLimitsMiddleware); the cookie lives no longer than that.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless secure, for this exact host
    # and path /: no subdomain can set or read them. It needs HTTPS, so not in development.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    # Only when a reverse proxy that terminates TLS sets this header and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the application, each appending the address it got
# the request from to X-Forwarded-For: the client's address is read that many entries from the
# right (startpakket.proxies). 0: the header is ignored, the socket's address is the client's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

# Content Security Policy: everything from this site only; no inline scripts, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Login lockout (django-axes): the 6th wrong password in a row for a username from one client
# address locks it for the cool-off period, then it is allowed again; a good login resets the
# count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "startpakket.auth_backends.ModelBackendWithKeptGroups",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 6)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address: the socket's, or behind TRUSTED_PROXY_COUNT proxies the one the first
# of them wrote into X-Forwarded-For, never an entry the client wrote itself.
AXES_CLIENT_IP_CALLABLE = "startpakket.proxies.client_address"

# --- Retention -----------------------------------------------------------------------------------
# A closed referral is anonymised this many days after its delivery, or after its rejection or
# cancellation, by `manage.py anonymise_referrals` (daily; docs/data-inventory.md).
RETENTION_AFTER_DELIVERY_DAYS = env_int("RETENTION_AFTER_DELIVERY_DAYS", 365)
RETENTION_AFTER_CLOSING_DAYS = env_int("RETENTION_AFTER_CLOSING_DAYS", 92)
if min(RETENTION_AFTER_DELIVERY_DAYS, RETENTION_AFTER_CLOSING_DAYS) < 1:
    raise ImproperlyConfigured(
        "RETENTION_AFTER_DELIVERY_DAYS and RETENTION_AFTER_CLOSING_DAYS must be at least 1."
    )

# --- Pick-up points -------------------------------------------------------------------------------
# A pick-up kit not collected this many weeks after it was packed is recorded as not collected,
# and its nurse told, by `manage.py mark_not_collected` (daily).
PICKUP_COLLECT_WEEKS = env_int("PICKUP_COLLECT_WEEKS", 4)
if PICKUP_COLLECT_WEEKS < 1:
    raise ImproperlyConfigured("PICKUP_COLLECT_WEEKS must be at least 1.")

# --- Statistics ----------------------------------------------------------------------------------
# Counts from 1 to this less one show as "<5" in every table (logistics/statistics/suppression.py).
STATS_SMALL_COUNT_THRESHOLD = env_int("STATS_SMALL_COUNT_THRESHOLD", 5)
if STATS_SMALL_COUNT_THRESHOLD < 1:
    raise ImproperlyConfigured("STATS_SMALL_COUNT_THRESHOLD must be at least 1.")

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing credential a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # knox's hashed tokens; the token's user becomes the audit log's actor (startpakket.audit).
        "startpakket.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's, with a body nested too deep for Python a 400 instead of a 500.
    "DEFAULT_PARSER_CLASSES": ["startpakket.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "startpakket.api.pagination.PageNumberPagination",
    # For the throttles' anonymous ident, read from the right as startpakket.proxies does.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "startpakket.api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "startpakket.api.schema.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    # Per user, for the endpoints that compute or render much: a script gone wrong (or someone
    # probing incomes) is slowed down; people never notice. Documents and exports add theirs.
    "DEFAULT_THROTTLE_RATES": {
        "eligibility": os.environ.get("THROTTLE_ELIGIBILITY", "120/minute"),
        # PDFs take a while to draw; slips carry personal data.
        "documents": os.environ.get("THROTTLE_DOCUMENTS", "30/minute"),
    },
}
# API tokens (django-rest-knox, startpakket.tokens): only a SHA-512 digest is stored, the key is
# shown once. A token lasts this many days at most (and by default), then answers 401.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
if API_TOKEN_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be at least 1.")
KNOX_TOKEN_MODEL = "startpakket.ApiToken"  # noqa: S105 - a model, not a secret
# knox's own token model is swapped out for that one; its migrations would still create its
# table (with a key to the users, which then blocks `flush` on PostgreSQL). Without migrations
# Django creates no table for a swapped model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    # Clients keep sending "Authorization: Token <key>" (DESIGN §7.2).
    "AUTH_HEADER_PREFIX": "Token",
    # Makes a leaked key recognisable to secret scanners, and to people.
    "TOKEN_PREFIX": "spk_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Startpakket API",
    "DESCRIPTION": "Referrals, eligibility checks, stock and deliveries of baby start-kits.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "startpakket.api.schema.exclusive_variants",
    ],
    # Choice sets that share a field name ("status", "outcome") each get a name of their own.
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "logistics.models.ReferralStatus",
        "NormStatusEnum": "eligibility.models.NormStatus",
        "OutcomeEnum": "eligibility.models.Outcome",
        "EligibilityOverrideEnum": "logistics.models.EligibilityOverride",
        "DeliveryMethodEnum": "logistics.models.DeliveryMethod",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Imports of norm tables and other data: all rows or nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# A cell that a spreadsheet would run as a formula (=, +, -, @) is exported as text
# (startpakket.spreadsheets); a control character XLSX cannot hold is replaced, not a 500.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# A norm or stock file is small; anything larger is a mistake or an attack.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
