"""Settings saved to the plain file, the passphrase changed, and a backup restored."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from cspr_tui.settings import Settings, load_settings
from cspr_tui.tui.dialogs.passphrase import ChangePassphraseDialog, PassphraseDialog
from cspr_tui.tui.screens.dashboard import DashboardScreen
from cspr_tui.tui.screens.settings import SettingsScreen
from cspr_tui.tui.widgets.case_table import CaseTable
from cspr_tui.vault import open_vault
from tests.tui.conftest import (
    PASSPHRASE,
    build_app,
    seed_vault,
    settle,
    type_into,
    unlock,
    wait_for,
)


def two_cases(store) -> None:
    store.create_case(pseudonym="Child A")
    store.vault.compact()  # a backup holding Child A only (backups are kept at compaction)
    store.create_case(pseudonym="Child B")


async def test_settings_are_saved_and_applied(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path, two_cases)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await type_into(pilot, app.screen.query_one("#reviewer"), "Alex Reviewer")
        partnership = app.screen.query_one("#partnership", Input)
        assert partnership.value == ""  # the built-in name is not offered as the partnership's
        await type_into(pilot, partnership, "Examplebury SCP")
        await type_into(pilot, app.screen.query_one("#idle"), "2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.idle_lock_seconds == 120
        assert app.store.actor == "Alex Reviewer"
        assert app.screen.query_one("#backups-table", DataTable).row_count >= 1
    saved = load_settings()
    assert saved.reviewer_name == "Alex Reviewer"
    assert saved.idle_lock_minutes == 2
    assert saved.partnership_name == "Examplebury SCP"  # exports and carry-over use it


async def test_change_passphrase_then_unlock_with_the_new_one(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, two_cases)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, ChangePassphraseDialog)
        await pilot.press(*"new-fish-tank", "enter", *"new-fish-tank", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await unlock(pilot, PASSPHRASE)
        assert app.session is None  # the old one no longer opens it
        await unlock(pilot, "new-fish-tank", typed=True)
        assert isinstance(app.screen, DashboardScreen)
    open_vault(vault_path, "new-fish-tank", readonly=True).close()


async def test_restore_a_backup_from_settings(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path, two_cases)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one("#backups-table", DataTable)
        table.focus()
        await pilot.press("ctrl+b")  # the newest backup: the vault before its last save
        await settle(pilot)
        assert isinstance(app.screen, PassphraseDialog)
        await pilot.press(*PASSPHRASE, "enter")
        await settle(pilot, rounds=5)

        # On a loaded machine the restore may still be under way: look at whichever screen
        # shows now each time, not at one table taken from it before.
        def rows() -> int:
            screen = app.screen
            if not isinstance(screen, DashboardScreen):
                return 0
            return screen.query_one(CaseTable).row_count

        await wait_for(pilot, lambda: rows() > 0, timeout=60)
        assert rows() == 1  # Child B was not yet there


async def test_the_scrub_after_a_lock_leaves_a_reopened_vaults_workers_running(
    settings: Settings, vault_path: Path
) -> None:
    """The lock's second scrub waits for the unlock screen to be drawn. A restore (or a
    quick unlock on a loaded machine) can open the vault before it runs: it must not then
    cancel the new session's workers, such as the dashboard filling its table."""
    import threading

    seed_vault(vault_path, two_cases)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        release = threading.Event()
        worker = app.run_worker(lambda: release.wait(10), thread=True, name="still-needed")
        await pilot.pause()
        app.forget_if_locked()  # the scrub's callback, run while the vault is open again
        assert not worker.is_cancelled
        release.set()
        await worker.wait()
        assert worker.state.name == "SUCCESS"

        blocked = threading.Event()
        locked_out = app.run_worker(lambda: blocked.wait(10), thread=True, name="old-session")
        await pilot.pause()
        await app.action_lock()
        assert locked_out.is_cancelled  # after a lock the old session's work is stopped
        blocked.set()
