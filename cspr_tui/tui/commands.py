"""Command palette entries, titled "group: verb" so they read like a menu and sort together.

Commands only call app and screen actions: the palette is another way to press a key, never
a second place where something happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cspr_tui.domain.workflow import stage_label


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    action: str  # an app action, run with app.run_action
    needs_unlock: bool = True


COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("case: new", "Start a new case with its referral form", "new_case"),
    PaletteCommand("case: list", "Show the dashboard of every case", "show_dashboard"),
    PaletteCommand("recommendations: show", "Every recommendation across cases", "show_recs"),
    PaletteCommand("export: quarterly tracker", "The quarterly workbook", "export('tracker')"),
    PaletteCommand("export: agency report", "One agency's report for a case", "export('agency')"),
    PaletteCommand(
        "export: case report", "Referral, rapid review or final report", "export('case')"
    ),
    PaletteCommand(
        "import: cases from JSON", "Add or update cases from a case JSON file", "import_cases"
    ),
    PaletteCommand("settings: open", "Reviewer name, idle lock, backups, theme", "show_settings"),
    PaletteCommand("vault: change passphrase", "Rewrap the vault with a new passphrase", "rekey"),
    PaletteCommand("vault: backups", "List and restore automatic backups", "show_settings"),
    PaletteCommand("vault: lock", "Lock now and drop decrypted data (ctrl+l)", "lock"),
    PaletteCommand("help: keys and glossary", "The keyboard map and process terms", "help", False),
    PaletteCommand("app: quit", "Save open drafts, close the vault, leave (ctrl+q)", "quit", False),
)


class CaseCommands(Provider):
    """The app's own commands plus `case: open <ref>` for every case in the vault."""

    def _entries(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self.app
        unlocked = getattr(app, "session", None) is not None
        for command in COMMANDS:
            if command.needs_unlock and not unlocked:
                continue
            yield command.title, command.help, partial(app.run_action, command.action)
        if unlocked:
            for case in app.store.list_cases():
                yield (
                    f"case: open {case.ref} {case.pseudonym}",
                    stage_label(case),
                    partial(app.run_action, f"open_case({case.ref!r})"),
                )

    async def discover(self) -> Hits:
        for title, help_text, callback in self._entries():
            if title.startswith("case: open"):
                continue
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
