"""Unlock, create, lock (idle and ctrl+l), the palette and the leak guards, on real vaults."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, Static

from cspr_tui.errors import CsprError
from cspr_tui.settings import Settings
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.dashboard import DashboardScreen
from cspr_tui.tui.screens.unlock import UnlockScreen
from cspr_tui.tui.widgets.case_table import CaseTable
from cspr_tui.vault import open_vault
from tests.tui.conftest import PASSPHRASE, build_app, filtered, seed_vault, settle, unlock


def message(app) -> str:
    return str(app.screen.query_one("#message", Static).content)


async def test_create_vault_refuses_short_and_mismatched_then_creates(
    settings: Settings, vault_path: Path
) -> None:
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert "no reset" in str(app.screen.query_one("#lost-warning", Static).content)
        await pilot.press(*"short", "enter", *"short", "enter")
        await settle(pilot)
        assert "at least 8 characters" in message(app)
        assert not vault_path.exists()
        await pilot.press(*"first passphrase", "enter", *"other passphrase", "enter")
        await settle(pilot)
        assert "differ" in message(app)
        assert not vault_path.exists()
        app.screen.query_one("#passphrase", Input).value = ""
        app.screen.query_one("#passphrase", Input).focus()
        await pilot.press(*PASSPHRASE, "enter", *PASSPHRASE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.session is not None
    assert vault_path.exists()
    open_vault(vault_path, PASSPHRASE).close()  # the new vault opens with that passphrase


async def test_wrong_then_right_passphrase(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path, lambda store: store.create_case(pseudonym="Child A"))
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await unlock(pilot, "not the passphrase", typed=True)
        assert isinstance(app.screen, UnlockScreen)
        assert "Wrong passphrase" in message(app)
        assert app.screen.query_one("#passphrase", Input).value == ""
        assert app.session is None
        await unlock(pilot, typed=True)
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one(CaseTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[1] == "Child A"


async def test_damaged_vault_is_a_plain_message_offering_a_backup(
    settings: Settings, vault_path: Path
) -> None:
    def two_saves(store) -> None:
        store.create_case(pseudonym="Child A")
        store.vault.compact()  # a backup to offer (backups are kept at compaction)
        store.create_case(pseudonym="Child B")

    seed_vault(vault_path, two_saves)
    data = bytearray(vault_path.read_bytes())
    data[-5] ^= 0xFF  # flip a byte in the authenticated body
    vault_path.write_bytes(bytes(data))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        assert app.session is None
        text = message(app)
        assert "damaged" in text.lower()
        assert "ctrl+r" in text
        assert "Traceback" not in text
        await pilot.press(*PASSPHRASE, "ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one(CaseTable).row_count >= 1


async def test_ctrl_l_locks_drops_the_store_and_closes_the_vault(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, lambda store: store.create_case(pseudonym="Child A"))
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await unlock(pilot)
        vault = app.session.vault
        await pilot.press("enter")  # open the case: a screen showing case data
        await pilot.pause()
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.session is None
        assert isinstance(app.screen, UnlockScreen)
        assert "Locked" in message(app)
        assert "cases" not in app._modes  # every case screen was discarded
        with pytest.raises(CsprError):
            vault.db.table("cases").all()
        await unlock(pilot)  # and it unlocks again, back on the case that was open
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_idle_lock_after_the_configured_time(vault_path: Path) -> None:
    seed_vault(vault_path, lambda store: store.create_case(pseudonym="Child A"))
    app = build_app(Settings(idle_lock_minutes=5), vault_path)
    assert app.idle_lock_seconds == 300  # the default comes from settings
    async with app.run_test() as pilot:
        await unlock(pilot)
        await app.lock_if_idle()
        assert app.session is not None  # just used: not idle
        app.last_activity = time.monotonic() - 299
        await app.lock_if_idle()
        assert app.session is not None
        await pilot.press("s")  # a key press counts as activity
        assert time.monotonic() - app.last_activity < 5
        app.last_activity = time.monotonic() - 301
        await app.lock_if_idle()
        await settle(pilot)
        assert app.session is None
        assert isinstance(app.screen, UnlockScreen)
        assert "idle" in message(app)


async def test_idle_lock_fires_from_the_timer(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path, idle_lock_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.session is not None
        # Half a second of idleness from now: however long the unlock took on a busy machine.
        app.idle_lock_seconds = 0.5
        app.last_activity = time.monotonic()
        deadline = time.monotonic() + 10  # the timer ticks each second
        while app.session is not None and time.monotonic() < deadline:
            await pilot.pause(0.1)
        await settle(pilot)
        assert app.session is None
        assert isinstance(app.screen, UnlockScreen)


async def test_palette_has_group_verb_commands_and_no_screenshot(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, lambda store: store.create_case(pseudonym="Child A"))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        # None of Textual's own (Screenshot, Quit, Keys, Maximize, Theme), locked or not.
        assert list(app.get_system_commands(app.screen)) == []
        await unlock(pilot)
        assert list(app.get_system_commands(app.screen)) == []
        from cspr_tui.tui.commands import COMMANDS

        assert "app: quit" in {c.title for c in COMMANDS}  # ours: drafts saved first
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"vault: lock")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session is None
        assert isinstance(app.screen, UnlockScreen)


async def test_copy_and_screenshot_are_refused(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await unlock(pilot)
        app.copy_to_clipboard("Poppy Example")
        assert app.clipboard == ""
        assert app.deliver_screenshot() is None
        assert not list(Path.cwd().glob("*.svg"))
        assert not app.screen.allow_select


async def test_dashboard_filters_thousands_of_cases_as_you_type(
    settings: Settings, vault_path: Path
) -> None:
    from cspr_tui.domain.case import Case

    def many(store) -> None:
        store.import_cases(
            [Case(ref=f"CSPR-2025-{i:03d}", pseudonym=f"Child {i}") for i in range(1, 1000)]
            + [
                Case(ref=f"CSPR-2026-{i:03d}", pseudonym=f"Child {i + 1000}")
                for i in range(1, 1000)
            ]
        )

    seed_vault(vault_path, many)
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await unlock(pilot)
        table = app.screen.query_one(CaseTable)
        caption = app.screen.query_one("#cases-caption", Static)
        # Every case is listed, a page at a time (the table holds only the page in view).
        assert len(table.items) == 1998 and table.row_count == 100
        assert str(caption.content).startswith("1-100 of 1,998 cases")
        await pilot.press("right_square_bracket")
        assert table.get_row_at(0)[0] == table.items[100].ref
        await pilot.press("slash", *"1234")
        await filtered(pilot, "1234")
        assert table.row_count == 1
        assert table.get_row_at(0)[0] == "CSPR-2026-234"
        assert str(caption.content).startswith("1 of 1,998 shown")
        await pilot.press("escape")
        await filtered(pilot, "")
        assert len(table.items) == 1998
        await pilot.press("s")  # sort by reference
        await pilot.pause()
        assert table.get_row_at(0)[0] == "CSPR-2025-001"
        assert "sorted by reference" in str(caption.content)


async def test_dashboard_caption_counts_the_filtered_rows_as_they_are_shown(
    settings: Settings, vault_path: Path
) -> None:
    """The caption is drawn with the rows, not when the table's page message comes
    round: on a loaded machine that message lagged and the count read as before."""
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await unlock(pilot)
        screen = app.screen
        caption = screen.query_one("#cases-caption", Static)
        screen.query_one("#filter", Input).value = "no case is called this"
        screen.apply_filter()  # no await: no message has been handled yet
        assert str(caption.content).startswith("0 of ")
        screen.query_one("#filter", Input).value = ""
        screen.apply_filter()
        assert not str(caption.content).startswith("0 of ")


async def test_a_vault_open_elsewhere_is_a_plain_message(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path)
    holder = open_vault(vault_path, PASSPHRASE)  # another session holds the write lock
    try:
        app = build_app(settings, vault_path)
        async with app.run_test() as pilot:
            await unlock(pilot)
            assert app.session is None
            assert "close it there" in message(app)
    finally:
        holder.close()


async def test_new_passphrase_length_is_the_vaults_rule(
    settings: Settings, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cspr_tui.vault

    monkeypatch.setattr(cspr_tui.vault, "MIN_NEW_PASSPHRASE", 12)  # one rule, one place
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"eleven-char", "enter", *"eleven-char", "enter")
        await settle(pilot)
        assert "at least 12 characters" in message(app)
        assert not vault_path.exists()


async def test_first_run_asks_the_reviewers_name_for_the_audit_trail(vault_path: Path) -> None:
    from cspr_tui.settings import load_settings
    from cspr_tui.tui.dialogs.reviewer_name import ReviewerNameDialog
    from tests.tui.conftest import burst

    seed_vault(vault_path)
    app = build_app(Settings(), vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, ReviewerNameDialog)
        await burst(pilot, *"Sam Reviewer", "enter")
        assert isinstance(app.screen, DashboardScreen)
        assert app.store.actor == "Sam Reviewer"
        await burst(pilot, "n", "enter")  # a new case: its audit entry names the reviewer
        ref = app.screen.ref
        assert app.store.audit_trail(ref)[-1].who == "Sam Reviewer"
    assert load_settings().reviewer_name == "Sam Reviewer"
