"""Small counts hidden (DESIGN §6), as statistical offices do, in every export, the API, the
dashboard and the report.

Primary suppression
    A count from 1 to ``threshold() - 1`` (``settings.STATS_SMALL_COUNT_THRESHOLD``, 5) shows as
    ``"<5"``; 0 stays 0, and so does every count from the threshold up. A small total shows as
    ``"<5"`` too.
Secondary suppression
    Where a line (a column of a table, a row with a total) has exactly one hidden cell and its
    total is shown, the total less the other cells would give that cell away; so the smallest
    other non-zero cell of the line is hidden too, shown as ``"x"``, and again until no line
    gives a cell away. Totals stay as they are.

Pure functions: a table in, a table out.
"""

import dataclasses

from django.conf import settings

from logistics.statistics.figures import Cell, Table

DEFAULT_THRESHOLD = 5
SECONDARY = "x"


def threshold() -> int:
    return getattr(settings, "STATS_SMALL_COUNT_THRESHOLD", DEFAULT_THRESHOLD)


def small_label() -> str:
    return f"<{threshold()}"



def is_small(count: int) -> bool:
    return 0 < count < threshold()


def show(count: int) -> Cell:
    """One count on its own: ``"<5"`` if small."""
    return small_label() if is_small(count) else count


def _secondary(cells: list[list[int]], hidden: set[tuple[int, int]],
               lines: list[list[tuple[int, int]]]) -> set[tuple[int, int]]:
    """Also hide, per line whose total is shown and that hides exactly one cell, its smallest
    other non-zero cell; repeated, since hiding one may give another line a single hidden
    cell. ``lines`` lists the cells (as positions) of each line that has a total."""
    secondary = set()
    changed = True
    while changed:
        changed = False
        for line in lines:
            total = sum(cells[r][c] for r, c in line)
            if is_small(total):
                continue  # the total itself is hidden
            hidden_here = [cell for cell in line if cell in hidden or cell in secondary]
            if len(hidden_here) != 1:
                continue
            candidates = [cell for cell in line
                          if cell not in hidden_here and cells[cell[0]][cell[1]] > 0]
            if not candidates:
                continue
            smallest = min(candidates, key=lambda cell: (cells[cell[0]][cell[1]], cell))
            secondary.add(smallest)
            changed = True
    return secondary


def suppress_cells(cells: list[list[int]], *, column_totals: bool = True,
                   row_totals: bool = False) -> list[list[Cell]]:
    """``cells`` (rows × columns of counts) with the small counts hidden, primary and secondary,
    for a table that shows the totals of its columns and/or of its rows."""
    hidden = {(r, c) for r, row in enumerate(cells) for c, count in enumerate(row)
              if is_small(count)}
    lines = []
    if column_totals and cells:
        lines += [[(r, c) for r in range(len(cells))] for c in range(len(cells[0]))]
    if row_totals:
        lines += [[(r, c) for c in range(len(row))] for r, row in enumerate(cells)]
    secondary = _secondary(cells, hidden, lines)
    return [[small_label() if (r, c) in hidden else SECONDARY if (r, c) in secondary else count
             for c, count in enumerate(row)] for r, row in enumerate(cells)]


def suppress(table: Table) -> Table:
    """The table as it may be shown: small counts ``"<5"``, secondary ``"x"`` within each
    measure's column (the totals row adds up the column). The measures of a row have no total
    (they overlap: ``delivered_in_time`` is part of ``delivered``), so rows are not lines."""
    if table.suppressed:
        return table
    measures = list(table.measures)
    cells = [[row.counts[measure] for measure in measures] for row in table.rows]
    shown = suppress_cells(cells, column_totals=True)
    rows = tuple(dataclasses.replace(row, counts=dict(zip(measures, values, strict=True)))
                 for row, values in zip(table.rows, shown, strict=True))
    totals = {measure: show(count) for measure, count in table.totals.items()}
    return dataclasses.replace(table, rows=rows, totals=totals, suppressed=True)


def suppress_counts(counts: dict[str, int]) -> dict[str, Cell]:
    """A list of counts that is shown with its total (referrals by status): one line."""
    keys = list(counts)
    shown = suppress_cells([[counts[key]] for key in keys], column_totals=True)
    return {key: row[0] for key, row in zip(keys, shown, strict=True)}
