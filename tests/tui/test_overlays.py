"""Overlays stay inside the screen and cover neither the key bar nor what they are about:
notices take their own lines above the key bar, a drop-down opens below its question (above
it when there is no room), and dialogs fit the screen above the key bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Footer, Select

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.widgets.form_field import FieldEditor
from tests.tui.conftest import build_app, burst, seed_vault, settle, unlock


async def start_referral(pilot) -> None:
    """Unlocked, a new case made (n, Enter) and its referral open (any size of terminal)."""
    await unlock(pilot)
    await burst(pilot, "n", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormScreen)


def inside(region: Region, outer: Region) -> bool:
    return outer.contains_region(region)


async def test_a_notice_covers_neither_the_key_bar_nor_the_questions(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await start_referral(pilot)
        await burst(pilot, "ctrl+n")  # B. Referrer: a step that fills the screen
        await settle(pilot)
        app.notify(
            "3 answers in the step you left are still needed before the form can be finished.",
            title="For later",
            timeout=30,
        )
        await settle(pilot)
        await pilot.pause(0.2)
        screen = app.screen
        toasts = list(screen.query("Toast").results())
        assert toasts, "the notice is shown"
        footer = screen.query_one(Footer).region
        whole = Region(0, 0, *app.size)
        for toast in toasts:
            assert inside(toast.region, whole)
            assert not toast.region.overlaps(footer)
            # The questions' area (and the title lines) give way: none of it is under the notice.
            for part in ("#form-title", "#form-step", "#form-fields"):
                assert not toast.region.overlaps(screen.query_one(part).region), part
        fields = screen.query_one("#form-fields").region
        assert any(editor.region.overlaps(fields) for editor in screen.query(FieldEditor).results())
        # The whole message is there to read: it is not cut by the screen's width.
        assert all(toast.region.width > 60 for toast in toasts)


@pytest.mark.parametrize("height", [24, 13], ids=["room-below", "no-room-below"])
async def test_a_drop_down_covers_neither_the_key_bar_nor_its_answer(
    settings: Settings, vault_path: Path, height: int
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, height)) as pilot:
        await start_referral(pilot)
        await burst(pilot, "ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        select = form.editors["referrer_agency"].input
        assert isinstance(select, Select)
        select.focus()
        await settle(pilot)
        await pilot.pause(0.1)
        await burst(pilot, "enter")
        await settle(pilot)
        await pilot.pause(0.1)
        overlay = select.query_one("SelectOverlay")
        assert select.expanded and overlay.display
        current = select.query_one("SelectCurrent").region
        footer = form.query_one(Footer).region
        whole = Region(0, 0, *app.size)
        shown = overlay.region
        assert shown.height >= 3  # a few choices to see
        assert inside(shown, whole)
        assert not shown.overlaps(footer)
        assert not shown.overlaps(current)
        if height == 13:
            assert shown.bottom <= current.y  # no room below: it opened above


async def test_dialogs_fit_the_screen_above_the_key_bar(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        whole = Region(0, 0, *app.size)
        for keys in (("n",), ("x",)):
            await burst(pilot, *keys)
            await settle(pilot)
            dialog = app.screen
            box = dialog.children[0].region
            footer = dialog.query_one(Footer).region
            assert inside(box, whole), type(dialog).__name__
            assert not box.overlaps(footer), type(dialog).__name__
            await burst(pilot, "escape")
            await settle(pilot)


def seed_one_recommendation(store) -> None:
    ref = store.create_case(pseudonym="Child B").ref
    store.add_recommendation(
        ref, text="Train staff.", lead_agency="Police", target_date="2027-01-31"
    )


async def test_the_update_status_list_stays_inside_its_dialog(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand at 80x24: the quarterly update's status list was drawn past the
    dialog's bottom edge. Opened (Enter), it stays inside the dialog's box, above the key
    bar, off its own answer."""
    seed_vault(vault_path, seed_one_recommendation)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "r", "u", *"Started", "tab", "enter")
        await settle(pilot)
        await pilot.pause(0.1)
        dialog = app.screen
        select = dialog.query_one("#status", Select)
        overlay = select.query_one("SelectOverlay")
        assert select.expanded and overlay.display
        shown = overlay.region
        box = dialog.children[0].region
        assert shown.height >= 3
        assert inside(shown, box)
        assert not shown.overlaps(dialog.query_one(Footer).region)
        assert not shown.overlaps(select.query_one("SelectCurrent").region)
