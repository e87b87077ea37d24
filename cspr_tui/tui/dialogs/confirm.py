"""Yes/no questions and "why?" prompts, each a small modal with a typed result."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput

DIALOG_TEXT_WIDTH = 66  # a dialog's 70 columns less its border and padding
DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 70;
    max-width: 100%;
    height: auto;
    border: round $primary;
    background: $surface;
    padding: 0 1;
}}
{name} .dialog-title {{
    text-style: bold;
    color: $primary;
}}
{name} .dialog-buttons {{
    height: auto;
    margin-top: 1;
}}
{name} .dialog-buttons Button {{
    margin-right: 2;
}}
{name} .dialog-error {{
    color: $error;
}}
"""


class ConfirmDialog(ModalScreen[bool]):
    """Enter confirms, Escape cancels; the question says what will happen."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel")
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.question)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="primary", compact=True)
                yield Button("Cancel", id="no", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes").focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)


class ReasonDialog(ModalScreen[str | None]):
    """Asks why (the workflow records a reason for pauses, overrides and some statuses)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ReasonDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reason.cancel")
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.question)
            yield LineInput(placeholder="Reason (recorded in the audit trail)", id="reason")
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Record", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reason").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _done(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one(".dialog-error", Static).update("A reason is needed.")
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
