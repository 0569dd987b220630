"""``manage.py analyze_database``: the planner's statistics brought up to date (README,
*Running it*: daily with SQLite)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_referral

pytestmark = pytest.mark.django_db


def _rows_the_planner_knows_of(table: str) -> int | None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return None
            # The first number of a table's statistics is its number of rows.
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL "
                           "OR tbl = %s ORDER BY idx IS NOT NULL LIMIT 1", [table, table])
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        tuples = cursor.fetchone()[0]
        return None if tuples < 0 else int(tuples)  # -1: never analysed


def test_the_planner_learns_how_many_referrals_there_are():
    for _ in range(3):
        make_referral()
    assert _rows_the_planner_knows_of("logistics_referral") != 3
    out = StringIO()
    call_command("analyze_database", stdout=out)
    assert _rows_the_planner_knows_of("logistics_referral") == 3
    assert "statistics updated" in out.getvalue()
