"""Keys from the hand journey at 80x24 that went astray, replayed in one burst each."""

from __future__ import annotations

from pathlib import Path

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from tests.tui.conftest import build_app, burst, seed_vault, unlock


async def start_referral(pilot) -> None:
    await unlock(pilot)
    await burst(pilot, "n", "enter")
    assert isinstance(pilot.app.screen, FormScreen)


async def test_tab_after_a_one_key_answer_goes_to_the_question_it_shows(
    settings: Settings, vault_path: Path
) -> None:
    """Yes to "has the family been told" shows "who told them": Tab lands there at once."""
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_referral(pilot)
        screen = app.screen
        last = len(screen.visible_sections()) - 1 if hasattr(screen, "visible_sections") else 8
        for _ in range(last):
            await burst(pilot, "ctrl+n")
        await burst(pilot, "y", "tab", *"Mum told", "tab", "g")
        values = app.screen.values
        assert values["family_told"] == "Yes"
        assert values["family_told_details"] == "Mum told"
        assert values["consent"] == "Given"


async def test_typing_in_an_open_drop_down_never_picks_the_blank_prompt(
    settings: Settings, vault_path: Path
) -> None:
    """ "Ch" for Children's social care once matched "Choose…" first and left it blank."""
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_referral(pilot)
        await burst(pilot, "ctrl+n", *"Sam", "tab", *"Nurse", "tab", "enter", *"ch", "enter")
        assert app.screen.values["referrer_agency"] == "Children's social care"
        await burst(pilot, "enter", *"ambul", "enter")
        assert app.screen.values["referrer_agency"] == "Ambulance service"


async def test_a_tab_key_from_the_agencies_list_opens_that_tab(
    settings: Settings, vault_path: Path
) -> None:
    """From the Agencies tab's list, 5 went nowhere and `e` then opened an agency report."""
    from textual.widgets import TabbedContent

    from tests.tui.test_carry_over import seed_referral_with_requests

    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "6")
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "tab-agency"
        await burst(pilot, "5")
        assert tabs.active == "tab-rapid_review"
        await burst(pilot, "6", "4")
        assert tabs.active == "tab-notification"
        await burst(pilot, "e")
        assert isinstance(app.screen, FormScreen)
        assert app.screen.form.id == "notification"
