"""Redact any Word document (the lead reviewer's own report) against a case's key.

The dialog gathers the file; the findings are reviewed on the redaction review screen like
a report's, and the copy is written by `exports.redaction.docx_file` in a worker, then
recorded in the audit trail (or removed if that fails), as `cspr redact` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from cspr_tui.errors import CsprError
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS, DIALOG_TEXT_WIDTH
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput
from cspr_tui.tui.words import path_lines


class RedactDocumentDialog(ModalScreen[Path | None]):
    """Dismisses with the redacted copy's path (None if closed first)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="RedactDocumentDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "redact", "Redact", priority=True, id="redact_doc.go"),
        Binding("escape", "cancel", "Close", id="redact_doc.cancel"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Redact a Word document against {self.ref}'s key", classes="dialog-title")
            yield Static("The .docx file (its path)")
            yield LineInput(placeholder="/path/to/report.docx", id="docx", compact=True)
            yield Static("", classes="dialog-error")
            yield Static("", id="where")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Review findings", id="review", compact=True)
                yield Button("Redact", id="go", variant="primary", compact=True)
                yield Button("Close", id="close", compact=True)
        yield KeysFooter(compact=True)

    def _path(self) -> Path | None:
        text = self.query_one("#docx", Input).value.strip()
        path = Path(text).expanduser() if text else None
        error = self.query_one(".dialog-error", Static)
        if path is None or not path.is_file() or path.suffix.lower() != ".docx":
            error.update("Give the path of an existing .docx file.")
            return None
        error.update("")
        return path

    @on(Button.Pressed, "#review")
    def _review(self) -> None:
        path = self._path()
        if path is not None:
            self.app.action_review_redaction(self.ref, path)

    @on(Button.Pressed, "#go")
    def action_redact(self) -> None:
        path = self._path()
        if path is not None:
            self.query_one("#where", Static).update("Redacting…")
            self.redact_worker(path)

    @work(thread=True, exclusive=True, group="redact-doc", exit_on_error=False)
    def redact_worker(self, source: Path) -> None:
        from cspr_tui.exports.redaction.docx_file import redact_docx
        from cspr_tui.exports.redaction.review import case_redactor

        store = self.app.store
        try:
            case = store.get(self.ref)
            path = redact_docx(source, None, case_redactor(case, store.settings), ref=case.ref)
            try:
                store.record_export("redacted document", case.ref, str(path), True, source.name)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        except CsprError as exc:
            shown = "\n".join([exc.message, *exc.details[:6]])
            self.app.call_from_thread(self._failed, shown)
            return
        self.app.call_from_thread(self._done, path)

    def _failed(self, message: str) -> None:
        self.query_one("#where", Static).update("")
        self.query_one(".dialog-error", Static).update(message)

    def _done(self, path: Path) -> None:
        from cspr_tui.exports.export_file import NOT_ENCRYPTED

        self.written = path
        where = self.query_one("#where", Static)
        written = path_lines(path, where.content_size.width or DIALOG_TEXT_WIDTH, "Written to ")
        where.update(f"{written}\n{NOT_ENCRYPTED}")

    @on(Button.Pressed, "#close")
    def action_cancel(self) -> None:
        self.dismiss(self.written)
