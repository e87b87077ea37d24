"""The quarterly recommendations workbook (README, Exports), written with openpyxl.

Built for the partnership's quarterly meeting and the board it reports to:

- **Tracker**: every column of the partnership's tracker as an Excel table for filtering (frozen,
  wrapped header; dates as dates shown DD/MM/YYYY; drop-downs backed by exact-size named
  lists of every agency, status, RAG rating and scope; RAG and overdue colours; validations
  and colours over exactly the table, which Excel extends as rows are added).
- **Board pack**: the columns a meeting reads, wrapped, printed landscape on A4 one page wide
  at a readable size, the header row repeated on every page.
- **Quarter summary**: COUNTIFS formulas over the table, so a change made in the meeting
  updates the counts and the chart that reads them; overdue, closed and new actions as
  exported.
- **Update log**, **Reviews**, the hidden **Lists** and a **Read me**.

Every sheet prints with the protective marking from settings in its header and footer and
"Page X of Y". RAG ratings come from `cspr_tui.domain.rag` at the as-of date: the quarter's
end, or today while the quarter is still running.

Write-only mode keeps 10,000 actions fast and light, and each column has one style and one
reusable cell, so no styled object is made per cell. Every user-typed string goes in as
text (a value starting with `=` would otherwise become a formula), with Excel's quote prefix
when it starts with = + - @ (so F2 then Enter keeps it text), with characters Excel cannot
hold removed, and through the case's pseudonym key so no real name leaves in the workbook.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet import _writer as _openpyxl_writer
from openpyxl.worksheet.datavalidation import DataValidation, DataValidationList
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from cspr_tui.domain.calendar import add_months
from cspr_tui.domain.case import Case, Rag, Recommendation, RecommendationStatus, Scope
from cspr_tui.domain.deadline import stored_date
from cspr_tui.domain.quarter import Quarter
from cspr_tui.domain.rag import RAG_DEFINITIONS, effective_target, explain_rag, is_overdue
from cspr_tui.domain.read_model import gc_paused
from cspr_tui.errors import UsageError
from cspr_tui.exports.context import protective_marking
from cspr_tui.exports.export_file import (
    default_export_dir,
    safe_name_part,
    write_export,
    write_versioned_export,
)
from cspr_tui.exports.redaction import Redactor, SharedScans, allowlist
from cspr_tui.exports.redaction.review import (
    check_pseudonyms,
    require_all_reviewed,
    tracker_findings,
    tracker_open,
    tracker_texts,
)
from cspr_tui.exports.xlsx_rows import RowWriter
from cspr_tui.settings import Settings

__all__ = [
    "BOARD_PACK_COLUMNS",
    "LIST_NAMES",
    "SUMMARY_LISTING_LIMIT",
    "TRACKER_COLUMNS",
    "TRACKER_TABLE",
    "TrackerLists",
    "tracker_file_name",
    "write_tracker",
]

Progress = Callable[[int, int], None]

TRACKER_TABLE = "RecTracker"
DATE_FORMAT = "DD/MM/YYYY"
# (header, width); A-V are the partnership's tracker columns, W-Z what the meeting asks next.
# Each width holds the header's longest word, so a wrapped header is never cut.
TRACKER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Tracker ID", 24),
    ("Source review", 24),
    ("Review pseudonym", 16),
    ("Review signed off / published", 14),
    ("Recommendation", 40),
    ("Themes", 20),
    ("Scope", 16),
    ("Action", 40),
    ("Lead agency", 26),
    ("Lead officer", 24),
    ("Target date", 13),
    ("Revised target date", 13),
    ("Status", 26),
    ("RAG", 9),
    ("Update this quarter", 40),
    ("Evidence of completion", 26),
    ("Impact measure", 26),
    ("Impact evidence", 26),
    ("Date completed", 13),
    ("Date closed", 13),
    ("Oversight comments", 26),
    ("Last updated", 13),
    ("Revision reason", 24),
    ("Last updated by", 18),
    ("RAG reason", 32),
    ("Overdue", 10),
)
_TRACKER_DATES = frozenset(
    {
        "Review signed off / published",
        "Target date",
        "Revised target date",
        "Date completed",
        "Date closed",
        "Last updated",
    }
)
# The board pack: what a meeting reads, in the order it reads it.
# Their widths sum to about 125 units: one A4 landscape page wide at 10 pt in Excel, and
# still about 9 pt where LibreOffice's stand-in font makes every unit wider.
BOARD_PACK_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Review", 11),
    ("Recommendation", 22),
    ("Action", 22),
    ("Lead agency", 12),
    ("Lead officer", 11),
    ("Target date", 10.5),
    ("Status", 11.5),
    ("RAG", 6),
    ("Latest update", 22),
)
# 9 pt: more of each text on a line, so fewer and shorter rows, and still about 10 pt as
# printed (pdftotext's word boxes), well above the 6 pt floor.
BOARD_PACK_FONT_SIZE = 9
# The Quarter summary lists this many overdue, closed and new actions, the longest overdue
# first, then says how many more the Tracker holds: a board reads exceptions, not a ledger.
SUMMARY_LISTING_LIMIT = 25
# Defined names behind the drop-downs, each exactly the size of its list.
LIST_NAMES = {
    "Status": "TrackerStatuses",
    "Lead agency": "TrackerAgencies",
    "RAG": "TrackerRatings",
    "Scope": "TrackerScopes",
}
_COL = {name: get_column_letter(i) for i, (name, _w) in enumerate(TRACKER_COLUMNS, 1)}
_RAG_ORDER = (Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)
_RAG_FILL = {
    Rag.BLUE: ("5B9BD5", "000000"),
    Rag.GREEN: ("70AD47", "000000"),
    Rag.AMBER: ("FFC000", "000000"),
    Rag.RED: ("C00000", "FFFFFF"),
    Rag.GREY: ("A6A6A6", "000000"),
}
_SCOPES = tuple(scope.value for scope in Scope)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters an .xlsx (XML 1.0) cannot hold: controls, lone surrogates, U+FFFE and U+FFFF.
_ILLEGAL = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32), *range(0xD800, 0xE000))}
_ILLEGAL.update({0xFFFE: None, 0xFFFF: None})
_ILLEGAL_FOUND = re.compile("[" + "".join(re.escape(chr(c)) for c in _ILLEGAL) + "]")
_MAX_CELL = 32_767
# A4 landscape with the margins below, in column-width units. A unit is the default font's
# digit width: 7 px at 96 dpi in Excel's Calibri, about 9.3 px in the wider font LibreOffice
# uses where Calibri is missing. The wider one is assumed, so the print is never smaller.
_A4_LANDSCAPE_UNITS = (11.69 - 2 * 0.4) * 96 / 10.5  # 10.5 px: measured in LibreOffice
# A sheet wider than a page splits across pages rather than print smaller than this: 11 pt
# text stays above 6.5 pt on paper.
_MIN_PRINT_SCALE = 0.58
_CHAR_EM = 0.47  # an average character, in ems, for counting wrapped lines (tested in LibreOffice)


class Formula(str):
    """A cell value meant as a formula (written by this module, never user text)."""


@dataclass(frozen=True)
class TrackerLists:
    """The partnership's lists the drop-downs offer (choices.yaml, the workspace's first)."""

    statuses: tuple[str, ...]
    agencies: tuple[str, ...]
    ratings: tuple[str, ...]
    scopes: tuple[str, ...]

    @classmethod
    def load(cls) -> TrackerLists:
        from cspr_tui.forms.loader import shared_choice_lists

        lists = shared_choice_lists()
        return cls(
            statuses=lists.get("recommendation_statuses")
            or tuple(str(s) for s in RecommendationStatus),
            agencies=lists.get("agencies", ()),
            ratings=lists.get("rag") or tuple(str(r) for r in _RAG_ORDER),
            scopes=lists.get("recommendation_scopes") or _SCOPES,
        )

    def with_values_in(self, rows: Sequence[_Row]) -> TrackerLists:
        """Every value the export holds stays valid: unlisted ones are added at the end."""

        def merged(base: tuple[str, ...], values: Iterable[str]) -> tuple[str, ...]:
            seen = dict.fromkeys(base)
            seen.update(dict.fromkeys(v for v in values if v))
            return tuple(seen)

        return TrackerLists(
            statuses=merged(self.statuses, (str(r.rec.status) for r in rows)),
            agencies=merged(self.agencies, (r.rec.lead_agency for r in rows)),
            ratings=merged(self.ratings, (str(r.rag) for r in rows)),
            scopes=merged(self.scopes, (r.rec.scope for r in rows)),
        )


@dataclass
class _Row:
    case: Case
    rec: Recommendation
    rag: Rag
    rag_reason: str
    overdue: bool
    target: date | None


def tracker_file_name(settings: Settings, quarter: Quarter, version: int = 1) -> str:
    """`<Partnership>_RecTracker_<FY>_Q<n>.xlsx`, then `_v2`, `_v3`... for later exports."""
    stem = (
        f"{safe_name_part(settings.partnership_name, fallback='Partnership')}"
        f"_RecTracker_{quarter.financial_year}_Q{quarter.number}"
    )
    return f"{stem}.xlsx" if version <= 1 else f"{stem}_v{version}.xlsx"


def _clean(value: Any) -> str:
    text = str(value)
    if _ILLEGAL_FOUND.search(text):  # rare: a search is far cheaper than a translate
        text = text.translate(_ILLEGAL)
    if len(text) > _MAX_CELL:
        text = text[: _MAX_CELL - 1] + "…"
    return text


class _Writer:
    """The workbook's scratch files and its styles, each style made once and shared."""

    def __init__(self, wb: Workbook, *, scratch: Path) -> None:
        self.wb = wb
        self._scratch = scratch
        self._sheets: list[Any] = []
        self._styles: dict[tuple[object, ...], Any] = {}
        self._anchor: Any = None  # any sheet: a cell needs one to register its style

    def style(
        self,
        *,
        size: float | None = None,
        bold: bool = False,
        wrap: bool = False,
        date_format: bool = False,
        left: bool = False,
        right: bool = False,
        quote: bool = False,
        fill: str | None = None,
        color: str | None = None,
    ) -> Any:
        """One cell format (a style array), registered with the workbook once."""
        key = (size, bold, wrap, date_format, left, right, quote, fill, color)
        found = self._styles.get(key)
        if found is None:
            cell = WriteOnlyCell(self._anchor)
            if size or bold or color:
                cell.font = Font(name="Calibri", size=size or 11, bold=bold, color=color)
            if wrap or left or right:
                cell.alignment = Alignment(
                    wrap_text=wrap or None,
                    vertical="top" if wrap else None,
                    horizontal="left" if left else "right" if right else None,
                )
            if date_format:
                cell.number_format = DATE_FORMAT
            if fill:
                cell.fill = PatternFill(start_color=fill, end_color=fill, fill_type="solid")
            if quote:
                cell.quotePrefix = True
            found = self._styles[key] = cell._style  # type: ignore[attr-defined]  # see below
        return found

    def sheet(self, title: str) -> Any:
        """A write-only sheet that streams into an owner-only file beside the export.

        openpyxl would otherwise stream every sheet into the system temp folder, where a
        failed or interrupted export leaves the case data in the clear until the process
        ends (or for good after a crash). Here it lives next to the export's own temporary
        file, under the same owner-only rules, and `discard` removes it whatever happens.
        """
        ws = self.wb.create_sheet(title)
        self._anchor = self._anchor or ws
        path = self._scratch.with_name(f"{self._scratch.name}.sheet{len(self._sheets) + 1}")
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _openpyxl_writer.ALL_TEMP_FILES.append(str(path))  # openpyxl removes it when saved
        self._sheets.append((ws, path))

        def get_writer() -> None:  # openpyxl's (faster rows), into `path`; still at row 1,
            if ws._writer is None:  # so widths, panes and print setup set before it count
                ws._writer = RowWriter(ws, out=str(path))
                ws._writer.write_top()

        ws._get_writer = get_writer
        return ws

    def discard(self) -> None:
        """Close any sheet stream still open (a failed export) and remove every scratch file."""
        for ws, path in self._sheets:
            writer = getattr(ws, "_writer", None)
            for stream in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
                if stream is not None:
                    with contextlib.suppress(Exception):  # lxml objects to a half-written tree
                        stream.close()
            Path(path).unlink(missing_ok=True)
            with contextlib.suppress(ValueError):
                _openpyxl_writer.ALL_TEMP_FILES.remove(str(path))


class _ColumnCell(Cell):
    """A column's reusable cell: its style's index in the workbook looked up once.

    openpyxl looks a cell's style up in the workbook's list for every cell written; a
    column's cell keeps one style for every row, so the index is found when it is made.
    """

    __slots__ = ("_fixed_id", "_fixed_styled")

    def __init__(self, ws: Any, style: Any) -> None:
        super().__init__(ws, row=1, column=1)
        self._style = style = StyleArray(style) if style is not None else StyleArray()
        self._fixed_id = ws.parent._cell_styles.add(style)
        self._fixed_styled = any(style)

    @property
    def style_id(self) -> int:
        return int(self._fixed_id)

    @property
    def has_style(self) -> bool:
        return self._fixed_styled


class _Sheet:
    """A write-only sheet whose columns each have one style and one reusable cell.

    openpyxl writes each appended cell before it reads the next, so one cell object per
    column (and one more for text needing the quote prefix) serves every row: nothing is
    styled per cell, which is what made 10,000 actions slow.
    """

    def __init__(
        self,
        out: _Writer,
        title: str,
        widths: Sequence[float],
        *,
        dates: Iterable[int] = (),
        wrap: Iterable[int] = (),
        size: float | None = None,
    ) -> None:
        self.out = out
        self.ws = out.sheet(title)
        self.ws._values_to_row = self._cells_to_row  # every row appended is made of cells
        self._heights: dict[int, dict[str, str]] = {}
        self.ws.row_dimensions = self._heights  # write-only sheets only read row attributes
        self.row_count = 0
        self.widths = list(widths)
        for index, width in enumerate(self.widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        wrap = set(wrap)
        self._date_columns = frozenset(dates)  # text here that reads as a date is one
        self._size = size or 11
        # Characters a wrapped line holds, for counting lines to set row heights.
        char_px = self._size * _CHAR_EM * 96 / 72
        self._wrap = {i: max(1, int((self.widths[i] * 7 - 1) / char_px)) for i in sorted(wrap)}
        self._text: list[Any] = []
        self._quoted: list[Any] = []
        self._date: list[Any] = []
        for index in range(len(self.widths)):
            column_wrap = index in wrap
            plain = out.style(size=size, wrap=column_wrap)
            self._text.append(self._cell(plain))
            self._quoted.append(self._cell(out.style(size=size, wrap=column_wrap, quote=True)))
            self._date.append(self._cell(out.style(size=size, wrap=column_wrap, date_format=True)))
        self._header = out.style(size=size, bold=True, wrap=True, fill="D9E1F2")
        self._number_header = out.style(size=size, bold=True, wrap=True, right=True, fill="D9E1F2")
        self._bold = out.style(size=size, bold=True, wrap=bool(wrap))  # wrapped rows: at the top
        self._title = out.style(size=14, bold=True)

    def _cell(self, style: Any) -> _ColumnCell:
        return _ColumnCell(self.ws, style)

    def value(self, index: int, value: Any) -> Any:
        """The cell to append for `value` in column `index`: text never becomes a formula.

        Type and value are set directly, which also keeps text such as "#N/A" text.
        """
        if value is None or value == "":
            return None
        kind = type(value)
        if kind is not str:  # the common case, text, skips these checks
            if kind is Formula:
                cell = self._text[index]
                cell._value, cell.data_type = str(value), "f"
                return cell
            if kind is int or kind is float:
                cell = self._text[index]
                cell._value, cell.data_type = value, "n"
                return cell
            if not isinstance(value, date):
                value = str(value)  # bools, enums and the like as their text
        if index in self._date_columns or (kind is not str and isinstance(value, date)):
            day = stored_date(value)
            if day is not None:
                cell = self._date[index]
                cell._value, cell.data_type = day, "d"
                return cell
        text = _clean(value)
        cell = self._quoted[index] if text.startswith(_FORMULA_START) else self._text[index]
        cell._value, cell.data_type = text, "s"
        return cell

    @staticmethod
    def _cells_to_row(cells: Sequence[Any], row_idx: int) -> Iterable[Any]:
        """openpyxl's row step for rows made only of cells (or None), placed and passed on.

        openpyxl's own would try each cell as a value first, fail, and make a new cell
        after every styled one; here every value is already a cell of the right type.
        """
        for col_idx, cell in enumerate(cells, 1):
            if cell is not None:
                cell.column, cell.row = col_idx, row_idx
                yield cell

    def append(self, values: Sequence[Any]) -> None:
        if self._wrap:
            self._fit_height(values, self._wrap)
        self.ws.append([self.value(i, v) for i, v in enumerate(values)])
        self.row_count += 1

    def _fit_height(self, values: Sequence[Any], per_line: dict[int, int]) -> None:
        """Set the coming row's height to its wrapped text.

        Neither Excel nor LibreOffice reliably grows a row to its wrapped text on opening
        a file, so the height is set from a count of the lines each cell wraps to.
        """
        lines = 1
        for index, chars in per_line.items():
            text = values[index] if index < len(values) else None
            if isinstance(text, str) and len(text) > chars:
                lines = max(lines, _wrapped_lines(text, chars))
        if lines > 1:
            height = min(409.0, lines * self._size * 1.25 + 4)
            # What openpyxl's row writer reads for a row: its attributes, as text. A plain
            # mapping, as a RowDimension object per row costs more than the row itself.
            self._heights[self.row_count + 1] = {"ht": f"{height:.1f}", "customHeight": "1"}

    def _styled(self, value: Any, style: Any) -> Any:
        if value is None or value == "":
            return None
        text = _clean(value)
        cell = WriteOnlyCell(self.ws, text)
        cell.data_type = "s"
        cell._style = style  # type: ignore[attr-defined]  # the style array, as in `style`
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return cell

    def header(self, values: Iterable[str], *, numbers_from: int | None = None) -> None:
        """The bold, wrapped header row; columns from `numbers_from` on hold numbers."""
        values = list(values)
        char_px = self._size * _CHAR_EM * 96 / 72
        self._fit_height(
            values,
            {i: max(1, int((w * 7 - 1) / char_px)) for i, w in enumerate(self.widths)},
        )
        start = len(values) if numbers_from is None else numbers_from
        self.ws.append(
            [
                self._styled(v, self._header if i < start else self._number_header)
                for i, v in enumerate(values)
            ]
        )
        self.row_count += 1

    def title(self, text: str) -> None:
        self.ws.append([self._styled(text, self._title)])
        self.row_count += 1

    def labelled(self, label: str, *values: Any) -> None:
        """A row whose first cell is a bold label."""
        if self._wrap:
            self._fit_height([label, *values], self._wrap)
        self.ws.append(
            [self._styled(label, self._bold), *(self.value(i, v) for i, v in enumerate(values, 1))]
        )
        self.row_count += 1

    def blank(self) -> None:
        self.ws.append([])
        self.row_count += 1


@functools.lru_cache(maxsize=8192)  # an action's recommendation text repeats on its rows
def _wrapped_lines(text: str, per_line: int) -> int:
    """How many lines `text` wraps to at `per_line` characters, words kept whole."""
    total = 0
    for paragraph in text.split("\n"):
        if len(paragraph) <= per_line:
            total += 1
            continue
        lines, used = 1, 0
        for word in paragraph.split(" "):
            size = len(word)
            if used and used + 1 + size <= per_line:
                used += 1 + size
                continue
            if used:
                lines += 1
            lines += (size - 1) // per_line if size else 0  # a word longer than a line
            used = size % per_line or (per_line if size else 0)
        total += lines
    return total


def _header_footer_text(text: str) -> str:
    """Header and footer text with `&` doubled: a lone `&` starts a printing code."""
    return text.replace("&", "&&")


def _pages_wide(width: float, repeated: float) -> int:
    """The fewest pages across that print `width` at `_MIN_PRINT_SCALE` or larger.

    At N pages wide the scale is N * page / (width + (N - 1) * repeated), where `repeated`
    is a title column printed again on every page.
    """
    page, least = _A4_LANDSCAPE_UNITS, _MIN_PRINT_SCALE
    return max(1, math.ceil(least * (width - repeated) / (page - least * repeated)))


def _print_setup(
    sheet: _Sheet,
    settings: Settings,
    heading: tuple[str, str],
    *,
    title_rows: str | None = "1:1",
    title_cols: str | None = None,
) -> None:
    """Landscape A4, marking and page numbers on every page, as wide as stays readable.

    A sheet narrower than a page is fitted to one page wide; a wider one is split across
    as few pages as keep the print scale at least `_MIN_PRINT_SCALE`.
    """
    ws = sheet.ws
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    ws.page_setup.fitToWidth = _pages_wide(sum(sheet.widths), sheet.widths[0] if title_cols else 0)
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    marking = _header_footer_text(protective_marking(settings))
    hf = ws.HeaderFooter
    for part, text, bold in (
        (hf.oddHeader.left, _header_footer_text(heading[0]), False),
        (hf.oddHeader.right, _header_footer_text(heading[1]), False),
        (hf.oddHeader.center, marking, True),
        (hf.oddFooter.left, marking, True),
        (hf.oddFooter.center, "Page &P of &N", False),
        (hf.oddFooter.right, "&A", False),
    ):
        if text:
            part.text = text
            part.size = 10
            part.font = "Calibri,Bold" if bold else "Calibri,Regular"


def _review_label(case: Case) -> str:
    kind = case.review_type or ("Rapid review" if case.record("rapid_review") else "Review")
    return f"{case.ref} ({kind})"


def _review_date(case: Case) -> Any:
    return case.value("review", "published_date") or case.value("rapid_review", "rr_completed_date")


def _this_quarter_update(rec: Recommendation, quarter: Quarter) -> str:
    for update in reversed(rec.updates):
        if update.quarter == quarter.code:
            return update.narrative
    return ""


def _latest_update(
    rec: Recommendation, quarter: Quarter, redact: Callable[[str], str] = str
) -> str:
    """The newest update up to the quarter, with its quarter so a stale one shows. The
    narrative is redacted on its own, as the review gate read it, not with the label."""
    updates = [u for u in rec.updates if _update_quarter_ok(u.quarter, quarter) and u.narrative]
    if not updates:
        return ""
    latest = max(updates, key=lambda u: (u.quarter, u.date))
    try:
        when = Quarter.parse(latest.quarter).title  # "Q3 2026-27", as the page header says
    except UsageError:
        when = latest.quarter
    return f"{when}: {redact(latest.narrative)}"


def _included(rec: Recommendation, quarter: Quarter) -> bool:
    return rec.created_date is None or rec.created_date <= quarter.end


def _update_quarter_ok(code: str, quarter: Quarter) -> bool:
    try:
        return Quarter.parse(code) <= quarter
    except Exception:
        return True


def _collect(cases: Iterable[Case], quarter: Quarter, as_of: date) -> list[_Row]:
    rows = []
    for case in sorted(cases, key=lambda c: c.ref):
        for rec in sorted(case.recommendations, key=lambda r: (r.number, r.action_number, r.id)):
            if not _included(rec, quarter):
                continue
            rag, reason = explain_rag(rec, as_of, quarter)
            rows.append(_Row(case, rec, rag, reason, is_overdue(rec, as_of), effective_target(rec)))
    return rows


class _Redaction:
    """The one place the workbook calls the redaction engine.

    Each case's redactor is built once, and only free text (what someone typed) goes through
    it; fixed-list values, references and dates do not. A text met again (this quarter's
    update appears on three sheets) is redacted once. As for a redacted report, no workbook
    is written while a finding in the tracker's texts waits for the reviewer's decision.
    """

    def __init__(self, rows: Sequence[_Row], settings: Settings) -> None:
        cases = {r.case.ref: r.case for r in rows}
        # What the cases' texts (and their people's roles) share is scanned once for the
        # workbook (see `SharedScans`), and forgotten with it
        allow = allowlist(settings)
        shared = SharedScans(allow)
        self._redactors = {
            ref: Redactor.for_case(case, allow=allow, scans=shared) for ref, case in cases.items()
        }
        self._texts = {ref: tracker_texts(case) for ref, case in cases.items()}
        for ref in cases:  # one name pattern a case, holding only its texts' names
            self._redactors[ref].prepare(text for _path, text in self._texts[ref])
        self._cases = cases
        self._done: dict[tuple[str, str], str] = {}

    def check(self) -> None:
        """Refuse (nothing written) while a pseudonym names someone or a finding is open."""
        for ref, case in self._cases.items():
            check_pseudonyms(case, self._redactors[ref])
        if any(
            tracker_open(self._redactors[ref], case, self._texts[ref])
            for ref, case in self._cases.items()
        ):  # the refusal names every open finding of every case, each with its field
            require_all_reviewed(
                {
                    ref: tracker_findings(self._redactors[ref], case, self._texts[ref])
                    for ref, case in self._cases.items()
                }
            )

    def text(self, case: Case, text: str) -> str:
        if not text:
            return ""
        key = (case.ref, text)
        found = self._done.get(key)
        if found is None:
            found = self._done[key] = self._redactors[case.ref].redact(text)
        return found


def write_tracker(
    cases: Iterable[Case],
    path: Path | None = None,
    *,
    quarter: Quarter,
    today: date,
    settings: Settings | None = None,
    progress: Progress | None = None,
    force: bool = False,
    lists: TrackerLists | None = None,
) -> Path:
    """Write the quarter's workbook; `path` is a file, a folder, or None for exports/.

    In a folder the name is `<Partnership>_RecTracker_<FY>_Q<n>.xlsx`, with `_v2`... when
    that name is taken. `lists` are the drop-downs' lists (default: the partnership's
    choices.yaml). Returns the path written.
    """
    # The cyclic collector waits for the export: each full collection would walk every
    # case of the vault again, about a fifth of a 10,000-action export's time.
    with gc_paused():
        return _write_tracker(cases, path, quarter, today, settings, progress, force, lists)


def _write_tracker(
    cases: Iterable[Case],
    path: Path | None,
    quarter: Quarter,
    today: date,
    settings: Settings | None,
    progress: Progress | None,
    force: bool,
    lists: TrackerLists | None,
) -> Path:
    settings = settings or Settings()
    as_of = min(today, quarter.end)
    rows = _collect(cases, quarter, as_of)
    redaction = _Redaction(rows, settings)
    redaction.check()
    lists = (lists or TrackerLists.load()).with_values_in(rows)

    def fill(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        wb.calculation.fullCalcOnLoad = True  # Excel computes the summary's formulas on open
        out = _Writer(wb, scratch=tmp)
        try:
            book = _Book(wb, out, rows, quarter, as_of, today, settings, redaction, lists)
            book.build(progress)
            wb.save(tmp)
        finally:
            out.discard()

    if path is None or Path(path).is_dir():
        folder = default_export_dir() if path is None else Path(path)
        return write_versioned_export(
            folder, lambda n: tracker_file_name(settings, quarter, n), fill
        )
    return write_export(Path(path), fill, force=force)


@dataclass
class _Book:
    """Everything one workbook's sheets share while they are written."""

    wb: Workbook
    out: _Writer
    rows: list[_Row]
    quarter: Quarter
    as_of: date
    today: date
    settings: Settings
    redaction: _Redaction
    lists: TrackerLists

    def build(self, progress: Progress | None) -> None:
        _tracker_sheet(self, progress)
        _board_pack_sheet(self)
        _summary_sheet(self)
        _update_log_sheet(self)
        _reviews_sheet(self)
        _lists_sheet(self)
        _readme_sheet(self)

    @property
    def heading(self) -> tuple[str, str]:
        """The page header's left and right: whose tracker, and which quarter."""
        return (  # short, so a long partnership name stays clear of the centred marking
            self.settings.partnership_name,
            f"Tracker {self.quarter.title}, ratings as at {self.as_of:%d/%m/%Y}",
        )

    def red(self, row: _Row, text: str) -> str:
        return self.redaction.text(row.case, text)

    def lead_officer(self, row: _Row) -> str:
        """The lead officer's role, and their name in brackets when the form has it."""
        role = self.red(row, row.rec.lead_officer.strip())
        name = self.red(row, row.rec.lead_officer_name.strip())
        return f"{role} ({name})" if role and name else role or name


def _tracker_widths(rows: Sequence[_Row]) -> list[float]:
    """The columns' widths, the lead agency's wide enough for the longest agency exported."""
    widths = [float(w) for _name, w in TRACKER_COLUMNS]
    longest = max((len(r.rec.lead_agency) for r in rows), default=0)
    index = [name for name, _w in TRACKER_COLUMNS].index("Lead agency")
    widths[index] = min(max(widths[index], longest * 1.1 + 2), 60)
    return widths


def _tracker_sheet(book: _Book, progress: Progress | None) -> None:
    names = [name for name, _w in TRACKER_COLUMNS]
    sheet = _Sheet(
        book.out,
        "Tracker",
        _tracker_widths(book.rows),
        dates=[i for i, name in enumerate(names) if name in _TRACKER_DATES],
    )
    ws = sheet.ws
    ws.freeze_panes = "B2"
    _print_setup(sheet, book.settings, book.heading, title_cols="A:A")
    sheet.header(names)
    total = len(book.rows)
    quarter = book.quarter
    for done, row in enumerate(book.rows, 1):
        rec, case = row.rec, row.case
        red = book.red
        sheet.append(
            (
                rec.id,
                _review_label(case),
                case.pseudonym,
                _review_date(case),
                f"R{rec.number}: {red(row, rec.text)}",
                red(row, "; ".join(rec.theme_tags)),
                rec.scope,
                f"A{rec.action_number}: {red(row, rec.action)}",
                rec.lead_agency,
                book.lead_officer(row),
                rec.target_date,
                rec.revised_target_date,
                str(rec.status),
                str(row.rag),
                red(row, _this_quarter_update(rec, quarter)),
                red(row, rec.evidence),
                red(row, rec.impact_measure),
                red(row, rec.impact_evidence),
                rec.date_completed,
                rec.date_closed,
                red(row, rec.oversight_comments),
                rec.last_updated,
                red(row, rec.revision_reason),
                red(row, rec.last_updated_by),
                red(row, row.rag_reason) if rec.rag_override else row.rag_reason,
                "Yes" if row.overdue else "No",
            )
        )
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    last_row = max(total, 1) + 1
    if total == 0:
        sheet.append(["No recommendations recorded by the end of this quarter."])
    last_col = get_column_letter(len(TRACKER_COLUMNS))
    ref = f"A1:{last_col}{last_row}"
    table = Table(displayName=TRACKER_TABLE, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(names, 1)]
    table.autoFilter = AutoFilter(ref=ref)
    with warnings.catch_warnings():
        # openpyxl always warns in write-only mode; the columns are set just above.
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)
    _tracker_validations(ws, last_row)
    _tracker_formatting(ws, last_row, book.as_of)


def _list_validation(column: str, source: str, title: str, last_row: int) -> DataValidation:
    dv = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle=f"Not a {title.lower()}",
        error=f"Choose a {title.lower()} from the list (see the Lists sheet).",
        promptTitle=title,
        prompt=f"Choose a {title.lower()} from the list.",
    )
    dv.add(f"{column}2:{column}{last_row}")
    return dv


class _RuleSheet(Protocol):
    """What drop-downs and conditional colours need of a sheet (write-only sheets have both)."""

    @property
    def data_validations(self) -> DataValidationList: ...

    @property
    def conditional_formatting(self) -> ConditionalFormattingList: ...


def _tracker_validations(ws: _RuleSheet, last_row: int) -> None:
    """Drop-downs over exactly the table's rows (Excel extends them with the table)."""
    for header, title in (
        ("Status", "Status"),
        ("Lead agency", "Lead agency"),
        ("RAG", "RAG rating"),
        ("Scope", "Scope"),
    ):
        ws.data_validations.append(
            _list_validation(_COL[header], LIST_NAMES[header], title, last_row)
        )


def _rag_colours(ws: _RuleSheet, column: str, first_row: int, last_row: int) -> None:
    for value, (fill, font) in _RAG_FILL.items():
        ws.conditional_formatting.add(
            f"{column}{first_row}:{column}{last_row}",
            CellIsRule(
                operator="equal",
                formula=[f'"{value}"'],
                fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid"),
                font=Font(color=font, bold=True),
            ),
        )


def _tracker_formatting(ws: _RuleSheet, last_row: int, as_of: date) -> None:
    """RAG and overdue colours over exactly the table's rows, as the validations."""
    _rag_colours(ws, _COL["RAG"], 2, last_row)
    status, target, revised = _COL["Status"], _COL["Target date"], _COL["Revised target date"]
    effective = f'IF(${revised}2<>"",${revised}2,${target}2)'
    overdue = (
        f'AND(OR(${status}2="{RecommendationStatus.NOT_STARTED}",'
        f'${status}2="{RecommendationStatus.IN_PROGRESS}"),'
        f'{effective}<>"",{effective}<DATE({as_of.year},{as_of.month},{as_of.day}))'
    )
    ws.conditional_formatting.add(
        f"{target}2:{revised}{last_row}",
        FormulaRule(
            formula=[overdue],
            fill=PatternFill(start_color="F8CBAD", end_color="F8CBAD", fill_type="solid"),
            font=Font(color="9C0006", bold=True),
        ),
    )
    flag = _COL["Overdue"]
    ws.conditional_formatting.add(
        f"{flag}2:{flag}{last_row}",
        CellIsRule(operator="equal", formula=['"Yes"'], font=Font(color="9C0006", bold=True)),
    )


def _board_pack_sheet(book: _Book) -> None:
    """The meeting's print: nine columns, wrapped, one page wide, header on every page."""
    names = [name for name, _w in BOARD_PACK_COLUMNS]
    sheet = _Sheet(
        book.out,
        "Board pack",
        [w for _n, w in BOARD_PACK_COLUMNS],
        wrap=range(len(names)),
        dates=[names.index("Target date")],
        size=BOARD_PACK_FONT_SIZE,
    )
    sheet.ws.freeze_panes = "A2"
    sheet.ws.print_options.gridLines = True
    # A snapshot, and the page says so: what the meeting was sent, as exported.
    _print_setup(
        sheet,
        book.settings,
        (
            book.settings.partnership_name,
            f"{book.quarter.title} as exported {book.today:%d/%m/%Y}, "
            f"ratings as at {book.as_of:%d/%m/%Y}",
        ),
    )
    sheet.header(names)
    shown: tuple[str, int] | None = None
    for row in book.rows:
        rec = row.rec
        officer = book.lead_officer(row)
        # A recommendation's text prints on its first action only: its later actions
        # point back to it, which keeps the rows (and the pack) short.
        key = (row.case.ref, rec.number)
        recommendation = (
            f"R{rec.number}: {book.red(row, rec.text)}"
            if key != shown
            else f"R{rec.number}: as above"
        )
        shown = key
        sheet.append(
            (
                _review_label(row.case),
                recommendation,
                f"A{rec.action_number}: {book.red(row, rec.action)}",
                rec.lead_agency,
                officer,
                row.target,
                str(rec.status),
                str(row.rag),
                _latest_update(rec, book.quarter, functools.partial(book.red, row)),
            )
        )
    if not book.rows:
        sheet.append(["No recommendations recorded by the end of this quarter."])
    _rag_colours(sheet.ws, get_column_letter(names.index("RAG") + 1), 2, max(len(book.rows), 1) + 1)


def _column_ref(header: str) -> str:
    return f"{TRACKER_TABLE}[{header}]"


def _count_table(
    sheet: _Sheet, title: str, label: str, keys: Sequence[str], column: str
) -> tuple[int, int, int]:
    """A RAG count table of COUNTIFS over the Tracker; (header row, first row, last row).

    Each key is matched exactly ("=" & the key: a key starting with = or < stays a value);
    the Total row counts every row of the table, whatever its key.
    """
    sheet.title(title)
    sheet.header([label, *(str(r) for r in _RAG_ORDER), "Total"], numbers_from=1)
    header_row = sheet.row_count
    first = header_row + 1
    rag_cols = [get_column_letter(i) for i in range(2, 2 + len(_RAG_ORDER))]
    for key in keys:
        row_no = sheet.row_count + 1
        criterion = f'"="&$A{row_no}' if key else '"="'
        sheet.append(
            [
                key or "(none)",
                *(
                    Formula(
                        f"=COUNTIFS({_column_ref(column)},{criterion},"
                        f'{_column_ref("RAG")},"="&{c}${header_row})'
                    )
                    for c in rag_cols
                ),
                Formula(f"=SUM(B{row_no}:{rag_cols[-1]}{row_no})"),
            ]
        )
    last = sheet.row_count
    total_row = last + 1
    sheet.labelled(
        "Total",
        *(Formula(f'=COUNTIFS({_column_ref("RAG")},"="&{c}${header_row})') for c in rag_cols),
        Formula(f"=SUM(B{total_row}:{rag_cols[-1]}{total_row})"),
    )
    sheet.blank()
    return header_row, first, last


def _summary_sheet(book: _Book) -> None:
    quarter, rows = book.quarter, book.rows
    agencies = sorted({r.rec.lead_agency for r in rows})
    reviews = sorted({_review_label(r.case) for r in rows})
    longest = max((len(label) for label in (*agencies, *reviews)), default=0)
    first_width = min(max(30.0, longest * 1.1 + 2), 60)  # every agency's name whole
    sheet = _Sheet(book.out, "Quarter summary", [first_width, 17, 24, 12, 12, 12, 12])
    _print_setup(sheet, book.settings, book.heading, title_rows=None)
    sheet.title(f"Quarter summary: {quarter.title} ({quarter.months_label})")
    sheet.append(
        [
            f"Ratings as at {book.as_of:%d/%m/%Y}. The counts are formulas over the Tracker "
            "table, so they follow any change made there; the lists below them are as exported."
        ]
    )
    sheet.blank()
    header_row, agency_first, agency_last = _count_table(
        sheet, "RAG by lead agency", "Lead agency", agencies, "Lead agency"
    )
    _count_table(sheet, "RAG by review", "Review", reviews, "Source review")
    if agencies:
        _summary_chart(sheet, header_row, agency_first, agency_last)

    def listing(title: str, headers: list[str], items: list[list[Any]]) -> None:
        shown = items[:SUMMARY_LISTING_LIMIT]
        sheet.title(f"{title} ({len(items)})" if len(items) > len(shown) else title)
        sheet.header(headers)
        for item in shown:
            sheet.append(item)
        if not items:
            sheet.append(["No actions to list."])
        elif len(items) > len(shown):
            sheet.append(
                [f"The first {len(shown)} of {len(items)}; filter the Tracker to see them all."]
            )
        sheet.blank()

    def summary_row(r: _Row, when: Any) -> list[Any]:
        return [r.rec.id, r.case.ref, r.rec.lead_agency, stored_date(when), str(r.rec.status)]

    listing(
        "Overdue actions",
        ["Tracker ID", "Review", "Lead agency", "Target date", "Status"],
        [
            summary_row(r, r.target)
            for r in sorted(
                (r for r in rows if r.overdue), key=lambda r: stored_date(r.target) or book.as_of
            )
        ],
    )
    listing(
        "Closed this quarter",
        ["Tracker ID", "Review", "Lead agency", "Date closed", "Status"],
        [
            summary_row(r, r.rec.date_closed)
            for r in rows
            if (closed := r.rec.date_closed) and quarter.contains(closed)
        ],
    )
    listing(
        "New this quarter",
        ["Tracker ID", "Review", "Lead agency", "Target date", "Status"],
        [
            summary_row(r, r.target)
            for r in rows
            if (created := r.rec.created_date) and quarter.contains(created)
        ],
    )


def _summary_chart(sheet: _Sheet, header_row: int, first: int, last: int) -> None:
    """The RAG-by-agency chart, reading the count cells, below the tables it draws.

    Below rather than beside: beside, it would make the sheet twice a page wide, and the
    fit to one page would shrink the counts beneath readable size.
    """
    ws = sheet.ws
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Actions by lead agency and RAG"
    chart.y_axis.title = "Actions"
    data = Reference(ws, min_col=2, max_col=6, min_row=header_row, max_row=last)
    cats = f"$A${first}:$A${last}"
    chart.add_data(data, titles_from_data=True)
    for series in chart.series:  # agency names are text: a string reference, not a number one
        series.cat = AxDataSource(strRef=StrRef(f=f"{quote_sheetname(ws.title)}!{cats}"))
    for series, rag in zip(chart.series, _RAG_ORDER, strict=True):
        series.graphicalProperties.solidFill = _RAG_FILL[rag][0]
        series.graphicalProperties.line.solidFill = _RAG_FILL[rag][0]
    # Tall enough to name every agency, short enough for one printed page.
    chart.width, chart.height = 18, min(16.0, max(9.0, 0.6 * (last - first + 1) + 3))
    ws.row_breaks.append(Break(id=sheet.row_count))  # the chart starts a page, never split
    ws.add_chart(chart, f"A{sheet.row_count + 1}")
    for _row in range(math.ceil(chart.height / 0.53) + 1):  # rows of 15 pt under the chart
        sheet.blank()


def _update_log_sheet(book: _Book) -> None:
    headers = [
        ("Tracker ID", 22),
        ("Review", 14),
        ("Quarter", 9),
        ("Date", 11),
        ("Update", 50),
        ("Status before", 14),
        ("Status after", 14),
        ("Updated by", 16),
    ]
    sheet = _Sheet(book.out, "Update log", [w for _h, w in headers], wrap=[4, 5, 6], dates=[3])
    sheet.ws.freeze_panes = "A2"
    _print_setup(sheet, book.settings, book.heading)
    sheet.header([h for h, _w in headers])
    for row in book.rows:
        for update in sorted(row.rec.updates, key=lambda u: (u.date, u.quarter)):
            if not _update_quarter_ok(update.quarter, book.quarter):
                continue
            sheet.append(
                (
                    row.rec.id,
                    row.case.ref,
                    update.quarter,
                    update.date,
                    book.red(row, update.narrative),
                    update.status_before,
                    update.status_after,
                    book.red(row, update.updated_by),
                )
            )
    if sheet.row_count > 1:
        sheet.ws.auto_filter.ref = f"A1:H{sheet.row_count}"


def _reviews_sheet(book: _Book) -> None:
    headers = [
        ("Review", 16),
        ("Review type", 12),
        ("Pseudonym", 12),
        ("Stage", 16),
        ("Decision date", 11),
        ("Publication due (6 months)", 13),
        ("Publication decision", 16),
        ("Planned publication", 13),
        ("Published", 11),
        ("Available until (12 months)", 12),
        ("Actions", 8),
        ("Open actions", 8),
    ]
    sheet = _Sheet(
        book.out, "Reviews", [w for _h, w in headers], wrap=[3, 6], dates=[4, 5, 7, 8, 9]
    )
    sheet.ws.freeze_panes = "A2"
    _print_setup(sheet, book.settings, book.heading)
    sheet.header([h for h, _w in headers])
    per_case: dict[str, list[_Row]] = defaultdict(list)
    cases: dict[str, Case] = {}
    for row in book.rows:
        per_case[row.case.ref].append(row)
        cases[row.case.ref] = row.case
    open_statuses = {RecommendationStatus.NOT_STARTED, RecommendationStatus.IN_PROGRESS}
    for ref in sorted(cases):
        case = cases[ref]
        decided = stored_date(case.value("review", "lcspr_decision_date"))
        published = stored_date(case.value("review", "published_date"))
        sheet.append(
            (
                ref,
                case.review_type or _review_label(case).split(" (", 1)[1][:-1],
                case.pseudonym,
                case.stage.label,
                decided,
                add_months(decided, 6) if decided else None,
                case.value("review", "publication_decision"),
                case.value("review", "planned_publication_date"),
                published,
                add_months(published, 12) if published else None,
                len(per_case[ref]),
                sum(1 for r in per_case[ref] if r.rec.status in open_statuses),
            )
        )


def _lists_sheet(book: _Book) -> None:
    """The drop-downs' lists, each behind a defined name exactly its size."""
    sheet = _Sheet(book.out, "Lists", [30, 44, 10, 16])
    _print_setup(sheet, book.settings, book.heading)  # hidden, but marked if printed
    lists = book.lists
    columns = {
        "Status": lists.statuses,
        "Lead agency": lists.agencies,
        "RAG": lists.ratings,
        "Scope": lists.scopes,
    }
    sheet.header(list(columns))
    values = list(columns.values())
    for index in range(max(len(c) for c in values)):
        sheet.append([c[index] if index < len(c) else None for c in values])
    for number, (header, items) in enumerate(columns.items(), 1):
        letter = get_column_letter(number)
        ref = f"{quote_sheetname('Lists')}!${letter}$2:${letter}${len(items) + 1}"
        book.wb.defined_names[LIST_NAMES[header]] = DefinedName(LIST_NAMES[header], attr_text=ref)
    sheet.ws.sheet_state = "hidden"


def _readme_sheet(book: _Book) -> None:
    sheet = _Sheet(book.out, "Read me", [22, 100], wrap=[1], dates=[1])
    out = book.out
    left_date = out.style(wrap=True, date_format=True, left=True)
    sheet._date[1] = sheet._cell(left_date)  # dates sit at the start of the wide column
    sheet._text[1] = sheet._cell(out.style(wrap=True, left=True))
    _print_setup(sheet, book.settings, book.heading, title_rows=None)
    sheet.ws.page_setup.fitToHeight = 1  # one page: its last lines never print alone
    quarter = book.quarter
    sheet.title(f"{book.settings.partnership_name}: recommendations tracker")
    sheet.blank()
    lines: list[tuple[str, Any]] = [
        ("Quarter", f"{quarter.title} ({quarter.code})"),
        ("Quarter starts", quarter.start),
        ("Quarter ends", quarter.end),
        ("Ratings as at", book.as_of),
        ("Produced", book.today),
        ("Actions", str(len(book.rows))),
        ("Protective marking", protective_marking(book.settings) or "None set"),
        (
            "Warning",
            "This file is not encrypted. It holds information about child safeguarding "
            "reviews: keep it on approved systems, share it only through secure routes, and "
            "delete copies when they are no longer needed.",
        ),
        ("Names", "Reviews are named by pseudonym only; never add real names to this file."),
    ]
    for label, value in lines:
        sheet.labelled(label, value)
    sheet.blank()
    sheet.title("RAG ratings")
    for rag in _RAG_ORDER:
        fill, font = _RAG_FILL[rag]
        cell = WriteOnlyCell(sheet.ws, str(rag))
        cell._style = out.style(bold=True, wrap=True, fill=fill, color=font)  # type: ignore[attr-defined]
        sheet._fit_height(["", RAG_DEFINITIONS[rag]], sheet._wrap)
        sheet.ws.append([cell, sheet.value(1, RAG_DEFINITIONS[rag])])
        sheet.row_count += 1
    sheet.blank()
    sheet.title("Sheets")
    for name, text in (
        (
            "Tracker",
            "One row per action, for filtering. Choose Status, Lead agency, RAG and Scope "
            "from the lists; new rows added at the foot of the table get the lists too.",
        ),
        (
            "Board pack",
            "The columns a meeting reads, set to print on A4 landscape with the header on "
            "every page. A snapshot, as exported: edits made on the Tracker do not change it, "
            "so export again for the next meeting. With the Quarter summary, this is the "
            "meeting's print; the Tracker and Update log are for working on screen.",
        ),
        (
            "Quarter summary",
            "Counts by RAG (formulas over the Tracker, so they follow edits), a chart of "
            f"them, and the first {SUMMARY_LISTING_LIMIT} overdue (longest overdue first), "
            "closed and new actions as exported.",
        ),
        ("Update log", "Every quarterly update, oldest first."),
        ("Reviews", "Source reviews with their 6-month and 12-month dates."),
    ):
        sheet.labelled(name, text)
