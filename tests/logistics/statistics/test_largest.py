"""Groupings without an upper bound (4,000 referring organisations): the dashboard and the
report show the largest groups and the rest summed in one row (``figures.largest``), hidden
like any row; the exports keep every group."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from logistics.models.statistics import FigureCount
from logistics.statistics import content, figures, report, suppression
from logistics.statistics.figures import MEASURES, Group, Period, Row, Table
from startpakket.roles import Role
from tests.factories import OrganisationFactory, UserFactory, make_referral
from tests.helpers import pdf_text

Q1 = Period.parse("2025-01", "2025-03")


def _table(referred: list[int], **other_columns) -> Table:
    rows = tuple(Row((Group(f"org-{n}", f"Org {n:02d}"),),
                     {m: (referred if m == "referred" else other_columns.get(m, [0] * len(
                         referred)))[n] for m in MEASURES})
                 for n in range(len(referred)))
    totals = {m: sum(row.counts[m] for row in rows) for m in MEASURES}
    return Table(Q1, ("organisation",), rows, totals)


def test_the_largest_in_their_order_and_the_rest_summed():
    table = _table([7, 30, 2, 12, 30, 1], approved=[1, 2, 3, 4, 5, 6])
    folded, rest = figures.largest(table, 3, "Other (3)")
    assert rest == 3
    # Org 01 and 04 (30 each) and 03 (12), in the table's order; the others in one last row.
    assert [row.keys[0].name for row in folded.rows] == ["Org 01", "Org 03", "Org 04",
                                                         "Other (3)"]
    assert folded.rows[-1].keys[0].code is None
    assert folded.rows[-1].counts["referred"] == 7 + 2 + 1
    assert folded.rows[-1].counts["approved"] == 1 + 3 + 6
    for measure in MEASURES:
        assert sum(row.counts[measure] for row in folded.rows) == table.totals[measure]
    assert folded.totals == table.totals


@pytest.mark.parametrize("count", [0, 1, 3])
def test_no_more_rows_than_the_limit_is_the_table_as_it_was(count):
    table = _table([5] * count)
    assert figures.largest(table, 3, "Other") == (table, 0)


def test_the_summed_row_is_hidden_like_any_row():
    # Referred 40, 3, then 2 + 2 summed: the summed 4 is small itself, two hidden cells.
    folded, _rest = figures.largest(_table([40, 3, 2, 2]), 2, "Other (2)")
    shown = suppression.suppress(folded)
    assert [row.counts["referred"] for row in shown.rows] == [40, "<5", "<5"]
    # A summed rest of 6 beside one small group: the total would give the 3 away, so the
    # smallest other cell (the summed row) is hidden too.
    folded, _rest = figures.largest(_table([40, 3, 2, 2, 2]), 2, "Other (3)")
    shown = suppression.suppress(folded)
    assert [row.counts["referred"] for row in shown.rows] == [40, "<5", "x"]
    assert shown.totals["referred"] == 49


def test_folding_a_suppressed_table_is_refused():
    with pytest.raises(ValueError):
        figures.largest(suppression.suppress(_table([9, 8, 7])), 1, "Other")


@pytest.mark.django_db
def test_dashboard_and_report_show_the_largest_and_link_the_full_export(
        client, world, monkeypatch):
    monkeypatch.setattr(content, "LARGEST", 1)
    client.force_login(world.coordinator)
    response = client.get("/dashboard/", {"from": "2025-01", "to": "2025-03"})
    html = response.content.decode()
    full = figures.distribution(Q1, ["organisation"])
    assert len(full.rows) == 2
    table = response.context["data"].tables["organisation"]
    assert [row.keys[0].name for row in table.rows][-1] == "Andere organisatie (1)"
    assert len(table.rows) == 2
    assert table.totals == suppression.suppress(full).totals
    # Hidden after folding: the summed row is a row of the table that is hidden.
    assert table == suppression.suppress(figures.largest(full, 1, "Andere organisatie (1)")[0])
    # Three municipalities (one unknown): two in the summed row.
    assert response.context["data"].folded == {"organisation": 1, "municipality": 2}
    assert ("De grafiek toont de 1 met de meeste aanmeldingen; de tabel ook de andere 1, samen "
            "in de laatste rij.") in html
    # The chart leaves the summed rest out (it would dwarf every bar).
    chart = response.context["data"].chart("organisation")
    assert chart.categories == (table.rows[0].keys[0].name,)
    assert ("/api/v1/stats/distribution/?from=2025-01&amp;to=2025-03&amp;group_by=organisation"
            "&amp;format=csv") in html
    assert "Andere organisatie (1)" in html
    # The export keeps both.
    export = client.get("/api/v1/stats/distribution/",
                        {"from": "2025-01", "to": "2025-03", "group_by": "organisation",
                         "format": "csv"})
    text = b"".join(export.streaming_content if export.streaming else [export.content]).decode()
    for row in full.rows:
        assert row.keys[0].name in text
    pdf = " ".join(pdf_text(report.render_report(Q1, None, "nl"))[1].split())
    assert "Andere organisatie (1)" in pdf


@pytest.mark.django_db
def test_the_database_finds_the_largest_as_folding_the_whole_table_does():
    """``distribution(largest=)`` ranks the groups in the database and sums only the kept ones;
    it must give what folding the table of every group gives, ties and all, and a group whose
    counts all came back to nothing is no group."""
    referred = [3, 1, 3, 2, 1]  # ties at the top and at the bottom
    for count in referred:
        nurse = UserFactory(role=Role.REFERRER)
        for _ in range(count):
            make_referral(nurse)
    today = timezone.localdate()
    period = Period.parse(f"{today:%Y-%m}")
    FigureCount.objects.create(grouping="organisation", month=period.first_month,
                               organisation=OrganisationFactory().pk)  # nothing left in it
    full = figures.distribution(period, ["organisation"])
    assert [row.counts["referred"] for row in full.rows] == referred
    for limit in range(1, len(referred) + 2):
        rest = max(len(referred) - limit, 0)
        expected = figures.largest(full, limit, f"Other ({rest})")[0]
        assert figures.distribution(period, ["organisation"], largest=limit,
                                    other=lambda count: f"Other ({count})") == expected


@pytest.mark.django_db
def test_the_largest_are_summed_from_their_own_months_not_the_whole_year():
    """Of 4,000 organisations' year of kept rows the 15 found are summed by the partial index
    on organisation and month (``figure_count_organisation``), not by reading the year again."""
    for _ in range(2):
        nurse = UserFactory(role=Role.REFERRER)
        make_referral(nurse)
    period = Period.parse(f"{timezone.localdate():%Y-%m}")
    with CaptureQueriesContext(connection) as queries:
        figures.distribution(period, ["organisation"], largest=1, other=str)
    # With the planner's statistics, as a database kept by the daily maintenance has them.
    call_command("analyze_database", stdout=io.StringIO())
    summed = next(query["sql"] for query in queries
                  if '"organisation" IN (' in query["sql"] and "delivered_in_time" in query["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {summed}")
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            assert "USING INDEX figure_count_organisation " in plan, plan
        else:
            # On a test's few rows PostgreSQL finds the three indexes that can serve this alike
            # (at 100,000 referrals it takes this one: 10.7 → 0.6 ms); here only that it can,
            # with the others out of the way. Rolled back with the test's transaction.
            cursor.execute("ALTER TABLE logistics_figurecount DROP CONSTRAINT figure_count_key")
            cursor.execute("DROP INDEX figure_count_by_organisation")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {summed}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Scan on figure_count_organisation" in plan or (
                "Index Scan using figure_count_organisation " in plan), plan
