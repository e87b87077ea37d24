"""Start a case: only its pseudonym is asked here; the referral form follows at once."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from cspr_tui.errors import CsprError
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput


class NewCaseDialog(ModalScreen[str | None]):
    """Creates the case through the store and returns its new reference (None if cancelled)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NewCaseDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="new_case.cancel")
    ]

    def compose(self) -> ComposeResult:
        suggestion = self.app.store.next_pseudonym()
        with Vertical():
            yield Static("New case", classes="dialog-title")
            yield Static(
                "The case is known by a pseudonym everywhere (exports, lists). Real names go "
                "in the referral form, inside the encrypted vault."
            )
            yield LineInput(value=suggestion, placeholder="Pseudonym, e.g. Child C", id="pseudonym")
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    "Create and open the referral", id="create", variant="primary", compact=True
                )
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#pseudonym").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        self.query_one("#create", Button).disabled = True
        self.create_worker(self.query_one("#pseudonym", Input).value.strip())

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def create_worker(self, pseudonym: str) -> None:
        try:
            case = self.app.store.create_case(pseudonym=pseudonym or None)
        except CsprError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self.dismiss, case.ref)

    def _failed(self, message: str) -> None:
        self.query_one("#create", Button).disabled = False
        self.query_one(".dialog-error", Static).update(message)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
