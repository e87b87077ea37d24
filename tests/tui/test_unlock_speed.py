"""Unlocking does no whole-app restyle: the dashboard is a new screen, styled as it mounts
(Textual re-parses the whole stylesheet and restyles every widget when a mode switch shows a
screen that has not seen the latest CSS)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.dashboard import DashboardScreen
from tests.tui.conftest import build_app, seed_vault, settle, unlock


async def test_unlocking_restyles_nothing(
    settings: Settings, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    restyles: list[str] = []
    real = App.refresh_css

    def counted(self, animate: bool = True) -> None:
        restyles.append(type(self.screen).__name__)
        real(self, animate)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(App, "refresh_css", counted)
        await unlock(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("ctrl+l")  # (going back to the lock screen may restyle it: the
        await settle(pilot)  # theme may have changed while it was hidden)
        restyles.clear()
        await unlock(pilot)
        assert isinstance(app.screen, DashboardScreen)
        # The dashboard is styled as before: its table has its zebra rows and a header.
        table = app.screen.query_one("#cases")
        assert table.styles.height.value > 0 and table.show_header
        assert restyles == []


async def test_the_loaded_cases_are_set_aside_from_the_collector_until_the_lock(
    settings: Settings, vault_path: Path
) -> None:
    """While unlocked the loaded cases are frozen (no full collection rescans them on a key
    press); the lock unfreezes them, so the session's objects can be collected and seen."""
    import gc

    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        assert gc.get_freeze_count() > 0
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.session is None
        assert gc.get_freeze_count() == 0


async def test_no_collection_rescans_the_cases_while_the_unlock_builds_them(
    settings: Settings, vault_path: Path
) -> None:
    """What the unlock reads (the cases' stored summaries and deadline plans, and the open
    deadlines worked out from them) is built with the collector off and then frozen
    (tui/session.built_aside): no collection runs in the unlock's workers. Without it, a
    thousand cases cost a third of the unlock in collections of what was just built."""
    import gc
    import threading

    from cspr_tui.domain.case import Case

    def many(store) -> None:
        store.import_cases(
            [Case(ref=f"CSPR-2025-{i:03d}", pseudonym=f"Child {i}") for i in range(1, 300)]
        )

    seed_vault(vault_path, many)
    app = build_app(settings, vault_path)
    in_workers: list[str] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start" and threading.current_thread() is not threading.main_thread():
            in_workers.append(threading.current_thread().name)

    async with app.run_test(size=(80, 24)) as pilot:
        gc.callbacks.append(seen)
        try:
            await unlock(pilot)
            await settle(pilot)
        finally:
            gc.callbacks.remove(seen)
        assert isinstance(app.screen, DashboardScreen) and len(app.screen.rows) == 299
        assert in_workers == []
        # Built and set aside: a summary the dashboard read is frozen, not rescanned.
        summary = app.store.summaries()[0]
        assert gc.get_freeze_count() > 0
        assert not any(obj is summary for obj in gc.get_objects())
        # The case documents are not read at all: a case opened reads its own.
        assert not app.store.cases_loaded
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.ref == "CSPR-2025-001"
        assert not app.store.cases_loaded
        assert "cases" not in app.store.vault.parsed_tables()


async def test_the_forms_are_read_again_only_when_a_template_or_the_settings_change(
    settings: Settings, vault_path: Path
) -> None:
    """An unlock reuses the forms the last one read (templates hold no case data); a template
    file added or changed in the workspace, or other settings, are read afresh."""
    from cspr_tui import paths
    from cspr_tui.tui.session import session_forms

    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        first = app.session.forms
        await pilot.press("ctrl+l")
        await settle(pilot)
        await unlock(pilot)
        assert app.session.forms is first
    # The workspace's own choices file (read by load_forms) changes: read again.
    folder = paths.user_templates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "choices.yaml").write_text("agencies:\n  - Only One Agency\n", encoding="utf-8")
    again = session_forms(settings)
    assert again is not first
    assert again.choice_lists["agencies"] == ("Only One Agency",)
    assert session_forms(settings) is again
    changed = Settings(reviewer_name="Someone Else")
    assert session_forms(changed) is not again


async def test_the_dashboard_is_drawn_with_the_rows_the_unlock_worked_out(
    settings: Settings, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unlock's worker works out the dashboard's rows while the vault is open, so the
    dashboard starts no worker of its own and is never drawn empty; when that fails, the
    dashboard's own worker still fills it."""
    from cspr_tui.domain.case import Case
    from cspr_tui.tui.screens import dashboard

    def some(store) -> None:
        store.import_cases([Case(ref=f"CSPR-2025-{i:03d}", pseudonym=f"Child {i}") for i in (1, 2)])

    seed_vault(vault_path, some)
    started: list[str] = []
    real_worker = DashboardScreen.load_worker

    def counted(self, *args):
        started.append("dashboard")
        return real_worker(self, *args)

    monkeypatch.setattr(DashboardScreen, "load_worker", counted)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert sorted(app.screen.rows) == ["CSPR-2025-001", "CSPR-2025-002"]
        assert started == [] and app.session.first_rows is None  # taken, not kept

        # The unlock's working out fails (once): the dashboard's worker fills it instead.
        await pilot.press("ctrl+l")
        await settle(pilot)
        real_rows, failed = dashboard.work_out_rows, []

        def fails_once(*args):
            if not failed:
                failed.append(True)
                raise RuntimeError("a bug")
            return real_rows(*args)

        monkeypatch.setattr(dashboard, "work_out_rows", fails_once)
        await unlock(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert failed == [True] and started == ["dashboard"]
        assert sorted(app.screen.rows) == ["CSPR-2025-001", "CSPR-2025-002"]
