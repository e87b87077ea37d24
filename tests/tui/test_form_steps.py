"""Form steps are built once and switched, and the key bar is redrawn only when its keys
change: moving between steps mounts no widget, and Tab or a step change with the same keys
leaves the footer as it was."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Input

from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.step_list import StepListDialog
from cspr_tui.tui.screens.form import FormScreen, StepPane, fitted_step_line
from cspr_tui.tui.widgets.footer import KeysFooter
from tests.tui.conftest import (
    build_app,
    burst,
    new_referral,
    seed_vault,
    settle,
    type_into,
    wait_for,
)
from tests.tui.test_carry_over import open_form, seed_police_asked


def visible_lines(app, width: int) -> list[str]:
    from rich.console import Console

    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


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


def test_a_long_step_line_keeps_its_key_and_the_current_step() -> None:
    """Sixteen steps and a long title: the line is cut to the width, "ctrl+g: steps" kept."""
    cells = [f"{i + 1}✓" for i in range(16)]
    title = "Equality, diversity, culture, language and disability"
    line = fitted_step_line("Step 9 of 16: ", title, cells, 8, 78)
    plain = line.replace("[reverse]", "").replace("[/]", "")
    assert len(plain) <= 78 and plain.endswith("   ctrl+g: steps"), plain
    assert "Equality, diversity" in plain and "…" in plain  # the title cut, with an ellipsis
    assert "8✓ [reverse]9✓[/] 10✓" in line  # the current step and its neighbours
    short = fitted_step_line("Step 2 of 3: ", "Scope", cells[:3], 1, 78)
    assert short == "Step 2 of 3: Scope   1✓ [reverse]2✓[/] 3✓   ctrl+g: steps"


async def test_every_step_of_the_agency_report_shows_ctrl_g_at_80_columns(
    settings: Settings, vault_path: Path
) -> None:
    """The agency report's sixteen steps, its long titles ("Equality, diversity, culture,
    language and disability"): the step line ran past 80 columns and lost "ctrl+g: steps"."""
    seed_vault(vault_path, seed_police_asked)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "6")
        for step in range(len(form.sections())):
            form.step = step
            await form.show_step()
            await settle(pilot)
            drawn = next(
                line for line in visible_lines(app, 80) if line.strip().startswith("Step ")
            )
            assert drawn.rstrip().endswith("ctrl+g: steps"), (step, drawn)
            assert f"{step + 1}" in drawn.split(":", 1)[1], drawn  # its own mark is shown


async def test_back_on_a_step_the_cursor_goes_to_its_first_open_question_without_wiping_answers(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand at 80x24: the referrer's step left with its date and confirmation still
    open, then ctrl+b back to it, and the date typed went over the referrer's name (the
    cursor was put on the first question with its answer selected). Now the cursor goes to
    the first question not yet answered, and on a step with every answer given it goes
    after the first answer, not round it."""
    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        assert isinstance(form, FormScreen)
        await burst(pilot, "ctrl+n")
        await burst(pilot, *"Priya Okonjo", "tab", *"Detective Sergeant", "tab", *"Po", "tab")
        await burst(pilot, "ctrl+n")  # the date and confirmation left for later
        await burst(pilot, "ctrl+b")
        await burst(pilot, *"Zed Ash")  # typed for the question the cursor is on
        values = {path: editor.read_raw() for path, editor in form.editors.items()}
        assert values["referrer_name"] == "Priya Okonjo"
        assert values["referrer_job_title"] == "Detective Sergeant"
        assert values["referrer_agency"] == "Police"
        typed_into = [path for path, value in values.items() if value == "Zed Ash"]
        assert len(typed_into) == 1
        assert typed_into[0] not in {"referrer_name", "referrer_job_title", "referrer_agency"}

        # A step whose every question is answered: the first answer is kept, the key added.
        assert typed_into == ["referrer_address"]
        await burst(pilot, "tab", *"01632 960123", "tab", *"p@example.org", "tab")
        await burst(pilot, *"Hana Lee", "tab", *"Police lead", "tab", *"01632 960124", "tab")
        await burst(pilot, *"10032026", "tab", *"Priya Okonjo", "tab", "y")
        await burst(pilot, "ctrl+n", "ctrl+b")
        assert not [i for i in form.step_issues(finishing=True) if i.severity == "error"]
        editor = form.editors["referrer_name"]
        assert app.focused is editor.input
        await burst(pilot, "x")
        assert editor.read_raw() == "Priya Okonjox"


async def test_a_draft_reopened_on_a_later_step_draws_its_key_bar_once(
    settings: Settings, vault_path: Path
) -> None:
    """The answers and the step are read before the screen composes, so the key bar is
    composed with the reopened step's keys ("Back" on step 2) and is not redrawn."""
    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        await burst(pilot, "ctrl+n")
        await settle(pilot)
        await type_into(pilot, form.editors["referrer_name"].input, "Sam")
        await burst(pilot, "ctrl+s", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, FormScreen)

        await app.push_screen(FormScreen(form.ref, "referral"))
        await settle(pilot)
        again = app.screen
        assert isinstance(again, FormScreen) and again is not form
        assert again.step == 1 and again.editors["referrer_name"].read_raw() == "Sam"
        footer = again.query_one(KeysFooter)
        labels = " ".join(str(key.render()) for key in footer.query("FooterKey").results())
        assert "Back" in labels
        assert footer.redraws == 0
        # the cursor on the step's first question not yet answered (the name is)
        assert app.focused is again.editors["referrer_job_title"].input


def step_mark(form: FormScreen, step: int) -> str:
    """The mark the step line shows beside step `step` (1-based): "✓", "•", "!" or " "."""
    line = str(form.query_one("#form-step").content)
    shown = line.split(":", 1)[1].replace("[reverse]", "").replace("[/]", "")
    cell = next(c for c in shown.split() if c[:-1] == str(step))
    return cell[-1]


async def test_the_step_mark_follows_a_long_answer_typed_without_leaving_the_step(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand (the seventh run): the last answer step 7 needed was a chronology
    event's "What happened"; typed, the step line kept "7•" (needs answers) behind a step
    list that said "✓ done", and after the list was closed, until ctrl+n left the step."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, *["ctrl+n"] * 6)  # to G. Why this should be reviewed
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "why_review"
        criteria = form.editors["criteria"].input
        criteria.focus()
        await burst(pilot, "space")  # the first criterion ticked
        await type_into(pilot, form.editors["rationale"].input, "Known neglect.")
        await burst(pilot, "ctrl+o", *"01/06/2026", "tab", "tab")  # an event, on its text
        event = form.editors["chronology[0].event"].input
        assert app.focused is event
        assert step_mark(form, 7) == "•"  # the event's text still needed
        await burst(pilot, *"Seen by the GP")
        await pilot.pause(form.step_line_delay)  # typing stopped
        await wait_for(pilot, lambda: step_mark(form, 7) == "✓", timeout=5.0)
        assert app.focused is event and form.section.id == "why_review"


async def test_a_date_half_typed_in_its_box_is_not_an_error_on_the_step_line(
    settings: Settings, vault_path: Path
) -> None:
    """The eighth run's 2 recovery keys: the line's redraw after a long answer came while
    the date in the next box was half typed, and marked the step "2!" with no message on
    any question; typing in a one-line box never redrew it, so the "!" stayed. A box the
    cursor is in is not called wrong (its own message says nothing either), and the line
    follows a one-line box once typing pauses."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, *["ctrl+n"] * 6)  # to G. Why this should be reviewed
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "why_review"
        form.editors["criteria"].input.focus()
        await burst(pilot, "space")
        await type_into(pilot, form.editors["rationale"].input, "Known neglect.")
        await burst(pilot, "ctrl+o")  # an event: the cursor on its date
        date_box = form.editors["chronology[0].date"].input
        await type_into(pilot, form.editors["chronology[0].event"].input, "Seen by the GP")
        date_box.focus()
        await burst(pilot, *"01/0")  # half a date, the cursor still in the box
        assert "chronology[0].date" in form.raw and app.focused is date_box
        form._show_step_line()  # as the long answer's redraw did, mid-date
        assert step_mark(form, 7) != "!"
        await burst(pilot, *"6/2026")
        await pilot.pause(form.step_line_delay)  # typing stopped, the cursor still there
        await wait_for(pilot, lambda: step_mark(form, 7) == "✓", timeout=5.0)
        assert app.focused is date_box


async def test_an_error_put_right_in_its_box_clears_the_steps_mark(
    settings: Settings, vault_path: Path
) -> None:
    """The eighth run: a date corrected in Publication cleared its message at once, but the
    step line kept "6!" until the box was left."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, *["ctrl+n"] * 6)
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "why_review"
        form.editors["criteria"].input.focus()
        await burst(pilot, "space")
        await type_into(pilot, form.editors["rationale"].input, "Known neglect.")
        await burst(pilot, "ctrl+o")
        await type_into(pilot, form.editors["chronology[0].event"].input, "Seen by the GP")
        date_box = form.editors["chronology[0].date"].input
        await type_into(pilot, date_box, "31/02/2026")  # no such day
        await burst(pilot, "shift+tab")  # left: the box says why, the line says "!"
        await wait_for(pilot, lambda: step_mark(form, 7) == "!", timeout=5.0)
        date_box.focus()
        await burst(pilot, "ctrl+u", *"28/02/2026")  # put right without leaving the box
        await pilot.pause(form.step_line_delay)
        await wait_for(pilot, lambda: step_mark(form, 7) == "✓", timeout=5.0)
        assert app.focused is date_box


async def test_opening_the_step_list_brings_the_step_mark_up_to_date(
    settings: Settings, vault_path: Path
) -> None:
    """The step list, opened straight after a long answer (before typing has paused long
    enough for the line to follow), and the line behind it agree: the seventh run read
    "9•" behind a list that said "9. Equality, ... ✓ done"."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, *["ctrl+n"] * 6)  # to G. Why this should be reviewed
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "why_review"
        form.step_line_delay = 60.0  # the line does not follow the typing in this test
        form.editors["criteria"].input.focus()
        await burst(pilot, "space")
        form.editors["rationale"].input.focus()
        await burst(pilot, *"Known neglect.")
        assert step_mark(form, 7) == "•"  # not yet redrawn
        await burst(pilot, "ctrl+g")
        assert isinstance(app.screen, StepListDialog)
        assert dict(app.screen.steps)["G. Why this should be reviewed"] == "done"
        assert step_mark(form, 7) == "✓"
        await burst(pilot, "escape")
        assert app.screen is form and step_mark(form, 7) == "✓"
