"""First run: who is reviewing, so the audit trail names a person (never "root")."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cspr_tui.tui.dialogs.confirm import DIALOG_CSS
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput


class ReviewerNameDialog(ModalScreen[str | None]):
    """Asks the reviewer's name once; returns it (None: asked again next time)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReviewerNameDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "later", "Later", id="reviewer.later")
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Your name", classes="dialog-title")
            yield Static(
                "Every change is recorded in the audit trail with the name of the person who "
                "made it. It can be changed later in Settings (o)."
            )
            yield LineInput(placeholder="e.g. Sam Reviewer", id="reviewer-name")
            yield Static("", classes="dialog-error")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reviewer-name").focus()

    @on(Input.Submitted)
    def _given(self) -> None:
        name = " ".join(self.query_one("#reviewer-name", Input).value.split())
        if not name:
            self.query_one(".dialog-error", Static).update("Type your name, or Escape for later.")
            return
        self.dismiss(name)

    def action_later(self) -> None:
        self.dismiss(None)
