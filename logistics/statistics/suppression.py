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
A part beside its whole
    ``delivered_in_time`` is part of ``delivered``; shown side by side, their difference (the
    kits delivered late) is a count too. Where it is small, the part is hidden as ``"x"`` (in a
    row and in the totals), as if the rest were a cell of the table that is never shown; and
    where the whole is hidden, so is the part (it would show how many there were at least).

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


# part → whole: the measures that are part of another one in the same row.
PARTS = {"delivered_in_time": "delivered"}


def _secondary(cells: list[list[int]], hidden: set[tuple[int, int]],
               lines: list[list[tuple[int, int]]],
               hidden_totals: frozenset[int] = frozenset()) -> set[tuple[int, int]]:
    """Also hide, per line whose total is shown and that hides exactly one cell, its smallest
    other non-zero cell; repeated, since hiding one may give another line a single hidden
    cell. ``lines`` lists the cells (as positions) of each line that has a total;
    ``hidden_totals`` the indexes of lines whose total is hidden for another reason."""
    secondary = set()
    changed = True
    while changed:
        changed = False
        for index, line in enumerate(lines):
            total = sum(cells[r][c] for r, c in line)
            if is_small(total) or index in hidden_totals:
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


def suppress_totals(totals: dict[str, int]) -> dict[str, Cell]:
    """The totals of a table (or the key figures): small ones ``"<5"``, and a part whose rest
    is small ``"x"``."""
    shown = {measure: show(count) for measure, count in totals.items()}
    for part, whole in PARTS.items():
        if part in totals and whole in totals and is_small(totals[whole] - totals[part]) \
                and isinstance(shown[part], int) and isinstance(shown[whole], int):
            shown[part] = SECONDARY
    return shown


def suppress(table: Table) -> Table:
    """The table as it may be shown: small counts ``"<5"``, secondary ``"x"`` within each
    measure's column (the totals row adds up the column). The measures of a row have no total
    (they overlap: ``delivered_in_time`` is part of ``delivered``), so rows are not lines; but
    a part and its rest (``delivered`` less ``delivered_in_time``, never shown) are one line
    whose total is the whole."""
    if table.suppressed:
        return table
    measures = list(table.measures)
    parts = [(measures.index(part), measures.index(whole)) for part, whole in PARTS.items()
             if part in measures and whole in measures]
    # Each row: its measures, then the rest of each part (never shown, hidden when small).
    cells = [[row.counts[measure] for measure in measures]
             + [row.counts[measures[whole]] - row.counts[measures[part]] for part, whole in parts]
             for row in table.rows]
    totals = suppress_totals(table.totals)
    width = len(measures) + len(parts)
    hidden = {(r, c) for r, row in enumerate(cells) for c, count in enumerate(row)
              if is_small(count)}
    lines = [[(r, c) for r in range(len(cells))] for c in range(width)]
    # A column whose total is hidden gives nothing away; a rest column's total is the whole's
    # total less the part's, shown only when both are.
    hidden_totals = {c for c, measure in enumerate(measures)
                     if not isinstance(totals[measure], int)}
    hidden_totals |= {len(measures) + n for n, (part, whole) in enumerate(parts)
                      if {part, whole} & hidden_totals}
    lines += [[(r, part), (r, len(measures) + n)] for n, (part, _whole) in enumerate(parts)
              for r in range(len(cells))]
    secondary: set[tuple[int, int]] = set()
    while cells:
        secondary |= _secondary(cells, hidden | secondary, lines, frozenset(hidden_totals))
        # A part shown beside its hidden whole bounds it from below (17 in time: at least 17
        # delivered), which with the column can pin it down; so the part goes too, and the
        # lines are looked at again.
        bounding = {(r, part) for r in range(len(cells)) for part, whole in parts
                    if ((r, whole) in hidden or (r, whole) in secondary)
                    and (r, part) not in hidden and (r, part) not in secondary
                    and cells[r][part] > 0}
        if not bounding:
            break
        secondary |= bounding
    shown = [[small_label() if (r, c) in hidden else SECONDARY if (r, c) in secondary else count
              for c, count in enumerate(row[:len(measures)])] for r, row in enumerate(cells)]
    rows = tuple(dataclasses.replace(row, counts=dict(zip(measures, values, strict=True)))
                 for row, values in zip(table.rows, shown, strict=True))
    return dataclasses.replace(table, rows=rows, totals=totals, suppressed=True)


def suppress_counts(counts: dict[str, int]) -> dict[str, Cell]:
    """A list of counts that is shown with its total (referrals by status): one line."""
    keys = list(counts)
    shown = suppress_cells([[counts[key]] for key in keys], column_totals=True)
    return {key: row[0] for key, row in zip(keys, shown, strict=True)}
