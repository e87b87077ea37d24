"""The quarterly recommendations workbook (domain.md 7.4), written with openpyxl.

Built for the partnership's quarterly meeting: a Tracker sheet that is a real Excel table
(frozen header, filters, dates as dates shown DD/MM/YYYY, drop-down lists that reject other
entries, RAG and overdue colours), a Quarter summary whose counts are computed here and
written as numbers (openpyxl does not calculate formulas) with a chart, the Update log, the
source Reviews with their 6- and 12-month dates, the Lists behind the drop-downs, and a Read
me. RAG ratings come from `cspr_tui.domain.rag` at the as-of date: the quarter's end, or
today while the quarter is still running.

Write-only mode keeps 10,000 actions fast and light. Every user-typed string goes in as text
(a value starting with `=` would otherwise become a formula), with characters Excel cannot
hold removed, and through the case's pseudonym key so no real name leaves in the workbook.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet import _writer as _openpyxl_writer
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import AutoFilter, Table, TableColumn, TableStyleInfo

from cspr_tui.domain.calendar import add_months
from cspr_tui.domain.case import Case, Rag, Recommendation, RecommendationStatus
from cspr_tui.domain.deadline import stored_date
from cspr_tui.domain.quarter import Quarter
from cspr_tui.domain.rag import RAG_DEFINITIONS, effective_target, explain_rag, is_overdue
from cspr_tui.exports.export_file import (
    default_export_dir,
    safe_name_part,
    write_export,
    write_versioned_export,
)
from cspr_tui.exports.redaction import Redactor, case_redactor
from cspr_tui.exports.redaction.review import (
    check_pseudonyms,
    require_all_reviewed,
    tracker_findings,
)
from cspr_tui.settings import Settings

__all__ = [
    "TRACKER_COLUMNS",
    "TRACKER_TABLE",
    "tracker_file_name",
    "write_tracker",
]

Progress = Callable[[int, int], None]

TRACKER_TABLE = "RecTracker"
DATE_FORMAT = "DD/MM/YYYY"
# (header, width); A-V follow domain.md 7.1, W-Z add what the meeting asks about next.
TRACKER_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Tracker ID", 24),
    ("Source review", 24),
    ("Review pseudonym", 16),
    ("Review signed off / published", 14),
    ("Recommendation", 50),
    ("Themes", 20),
    ("Scope", 16),
    ("Action", 50),
    ("Lead agency", 22),
    ("Lead officer", 22),
    ("Target date", 13),
    ("Revised target date", 13),
    ("Status", 26),
    ("RAG", 9),
    ("Update this quarter", 50),
    ("Evidence of completion", 30),
    ("Impact measure", 30),
    ("Impact evidence", 30),
    ("Date completed", 13),
    ("Date closed", 13),
    ("Oversight comments", 30),
    ("Last updated", 13),
    ("Revision reason", 24),
    ("Last updated by", 18),
    ("RAG reason", 36),
    ("Overdue", 10),
)
_COL = {name: get_column_letter(i) for i, (name, _w) in enumerate(TRACKER_COLUMNS, 1)}
_RAG_ORDER = (Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)
_RAG_FILL = {
    Rag.BLUE: ("5B9BD5", "000000"),
    Rag.GREEN: ("70AD47", "000000"),
    Rag.AMBER: ("FFC000", "000000"),
    Rag.RED: ("C00000", "FFFFFF"),
    Rag.GREY: ("A6A6A6", "000000"),
}
_SCOPES = ("Single-agency", "Multi-agency", "Partnership")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters an .xlsx (XML 1.0) cannot hold: controls, lone surrogates, U+FFFE and U+FFFF.
_ILLEGAL = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32), *range(0xD800, 0xE000))}
_ILLEGAL.update({0xFFFE: None, 0xFFFF: None})
_MAX_CELL = 32_767
_EXTRA_VALIDATED_ROWS = 500  # drop-downs also cover rows added in the meeting


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


class _Writer:
    """Turns values into write-only cells: dates formatted, text never a formula."""

    def __init__(self, wb: Workbook, *, scratch: Path) -> None:
        self.wb = wb
        self._scratch = scratch
        self._sheets: list[Any] = []
        self.date_style = NamedStyle(name="uk_date", number_format=DATE_FORMAT)
        wb.add_named_style(self.date_style)
        # The style's cell-format array, looked up once: assigning the style by name costs a
        # search of the named styles for every one of tens of thousands of date cells.
        self._date_array = self.date_style.as_tuple()
        self.header_font = Font(bold=True)
        self.title_font = Font(bold=True, size=14)

    def sheet(self, title: str) -> Any:
        """A write-only sheet that streams into an owner-only file beside the export.

        openpyxl would otherwise stream every sheet into the system temp folder, where a
        failed or interrupted export leaves the case data in the clear until the process
        ends (or for good after a crash). Here it lives next to the export's own temporary
        file, under the same owner-only rules, and `discard` removes it whatever happens.
        """
        ws = self.wb.create_sheet(title)
        path = self._scratch.with_name(f"{self._scratch.name}.sheet{len(self._sheets) + 1}")
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _openpyxl_writer.ALL_TEMP_FILES.append(str(path))  # openpyxl removes it when saved
        self._sheets.append((ws, path))

        def get_writer() -> None:  # openpyxl's own, but into `path`; still at the first row,
            if ws._writer is None:  # so widths, panes and print setup set before it count
                ws._writer = _openpyxl_writer.WorksheetWriter(ws, out=str(path))
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

    def text(self, ws, value: Any) -> Any:
        if value is None or value == "":
            return None
        text = str(value).translate(_ILLEGAL)
        if len(text) > _MAX_CELL:
            text = text[: _MAX_CELL - 1] + "…"
        if text.startswith(_FORMULA_START):
            cell = WriteOnlyCell(ws, text)
            cell.data_type = "s"  # shown as typed, never evaluated
            return cell
        return text

    def date(self, ws, value: Any) -> Any:
        day = stored_date(value)
        if day is None:
            return self.text(ws, value) if value else None
        cell = WriteOnlyCell(ws, day)
        cell._style = copy(self._date_array)
        return cell

    def _styled(self, ws, value: str, font: Font) -> Any:
        """A bold cell that is still text: titles carry settings and agency names too."""
        cell = self.text(ws, value)
        if cell is None or isinstance(cell, str):
            cell = WriteOnlyCell(ws, cell)
        cell.font = font
        return cell

    def header(self, ws, values: Iterable[str]) -> list[Any]:
        return [self._styled(ws, value, self.header_font) for value in values]

    def title(self, ws, value: str) -> list[Any]:
        return [self._styled(ws, value, self.title_font)]


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


def _included(rec: Recommendation, quarter: Quarter) -> bool:
    created = stored_date(rec.created_date)
    return created is None or created <= quarter.end


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


def write_tracker(
    cases: Iterable[Case],
    path: Path | None = None,
    *,
    quarter: Quarter,
    today: date,
    settings: Settings | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Write the quarter's workbook; `path` is a file, a folder, or None for exports/.

    In a folder the name is `<Partnership>_RecTracker_<FY>_Q<n>.xlsx`, with `_v2`... when
    that name is taken. Returns the path written.
    """
    settings = settings or Settings()
    as_of = min(today, quarter.end)
    rows = _collect(cases, quarter, as_of)
    cases_by_ref = {r.case.ref: r.case for r in rows}
    redactors = {ref: case_redactor(case, settings) for ref, case in cases_by_ref.items()}
    # The same review as a redacted report: no workbook while a finding waits for a decision.
    for ref, case in cases_by_ref.items():
        check_pseudonyms(case, redactors[ref])
    require_all_reviewed(
        {ref: tracker_findings(redactors[ref], case) for ref, case in cases_by_ref.items()}
    )

    def fill(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        out = _Writer(wb, scratch=tmp)
        try:
            _build_workbook(wb, out, rows, quarter, as_of, today, settings, redactors, progress)
            wb.save(tmp)
        finally:
            out.discard()

    if path is None or Path(path).is_dir():
        folder = default_export_dir() if path is None else Path(path)
        return write_versioned_export(
            folder, lambda n: tracker_file_name(settings, quarter, n), fill
        )
    return write_export(Path(path), fill, force=force)


def _build_workbook(
    wb: Workbook,
    out: _Writer,
    rows: list[_Row],
    quarter: Quarter,
    as_of: date,
    today: date,
    settings: Settings,
    redactors: dict[str, Redactor],
    progress: Progress | None,
) -> None:
    agencies = sorted({r.rec.lead_agency for r in rows if r.rec.lead_agency})
    _tracker_sheet(wb, out, rows, quarter, as_of, agencies, redactors, progress)
    _summary_sheet(wb, out, rows, quarter, as_of)
    _update_log_sheet(wb, out, rows, quarter, redactors)
    _reviews_sheet(wb, out, rows)
    _lists_sheet(wb, out, agencies)
    _readme_sheet(wb, out, quarter, as_of, today, settings, len(rows))


def _tracker_sheet(wb, out: _Writer, rows, quarter, as_of, agencies, redactors, progress) -> None:
    ws = out.sheet("Tracker")
    for index, (_name, width) in enumerate(TRACKER_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "B2"
    _print_setup(ws)
    ws.append(out.header(ws, (name for name, _w in TRACKER_COLUMNS)))
    total = len(rows)
    for done, row in enumerate(rows, 1):
        rec, case = row.rec, row.case
        red = redactors[case.ref].redact
        t = out.text
        ws.append(
            [
                t(ws, rec.id),
                t(ws, _review_label(case)),
                t(ws, case.pseudonym),
                out.date(ws, _review_date(case)),
                t(ws, red(f"R{rec.number}: {rec.text}")),
                t(ws, red("; ".join(rec.theme_tags))),
                t(ws, rec.scope),
                t(ws, red(f"A{rec.action_number}: {rec.action}")),
                t(ws, rec.lead_agency),
                t(ws, red(rec.lead_officer)),
                out.date(ws, rec.target_date),
                out.date(ws, rec.revised_target_date),
                t(ws, str(rec.status)),
                t(ws, str(row.rag)),
                t(ws, red(_this_quarter_update(rec, quarter))),
                t(ws, red(rec.evidence)),
                t(ws, red(rec.impact_measure)),
                t(ws, red(rec.impact_evidence)),
                out.date(ws, rec.date_completed),
                out.date(ws, rec.date_closed),
                t(ws, red(rec.oversight_comments)),
                out.date(ws, rec.last_updated),
                t(ws, red(rec.revision_reason)),
                t(ws, red(rec.last_updated_by)),
                t(ws, red(row.rag_reason)),
                "Yes" if row.overdue else "No",
            ]
        )
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    last_row = max(total, 1) + 1
    if total == 0:
        ws.append(["No recommendations recorded by the end of this quarter."])
    last_col = get_column_letter(len(TRACKER_COLUMNS))
    ref = f"A1:{last_col}{last_row}"
    table = Table(displayName=TRACKER_TABLE, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table.tableColumns = [
        TableColumn(id=i, name=name) for i, (name, _w) in enumerate(TRACKER_COLUMNS, 1)
    ]
    table.autoFilter = AutoFilter(ref=ref)
    with warnings.catch_warnings():
        # openpyxl always warns in write-only mode; the columns are set just above.
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)
    _tracker_validations(ws, last_row + _EXTRA_VALIDATED_ROWS)
    _tracker_formatting(ws, last_row, as_of)


def _print_setup(ws, *, title_rows: str | None = "1:1") -> None:
    """Landscape, one page wide, header repeated: how the sheet is printed for the meeting."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


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


def _tracker_validations(ws, last_row: int) -> None:
    for header, list_col, title in (
        ("Status", "A", "Status"),
        ("Lead agency", "B", "Lead agency"),
        ("RAG", "C", "RAG rating"),
        ("Scope", "D", "Scope"),
    ):
        source = f"Lists!${list_col}$2:${list_col}$200"
        ws.data_validations.append(_list_validation(_COL[header], source, title, last_row))


def _tracker_formatting(ws, last_row: int, as_of: date) -> None:
    rag = _COL["RAG"]
    for value, (fill, font) in _RAG_FILL.items():
        ws.conditional_formatting.add(
            f"{rag}2:{rag}{last_row}",
            CellIsRule(
                operator="equal",
                formula=[f'"{value}"'],
                fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid"),
                font=Font(color=font, bold=True),
            ),
        )
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


def _count_table(
    ws, out: _Writer, title: str, label: str, counts: dict[str, Counter], start_row: int
) -> tuple[int, int]:
    """Write a RAG count table; returns (first data row, last data row)."""
    ws.append(out.title(ws, title))
    ws.append(out.header(ws, [label, *(str(r) for r in _RAG_ORDER), "Total"]))
    first = start_row + 2
    for key in sorted(counts):
        counter = counts[key]
        ws.append([out.text(ws, key), *(counter[r] for r in _RAG_ORDER), sum(counter.values())])
    totals = Counter()
    for counter in counts.values():
        totals.update(counter)
    ws.append(
        [
            out.header(ws, ["Total"])[0],
            *(totals[r] for r in _RAG_ORDER),
            sum(totals.values()),
        ]
    )
    last = first + len(counts) - 1
    ws.append([])
    return first, last


def _summary_sheet(wb, out: _Writer, rows: list[_Row], quarter: Quarter, as_of: date) -> None:
    ws = out.sheet("Quarter summary")
    ws.column_dimensions["A"].width = 30
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 14
    _print_setup(ws, title_rows=None)
    ws.append(out.title(ws, f"Quarter summary: {quarter.title} ({quarter.months_label})"))
    ws.append([f"Ratings as at {as_of:%d/%m/%Y}. {len(rows)} actions in this quarter."])
    ws.append([])
    row_no = 4
    by_agency: dict[str, Counter] = defaultdict(Counter)
    by_review: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        by_agency[row.rec.lead_agency or "(no lead agency)"][row.rag] += 1
        by_review[_review_label(row.case)][row.rag] += 1
    agency_first, agency_last = _count_table(
        ws, out, "RAG by lead agency", "Lead agency", by_agency, row_no
    )
    row_no += len(by_agency) + 4
    _count_table(ws, out, "RAG by review", "Review", by_review, row_no)
    row_no += len(by_review) + 4

    def listing(title: str, headers: list[str], items: list[list[Any]]) -> None:
        nonlocal row_no
        ws.append(out.title(ws, title))
        ws.append(out.header(ws, headers))
        for item in items:
            ws.append(item)
        if not items:
            ws.append(["None."])
        ws.append([])
        row_no += max(len(items), 1) + 3

    def summary_row(r: Any, when: Any) -> list[Any]:
        return [
            out.text(ws, r.rec.id),
            out.text(ws, r.case.ref),
            out.text(ws, r.rec.lead_agency),
            out.date(ws, when),
            out.text(ws, str(r.rec.status)),
        ]

    listing(
        "Overdue actions",
        ["Tracker ID", "Review", "Lead agency", "Target date", "Status"],
        [summary_row(r, r.target) for r in rows if r.overdue],
    )
    listing(
        "Closed this quarter",
        ["Tracker ID", "Review", "Lead agency", "Date closed", "Status"],
        [
            summary_row(r, r.rec.date_closed)
            for r in rows
            if (closed := stored_date(r.rec.date_closed)) and quarter.contains(closed)
        ],
    )
    listing(
        "New this quarter",
        ["Tracker ID", "Review", "Lead agency", "Target date", "Status"],
        [
            summary_row(r, r.target)
            for r in rows
            if (created := stored_date(r.rec.created_date)) and quarter.contains(created)
        ],
    )
    if by_agency:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "Actions by lead agency and RAG"
        chart.y_axis.title = "Actions"
        data = Reference(ws, min_col=2, max_col=6, min_row=agency_first - 1, max_row=agency_last)
        cats = f"$A${agency_first}:$A${agency_last}"
        chart.add_data(data, titles_from_data=True)
        for series in chart.series:  # agency names are text: a string reference, not a number one
            series.cat = AxDataSource(strRef=StrRef(f=f"{quote_sheetname(ws.title)}!{cats}"))
        for series, rag in zip(chart.series, _RAG_ORDER, strict=True):
            series.graphicalProperties.solidFill = _RAG_FILL[rag][0]
            series.graphicalProperties.line.solidFill = _RAG_FILL[rag][0]
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, "I4")


def _update_log_sheet(
    wb, out: _Writer, rows: list[_Row], quarter: Quarter, redactors: dict[str, Redactor]
) -> None:
    ws = out.sheet("Update log")
    headers = [
        ("Tracker ID", 24),
        ("Review", 16),
        ("Quarter", 10),
        ("Date", 12),
        ("Update", 60),
        ("Status before", 26),
        ("Status after", 26),
        ("Updated by", 20),
    ]
    for index, (_h, width) in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.append(out.header(ws, [h for h, _w in headers]))
    count = 0
    for row in rows:
        for update in sorted(row.rec.updates, key=lambda u: (u.date or "", u.quarter)):
            if not _update_quarter_ok(update.quarter, quarter):
                continue
            redactor = redactors[row.case.ref]
            ws.append(
                [
                    out.text(ws, row.rec.id),
                    out.text(ws, row.case.ref),
                    out.text(ws, update.quarter),
                    out.date(ws, update.date),
                    out.text(ws, redactor.redact(update.narrative)),
                    out.text(ws, update.status_before),
                    out.text(ws, update.status_after),
                    out.text(ws, redactor.redact(update.updated_by)),
                ]
            )
            count += 1
    if count:
        ws.auto_filter.ref = f"A1:H{count + 1}"


def _reviews_sheet(wb, out: _Writer, rows: list[_Row]) -> None:
    ws = out.sheet("Reviews")
    headers = [
        ("Review", 18),
        ("Review type", 22),
        ("Pseudonym", 14),
        ("Stage", 24),
        ("Decision date", 13),
        ("Publication due (6 months)", 15),
        ("Publication decision", 22),
        ("Planned publication", 13),
        ("Published", 13),
        ("Available until (12 months)", 15),
        ("Actions", 9),
        ("Open actions", 9),
    ]
    for index, (_h, width) in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws)
    ws.append(out.header(ws, [h for h, _w in headers]))
    per_case: dict[str, list[_Row]] = defaultdict(list)
    cases: dict[str, Case] = {}
    for row in rows:
        per_case[row.case.ref].append(row)
        cases[row.case.ref] = row.case
    open_statuses = {RecommendationStatus.NOT_STARTED, RecommendationStatus.IN_PROGRESS}
    for ref in sorted(cases):
        case = cases[ref]
        decided = stored_date(case.value("review", "lcspr_decision_date"))
        published = stored_date(case.value("review", "published_date"))
        ws.append(
            [
                out.text(ws, ref),
                out.text(ws, case.review_type or _review_label(case).split(" (", 1)[1][:-1]),
                out.text(ws, case.pseudonym),
                out.text(ws, case.stage.label),
                out.date(ws, decided),
                out.date(ws, add_months(decided, 6) if decided else None),
                out.text(ws, case.value("review", "publication_decision")),
                out.date(ws, case.value("review", "planned_publication_date")),
                out.date(ws, published),
                out.date(ws, add_months(published, 12) if published else None),
                len(per_case[ref]),
                sum(1 for r in per_case[ref] if r.rec.status in open_statuses),
            ]
        )


def _lists_sheet(wb, out: _Writer, agencies: list[str]) -> None:
    ws = out.sheet("Lists")
    columns = [
        [str(s) for s in RecommendationStatus],
        agencies,
        [str(r) for r in _RAG_ORDER],
        list(_SCOPES),
    ]
    ws.append(out.header(ws, ["Status", "Lead agency", "RAG", "Scope"]))
    for index in range(max(len(c) for c in columns)):
        ws.append([out.text(ws, c[index]) if index < len(c) else None for c in columns])
    ws.sheet_state = "hidden"


def _readme_sheet(wb, out, quarter: Quarter, as_of: date, today: date, settings, count) -> None:
    ws = out.sheet("Read me")
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    _print_setup(ws, title_rows=None)
    ws.append(out.title(ws, f"{settings.partnership_name}: recommendations tracker"))
    ws.append([])
    lines: list[tuple[str, Any]] = [
        ("Quarter", f"{quarter.title} ({quarter.code})"),
        ("Quarter starts", out.date(ws, quarter.start)),
        ("Quarter ends", out.date(ws, quarter.end)),
        ("Ratings as at", out.date(ws, as_of)),
        ("Produced", out.date(ws, today)),
        ("Actions", count),
        (
            "Warning",
            "This file is not encrypted. It holds information about child safeguarding "
            "reviews: keep it on approved systems, share it only through secure routes, and "
            "delete copies when they are no longer needed.",
        ),
        ("Names", "Reviews are named by pseudonym only; never add real names to this file."),
    ]
    for label, value in lines:
        ws.append([out.header(ws, [label])[0], value])
    ws.append([])
    ws.append(out.title(ws, "RAG ratings"))
    for rag in _RAG_ORDER:
        cell = WriteOnlyCell(ws, str(rag))
        fill, font = _RAG_FILL[rag]
        cell.fill = PatternFill(start_color=fill, end_color=fill, fill_type="solid")
        cell.font = Font(color=font, bold=True)
        ws.append([cell, RAG_DEFINITIONS[rag]])
    ws.append([])
    ws.append(out.title(ws, "Sheets"))
    for name, text in (
        (
            "Tracker",
            "One row per action. Choose Status, Lead agency, RAG and Scope from the lists.",
        ),
        ("Quarter summary", "Counts by RAG, overdue, closed and new actions, and a chart."),
        ("Update log", "Every quarterly update, oldest first."),
        ("Reviews", "Source reviews with their 6-month and 12-month dates."),
    ):
        ws.append([out.header(ws, [name])[0], text])
