"""Small counts hidden (logistics/statistics/suppression.py), at the edges, written out."""

import pytest

from logistics.statistics import suppression
from logistics.statistics.figures import MEASURES, Group, Period, Row, Table
from logistics.statistics.suppression import suppress_cells


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (12, 12)])
def test_primary_edges(count, shown):
    assert suppression.show(count) == shown


def test_threshold_is_a_setting(settings):
    settings.STATS_SMALL_COUNT_THRESHOLD = 10
    assert suppression.show(9) == "<10"
    assert suppression.show(10) == 10


def test_a_column_total_would_give_one_hidden_cell_away():
    # Column: 3 (hidden), 7, 20 → total 30 shown; 30 - 7 - 20 = 3, so 7 is hidden too.
    assert suppress_cells([[3], [7], [20]]) == [["<5"], ["x"], [20]]


def test_two_hidden_cells_need_nothing_more():
    assert suppress_cells([[3], [2], [20]]) == [["<5"], ["<5"], [20]]


def test_zeros_are_never_the_second_cell():
    # 0 stays 0: the smallest non-zero other cell is hidden.
    assert suppress_cells([[0], [4], [9], [6]]) == [[0], ["<5"], [9], ["x"]]


def test_a_small_total_gives_nothing_away():
    assert suppress_cells([[3], [0]]) == [["<5"], [0]]


def test_row_totals_when_a_table_has_them():
    # Row 0 (total 14) would give its 2 away; hiding the 5 makes column 1 (5 + 6 = 11) give it
    # away, so the 6 goes too; column 0 (2 + 9) then has a single hidden cell: the 9 goes.
    assert suppress_cells([[2, 5, 7], [9, 6, 8]], column_totals=True, row_totals=True) == [
        ["<5", "x", 7], ["x", "x", 8]]


def _table(columns):
    rows = tuple(Row((Group(f"2025-0{n + 1}", f"m{n}"),),
                     {measure: columns.get(measure, [0] * 3)[n] for measure in MEASURES})
                 for n in range(3))
    totals = {measure: sum(row.counts[measure] for row in rows) for measure in MEASURES}
    return Table(Period.parse("2025-01", "2025-03"), ("month",), rows, totals)


def test_a_table_is_suppressed_per_column_and_totals_stay():
    table = suppression.suppress(_table({"referred": [4, 8, 12], "approved": [1, 2, 0],
                                         "delivered": [5, 5, 5]}))
    assert [row.counts["referred"] for row in table.rows] == ["<5", "x", 12]
    assert [row.counts["approved"] for row in table.rows] == ["<5", "<5", 0]
    assert [row.counts["delivered"] for row in table.rows] == [5, 5, 5]
    assert table.totals["referred"] == 24 and table.totals["delivered"] == 15
    assert table.totals["approved"] == "<5"  # 3
    assert table.suppressed and suppression.suppress(table) is table


def test_delivered_less_in_time_gives_no_small_late_count_away():
    # Row 0: 10 delivered, 7 in time → 3 late would show; so its "in time" is hidden (x). The
    # column "in time" (total 24) would then give the 7 away: its smallest other cell, row 1's
    # 5, is hidden too. Row 2 (8 late) shows all. Totals: 40 delivered, 24 in time.
    table = suppression.suppress(_table({"delivered": [10, 10, 20],
                                         "delivered_in_time": [7, 5, 12]}))
    assert [row.counts["delivered"] for row in table.rows] == [10, 10, 20]
    assert [row.counts["delivered_in_time"] for row in table.rows] == ["x", "x", 12]
    assert table.totals["delivered"] == 40 and table.totals["delivered_in_time"] == 24


def test_all_in_time_or_many_late_shows_the_part():
    table = suppression.suppress(_table({"delivered": [10, 10, 20],
                                         "delivered_in_time": [10, 0, 12]}))
    assert [row.counts["delivered_in_time"] for row in table.rows] == [10, 0, 12]


def test_totals_hide_the_part_when_few_are_late():
    assert suppression.suppress_totals({"delivered": 40, "delivered_in_time": 38}) == {
        "delivered": 40, "delivered_in_time": "x"}
    assert suppression.suppress_totals({"delivered": 40, "delivered_in_time": 40}) == {
        "delivered": 40, "delivered_in_time": 40}
    assert suppression.suppress_totals({"delivered": 3, "delivered_in_time": 1}) == {
        "delivered": "<5", "delivered_in_time": "<5"}


def test_a_part_beside_a_hidden_whole_is_hidden_too():
    # Delivered per kit type: 17 and 1 (total 18): the 1 is "<5", so the 17 is hidden ("x").
    # Shown beside it, "17 in time" would say at least 17 were delivered: with the total of 18
    # that pins both down. So the part goes too.
    rows = tuple(Row((Group(code, code),), dict.fromkeys(MEASURES, 0) | counts)
                 for code, counts in (("start", {"delivered": 17, "delivered_in_time": 17}),
                                      ("follow-up", {"delivered": 1, "delivered_in_time": 0})))
    totals = {measure: sum(row.counts[measure] for row in rows) for measure in MEASURES}
    table = suppression.suppress(Table(Period.parse("2025-01", "2025-01"), ("kit_type",),
                                       rows, totals))
    assert [row.counts["delivered"] for row in table.rows] == ["x", "<5"]
    assert [row.counts["delivered_in_time"] for row in table.rows] == ["x", 0]
    # 18 delivered, 17 in time: 1 late, so the total in time is hidden as well.
    assert (table.totals["delivered"], table.totals["delivered_in_time"]) == (18, "x")
