"""Form steps are built once and switched, and the key bar is redrawn only when its keys
change: moving between steps mounts no widget, and Tab or a step change with the same keys
leaves the footer as it was."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen, StepPane
from cspr_tui.tui.widgets.footer import KeysFooter
from tests.tui.conftest import burst, new_referral, settle, type_into


def panes(app) -> list[StepPane]:
    return list(app.screen.query(StepPane).results())


async def test_a_visited_step_is_shown_again_not_rebuilt(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        assert isinstance(form, FormScreen)
        await burst(pilot, "ctrl+n")
        await settle(pilot)
        second = form.editors["referrer_name"]
        await type_into(pilot, second.input, "Sam")
        fields = form.query_one("#form-fields")
        widgets_before = {id(node) for node in fields.query("*").results()}

        await burst(pilot, "ctrl+b")
        await settle(pilot)
        await burst(pilot, "ctrl+n")
        await settle(pilot)

        # The same editor object, still holding what was typed; nothing was mounted (the
        # footer's keys are redrawn: "Back" went on step 1 and came back).
        assert form.editors["referrer_name"] is second
        assert second.read_raw() == "Sam"
        assert {id(node) for node in fields.query("*").results()} == widgets_before
        shown = [pane for pane in panes(app) if pane.display]
        assert len(shown) == 1 and shown[0] is form.pane
        assert len(panes(app)) == 2  # one per visited step, the other hidden


async def test_keys_typed_after_a_step_change_land_in_the_shown_step(
    settings: Settings, vault_path: Path
) -> None:
    """Hidden steps never take focus or keys: back, forward and typing in one burst."""
    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        await burst(pilot, "ctrl+n", "ctrl+b", "ctrl+n", *"Ann")
        await settle(pilot)
        assert form.editors["referrer_name"].read_raw() == "Ann"
        assert form.values.get("referrer_name") == "Ann"
        assert isinstance(app.focused, Input)
        assert form.pane is not None and app.focused in list(form.pane.query(Input).results())


async def test_the_footer_is_redrawn_only_when_its_keys_change(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+n")  # B. Referrer: "Back" is offered from here on
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)

        def labels() -> str:
            return " ".join(str(key.render()) for key in footer.query("FooterKey").results())

        redraws, keys = footer.redraws, footer.shown_keys
        assert "Back" in labels() and "Add" not in labels()
        await burst(pilot, "tab", "shift+tab", "tab", "shift+tab")  # name, job title, name
        await settle(pilot)
        assert (footer.redraws, footer.shown_keys) == (redraws, keys)

        await burst(pilot, "ctrl+n")  # C. Children: a repeatable group offers "Add"
        await settle(pilot)
        assert footer.redraws == redraws + 1 and "Add" in labels()
        await burst(pilot, "ctrl+n")  # D. Incident: the keys of B again
        await settle(pilot)
        assert footer.redraws == redraws + 2 and footer.shown_keys == keys
        assert "Add" not in labels()


async def test_an_answer_typed_while_a_save_runs_is_kept_by_the_next_save(
    settings: Settings, vault_path: Path
) -> None:
    """A save that finishes after more was typed marks only what it saved as saved: the
    answer typed meanwhile is still unsaved, so leaving (ctrl+q) saves it."""
    from tests.tui.conftest import read_store

    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        await burst(pilot, "ctrl+n")
        await settle(pilot)
        await type_into(pilot, form.editors["referrer_name"].input, "Sam Example")
        asked_at = form._edits  # the save below is asked for now...
        await type_into(pilot, form.editors["referrer_job_title"].input, "Nurse")
        form.saved(False, False, asked_at)  # ...and reports back after "Nurse" was typed
        assert form.dirty
        ref = form.ref
        await pilot.press("ctrl+q")

    vault, store = read_store(vault_path)
    try:
        assert store.get(ref).record("referral").values["referrer_job_title"] == "Nurse"
    finally:
        vault.close()
