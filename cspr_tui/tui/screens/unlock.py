"""The first and the locked screen: unlock a vault, or create one with a clear warning.

The key derivation is deliberately slow, so it runs in a thread worker behind a visible
indicator; the passphrase is held only in the masked inputs and cleared after each try.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from cspr_tui import paths, vault
from cspr_tui.errors import CsprError, VaultDamaged, VaultInUse, WrongPassphrase
from cspr_tui.paths import DEMO_VAULT_NAME
from cspr_tui.tui.session import Session, open_session
from cspr_tui.tui.widgets.busy import BusyIndicator
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput

LOST_PASSPHRASE_WARNING = (
    "Write the passphrase down and keep it somewhere safe. If it is lost, nobody can open "
    "this vault again: there is no reset and no back door."
)


def shown_path(path: Path) -> str:
    """The vault's path as the reviewer knows it: relative to the workspace when inside a
    workspace they chose (this folder or CSPR_HOME), absolute otherwise (the per-user
    folder, or a vault elsewhere), so a newcomer always sees where it is."""
    folder, how = paths.find_workspace()
    if how.startswith("the per-user"):
        return str(path.absolute())
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path.absolute())


class UnlockScreen(Screen[None]):
    """Asks for the passphrase (or a new one) and hands the opened session to the app."""

    ALLOW_SELECT = False
    AUTO_FOCUS = "#passphrase"
    CSS_PATH = "unlock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "restore_backup", "Open latest backup", show=False, id="unlock.restore"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.damaged_backup: Path | None = None
        self.composed_for_create = False
        # The passphrase on its way to a worker: taken (and so dropped) by the worker itself,
        # so it is never a worker argument that Textual keeps after the worker finishes.
        self._handover: list[str] = []

    def _hand_over(self, passphrase: str) -> None:
        self._handover[:] = [passphrase]
        for field in self.query(Input):
            field.value = ""

    def _take_passphrase(self) -> str:
        return self._handover.pop() if self._handover else ""

    @property
    def creating(self) -> bool:
        return not self.app.vault_path.exists()

    def compose(self) -> ComposeResult:
        path = self.app.vault_path
        self.composed_for_create = self.creating
        with Center(), Vertical(id="unlock-box"):
            if self.composed_for_create:
                yield Static("Create a new vault", id="unlock-title")
                yield Static(
                    f"No vault at {shown_path(path)}. Choose a passphrase for a new one.",
                    id="create-path",
                )
                demo = paths.demo_vault_path().absolute()
                if demo.exists() and demo != path.absolute():
                    yield Static(
                        f"Looking for the demo? It is at {demo}: quit (ctrl+q) and run "
                        "'cspr demo' (passphrase demo).",
                        id="demo-hint",
                    )
                yield Static(LOST_PASSPHRASE_WARNING, id="lost-warning")
                yield LineInput(placeholder="New passphrase", password=True, id="passphrase")
                yield LineInput(placeholder="Same again, to confirm", password=True, id="confirm")
                yield Button("Create vault", id="submit", variant="primary")
            else:
                yield Static(f"Unlock {path.name}", id="unlock-title")
                yield Static(shown_path(path), id="unlock-path")
                if path.name == DEMO_VAULT_NAME:
                    yield Static("Demo vault of fictional cases: the passphrase is demo.")
                yield LineInput(placeholder="Passphrase", password=True, id="passphrase")
                yield Button("Unlock", id="submit", variant="primary")
                yield Button("Open latest backup", id="restore", variant="warning")
            yield BusyIndicator(id="working")
            yield Static("", id="message")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#working").display = False
        if not self.creating:
            self.query_one("#restore").display = False
        self.show_message(self.app.lock_message)

    async def on_screen_resume(self) -> None:
        if self.composed_for_create != self.creating:
            await self.recompose()
            self.on_mount()
        self.show_message(self.app.lock_message)
        for field in self.query(Input):
            field.value = ""
        self.set_busy(False)
        self.query_one("#passphrase", Input).focus()
        if self.app.pending_restore is not None:
            backup, passphrase = self.app.pending_restore
            self.app.pending_restore = None
            self.set_busy(True)
            self._hand_over(passphrase)
            del passphrase
            self.restore_in_worker(backup)

    def show_message(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "error")

    def set_busy(self, busy: bool) -> None:
        self.query_one("#working").display = busy
        for widget in self.query(Input):
            widget.disabled = busy
        for button in self.query(Button):
            button.disabled = busy
        if not busy:
            self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def _passphrase_entered(self) -> None:
        if self.creating:
            self.query_one("#confirm", Input).focus()
        else:
            self.submit()

    @on(Input.Submitted, "#confirm")
    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        passphrase = self.query_one("#passphrase", Input).value
        if not passphrase:
            self.show_message("Type the passphrase first.", error=True)
            return
        if self.creating:
            confirm = self.query_one("#confirm", Input).value
            if len(passphrase) < vault.MIN_NEW_PASSPHRASE:
                self._start_again()
                self.show_message(
                    f"Use at least {vault.MIN_NEW_PASSPHRASE} characters; a short phrase of "
                    "several words is best.",
                    error=True,
                )
                return
            if confirm != passphrase:
                self._start_again()
                self.show_message("The two passphrases differ; type them again.", error=True)
                return
        self.damaged_backup = None
        if not self.creating:
            self.query_one("#restore").display = False
        self.set_busy(True)
        self.show_message("Opening the vault…" if not self.creating else "Creating the vault…")
        create = self.creating
        self._hand_over(passphrase)
        del passphrase
        self.open_in_worker(create)

    def _start_again(self) -> None:
        """Clear both new-passphrase fields and go back to the first."""
        for field in self.query(Input):
            field.value = ""
        self.query_one("#passphrase", Input).focus()

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def open_in_worker(self, create: bool) -> None:
        """The KDF and decryption, off the event loop (the passphrase is taken, not passed)."""
        passphrase = self._take_passphrase()
        try:
            session = open_session(
                self.app.vault_path,
                passphrase,
                self.app.settings,
                create=create,
                clock=self.app.today,
            )
        except CsprError as exc:
            self.app.call_from_thread(self.failed, exc)
            return
        except Exception as exc:  # a bug below us: one line, never a traceback on screen
            self.app.call_from_thread(
                self.failed, CsprError(f"Could not open the vault ({exc.__class__.__name__}).")
            )
            return
        self._work_out_first_rows(session)
        self.app.call_from_thread(self.opened, session)

    def _work_out_first_rows(self, session: Session) -> None:
        """The dashboard's rows, here in the worker while the vault is open anyway, so the
        dashboard is drawn once with them (not drawn empty and filled by a second worker).
        Any failure leaves it to the dashboard's own worker, which reports it there."""
        from cspr_tui.tui.screens.dashboard import work_out_rows
        from cspr_tui.tui.session import built_aside

        if session.store is None:
            return
        today = self.app.today()
        try:
            with built_aside():
                session.first_rows = (today, work_out_rows(session.store, self.app.derived, today))
        except Exception:
            session.first_rows = None
        # The case documents are not parsed here (about 0.1 s at a thousand cases): a case
        # opened reads its own document (`ReadModel.entry`), the recommendations their
        # stored views; the first save or export parses them.

    async def opened(self, session: Session) -> None:
        for field in self.query(Input):
            field.value = ""
        # The fields stay disabled (and the indicator shown) while the screen is hidden:
        # re-enabling them restyles each one on the unlock key; the next resume does it.
        self.show_message("")
        try:
            await self.app.unlocked(session)
        except BaseException:
            self.set_busy(False)  # still here: the passphrase can be typed again
            raise

    def failed(self, exc: CsprError) -> None:
        self.set_busy(False)
        field = self.query_one("#passphrase", Input)
        if isinstance(exc, WrongPassphrase):
            field.value = ""
            self.show_message("Wrong passphrase. Try again (check Caps Lock).", error=True)
        elif isinstance(exc, VaultDamaged):
            self.damaged_backup = self._latest_backup()
            text = f"The vault is damaged: {exc.message}"
            if self.damaged_backup is not None:
                text += f"\nPress ctrl+r to open its latest backup ({self.damaged_backup.name})."
                self.query_one("#restore").display = True
            self.show_message(text, error=True)
        elif isinstance(exc, VaultInUse):
            self.show_message(exc.message, error=True)
        else:
            self.show_message(exc.message, error=True)

    def _latest_backup(self) -> Path | None:
        try:
            from cspr_tui.vault import list_backups

            backups = list_backups(self.app.vault_path)
        except Exception:
            return None
        if not backups:
            return None
        newest = max(backups, key=lambda b: b.when)
        return Path(newest.path)

    @on(Button.Pressed, "#restore")
    def action_restore_backup(self) -> None:
        """Restore the newest backup over the damaged vault, then open it."""
        if self.damaged_backup is None:
            return
        passphrase = self.query_one("#passphrase", Input).value
        if not passphrase:
            self.show_message("Type the passphrase, then press ctrl+r again.", error=True)
            return
        self.set_busy(True)
        self.show_message(f"Restoring {self.damaged_backup.name}…")
        self._hand_over(passphrase)
        del passphrase
        self.restore_in_worker(self.damaged_backup)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def restore_in_worker(self, backup: Path) -> None:
        from cspr_tui.vault import restore_backup

        passphrase = self._take_passphrase()
        try:
            restore_backup(self.app.vault_path, backup, passphrase)
            session = open_session(
                self.app.vault_path, passphrase, self.app.settings, clock=self.app.today
            )
        except CsprError as exc:
            self.app.call_from_thread(self.failed, exc)
            return
        except Exception as exc:
            self.app.call_from_thread(
                self.failed, CsprError(f"Could not restore the backup ({exc.__class__.__name__}).")
            )
            return
        self._work_out_first_rows(session)
        self.app.call_from_thread(self.opened, session)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore_backup":
            return self.damaged_backup is not None
        return True
