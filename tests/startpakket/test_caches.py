"""The cache comes from CACHE_URL (startpakket.caches): the database's table by default, made by
``migrate``, shared by every worker and instance, so a throttle counts a user's requests once
whichever process answers them."""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from startpakket import caches as cache_settings
from startpakket.caches import cache_config
from tests.helpers import ROOT, run_manage


@pytest.mark.parametrize("url", ["", "  "])
def test_without_a_url_the_cache_is_the_database_table(url):
    config = cache_config(url)
    assert config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert config["LOCATION"] == "startpakket_cache"
    # Django's 300 would drop live throttle counts once a few hundred people are busy at once.
    assert config["OPTIONS"]["MAX_ENTRIES"] >= 10_000


@pytest.mark.parametrize("url", ["redis://cache.internal:6379/1",
                                 "rediss://:secret@cache.example.org:6380/0"])
def test_redis_through_djangos_own_backend(url, monkeypatch):
    monkeypatch.setattr(cache_settings, "find_spec", lambda name: object())
    assert cache_config(url) == {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                 "LOCATION": url, "KEY_PREFIX": "startpakket"}


def test_redis_without_its_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(cache_settings, "find_spec", lambda name: None)
    with pytest.raises(ImproperlyConfigured, match=r"pip install -e '\.\[redis\]'"):
        cache_config("redis://localhost:6379/0")


def test_a_cache_of_each_process_own_only_when_asked_for():
    assert cache_config("locmem://")["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache")


@pytest.mark.parametrize("url", ["memcached://user:secret@host:11211", "localhost:6379",
                                 "db://", "https://user:secret@example.org"])
def test_any_other_url_is_refused_without_repeating_a_password(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be") as refused:
        cache_config(url)
    assert "secret" not in str(refused.value)


def test_the_application_refuses_to_start_with_an_unknown_cache():
    result = run_manage("check", DEBUG="1", CACHE_URL="memcached://localhost:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be empty" in result.stderr and "memcached://" in result.stderr


@pytest.mark.django_db
def test_migrate_makes_the_database_caches_table(settings):
    settings.CACHES = {"default": cache_config("")}
    assert "startpakket_cache" not in connection.introspection.table_names()

    call_command("migrate", verbosity=0)

    assert "startpakket_cache" in connection.introspection.table_names()
    caches["default"].set("answer", 42)
    assert caches["default"].get("answer") == 42
    call_command("migrate", verbosity=0)  # a second run leaves the table as it is
    assert caches["default"].get("answer") == 42


# Two instances of the production server, one gunicorn worker each, on one database: requests
# alternate between them. More instances or more workers per instance change nothing: every
# process reads and writes the same cache.

RATE = 3
NURSE_PASSWORD = "a-long-enough-password-for-the-test"
SETUP = f"""
import io
import django
django.setup()
from django.core.management import call_command
from startpakket.models import Organisation
call_command("migrate", verbosity=0)
call_command("install_defaults", verbosity=0)
Organisation.objects.create(code="jgz", name="JGZ", kind="referrer")
call_command("add_user", "nurse", role="referrer", organisation="jgz",
             stdin=io.StringIO({NURSE_PASSWORD!r} + "\\n"), stdout=io.StringIO())
out = io.StringIO()
call_command("drf_create_token", "nurse", stdout=out)
print(out.getvalue().split()[2])
"""
CHECK = {"reference_date": "2026-03-01",
         "household": {"applicant_age": 30, "has_partner": False, "children": 1},
         "incomes": [{"kind": "wages", "amount": "1000"},
                     {"kind": "child_benefit", "amount": "300"}]}


def server_env(var_dir, cache_url: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CACHE_URL", "DEBUG"}}
    return {**env, "DJANGO_SETTINGS_MODULE": "startpakket.settings", "VAR_DIR": str(var_dir),
            "CACHE_URL": cache_url, "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
            "THROTTLE_ELIGIBILITY": f"{RATE}/minute"}


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A migrated SQLite database with a nurse and her API token."""
    var_dir = tmp_path_factory.mktemp("shared-cache")
    done = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=server_env(var_dir, ""),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return var_dir, done.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, token: str, body: dict | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        connection.request(method, path, body=json.dumps(body) if body else None,
                           headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture
def two_instances(installation):
    """``start(cache_url)`` starts two gunicorn instances on the installation's database and
    gives their ports; they are stopped after the test."""
    var_dir, _token = installation
    started = []

    def start(cache_url: str) -> list[int]:
        ports = [free_port(), free_port()]
        for port in ports:
            log = open(var_dir / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "startpakket.wsgi", "--workers", "1",
                 "--bind", f"127.0.0.1:{port}"],
                cwd=ROOT, env=server_env(var_dir, cache_url), stdout=log,
                stderr=subprocess.STDOUT)
            started.append((process, log))
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    request(port, "GET", "/api/v1/me/", "")
                    break
                except OSError:
                    assert time.monotonic() < deadline, (
                        (var_dir / f"gunicorn-{port}.log").read_text()[-3000:])
                    time.sleep(0.1)
        return ports

    yield start
    for process, log in started:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is under way
        process.wait(timeout=20)
        log.close()


def checks_alternating(ports: list[int], token: str, count: int) -> list[int]:
    return [request(ports[n % 2], "POST", "/api/v1/eligibility/check/", token, CHECK)
            for n in range(count)]


def test_two_instances_count_a_users_requests_together(installation, two_instances):
    _var_dir, token = installation
    ports = two_instances("")  # CACHE_URL unset: the database's cache table

    statuses = checks_alternating(ports, token, 2 * RATE)

    # The fourth check is refused whichever instance gets it: the limit holds for both together.
    assert statuses == [200] * RATE + [429] * RATE


def test_a_cache_of_each_process_own_would_give_each_its_own_limit(installation, two_instances):
    """Why the default is not Django's: with a cache in each process every instance (and every
    worker) lets the user make the limit's number of requests."""
    _var_dir, token = installation
    ports = two_instances("locmem://")

    assert checks_alternating(ports, token, 2 * RATE) == [200] * (2 * RATE)
