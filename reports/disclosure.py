"""Disclosure control for organisation-level tables and exports.

Counts from 1 to 4 are shown as "<5", and figures worked out from a suppressed
count (percentages, means) are not shown. Where a row or column has a total, a
single suppressed cell could be worked out by subtraction, so the next smallest
cell in that row or column is suppressed as well (complementary suppression).
"""

from collections.abc import Sequence

THRESHOLD = 5
SUPPRESSED = "<5"
HIDDEN = "*"  # a cell hidden only so that another cannot be worked out


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def show_count(count: int) -> str:
    return SUPPRESSED if is_small(count) else str(count)


def suppress_cells(counts: Sequence[int], *, has_total: bool) -> list[bool]:
    """Which cells to hide in one row (or column) of counts.

    With a total shown, one hidden cell could be worked out from the total and
    the others, so a second cell (the smallest non-zero one left) is hidden too.
    """
    hide = [is_small(c) for c in counts]
    if has_total and sum(hide) == 1:
        candidates = [(c, i) for i, c in enumerate(counts) if not hide[i] and c > 0]
        if candidates:
            hide[min(candidates)[1]] = True
    return hide


def suppress_table(rows: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool):
    """Hide cells of a table of counts so that no small count can be seen or worked out.

    Repeats row and column passes until nothing changes, since hiding a cell for
    one row can leave a lone hidden cell in its column.
    """
    hide = [[is_small(c) for c in row] for row in rows]
    changed = True
    while changed:
        changed = False
        if row_totals:
            for r, row in enumerate(rows):
                changed |= _complement(row, hide[r])
        if column_totals and rows:
            for c in range(len(rows[0])):
                column = [row[c] for row in rows]
                flags = [hide[r][c] for r in range(len(rows))]
                if _complement(column, flags):
                    for r in range(len(rows)):
                        hide[r][c] = flags[r]
                    changed = True
    return hide


def _complement(counts: Sequence[int], hide: list[bool]) -> bool:
    if sum(hide) != 1:
        return False
    candidates = [(c, i) for i, c in enumerate(counts) if not hide[i] and c > 0]
    if not candidates:
        return False
    hide[min(candidates)[1]] = True
    return True


def display_table(rows, *, row_totals: bool, column_totals: bool) -> list[list[str]]:
    hide = suppress_table(rows, row_totals=row_totals, column_totals=column_totals)
    return [
        [
            (SUPPRESSED if is_small(count) else HIDDEN) if hidden else str(count)
            for count, hidden in zip(row, flags, strict=True)
        ]
        for row, flags in zip(rows, hide, strict=True)
    ]
