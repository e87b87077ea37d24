"""`cspr export ...`: the Word, Excel and JSON exports, each recorded in the audit trail.

The commands only gather options: the exporters in `cspr_tui.exports` do the work, the
store records what left the vault. Exported files are plaintext, so every command says so.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cspr_tui.cli.workspace import NotFound
from cspr_tui.errors import UsageError, ValidationFailed

__all__ = ["register"]

NOT_ENCRYPTED = (
    "This file is not encrypted: keep it on approved systems, share it only through a "
    "secure route and delete it when it is no longer needed."
)


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write a Word report, the quarterly workbook or case JSON (not encrypted)",
        description="Write an export into the workspace's exports/ folder (or --out).",
    )
    kinds = export.add_subparsers(
        dest="export_kind", metavar="KIND", parser_class=type(export), required=True
    )

    tracker = kinds.add_parser("tracker", help="the quarterly recommendations workbook (.xlsx)")
    tracker.add_argument(
        "--quarter", metavar="YYYY-QN", help="financial-year quarter (default: the current one)"
    )
    _common(tracker)
    tracker.set_defaults(func=tracker_command)

    agency = kinds.add_parser("agency-report", help="one agency's information report (.docx)")
    agency.add_argument("ref", metavar="CASE_REF", help="the case reference, e.g. CSPR-2026-004")
    agency.add_argument(
        "--agency", required=True, metavar="NAME", help="the agency, as on the case"
    )
    _common(agency)
    agency.set_defaults(func=agency_report_command)

    report = kinds.add_parser("report", help="a referral, rapid-review or final report (.docx)")
    report.add_argument("ref", metavar="CASE_REF", help="the case reference, e.g. CSPR-2026-004")
    report.add_argument(
        "--kind", required=True, choices=("referral", "rapid-review", "final"), help="which report"
    )
    report.add_argument(
        "--redact",
        action="store_true",
        help="publication-safe: real names and identifiers replaced by pseudonyms",
    )
    _common(report)
    report.set_defaults(func=report_command)

    as_json = kinds.add_parser("json", help="cases in the import format (.json)")
    as_json.add_argument("refs", nargs="*", metavar="CASE_REF", help="cases (default: all)")
    as_json.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    as_json.add_argument("--force", action="store_true", help="replace an existing file")
    as_json.set_defaults(func=json_command)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", metavar="PATH", help="file or folder to write (default: the exports folder)"
    )
    parser.add_argument("--force", action="store_true", help="replace an existing --out file")


def _out(args: argparse.Namespace) -> Path | None:
    """The `--out` file, or a folder (the default name goes inside it), or None (exports/)."""
    if not args.out:
        return None
    out = Path(args.out).expanduser().absolute()
    if args.out.endswith(("/", os.sep)) and not out.is_dir():
        raise UsageError(f"the folder {out} does not exist; create it or choose another --out.")
    return out


def _progress() -> Callable[[int, int], None] | None:
    """Progress on stderr when a person is watching; scripts get a quiet stderr."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rWriting... {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def _record(store: Any, path: Path, kind: str, ref: str | None, redacted: bool, details: str):
    """Audit the export; if that fails the file goes too, so nothing leaves unrecorded."""
    try:
        store.record_export(kind, ref, str(path), redacted, details)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    print(f"Wrote {path}")
    print(NOT_ENCRYPTED)


def tracker_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.domain.quarter import Quarter, current_quarter
    from cspr_tui.exports import write_tracker

    with open_store(args, readonly=False) as store:
        today = store.today()
        quarter = Quarter.parse(args.quarter) if args.quarter else current_quarter(today)
        cases = store.list_cases()
        path = write_tracker(
            cases,
            _out(args),
            quarter=quarter,
            today=today,
            settings=store.settings,
            progress=_progress(),
            force=args.force,
        )
        actions = sum(len(c.recommendations) for c in cases)
        details = f"quarter {quarter.code}; {len(cases)} case(s), {actions} action(s)"
        _record(store, path, "tracker", None, False, details)
    return 0


def agency_report_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.exports import find_agency, write_agency_report

    with open_store(args, readonly=False) as store:
        case = store.get(args.ref)
        try:
            agency = find_agency(case, args.agency)
        except ValidationFailed as exc:  # an agency that is not on the case: "not found"
            raise NotFound(exc.message) from None
        path = write_agency_report(
            case,
            agency,
            _out(args),
            settings=store.settings,
            today=store.today(),
            progress=_progress(),
            force=args.force,
        )
        # Agency reports name people by pseudonym only, so they count as redacted.
        _record(store, path, "agency-report", case.ref, True, f"agency: {agency}")
    return 0


def report_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.exports import write_case_report

    with open_store(args, readonly=False) as store:
        case = store.get(args.ref)
        path = write_case_report(
            case,
            args.kind,
            _out(args),
            redact=args.redact,
            settings=store.settings,
            today=store.today(),
            progress=_progress(),
            force=args.force,
        )
        _record(store, path, f"{args.kind} report", case.ref, args.redact, f"kind: {args.kind}")
    return 0


def json_command(args: argparse.Namespace) -> int:
    try:
        from cspr_tui.cli.case_commands import export_json_command
    except ImportError:
        raise UsageError("JSON export is not available in this build.") from None
    return export_json_command(args)
