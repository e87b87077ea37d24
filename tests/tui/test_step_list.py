"""The step list (ctrl+g) opens where the reviewer is most likely going: the first step that
still needs answers or has errors, else the step being shown (issue 11; docs/journey.md)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.step_list import StepListDialog
from cspr_tui.tui.screens.form import FormScreen
from tests.domain import case_values
from tests.tui.conftest import build_app, burst, new_referral, seed_vault, unlock


def highlighted_title(app) -> str:
    dialog = app.screen
    assert isinstance(dialog, StepListDialog)
    index = dialog.query_one(OptionList).highlighted
    assert index is not None
    return dialog.steps[index][0]


async def test_the_step_list_opens_on_the_first_step_that_still_needs_answers(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        # A. answered in full, then on to D. Incident, leaving B. and C. unanswered.
        await burst(pilot, "y", "tab", "n", "ctrl+n", "ctrl+n", "ctrl+n")
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "incident"
        await burst(pilot, "ctrl+g")
        assert highlighted_title(app) == "B. Referrer"
        await burst(pilot, "enter")  # one key back to what is missing
        assert app.screen is form and form.section.id == "referrer"


async def test_with_nothing_missing_the_step_list_opens_on_the_current_step(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, lambda store: case_values.case_at_stage(store, "screening"))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "2", "e")  # the finished referral, edited
        form = app.screen
        assert isinstance(form, FormScreen)
        states = [state for _section, state in form.step_states()]
        assert "needs answers" not in states and "has errors" not in states
        await burst(pilot, "ctrl+n", "ctrl+n")
        current = form.section.title
        await burst(pilot, "ctrl+g")
        assert highlighted_title(app).endswith(current.split(". ", 1)[-1])


def test_a_step_with_errors_counts_as_well_as_one_that_needs_answers() -> None:
    """The choice itself, over every state: the first step needing the reviewer wins."""
    offer = FormScreen.step_to_offer

    class Shown:
        step = 3

    steps = [("A", "done"), ("B", "empty"), ("C", "has errors"), ("D", "needs answers")]
    assert offer(Shown(), steps) == 2  # type: ignore[arg-type]
    steps[2] = ("C", "done")
    assert offer(Shown(), steps) == 3  # type: ignore[arg-type]
    steps[3] = ("D", "done")
    assert offer(Shown(), steps) == 3  # type: ignore[arg-type]  (the current step)
    Shown.step = 1
    assert offer(Shown(), steps) == 1  # type: ignore[arg-type]
