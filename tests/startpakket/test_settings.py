"""Settings come from the environment; production refuses to start insecurely (DESIGN §7.1)."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.helpers import ROOT, run_manage


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", "--deploy", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_production_server_refuses_to_start_without_a_secret_key():
    clean_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import startpakket.wsgi"],
        cwd=ROOT, env={**clean_env, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "startpakket.settings",
                       "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_makemigrations_check_runs_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="0")
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_manage("check", "--deploy", DEBUG="0", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_an_unreadable_boolean_is_refused_clearly():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_development_runs_without_a_secret_key():
    result = run_manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-only settings")
@pytest.mark.django_db
def test_sqlite_takes_the_write_lock_at_the_start_and_uses_wal():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert settings.USE_TZ


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="join_collapse_limit exists only in PostgreSQL; make test's PostgreSQL "
                           "run (required in CI) checks it")
@pytest.mark.django_db
def test_postgresql_keeps_the_written_order_past_four_joins():
    from django.db import connections

    from startpakket.database import JOIN_COLLAPSE_LIMIT

    # A connection made now, as a new worker's would be.
    fresh = connections.create_connection("default")
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW join_collapse_limit")
            assert cursor.fetchone()[0] == str(JOIN_COLLAPSE_LIMIT) == "4"
    finally:
        fresh.close()
