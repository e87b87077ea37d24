"""The lock forgets the days read from the vault: the date reader's memo is emptied."""

from __future__ import annotations

from pathlib import Path

from cspr_tui.forms import dates
from cspr_tui.settings import Settings
from cspr_tui.tui.screens.unlock import UnlockScreen
from tests.tui.conftest import build_app, seed_vault, settle, unlock


def _seed(store) -> None:
    ref = store.create_case(pseudonym="Child A").ref
    store.add_recommendation(ref, text="Share information.", target_date="2031-05-17")


async def test_ctrl_l_empties_the_memo_of_dates_read_from_the_vault(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, _seed)
    dates.forget_read_dates()
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # open the case: its recommendation's dates are read
        await settle(pilot)
        assert "2031-05-17" in dates._READ  # positive control: the memo holds it while open
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert dates._READ == {}
