"""Import cases from a JSON file (the documented case schema), as `cspr import` does.

The dialog gathers the file's path; a worker reads it, checks every case with the domain's
`import_stream.check_cases` and saves them with `import_stream.import_cases`, whose progress
the bar shows. The screen stays responsive meanwhile (the key gate lets keys through while
this worker runs), and escape or ctrl+c cancels up to the moment the save starts: the check
raises at its next progress report and nothing is written. The save itself is one
transaction of the store, all or nothing, and is not interrupted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, ProgressBar, Static
from textual.worker import get_current_worker

from cspr_tui.errors import CsprError
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS, DIALOG_TEXT_WIDTH
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput
from cspr_tui.tui.words import path_lines

IMPORT_GROUP = "case-import"  # the worker's group: the key gate does not wait for it


@dataclass(frozen=True)
class ImportDone:
    """What was saved: how many cases, of which new and updated, from which file."""

    source: str
    cases: int
    added: int
    updated: int


class _Cancelled(Exception):
    """The reviewer cancelled before the save started."""


# The save's own steps (`import_stream.ImportProgress`): told from inside the store's
# transaction, so they are posted to the dialog (thread-safe, never waited for) rather than
# run on the screen's thread and waited for, which could wait on a screen that waits on the
# store.
_SAVE_STEPS = ("preparing", "indexing", "writing")
_MIB = 1 << 20


class SaveStep(Message):
    """How far the save has gone: a step of `_SAVE_STEPS`, done of total."""

    def __init__(self, stage: str, done: int, total: int) -> None:
        super().__init__()
        self.stage, self.done, self.total = stage, done, total


class ImportCasesDialog(ModalScreen[ImportDone | None]):
    """Dismisses with what was imported, or None (closed, cancelled or refused)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ImportCasesDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Import", priority=True, id="import.go"),
        Binding("escape", "cancel", "Cancel or close", id="import.cancel"),
        Binding("ctrl+c", "cancel", "Cancel", show=False, priority=True, id="import.stop"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.done: ImportDone | None = None
        self.running = False
        self.saving = False  # the save has started: it can no longer be cancelled
        self.cancel_asked = False
        self._decide = threading.Lock()  # cancel and "the save starts" never cross

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Import cases from a JSON file", classes="dialog-title")
            yield Static(
                "New cases are added and cases with the same reference are replaced, "
                "all or nothing (the case schema that cspr export json writes)."
            )
            yield Static("The .json file (its path)")
            yield LineInput(placeholder="/path/to/cases.json", id="path", compact=True)
            yield Static("", classes="dialog-error")
            yield ProgressBar(total=1, show_eta=False, id="progress")
            yield Static("", id="status")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Import", id="go", variant="primary", compact=True)
                yield Button("Close", id="close", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.query_one("#path", Input).focus()

    def _path(self) -> Path | None:
        text = self.query_one("#path", Input).value.strip()
        error = self.query_one(".dialog-error", Static)
        path = Path(text).expanduser() if text else None
        if path is None or not path.is_file():
            width = error.content_size.width or DIALOG_TEXT_WIDTH
            shown = f"{path_lines(path, width)} is not a file. " if path is not None else ""
            error.update(f"{shown}Give the path of a case JSON file (.json).")
            return None
        error.update("")
        return path

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#go")
    def action_start(self) -> None:
        if self.running:
            return
        path = self._path()
        if path is None:
            return
        self.running, self.saving, self.cancel_asked = True, False, False
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#status", Static).update(f"Reading {path.name}…")
        self.query_one("#go", Button).disabled = True
        self.query_one("#close", Button).label = "Cancel"
        self.import_worker(path)

    @work(thread=True, exclusive=True, group=IMPORT_GROUP, exit_on_error=False)
    def import_worker(self, source: Path) -> None:
        from cspr_tui.domain.case_json import read_case_file
        from cspr_tui.domain.import_stream import check_cases, collector_paused, import_cases

        app = self.app
        store, forms = app.store, app.forms
        worker = get_current_worker()

        def progress(stage: str, done: int, total: int) -> None:
            if stage in _SAVE_STEPS:
                self.post_message(SaveStep(stage, done, total))
                return
            with self._decide:
                if not self.saving and (self.cancel_asked or worker.is_cancelled):
                    raise _Cancelled
                if stage == "saving":
                    self.saving = True
            app.call_from_thread(self._show_progress, stage, done, total)

        try:
            with collector_paused():
                data = read_case_file(source)
                progress("checking", 0, 0)  # the file is read: a cancel is heard here too
                # handed over: each checked case leaves only a stand-in in the parsed file
                cases = check_cases(data, forms, progress=progress, consume=True)
                del data
                result = import_cases(store, cases, source=source.name, progress=progress)
        except _Cancelled:
            app.call_from_thread(self._cancelled)
            return
        except CsprError as exc:
            shown = "\n".join([f"{source.name}: {exc.message}", *exc.details[:5]])
            app.call_from_thread(self._failed, shown)
            return
        except Exception as exc:  # never a traceback on screen
            app.call_from_thread(self._failed, f"The import failed ({exc.__class__.__name__}).")
            return
        done = ImportDone(source.name, result.cases, result.added, result.updated)
        app.call_from_thread(self._done, done)

    def _show_progress(self, stage: str, done: int, total: int) -> None:
        import time

        if not self.is_attached:  # locked meanwhile: the dialog is gone
            return
        self.app.last_activity = time.monotonic()  # an import at work is not an idle app
        bar = self.query_one("#progress", ProgressBar)
        status = self.query_one("#status", Static)
        if stage == "checking" and total:
            bar.update(total=total, progress=done)
            status.update(f"Checking case {done:,} of {total:,}… (escape cancels)")
        elif stage == "saving":
            bar.update(total=max(total, 1), progress=done)
            status.update(f"Saving {total:,} case(s) in the vault… (all or nothing)")

    def on_save_step(self, step: SaveStep) -> None:
        """The bar and the line follow the save: cases prepared, then indexed, then the
        MiB of the new snapshot written (a large import is saved as one)."""
        import time

        if not self.running or not self.saving:  # a late report of a save already over
            return
        self.app.last_activity = time.monotonic()
        self.query_one("#progress", ProgressBar).update(
            total=max(step.total, 1), progress=step.done
        )
        if step.stage == "writing":
            amount = f"{step.done / _MIB:,.1f} of {step.total / _MIB:,.1f} MiB"
        else:
            amount = f"{step.done:,} of {step.total:,} case(s)"
        self.query_one("#status", Static).update(
            f"Saving in the vault (all or nothing): {step.stage} {amount}…"
        )

    def _finish(self) -> bool:
        """The worker is over; False when the dialog is gone (the vault was locked)."""
        self.running = False
        if not self.is_attached:
            return False
        self.query_one("#go", Button).disabled = False
        self.query_one("#close", Button).label = "Close"
        return True

    def _cancelled(self) -> None:
        if not self._finish():
            return
        self.query_one("#progress").display = False
        self.query_one("#status", Static).update("Import cancelled: nothing was saved.")

    def _failed(self, message: str) -> None:
        if not self._finish():
            return
        self.query_one("#progress").display = False
        self.query_one("#status", Static).update("")
        self.query_one(".dialog-error", Static).update(f"Nothing was imported. {message}")

    def _done(self, done: ImportDone) -> None:
        self.done = done
        if not self._finish():
            return
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(done.cases, 1), progress=max(done.cases, 1))
        self.query_one("#status", Static).update(
            f"Imported {done.cases:,} case(s) from {done.source}: "
            f"{done.added:,} new, {done.updated:,} updated."
        )
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def action_cancel(self) -> None:
        """Cancel a running import (until its save starts), else close."""
        if not self.running:
            self.dismiss(self.done)
            return
        with self._decide:
            if not self.saving:
                self.cancel_asked = True
        status = self.query_one("#status", Static)
        if self.cancel_asked:
            status.update("Cancelling… nothing will be saved.")
        else:
            status.update("Saving already started: it finishes, all or nothing.")
