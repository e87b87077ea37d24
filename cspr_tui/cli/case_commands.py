"""`cspr import`, `cspr cases`, `cspr deadlines`, and `open_store` for every vault command.

Thin wrappers: they open the vault, build the case store and print; every rule (what a
valid import is, which deadline is overdue) lives in the domain.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from cspr_tui.cli.passphrase import read_passphrase
from cspr_tui.errors import ValidationFailed

__all__ = ["open_store", "register"]


def register(subparsers: Any) -> None:
    importer = subparsers.add_parser(
        "import",
        help="add or update cases from a case JSON file (all or nothing)",
        description="Add new cases and update existing ones from a file in the documented "
        "case JSON format (docs/case-schema.json). Nothing changes unless every case is valid.",
    )
    importer.add_argument("file", metavar="FILE.json", help="the case JSON file")
    importer.add_argument(
        "--progress",
        action="store_true",
        help="show progress on stderr even when it is not a terminal (it is shown on one)",
    )
    importer.set_defaults(func=import_command)

    cases = subparsers.add_parser("cases", help="list cases: reference, stage, next deadline")
    cases.add_argument("--json", action="store_true", help="print JSON instead of a table")
    cases.set_defaults(func=cases_command)

    deadlines = subparsers.add_parser(
        "deadlines", help="statutory and planned deadlines, overdue first"
    )
    deadlines.add_argument("--json", action="store_true", help="print JSON instead of a table")
    deadlines.set_defaults(func=deadlines_command)


def _vault_path(args: argparse.Namespace) -> Path:
    from cspr_tui.cli.workspace import vault_path

    return vault_path(args)


@contextmanager
def open_store(args: argparse.Namespace, *, readonly: bool) -> Iterator[Any]:
    """The case store over the command's vault; the vault is closed on the way out."""
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import load_settings
    from cspr_tui.vault import open_vault

    settings = load_settings()
    path = _vault_path(args)
    from cspr_tui.cli.workspace import require_vault

    require_vault(path)
    forms = load_forms(settings=settings)
    from cspr_tui.exports.export_file import protect_vault

    protect_vault(path)
    vault = open_vault(
        path,
        read_passphrase(),
        backups=settings.backups_count,
        readonly=readonly,
        allow_rollback=getattr(args, "allow_rollback", False),
    )
    try:
        yield CaseStore(vault, settings, forms)
    finally:
        vault.close()


# The save's own steps (`import_stream.ImportProgress`), shown on a terminal only: with
# --progress into a file or a pipe, one line a report is for the checking and for the
# save's start and end, not a line per hundred cases indexed or per MiB written.
_SAVE_STEPS = ("preparing", "indexing", "writing")
_MIB = 1 << 20


def _step_line(stage: str, done: int, total: int, cases: int) -> str:
    if stage == "writing":
        amount = f"{done / _MIB:,.1f} of {total / _MIB:,.1f} MiB"
    else:
        amount = f"{done:,} of {total:,} case(s)"
    return f"Saving {cases:,} case(s) to the vault: {stage} {amount}"


class _ProgressPrinter:
    """Progress on stderr: one line redrawn in place on a terminal (the save's steps
    included); one line per report with --progress when stderr is not one."""

    def __init__(self, stream: Any, tty: bool) -> None:
        self.stream, self.tty = stream, tty
        self.cases = 0  # the cases being saved, once the save has started
        self.open = False  # a redrawn line is on the terminal, not yet ended
        self.steps = tty  # the save's steps are shown (on a terminal only)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage in _SAVE_STEPS:
            if not self.steps:
                return
            try:  # told from inside the save: a line that cannot be shown must not undo it
                self.stream.write(f"\r\x1b[K{_step_line(stage, done, total, self.cases)}")
                self.stream.flush()
            except OSError:
                self.steps = False  # (the terminal is gone: no more steps)
            return
        if stage == "checking":
            line = f"Checked {done:,} of {total:,} case(s)"
        elif done < total:
            self.cases = total
            line = f"Saving {total:,} case(s) to the vault..."
        else:
            line = f"Saved {total:,} case(s)"
        if self.tty:
            self.stream.write(f"\r\x1b[K{line}")
            self.open = True
            if stage == "saving" and done == total:
                self.end_line()
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def end_line(self) -> None:
        """End a redrawn line (done, or before an error is printed below it)."""
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False


def _progress_printer(forced: bool) -> _ProgressPrinter | None:
    """A printer when stderr is a terminal or --progress asks; None (silent) otherwise."""
    import sys

    stream = sys.stderr
    tty = stream.isatty()
    if not (tty or forced):
        return None
    return _ProgressPrinter(stream, tty)


def import_command(args: argparse.Namespace) -> int:
    from cspr_tui.domain.import_stream import collector_paused

    with collector_paused():
        return _import(args)


def _import(args: argparse.Namespace) -> int:
    from cspr_tui.domain.case_json import read_case_file
    from cspr_tui.domain.import_stream import check_cases, import_cases
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import load_settings

    source = Path(args.file).expanduser()
    progress = _progress_printer(getattr(args, "progress", False))
    data = read_case_file(source)
    settings = load_settings()
    forms = load_forms(settings=settings)
    try:
        # checked before the vault is even unlocked
        cases = check_cases(data, forms, progress=progress, consume=True)
    except ValidationFailed as exc:
        if progress is not None:
            progress.end_line()
        raise ValidationFailed(
            f"{source.absolute()}: {exc.message}", details=exc.details, issues=exc.issues
        ) from None
    del data  # the parsed file is not needed once its cases are built
    try:
        with open_store(args, readonly=False) as store:
            result = import_cases(store, cases, source=source.name, progress=progress)
    finally:
        if progress is not None:
            progress.end_line()  # a refusal or a failed save is printed on a line of its own
    print(
        f"Imported {result.cases} case(s) from {source.name}: "
        f"{result.added} new, {result.updated} updated."
    )
    return 0


def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _deadline_json(deadline: Any) -> dict[str, Any] | None:
    if deadline is None:
        return None
    return {
        "ref": deadline.case_ref,
        "rule": deadline.rule,
        "label": deadline.label,
        "due": deadline.due.isoformat() if deadline.due else None,
        "status": str(deadline.status),
        "days_left": deadline.days_left,
    }


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def cases_command(args: argparse.Namespace) -> int:
    from cspr_tui.domain.workflow import stage_label

    with open_store(args, readonly=True) as store:
        listing = [(case, store.next_deadline(case.ref)) for case in store.list_cases()]
    if args.json:
        out = [
            {
                "ref": case.ref,
                "pseudonym": case.pseudonym,
                "stage": case.stage.value,
                "stage_label": stage_label(case),
                "next_deadline": _deadline_json(deadline),
            }
            for case, deadline in listing
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if not listing:
        print("No cases in this vault.")
        return 0
    rows = [
        [
            case.ref,
            case.pseudonym,
            stage_label(case),
            f"{deadline.rule} {deadline.label}" if deadline else "",
            _date(deadline.due) if deadline else "",
            "" if deadline is None or deadline.days_left is None else str(deadline.days_left),
        ]
        for case, deadline in listing
    ]
    _print_table(["Reference", "Pseudonym", "Stage", "Next deadline", "Due", "Days left"], rows)
    return 0


def deadlines_command(args: argparse.Namespace) -> int:
    with open_store(args, readonly=True) as store:
        pseudonyms = {case.ref: case.pseudonym for case in store.list_cases()}
        deadlines = store.all_deadlines()
    if args.json:
        out = []
        for deadline in deadlines:
            item = _deadline_json(deadline) or {}
            item["pseudonym"] = pseudonyms.get(deadline.case_ref, "")
            item["note"] = deadline.note
            out.append(item)
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if not deadlines:
        print("No open deadlines.")
        return 0
    rows = [
        [
            d.case_ref,
            pseudonyms.get(d.case_ref, ""),
            d.rule,
            d.label,
            _date(d.due),
            d.status.label if hasattr(d.status, "label") else str(d.status),
            "" if d.days_left is None else str(d.days_left),
        ]
        for d in deadlines
    ]
    _print_table(["Reference", "Pseudonym", "Rule", "Deadline", "Due", "Status", "Days left"], rows)
    return 0
