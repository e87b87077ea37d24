"""The one way an export leaves the vault: both front doors hand a request here, get a path.

Exporting is more than writing a file: the file and its audit entry go together or not at
all, every kind is recorded with the same wording, the file carries the audit head (so a
copy that left the machine can be held against the vault's history later), and the person
waiting sees progress. The command line and the Textual export dialog only build one of the
request dataclasses below and call `run_export`; nothing else writes an export's audit entry.

Order of work: read the audit head; write the file under a private temporary name, stamp
its properties, check it (Word: no tags, no identifiers when redacted) and name it; then
append the audit entry. If that entry cannot be saved the new file is removed and a file it
replaced (`force`) is put back, so no export exists that the audit trail does not show.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cspr_tui.errors import CsprError, UsageError
from cspr_tui.exports import export_file
from cspr_tui.exports.properties import stamp_package

__all__ = [
    "AgencyReportExport",
    "CaseJsonExport",
    "CaseReportExport",
    "ChronologyExport",
    "ChronologyTemplateExport",
    "ExportRequest",
    "ExportResult",
    "Progress",
    "TrackerExport",
    "audit_kind",
    "default_json_name",
    "run_export",
]

# done, total, and what is happening now (for a progress bar's caption).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class TrackerExport:
    """The quarterly recommendations workbook (every case)."""

    quarter: Any = None  # a domain Quarter; None means the current quarter
    out: Path | None = None  # a file, a folder, or None for the exports folder
    force: bool = False


@dataclass(frozen=True)
class AgencyReportExport:
    """One agency's information report for a case (people by pseudonym only)."""

    ref: str
    agency: str
    out: Path | None = None
    force: bool = False


@dataclass(frozen=True)
class CaseReportExport:
    """A referral, rapid-review or final report; `redact` for the publication-safe version."""

    ref: str
    report: str  # "referral" | "rapid-review" | "final"
    redact: bool = False
    out: Path | None = None
    force: bool = False


@dataclass(frozen=True)
class CaseJsonExport:
    """Cases in the import format; no references means every case."""

    refs: tuple[str, ...] = ()
    out: Path | None = None  # a file, or None for exports/cases-<date>.json
    force: bool = False


@dataclass(frozen=True)
class ChronologyExport:
    """The integrated multi-agency chronology of a case (Word or Excel)."""

    ref: str
    fmt: str = "docx"  # "docx" | "xlsx"
    redact: bool = False
    out: Path | None = None
    force: bool = False


@dataclass(frozen=True)
class ChronologyTemplateExport:
    """The Excel chronology an agency may fill instead of the Word report's table."""

    ref: str
    agency: str
    out: Path | None = None
    force: bool = False


ExportRequest = (
    TrackerExport
    | AgencyReportExport
    | CaseReportExport
    | CaseJsonExport
    | ChronologyExport
    | ChronologyTemplateExport
)


@dataclass(frozen=True)
class ExportResult:
    """What was written and recorded: the path, and the audit head the file carries."""

    path: Path
    kind: str
    ref: str | None
    redacted: bool
    details: str
    audit_seq: int
    audit_head: str
    save_counter: int | None


def audit_kind(request: ExportRequest) -> str:
    """The kind named in the audit entry ("exported <kind>"): one wording for every door."""
    if isinstance(request, TrackerExport):
        return "tracker"
    if isinstance(request, AgencyReportExport):
        return "agency-report"
    if isinstance(request, CaseReportExport):
        return f"{request.report} report"
    if isinstance(request, ChronologyExport):
        return "chronology"
    if isinstance(request, ChronologyTemplateExport):
        return "chronology-template"
    return "json"


def _title(request: ExportRequest) -> str | None:
    """A title for a file whose writer gives none (a Word template carries its own)."""
    if isinstance(request, TrackerExport):
        quarter = f" {request.quarter.title}" if request.quarter is not None else ""
        return f"Recommendations tracker{quarter}"
    return None


def _save_counter(store: Any) -> int | None:
    """The vault's save counter, once the vault offers one (rollback evidence, issue 16)."""
    counter = getattr(store.vault, "save_counter", None)
    value = counter() if callable(counter) else counter
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _redactor(case: Any, settings: Any = None) -> Any:
    """The redactor for a case (its key, its reviewers' decisions, the partnership's
    allowlist): the one place exports decide what counts as identifying."""
    from cspr_tui.exports.redaction import case_redactor

    return case_redactor(case, settings)


def case_redactor_for_agency(case: Any, settings: Any) -> Any:
    """Agency reports are redacted the same way but go to partners, not the public: no
    review of possible names is asked for."""
    from cspr_tui.exports.redaction import case_redactor

    return case_redactor(case, settings, flag_unknown=False)


@dataclass
class _Written:
    path: Path
    ref: str | None
    redacted: bool
    details: str
    sent: dict[str, Any] | None = None  # a fillable report's request, marked sent with it


def _tracker(store: Any, request: TrackerExport, progress: Callable[[int, int], None]) -> _Written:
    from cspr_tui.domain.quarter import current_quarter
    from cspr_tui.exports.xlsx_tracker import write_tracker

    today = store.today()
    quarter = request.quarter or current_quarter(today)
    cases = store.list_cases()
    path = write_tracker(
        cases,
        request.out,
        quarter=quarter,
        today=today,
        settings=store.settings,
        progress=progress,
        force=request.force,
    )
    actions = sum(len(c.recommendations) for c in cases)
    details = f"quarter {quarter.code}; {len(cases)} case(s), {actions} action(s)"
    return _Written(path, None, True, details)  # the tracker is always redacted


def _chronology(
    store: Any, request: ChronologyExport, progress: Callable[[int, int], None]
) -> _Written:
    from cspr_tui.exports.chronology_export import write_chronology

    case = store.get(request.ref)
    progress(0, 2)
    path = write_chronology(
        case,
        request.out,
        fmt=request.fmt,
        redactor=_redactor(case, store.settings) if request.redact else None,
        settings=store.settings,
        today=store.today(),
        force=request.force,
    )
    progress(2, 2)
    return _Written(path, case.ref, request.redact, f"format: {request.fmt}")


def _agency_form(
    store: Any,
    request: AgencyReportExport | ChronologyTemplateExport,
    progress: Callable[[int, int], None],
) -> _Written:
    """What an agency fills in and sends back: the Word report or the Excel chronology.

    Both carry the request's token (kept with the request, so the return is matched to it)
    and mark the request sent; agency documents name people by pseudonym only, so they
    count as redacted.
    """
    from cspr_tui.domain.agency_return import new_token
    from cspr_tui.exports.docx_report import find_agency

    case = store.get(request.ref)
    agency = find_agency(case, request.agency)
    asked = next((r for r in case.agency_reports if r.agency == agency), None)
    token = (asked.token if asked is not None else "") or new_token()
    common: dict[str, Any] = {
        "form": store.forms["agency_report"],
        "token": token,
        "settings": store.settings,
        "today": store.today(),
        "force": request.force,
    }
    if isinstance(request, AgencyReportExport):
        from cspr_tui.exports.fillable import version_of, write_agency_report

        path = write_agency_report(
            case,
            agency,
            request.out,
            progress=progress,
            redactor=case_redactor_for_agency(case, store.settings),
            **common,
        )
        version = version_of(path)
    else:
        from cspr_tui.exports.chronology_export import write_chronology_template

        progress(0, 2)
        path = write_chronology_template(case, agency, request.out, **common)
        progress(2, 2)
        version = asked.version if asked else 1
    sent = {"agency": agency, "token": token, "version": version}
    return _Written(path, case.ref, True, f"agency: {agency}", sent)


def _case_report(
    store: Any, request: CaseReportExport, progress: Callable[[int, int], None]
) -> _Written:
    from cspr_tui.exports.docx_report import write_case_report

    case = store.get(request.ref)
    path = write_case_report(
        case,
        request.report,
        request.out,
        redact=request.redact,
        settings=store.settings,
        today=store.today(),
        progress=progress,
        force=request.force,
        redactor=_redactor(case, store.settings) if request.redact else None,
        forms=store.forms,
    )
    return _Written(path, case.ref, request.redact, f"kind: {request.report}")


def _case_json(
    store: Any, request: CaseJsonExport, progress: Callable[[int, int], None]
) -> _Written:
    import json

    from cspr_tui.domain.case_json import dump_cases

    target = request.out or export_file.default_export_dir() / default_json_name(store.today())
    refs = list(request.refs)
    cases = [store.get(ref) for ref in refs] if refs else store.list_cases()
    progress(1, 3)
    payload = (json.dumps(dump_cases(cases), indent=2, ensure_ascii=False) + "\n").encode()
    progress(2, 3)
    if Path(target).is_dir():  # a folder: the default name inside it
        target = Path(target) / default_json_name(store.today())
    path = export_file.write_export(
        Path(target), lambda tmp: tmp.write_bytes(payload), force=request.force
    )
    details = f"{len(cases)} case(s): {', '.join(c.ref for c in cases)}"[:500]
    return _Written(path, refs[0] if len(refs) == 1 else None, False, details)


_WRITERS: dict[type, Callable[[Any, Any, Callable[[int, int], None]], _Written]] = {
    TrackerExport: _tracker,
    AgencyReportExport: _agency_form,
    CaseReportExport: _case_report,
    CaseJsonExport: _case_json,
    ChronologyExport: _chronology,
    ChronologyTemplateExport: _agency_form,
}


def _keep_replaced(out: Path | None, force: bool) -> Path | None:
    """A hard link to the file `force` is about to replace, so a failed audit can put it back."""
    if out is None or not force:
        return None
    target = Path(out)
    if not target.is_file() or target.is_symlink():
        return None
    # Named like an export's temporary file, so a killed process's copy is swept later.
    keep = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(6)}.part")
    try:
        os.link(target, keep)
    except OSError:
        try:  # no hard links on this file system: a private copy instead
            fd = os.open(keep, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle, open(target, "rb") as source:
                handle.write(source.read())
        except OSError as exc:
            keep.unlink(missing_ok=True)
            raise CsprError(
                f"cannot keep a safety copy of {target} before replacing it ({exc.strerror}); "
                "nothing was exported."
            ) from None
    return keep


def _undo(path: Path, kept: Path | None) -> None:
    """Remove the new file; put back the one it replaced, if any."""
    if kept is not None:
        os.replace(kept, path)
    else:
        path.unlink(missing_ok=True)


def run_export(
    store: Any, request: ExportRequest, *, progress: Progress | None = None
) -> ExportResult:
    """Write the export `request` asks for and record it; returns where it went.

    Raises CsprError (one line for the person) and leaves no file and no audit entry when
    anything fails; the audit failure's own message says the file was removed.
    """
    writer = _WRITERS.get(type(request))
    if writer is None:
        raise UsageError(f"unknown export request {type(request).__name__}.")
    kind = audit_kind(request)
    seq, head = store.audit_head()
    counter = _save_counter(store)
    stamps = {"audit_head": head, "audit_seq": str(seq)}
    if counter is not None:
        stamps["save_counter"] = str(counter)
    total_steps = 1  # the writer's steps are scaled in front of the audit step

    def report(done: int, total: int, what: str) -> None:
        if progress is not None:
            progress(done, total, what)

    def writer_progress(done: int, total: int) -> None:
        nonlocal total_steps
        total_steps = max(total, 1) + 1
        report(done, total_steps, "Writing the file" if done < total else "Checking the file")

    title = _title(request)

    def finish(tmp: Path, final: Path) -> None:
        if final.suffix.lower() in (".docx", ".xlsx", ".docm", ".xlsm"):
            stamp_package(tmp, stamps, title=title)

    report(0, 1, "Starting")
    kept = _keep_replaced(getattr(request, "out", None), request.force)
    try:
        with export_file.finishing(finish):
            written = writer(store, request, writer_progress)
    except BaseException:
        if kept is not None:
            kept.unlink(missing_ok=True)  # the writer failed, so the old file is still there
        raise
    report(total_steps - 1, total_steps, "Recording the export in the audit trail")
    try:
        extra = {"sent": written.sent} if written.sent is not None else {}
        store.record_export(
            kind, written.ref, str(written.path), written.redacted, written.details, **extra
        )
    except BaseException as exc:
        _undo(written.path, kept)
        if isinstance(exc, CsprError | OSError):
            reason = exc.message if isinstance(exc, CsprError) else (exc.strerror or str(exc))
            raise CsprError(
                f"the export could not be recorded in the audit trail ({reason}), so "
                f"{written.path.name} was removed; nothing was exported."
            ) from None
        raise
    if kept is not None:
        kept.unlink(missing_ok=True)
    report(total_steps, total_steps, "Done")
    return ExportResult(
        path=written.path,
        kind=kind,
        ref=written.ref,
        redacted=written.redacted,
        details=written.details,
        audit_seq=seq,
        audit_head=head,
        save_counter=counter,
    )


def default_json_name(today: date) -> str:
    """The JSON export's file name when no --out is given."""
    return f"cases-{today.isoformat()}.json"
