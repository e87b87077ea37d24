"""Unlocking does no whole-app restyle: the dashboard is a new screen, styled as it mounts
(Textual re-parses the whole stylesheet and restyles every widget when a mode switch shows a
screen that has not seen the latest CSS)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from cspr_tui.settings import Settings
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
