"""Agency returns: matching a completed information report to its request, and judging it.

An agency fills the fillable Word report (or the Excel chronology) and sends it back. What
the exports layer reads out of the file is plain text per field id (`RawReturn`); this
module decides, with the agency report form template, what that text means: which request
it answers (the embedded document id), which answers are missing or impossible, how dates
written the way people write them ("3.4.25", "3 April 2025") read, whether chronology rows
fall inside the scope period and in order. Pure: no files, no vault, so the same rules
serve the command line and the app.
"""

from __future__ import annotations

import calendar
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from cspr_tui.domain.case import AgencyReportRequest, Case, ReportDepth, Stage
from cspr_tui.domain.form_mapping import answers_from_request, depth_from_form
from cspr_tui.domain.people import review_subjects
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms.dates import optional_iso_date

__all__ = [
    "CONTEXT_FIELDS",
    "DOCUMENT_ID_PREFIX",
    "REVIEW_STAGES",
    "DocumentId",
    "RawReturn",
    "RawRow",
    "ReturnProblem",
    "ReturnResult",
    "ReturnStatus",
    "check_return",
    "context_values",
    "depth_asked",
    "match_request",
    "new_token",
    "read_written_date",
    "request_status",
]

DOCUMENT_ID_PREFIX = "cspr-return"
# Answers the review team fills before the report goes out: shown read-only in the document
# and taken from the vault on return, never from the file (an agency cannot move its own
# due date or scope by editing them).
CONTEXT_FIELDS: tuple[str, ...] = (
    "agency",
    "date_requested",
    "due_date",
    "depth",
    "protective_marking",
    "return_contact",
    "return_address",
    "period_from",
    "period_to",
    "subjects",
)
CHRONOLOGY = "chronology"


def new_token() -> str:
    """A fresh random token for a request (128 bits): what proves a return came from us."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class DocumentId:
    """What identifies an exported report: case, agency, export version, form and token."""

    ref: str
    agency: str
    version: int
    form_version: int
    token: str

    def __str__(self) -> str:
        return "|".join(
            (
                DOCUMENT_ID_PREFIX,
                self.ref,
                self.agency,
                f"v{self.version}",
                f"form{self.form_version}",
                self.token,
            )
        )

    @classmethod
    def parse(cls, text: str) -> DocumentId | None:
        parts = (text or "").strip().split("|")
        if len(parts) != 6 or parts[0] != DOCUMENT_ID_PREFIX:
            return None
        _, ref, agency, version, form_version, token = parts
        if not (version.startswith("v") and version[1:].isdigit()):
            return None
        if not (form_version.startswith("form") and form_version[4:].isdigit()):
            return None
        if not re.fullmatch(r"[0-9a-f]{32}", token):
            return None
        return cls(ref, agency, int(version[1:]), int(form_version[4:]), token)


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    SENT = "sent"
    RETURNED = "returned"
    OVERDUE = "overdue"


def request_status(request: AgencyReportRequest, today: date) -> ReturnStatus:
    """Where a request stands: returned, overdue (due date passed), sent, or only requested."""
    if request.received_date:
        return ReturnStatus.RETURNED
    if request.due_date and request.due_date < today:
        return ReturnStatus.OVERDUE
    return ReturnStatus.SENT if request.sent_date else ReturnStatus.REQUESTED


def match_request(case: Case | None, doc_id: DocumentId | None, ref_hint: str = "") -> Any:
    """The request a returned document answers, or a refusal saying why it is not ours."""
    if doc_id is None:
        raise ValidationFailed(
            "this is not an agency information report exported by cspr (it has no document "
            "id); ask the agency to complete the report they were sent."
        )
    if case is None:
        raise ValidationFailed(
            f"the report is for case {doc_id.ref}, which is not in this vault; "
            "import it into the vault it was exported from."
        )
    request = next(
        (r for r in case.agency_reports if r.agency.casefold() == doc_id.agency.casefold()), None
    )
    if request is None:
        raise ValidationFailed(
            f"{case.ref} has no request to {doc_id.agency}; the report was exported from "
            "another vault or for a request since removed."
        )
    if not request.token or not secrets.compare_digest(request.token, doc_id.token):
        raise ValidationFailed(
            f"the report for {doc_id.agency} on {case.ref} does not match the request in this "
            "vault (it was exported from another vault or copy); nothing was imported."
        )
    return request


# -- dates as people write them -------------------------------------------------------
_MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:T.*)?")
_WORDS = re.compile(
    r"(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?([A-Za-z]+)\.?,?\s*(\d{2}|\d{4})",
    re.IGNORECASE,
)
_WORDS_US = re.compile(
    r"(?:[A-Za-z]+,?\s+)?([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.IGNORECASE
)


def _year(text: str, today: date) -> int:
    if len(text) == 4:
        return int(text)
    # Two digits: this century unless that would be in the future (a 1990s history).
    year = 2000 + int(text)
    return year if year <= today.year else year - 100


def read_written_date(text: str, today: date) -> date:
    """A date as an agency writes it: 03/04/2025, 3.4.25, 3-4-2025, 3 April 2025, 3rd Apr 25.

    Day first, as in England. Raises ValueError with a message saying what was not a date.
    """
    shown = " ".join((text or "").replace("\u00a0", " ").split())
    if not shown:
        raise ValueError("no date given")
    day = month = year = None
    if found := _ISO.fullmatch(shown):
        year, month, day = (int(g) for g in found.groups())
    elif found := _NUMERIC.fullmatch(shown):
        day, month, year = int(found[1]), int(found[2]), _year(found[3], today)
    elif (found := _WORDS.fullmatch(shown)) and found[2].casefold() in _MONTHS:
        day, month, year = int(found[1]), _MONTHS[found[2].casefold()], _year(found[3], today)
    elif (found := _WORDS_US.fullmatch(shown)) and found[1].casefold() in _MONTHS:
        month, day, year = _MONTHS[found[1].casefold()], int(found[2]), int(found[3])
    else:
        raise ValueError(f"{shown!r} is not a date; write it as DD/MM/YYYY, e.g. 03/04/2025")
    if not 1 <= month <= 12:
        raise ValueError(f"{shown!r} is not a real date: the month must be 1 to 12")
    if not 1900 <= year <= 2100:
        raise ValueError(f"{shown!r} is not a likely date: the year must be 1900 to 2100")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            f"{shown!r} is not a real date: {calendar.month_name[month]} {year} has {last} days"
        )
    return date(year, month, day)


# -- what came back --------------------------------------------------------------------
@dataclass(frozen=True)
class RawRow:
    """One row of a returned table: the text of each column (by field id) and where it was."""

    number: int  # 1-based, as the agency sees the rows
    cells: Mapping[str, str]
    note: str = ""  # e.g. "added by the agency"


@dataclass
class RawReturn:
    """What a file held, as text: answers by field id, ticked choices, table rows, oddities."""

    document_id: DocumentId | None
    answers: dict[str, str] = field(default_factory=dict)
    ticked: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, list[RawRow]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # how things were read
    unknown: list[str] = field(default_factory=list)  # parts of the file not understood
    source: str = ""


@dataclass(frozen=True)
class ReturnProblem:
    """One finding, placed as the agency would look for it: section, row and column."""

    section: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"  # "error" refuses the return; "warning" is stored with it

    def __str__(self) -> str:
        where = [self.section]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column and not self.message.startswith(self.column):
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}"


@dataclass
class ReturnResult:
    """What would be stored (`values`) and every problem; stored only if `accepted`."""

    values: dict[str, Any]
    problems: list[ReturnProblem]
    notes: list[str]
    # For each table, the row number in the document of each stored row (sorted rows move).
    row_numbers: dict[str, list[int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[ReturnProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ReturnProblem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def accepted(self) -> bool:
        return not self.errors


# A case whose review is under way asks agencies for review-stage reports, whatever depth
# an earlier request was left at (a report is not "Rapid review stage" at LCSPR).
REVIEW_STAGES = frozenset(
    {Stage.REVIEW_IN_PROGRESS, Stage.REPORT_DRAFTED, Stage.PUBLISHED, Stage.MONITORING}
)


def depth_asked(case: Case, request: AgencyReportRequest) -> ReportDepth:
    """The depth of report an agency is asked for now: the one rule the fillable report's
    cover and the answers read back from its return both follow."""
    if case.stage in REVIEW_STAGES:
        return ReportDepth.LCSPR
    return depth_from_form(request.depth)


def context_values(
    case: Case,
    request: AgencyReportRequest,
    today: date,
    scope: tuple[Any, Any] = (None, None),
    *,
    marking: str,
) -> dict[str, Any]:
    """The answers the review team fills in (CONTEXT_FIELDS), from the vault; `marking` is
    the partnership's protective marking (settings, as every exported page prints it; an
    empty one leaves the answer out)."""
    subjects = "\n".join(
        f"{p.pseudonym} ({p.role})" if p.role else p.pseudonym for p in review_subjects(case)
    )
    shared = answers_from_request(request)  # the one map between request and answers
    values: dict[str, Any] = {
        "agency": shared.get("agency"),
        "date_requested": shared.get("date_requested") or today.isoformat(),
        "due_date": shared.get("due_date"),
        "depth": depth_asked(case, request).label,
        "protective_marking": marking.strip(),
        "return_contact": request.return_contact or None,
        "return_address": request.return_address or None,
        "period_from": scope[0],
        "period_to": scope[1],
        "subjects": subjects or None,
    }
    return {k: v for k, v in values.items() if v not in (None, "")}


def _section_title(form: Any, field_id: str) -> str:
    section = form.section_of(field_id)
    return section.title if section is not None else field_id


def _parse(item: Any, text: str, today: date, notes: list[str], where: str) -> Any:
    """One answer's stored value; dates read as people write them."""
    if item.type == "date":
        cleaned = " ".join(text.replace("\u00a0", " ").split())
        if not cleaned:
            return None
        day = read_written_date(cleaned, today)
        if cleaned != day.strftime("%d/%m/%Y"):
            notes.append(f"{where}: read {cleaned!r} as {day:%d/%m/%Y}.")
        return day.isoformat()
    if item.type in ("choice", "yes_no", "yes_no_unknown"):
        text = " ".join(text.split())
    return item.parse(text)


def _scope_dates(values: Mapping[str, Any]) -> tuple[date | None, date | None]:
    """The review's scope period from the case's answers (stored ISO dates, the one reader)."""
    return optional_iso_date(values.get("period_from") or None), optional_iso_date(
        values.get("period_to") or None
    )


def _row_key(row: Mapping[str, Any]) -> tuple[str, str]:
    return (str(row.get("date") or "9999-12-31"), str(row.get("time") or ""))


def check_return(
    form: Any,
    raw: RawReturn,
    context: Mapping[str, Any],
    *,
    today: date,
    partial: bool = False,
) -> ReturnResult:
    """Judge a return against the agency report template; nothing is stored here.

    `context` holds the review team's own answers (`context_values`), which win over
    anything the file says. Errors refuse the return; warnings (a chronology date outside
    the period, rows sorted) are shown and stored with it. `partial` judges a file that
    holds only some answers (the Excel chronology): only what it holds must be complete.
    """
    problems: list[ReturnProblem] = []
    notes = list(raw.notes)
    values: dict[str, Any] = {}
    numbers: dict[str, list[int]] = {}
    for item in form.fields:
        if not item.is_input or item.id in CONTEXT_FIELDS or item.id in context:
            continue
        if partial and item.id not in raw.rows and item.id not in raw.answers:
            continue
        section = _section_title(form, item.id)
        if item.type == "repeat":
            numbered = _rows(form, item, raw.rows.get(item.id, []), today, problems, notes)
            if item.id == CHRONOLOGY:
                numbered = _check_chronology(form, numbered, context, problems)
            values[item.id] = [row for _n, row in numbered]
            numbers[item.id] = [n for n, _row in numbered]
            continue
        if item.type == "multi_choice":
            ticked = raw.ticked.get(item.id)
            if ticked is None and item.id in raw.answers:
                ticked = [t for t in re.split(r"[;\n]", raw.answers[item.id]) if t.strip()]
            try:
                values[item.id] = item.parse(ticked or [])
            except ValueError as exc:
                problems.append(ReturnProblem(section, str(exc), column=item.label))
            continue
        text = raw.answers.get(item.id, "")
        try:
            values[item.id] = _parse(item, text, today, notes, f"{section}, {item.label}")
        except ValueError as exc:
            message = str(exc).removeprefix(f"{item.label}: ")
            problems.append(ReturnProblem(section, message, column=item.label))
    values = {k: v for k, v in values.items() if v not in (None, "", [])}
    values.update(context)
    seen = {(p.section, p.row, p.column) for p in problems}
    for issue in form.validate(values, finishing=not partial, today=today):
        problem = _from_issue(form, issue, numbers)
        if issue.path.split(".", 1)[0].split("[", 1)[0] in CONTEXT_FIELDS:
            # The review team's own answer (scope, dates): not the agency's to fix.
            problem = ReturnProblem(
                problem.section,
                f"{problem.message} (the review team's part of the report: set it on the "
                "case; the return is stored as a draft until then)",
                column=problem.column,
                severity="warning",
            )
        if (problem.section, problem.row, problem.column) in seen and problem.severity == "error":
            continue  # already reported as unreadable
        problems.append(problem)
    if raw.unknown:
        problems.extend(
            ReturnProblem("The document", f"not understood and not stored: {u}", severity="warning")
            for u in raw.unknown
        )
    return ReturnResult(values, problems, notes, numbers)


def _rows(
    form: Any,
    item: Any,
    raw_rows: Sequence[RawRow],
    today: date,
    problems: list[ReturnProblem],
    notes: list[str],
) -> list[tuple[int, dict[str, Any]]]:
    """The table's filled rows as stored values, each with its row number in the document."""
    section = _section_title(form, item.id)
    rows: list[tuple[int, dict[str, Any]]] = []
    for raw_row in raw_rows:
        if not any(str(v).strip() for v in raw_row.cells.values()):
            continue  # a blank row left in the table
        row: dict[str, Any] = {}
        for sub in item.fields:
            if not sub.is_input:
                continue
            text = str(raw_row.cells.get(sub.id, ""))
            try:
                value = _parse(sub, text, today, notes, f"{section}, row {raw_row.number}")
            except ValueError as exc:
                message = str(exc).removeprefix(f"{sub.label}: ")
                problems.append(
                    ReturnProblem(section, message, row=raw_row.number, column=sub.label)
                )
                continue
            if value not in (None, "", []):
                row[sub.id] = value
            elif sub.required:
                problems.append(
                    ReturnProblem(
                        section, f"{sub.label} is required.", row=raw_row.number, column=sub.label
                    )
                )
        rows.append((raw_row.number, row))
    return rows


def _check_chronology(
    form: Any,
    rows: list[tuple[int, dict[str, Any]]],
    context: Mapping[str, Any],
    problems: list[ReturnProblem],
) -> list[tuple[int, dict[str, Any]]]:
    """Chronology dates inside the scope period (else a warning); rows sorted by date."""
    section = _section_title(form, CHRONOLOGY)
    start, end = _scope_dates(context)
    for number, row in rows:
        when = optional_iso_date(row.get("date") or None)  # stored by `_parse` just before
        if when is None:
            continue
        if (start and when < start) or (end and when > end):
            period = f"{start:%d/%m/%Y}" if start else "the start"
            period += f" to {end:%d/%m/%Y}" if end else " onwards"
            problems.append(
                ReturnProblem(
                    section,
                    f"{when:%d/%m/%Y} is outside the period covered ({period}); kept, "
                    "and flagged for the review team.",
                    row=number,
                    column="Date",
                    severity="warning",
                )
            )
    ordered = sorted(rows, key=lambda pair: _row_key(pair[1]))
    if [n for n, _r in ordered] != [n for n, _r in rows]:
        problems.append(
            ReturnProblem(
                section,
                "the rows were not in date order; they are stored sorted by date and time.",
                severity="warning",
            )
        )
    return ordered


_INDEX = re.compile(r"^([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?$")


def _from_issue(form: Any, issue: Any, numbers: Mapping[str, list[int]]) -> ReturnProblem:
    """A forms-engine issue (`chronology[3].date`) placed as section, row and column."""
    found = _INDEX.match(issue.path)
    top = found[1] if found else issue.path.split(".", 1)[0]
    section = _section_title(form, top)
    if found:
        sub = form.field(f"{found[1]}.{found[3]}") if found[3] else None
        index = int(found[2])
        shown = numbers.get(found[1], [])
        return ReturnProblem(
            section,
            issue.message,
            row=shown[index] if index < len(shown) else index + 1,
            column=sub.label if sub is not None else None,
            severity=issue.severity,
        )
    item = form.field(top)
    return ReturnProblem(
        section,
        issue.message,
        column=item.label if item is not None else None,
        severity=issue.severity,
    )
