"""Passphrase prompts: change it (rekey) or confirm it before restoring a backup."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from cspr_tui import vault
from cspr_tui.errors import CsprError
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS
from cspr_tui.tui.screens.unlock import LOST_PASSPHRASE_WARNING
from cspr_tui.tui.widgets.busy import BusyIndicator
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput


class ChangePassphraseDialog(ModalScreen[bool]):
    """Rewraps the vault's data key under a new passphrase, in a worker (the KDF is slow)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ChangePassphraseDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rekey.cancel")
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Change the passphrase", classes="dialog-title")
            yield Static(LOST_PASSPHRASE_WARNING)
            yield LineInput(placeholder="New passphrase", password=True, id="new")
            yield LineInput(placeholder="Same again, to confirm", password=True, id="confirm")
            yield BusyIndicator(id="working")
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Change", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#working").display = False
        self.query_one("#new").focus()

    @on(Input.Submitted, "#new")
    def _to_confirm(self) -> None:
        self.query_one("#confirm").focus()

    @on(Input.Submitted, "#confirm")
    @on(Button.Pressed, "#ok")
    def _change(self) -> None:
        new = self.query_one("#new", Input).value
        confirm = self.query_one("#confirm", Input).value
        error = self.query_one(".dialog-error", Static)
        if len(new) < vault.MIN_NEW_PASSPHRASE:
            error.update(f"Use at least {vault.MIN_NEW_PASSPHRASE} characters.")
            return
        if new != confirm:
            error.update("The two passphrases differ; type them again.")
            self.query_one("#confirm", Input).value = ""
            return
        self.query_one("#working").display = True
        self.query_one("#ok", Button).disabled = True
        self.rekey_worker(new)

    @work(thread=True, exclusive=True, group="rekey", exit_on_error=False)
    def rekey_worker(self, new: str) -> None:
        try:
            self.app.session.vault.rekey(new)
        except CsprError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._done)

    def _failed(self, message: str) -> None:
        self.query_one("#working").display = False
        self.query_one("#ok", Button).disabled = False
        self.query_one(".dialog-error", Static).update(message)

    def _done(self) -> None:
        self.app.notify("Passphrase changed. Use the new one from now on.", title="Vault")
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class PassphraseDialog(ModalScreen[str | None]):
    """Asks the current passphrase again before a serious step (restoring a backup)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PassphraseDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="passphrase.cancel")
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.text)
            yield LineInput(placeholder="Passphrase", password=True, id="passphrase")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Continue", id="ok", variant="warning", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#passphrase").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        value = self.query_one("#passphrase", Input).value
        if value:
            self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
