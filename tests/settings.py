"""Settings for the test suite: the real settings with a test secret and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-0123456789-0123456789")
os.environ.setdefault("DEBUG", "0")

from startpakket.settings import *  # noqa: F403

# Hashing with the production hasher costs ~0.3 s a login; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: serve the app's own files as they are.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Enrolment links are shown to the coordinator unless a test says mail is configured.
EMAIL_CONFIGURED = False
# WhiteNoise would look for collected files; the finders serve them in tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# SQLite: a file, not the default in-memory database, so that the concurrency tests' threads
# each open a connection of their own to the same database, as the web server's workers do.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    # One file per run, so two runs side by side do not share it; Django removes it afterwards.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-startpakket-{os.getpid()}.sqlite3")  # noqa: F405
    }
# Most tests log in with force_login, which skips the second step; the two-factor tests switch it
# on (tests/startpakket/test_two_factor.py), as production always has it.
TWO_FACTOR_REQUIRED = False
# The suite makes many checks within a minute, and SQLite reuses user ids after a rollback, so a
# real rate would throttle tests at random; the throttling test sets its own rate.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"eligibility": "100000/minute", "documents": "100000/minute"},
}
# One process runs the suite: a cache of its own (emptied after every test, tests/conftest.py),
# so the query counts are the application's own. The database cache and its sharing between
# processes have their tests (tests/startpakket/test_caches.py).
CACHES = {"default": cache_config("locmem://")}  # noqa: F405
