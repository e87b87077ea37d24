"""`cspr export ...`: the Word, Excel and JSON exports, each recorded in the audit trail.

The commands only gather options into a request for the export service
(`cspr_tui.exports.service`), which writes the file and its audit entry together or not at
all. Exported files are plaintext, so every command says so.
"""

from __future__ import annotations

import argparse
from typing import Any

from cspr_tui.cli.export_run import out_path as _out
from cspr_tui.cli.export_run import run_request as _run

__all__ = ["register"]


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

    from cspr_tui.cli.returns_commands import register_exports

    register_exports(kinds, _common)  # chronology, chronology-template, referral-form

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


def tracker_command(args: argparse.Namespace) -> int:
    from cspr_tui.domain.quarter import Quarter
    from cspr_tui.exports.service import TrackerExport

    quarter = Quarter.parse(args.quarter) if args.quarter else None
    return _run(args, TrackerExport(quarter=quarter, out=_out(args), force=args.force))


def agency_report_command(args: argparse.Namespace) -> int:
    from cspr_tui.exports.service import AgencyReportExport

    request = AgencyReportExport(args.ref, args.agency, out=_out(args), force=args.force)
    return _run(args, request)


def report_command(args: argparse.Namespace) -> int:
    from cspr_tui.exports.service import CaseReportExport

    request = CaseReportExport(
        args.ref, args.kind, redact=args.redact, out=_out(args), force=args.force
    )
    return _run(args, request)


def json_command(args: argparse.Namespace) -> int:
    from cspr_tui.exports.service import CaseJsonExport

    out = _out(args)
    if out is not None and out.is_dir():  # a folder: the default name inside it
        from datetime import date

        from cspr_tui.exports.service import default_json_name

        out = out / default_json_name(date.today())
    request = CaseJsonExport(tuple(args.refs or ()), out=out, force=args.force)
    return _run(args, request)
