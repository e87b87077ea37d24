"""A command key straight after letters typed on a drop-down uses the choice they found.

Found driving the journey by hand (session 7): in the quarterly update, "In" on the status
list opened it at "In progress", and ctrl+s then recorded the update as "Not started": the
command ran while the list was still open. Tab and Enter already took the choice.
"""

from __future__ import annotations

from pathlib import Path

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from tests.tui.conftest import build_app, burst, saved_store, seed_vault, unlock


def seed_one_recommendation(store) -> None:
    ref = store.create_case(pseudonym="Child B").ref
    store.add_recommendation(
        ref, text="Train staff.", lead_agency="Police", target_date="2027-01-31"
    )


async def test_ctrl_s_on_a_status_typed_into_the_list_records_that_status(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_one_recommendation)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "r", "u", *"Started", "tab", *"in", "ctrl+s")
    with saved_store(vault_path) as store:
        rec = store.get(store.list_cases()[0].ref).recommendations[0]
        assert [u.narrative for u in rec.updates] == ["Started"]
        assert rec.status.value == "In progress"


async def test_ctrl_s_in_a_form_saves_the_agency_typed_into_the_list(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "n", "enter", "ctrl+n", *"Sam", "tab", *"Nurse", "tab", *"po")
        form = app.screen
        assert isinstance(form, FormScreen)
        await burst(pilot, "ctrl+s")
        assert form.values["referrer_agency"] == "Police"
        assert app.focused is form.editors["referrer_agency"].input  # the list is closed
        ref = form.ref
    with saved_store(vault_path) as store:
        assert store.get(ref).record("referral").values["referrer_agency"] == "Police"


async def test_escape_still_leaves_the_list_unchanged(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "n", "enter", "ctrl+n", "tab", "tab", *"po", "escape", "ctrl+s")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert not form.values.get("referrer_agency")
