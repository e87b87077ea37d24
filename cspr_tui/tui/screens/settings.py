"""Settings that say nothing about a case (plain file), the passphrase, and the backups.

Changing the reviewer name changes who the audit trail names from the next change on.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Select, Static

from cspr_tui.forms.dates import format_date
from cspr_tui.settings import save_settings
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput

THEMES = (
    "textual-dark",
    "textual-light",
    "ansi-dark",
    "ansi-light",
    "nord",
    "gruvbox",
    "solarized-light",
)


class SettingsScreen(Screen[None]):
    """Reviewer name, idle lock, backups count, theme; change passphrase; restore a backup."""

    ALLOW_SELECT = False
    CSS_PATH = "settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="settings.save"),
        Binding("ctrl+t", "app.rekey", "Passphrase", priority=True, id="settings.rekey"),
        Binding("ctrl+b", "restore", "Restore", priority=True, id="settings.restore"),
        Binding("escape", "app.pop_screen", "Back", id="settings.back"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.app.settings
        themes = [t for t in THEMES if t in self.app.available_themes]
        with VerticalScroll(id="settings-body"):
            yield Static("Settings", classes="settings-title")
            yield Static("Reviewer name (named in the audit trail)")
            yield LineInput(settings.reviewer_name, id="reviewer", compact=True)
            yield Static("Partnership name (on every export's header and file name)")
            yield LineInput(
                settings.partnership_set,
                placeholder="e.g. Examplebury Safeguarding Children Partnership",
                id="partnership",
                compact=True,
            )
            yield Static("Lock after this many idle minutes (0 = never)")
            yield LineInput(
                str(settings.idle_lock_minutes), id="idle", type="integer", compact=True
            )
            yield Static("Backups to keep")
            yield LineInput(str(settings.backups_count), id="backups", type="integer", compact=True)
            yield Static("Theme (ansi-* for 16-colour terminals)")
            yield Select(
                [(t, t) for t in themes],
                value=settings.theme if settings.theme in themes else Select.NULL,
                compact=True,
                id="theme",
            )
            yield Static("", id="settings-error")
            with Horizontal(classes="settings-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Change passphrase", id="rekey", compact=True)
            yield Static(
                "Backups (newest first): highlight one and press ctrl+b to restore it",
                classes="settings-title",
            )
            yield DataTable(id="backups-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reviewer").focus()
        table = self.query_one("#backups-table", DataTable)
        table.add_column("Saved until", key="when", width=17)
        table.add_column("Size", key="size", width=10)
        table.add_column("File", key="name")
        self.show_backups()

    def show_backups(self) -> None:
        from cspr_tui.vault import list_backups

        table = self.query_one("#backups-table", DataTable)
        table.clear()
        for backup in list_backups(self.app.vault_path):
            local = backup.when.astimezone()
            table.add_row(
                f"{format_date(local.date())} {local:%H:%M}",
                f"{backup.size / 1024:.0f} KiB",
                backup.name,
                key=str(backup.path),
            )

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        settings = self.app.settings
        try:
            idle = int(self.query_one("#idle", Input).value or "0")
            backups = int(self.query_one("#backups", Input).value or "0")
        except ValueError:
            error.update("Idle minutes and backups must be whole numbers.")
            return
        if idle < 0 or backups < 1:
            error.update("Idle minutes must be 0 or more and at least 1 backup is kept.")
            return
        settings.reviewer_name = self.query_one("#reviewer", Input).value.strip()
        partnership = self.query_one("#partnership", Input).value.strip()
        if partnership:  # left empty, the built-in name stays until the partnership sets one
            settings.partnership_name = partnership
        settings.idle_lock_minutes = idle
        settings.backups_count = backups
        theme = self.query_one("#theme", Select).value
        if theme != Select.NULL:
            settings.theme = str(theme)
            self.app.theme = str(theme)
        save_settings(settings)
        self.app.idle_lock_seconds = float(idle * 60)
        from cspr_tui.domain.audit import default_actor

        self.app.store.actor = default_actor(settings.reviewer_name)  # named from now on
        error.update("")
        self.notify("Settings saved.")

    @on(Button.Pressed, "#rekey")
    def _rekey(self) -> None:
        self.app.action_rekey()

    def action_restore(self) -> None:
        table = self.query_one("#backups-table", DataTable)
        if not table.row_count:
            self.notify("There are no backups yet.")
            return
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        from pathlib import Path

        from cspr_tui.tui.dialogs.passphrase import PassphraseDialog

        backup = Path(str(key.value))

        def confirmed(passphrase: str | None) -> None:
            if passphrase:
                self.app.call_later(self.app.restore_backup, backup, passphrase)

        self.app.push_screen(
            PassphraseDialog(
                "Restore a backup",
                f"The vault will be replaced by {backup.name} (the current state is kept as a "
                "backup first). Type the passphrase to continue.",
            ),
            confirmed,
        )
