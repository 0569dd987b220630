"""The cache, from ``CACHE_URL``: one that every worker and every instance share.

The throttles count each user's requests in it (and whatever is cached later lives there): in a
cache of each process's own, every gunicorn worker would count on its own, and four workers would
give a nurse four times her limit. By default the database's own table (nothing new to run;
``migrate`` makes the table, see ``create_cache_tables``), ``redis://`` or ``rediss://`` for
Redis through Django's own backend (``pip install -e '.[redis]'``), ``locmem://`` for a cache of
each process's own where that is meant (the test suite, one process).
"""

from importlib.util import find_spec
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_CACHE_TABLE = "startpakket_cache"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"


def cache_config(url: str) -> dict:
    """The ``CACHES["default"]`` entry for ``url`` (empty: the database)."""
    url = url.strip()
    if not url:
        return {
            "BACKEND": DATABASE_CACHE,
            "LOCATION": DATABASE_CACHE_TABLE,
            # Past MAX_ENTRIES Django drops a third of the entries, live throttle counts too;
            # its 300 is a few hundred people active in the same minute.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    # Only the scheme goes into a message: the rest may hold a password.
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"redis", "rediss"}:
        if find_spec("redis") is None:
            raise ImproperlyConfigured(
                "CACHE_URL names Redis, but the redis package is not installed: "
                "pip install -e '.[redis]'."
            )
        # The prefix keeps these keys apart on a Redis server that other applications use too.
        return {"BACKEND": REDIS_CACHE, "LOCATION": url, "KEY_PREFIX": "startpakket"}
    if scheme == "locmem":
        return {"BACKEND": LOCMEM_CACHE, "LOCATION": "startpakket"}
    got = f"a URL starting with {scheme}://" if scheme else "no scheme"
    raise ImproperlyConfigured(
        "CACHE_URL must be empty (the database's cache table), redis://…, rediss://… or "
        f"locmem://; got {got}."
    )


def create_cache_tables(using: str = "default", **kwargs) -> None:
    """After ``migrate`` (a ``post_migrate`` receiver): the table of every database cache, if it
    is not there yet. So a new installation, the demo, CI and the tests' databases have it
    without a step of their own, and switching ``CACHE_URL`` back to the database needs none."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
