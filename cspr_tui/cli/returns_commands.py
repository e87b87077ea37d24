"""`cspr returns import`, `cspr referral import`, `cspr export chronology|referral-form`.

Front-door wrappers only: reading and judging a returned document is in
`cspr_tui.exports.returns`, what it means in `cspr_tui.domain.agency_return`, the merge in
`cspr_tui.domain.chronology`; the store records what was stored or exported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cspr_tui.errors import CsprError, UsageError, ValidationFailed

__all__ = ["register", "register_exports"]


def register(subparsers: Any) -> None:
    returns = subparsers.add_parser(
        "returns",
        help="completed agency information reports back into their cases",
        description="Read completed agency information reports (.docx, or the Excel "
        "chronology) and store each as its agency's report on its case.",
    )
    kinds = returns.add_subparsers(
        dest="returns_kind", metavar="ACTION", parser_class=type(returns), required=True
    )
    importer = kinds.add_parser("import", help="read and store completed reports")
    importer.add_argument("files", nargs="+", metavar="FILE.docx", help="completed reports")
    importer.add_argument(
        "--check", action="store_true", help="show what would be stored; store nothing"
    )
    importer.set_defaults(func=returns_import_command)

    referral = subparsers.add_parser(
        "referral", help="a completed Word referral form into a new draft case"
    )
    actions = referral.add_subparsers(
        dest="referral_kind", metavar="ACTION", parser_class=type(referral), required=True
    )
    ref_import = actions.add_parser("import", help="make a draft case from a referral form")
    ref_import.add_argument("file", metavar="FILE.docx", help="the completed referral form")
    ref_import.set_defaults(func=referral_import_command)


def register_exports(kinds: Any, common: Any) -> None:
    """The exports this lane adds under `cspr export` (called by export_commands)."""
    chronology = kinds.add_parser(
        "chronology", help="the integrated multi-agency chronology (.docx or .xlsx)"
    )
    chronology.add_argument("ref", metavar="CASE_REF", help="the case reference")
    chronology.add_argument("--format", choices=("docx", "xlsx"), default="docx")
    chronology.add_argument(
        "--redact", action="store_true", help="publication-safe: names replaced by pseudonyms"
    )
    common(chronology)
    chronology.set_defaults(func=export_chronology_command)

    form = kinds.add_parser(
        "referral-form", help="the blank referral form as a fillable Word document"
    )
    common(form)
    form.set_defaults(func=export_referral_form_command)

    template = kinds.add_parser(
        "chronology-template",
        help="an Excel chronology for an agency that prefers Excel (.xlsx)",
    )
    template.add_argument("ref", metavar="CASE_REF", help="the case reference")
    template.add_argument("--agency", required=True, metavar="NAME", help="the agency")
    common(template)
    template.set_defaults(func=export_chronology_template_command)


def _print_problems(problems: list[Any], *, stream: Any) -> None:
    for problem in problems:
        mark = "problem" if problem.severity == "error" else "note"
        print(f"  {mark}: {problem}", file=stream)


def returns_import_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.exports.returns import judge_any_return

    refused: list[str] = []
    paths = [Path(f).expanduser() for f in args.files]
    for path in paths:
        if not path.is_file():
            raise UsageError(f"there is no file {path}; check the name.")
    with open_store(args, readonly=args.check) as store:
        form = store.forms["agency_report"]
        today = store.today()

        def find_case(ref: str) -> Any:
            return store.get(ref) if ref in store else None

        for path in paths:
            try:
                judged = judge_any_return(
                    path, form, find_case, today=today, settings=store.settings
                )
            except CsprError as exc:
                refused.append(f"{path.name}: {exc.message}")
                print(f"{path.name}: refused: {exc.message}", file=sys.stderr)
                continue
            result = judged.result
            rows = len(result.values.get("chronology") or [])
            answered = sum(1 for k in result.values if not k.startswith("_"))
            print(
                f"{path.name}: {judged.request.agency}'s report for {judged.case.ref}: "
                f"{answered} answers, {rows} chronology row(s)."
            )
            for note in result.notes:
                print(f"  read: {note}")
            if not result.accepted:
                refused.append(f"{path.name}: {len(result.errors)} problem(s)")
                print(
                    f"{path.name}: refused, {len(result.errors)} problem(s); nothing was "
                    "stored from it:",
                    file=sys.stderr,
                )
                _print_problems(result.problems, stream=sys.stderr)
                continue
            from cspr_tui.exports.returns import summarise

            for line in summarise(judged, form)[1:]:  # what will be stored, by section
                if not line.startswith("  read:"):
                    print(line)
            if args.check:
                print("  (checked only: nothing stored)")
                continue
            store.receive_agency_return(
                judged.case.ref,
                judged.request.agency,
                result.values,
                source=path.name,
                complete=judged.complete,
            )
            print(f"  stored as {judged.request.agency}'s report on {judged.case.ref}.")
    if refused:
        raise ValidationFailed(
            f"{len(refused)} of {len(paths)} file(s) refused; fix them and import them again.",
            details=refused,
        )
    return 0


def referral_import_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.exports.returns import read_referral
    from cspr_tui.forms.answers import issue_line

    path = Path(args.file).expanduser()
    if not path.is_file():
        raise UsageError(f"there is no file {path}; check the name.")
    with open_store(args, readonly=False) as store:
        form = store.forms["referral"]
        reading = read_referral(path, form, today=store.today())
        case = store.create_case()
        try:
            store.save_record(case.ref, "referral", reading.values)
        except ValidationFailed:
            raise
        print(f"Created draft case {case.ref} ({case.pseudonym}) from {path.name}.")
        for note in reading.notes:
            print(f"  read: {note}")
        for item in reading.not_understood:
            print(f"  not understood, not stored: {item}")
        missing = [i for i in form.validate(reading.values, finishing=True, today=store.today())]
        for issue in missing:
            print(f"  to complete: {issue_line(issue)}")
    return 0


def export_referral_form_command(args: argparse.Namespace) -> int:
    from cspr_tui.exports.fillable import write_referral_form
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import load_settings

    settings = load_settings()
    form = load_forms()["referral"]
    out = Path(args.out).expanduser() if args.out else None
    path = write_referral_form(out, form=form, settings=settings, force=args.force)
    # A blank form holds no case data: nothing to audit, and no vault is opened.
    print(f"Wrote {path}")
    return 0


def export_chronology_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.export_run import out_path, run_request
    from cspr_tui.exports.service import ChronologyExport

    request = ChronologyExport(
        args.ref, fmt=args.format, redact=args.redact, out=out_path(args), force=args.force
    )
    return run_request(args, request)


def export_chronology_template_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.export_run import out_path, run_request
    from cspr_tui.exports.service import ChronologyTemplateExport

    return run_request(
        args, ChronologyTemplateExport(args.ref, args.agency, out_path(args), args.force)
    )
