"""Just enough of a spreadsheet's arithmetic to check the tracker's summary formulas.

openpyxl never calculates formulas, so the tests recompute the two kinds the Quarter
summary uses, from the Tracker table as it stands in the workbook (edits included):
`COUNTIFS(RecTracker[Column],"="&$A7,...)` and `SUM(B7:F7)`. Anything else is refused, so a
new kind of formula fails loudly instead of passing unchecked.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell import Cell
from openpyxl.workbook import Workbook

from cspr_tui.exports.xlsx_tracker import TRACKER_TABLE

_COUNTIFS = re.compile(r"^=COUNTIFS\((?P<args>.*)\)$")
_SUM = re.compile(r"^=SUM\((?P<first>[A-Z]+\d+):(?P<last>[A-Z]+\d+)\)$")
_COLUMN = re.compile(rf"^{TRACKER_TABLE}\[(?P<name>[^\]]+)\]$")
_CRITERION = re.compile(r'^"=(?P<text>[^"]*)"(?:&(?P<ref>\$?[A-Z]+\$?\d+))?$')


def _split(args: str) -> list[str]:
    parts, depth, quoted, current = [], 0, False, ""
    for char in args:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        if char == "," and not quoted and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _table_column(wb: Workbook, name: str) -> list[Any]:
    ws = wb["Tracker"]
    table = ws.tables[TRACKER_TABLE]
    headers = table.column_names
    _first, last = table.ref.split(":")
    last_row = int(re.sub(r"[A-Z]", "", last))
    column = headers.index(name) + 1
    return [ws.cell(row=r, column=column).value for r in range(2, last_row + 1)]


def evaluate(wb: Workbook, cell: Cell) -> Any:
    """The value Excel would show in `cell` of the Quarter summary."""
    value = cell.value
    if not isinstance(value, str) or not value.startswith("="):
        return value
    ws = cell.parent
    if match := _SUM.match(value):
        return sum(evaluate(wb, c) for row in ws[f"{match['first']}:{match['last']}"] for c in row)
    match = _COUNTIFS.match(value)
    if not match:
        raise AssertionError(f"{cell.coordinate}: formula the tests cannot check: {value}")
    args = _split(match["args"])
    keep: list[bool] | None = None
    for rng, criterion in zip(args[::2], args[1::2], strict=True):
        column = _COLUMN.match(rng)
        wanted = _CRITERION.match(criterion)
        assert column and wanted, (cell.coordinate, value)
        target = wanted["text"]
        if wanted["ref"]:
            target += str(ws[wanted["ref"].replace("$", "")].value or "")
        values = _table_column(wb, column["name"])
        hits = [str(v if v is not None else "") == target for v in values]
        keep = hits if keep is None else [a and b for a, b in zip(keep, hits, strict=True)]
    return sum(keep or [])
