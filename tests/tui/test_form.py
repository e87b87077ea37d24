"""The guided referral form, typed key by key on a real vault: errors, conditions, repeats,
drafts saved and resumed, and the finished record read back from the vault file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.form import FormScreen
from tests.tui.conftest import (
    build_app,
    choose,
    new_referral,
    saved_store,
    settle,
    tick,
    type_into,
    unlock,
)


def step_line(app) -> str:
    """The step heading ("Step 2 of 8: B. Referrer"), without the strip of step states."""
    return step_strip(app).split("   ")[0]


def step_strip(app) -> str:
    return str(app.screen.query_one("#form-step", Static).content)


def editor(app, path: str):
    return app.screen.editors[path]


async def fill(pilot, path: str, text: str) -> None:
    await type_into(pilot, editor(pilot.app, path).input, text)


async def pick(pilot, path: str, option: str) -> None:
    await choose(pilot, editor(pilot.app, path).input, option)


async def next_step(pilot) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot)


async def test_new_referral_typed_through_every_step(settings: Settings, vault_path: Path) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        assert step_line(app) == "Step 1 of 9: A. Important notices"

        await pick(pilot, "ack_not_cp_referral", "Yes")
        await pick(pilot, "discussed_with_lead", "No")
        await next_step(pilot)

        assert step_line(app).startswith("Step 2 of 9")
        # A conditional question: "Other" agency shows the field that names it, live.
        assert not editor(app, "referrer_agency_other").display
        await fill(pilot, "referrer_name", "Sam")
        await fill(pilot, "referrer_job_title", "Nurse")
        await pick(pilot, "referrer_agency", "Other")
        assert editor(app, "referrer_agency_other").display
        await fill(pilot, "referrer_agency_other", "Charity")
        await fill(pilot, "referrer_email", "s@x.uk")
        await fill(pilot, "referral_date", "04/03/2026")
        await fill(pilot, "referrer_confirmation", "Sam")
        await next_step(pilot)

        # A repeatable group: add two children, reorder them, remove one.
        assert step_line(app).startswith("Step 3 of 9")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.focused is editor(app, "children[0].name").input
        await pilot.press(*"Poppy")
        await fill(pilot, "children[0].dob", "31/02/2024")
        await pilot.press("tab")  # leaving the field validates it
        await pilot.pause()
        assert "February 2024 has 29 days" in str(
            editor(app, "children[0].dob").query_one(".field-error", Static).content
        )
        await next_step(pilot)  # finishing the step is refused while the date is impossible
        assert step_line(app).startswith("Step 3 of 9")
        assert "February 2024 has 29 days" in str(app.screen.query_one("#form-issues").content)
        await fill(pilot, "children[0].dob", "01/05/2024")
        await pilot.press("tab")
        await pilot.pause()
        assert not editor(app, "children[0].dob").has_class("-has-error")
        await fill(pilot, "children[0].address", "1 Elm")
        await pick(pilot, "children[0].la_of_residence", "Examplebury")
        await tick(pilot, editor(app, "children[0].legal_status").input, "None")

        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"Ivy")
        await pilot.press("alt+up")  # move the second child above the first
        await settle(pilot)
        assert [row["name"] for row in app.screen.values["children"]] == ["Ivy", "Poppy"]
        assert app.focused is editor(app, "children[0].name").input
        await pilot.press("ctrl+r")  # and remove it again
        await settle(pilot)
        assert [row["name"] for row in app.screen.values["children"]] == ["Poppy"]
        await next_step(pilot)

        assert step_line(app).startswith("Step 4 of 9")
        await fill(pilot, "incident_date", "02/03/2026")
        await fill(pilot, "aware_date", "03/03/2026")
        await pick(pilot, "incident_location", "In this local authority area")
        await pick(pilot, "outcome", "Seriously harmed")
        await pick(pilot, "abuse_neglect", "Suspected")
        await fill(pilot, "incident_description", "Hurt.")
        await next_step(pilot)
        await next_step(pilot)  # E. family: nothing to add
        await next_step(pilot)  # F. agencies
        assert step_line(app).startswith("Step 7 of 9")
        criterion = app.forms["referral"].field("criteria").choices[0]
        await tick(pilot, editor(app, "criteria").input, criterion)
        await fill(pilot, "rationale", "Gaps.")
        await next_step(pilot)
        assert step_line(app) == "Step 8 of 9: H. Parallel processes"
        await next_step(pilot)
        assert step_line(app) == "Step 9 of 9: I. Consent and information sharing"
        await pick(pilot, "family_told", "No")
        await fill(pilot, "family_not_told_reason", "Police advice.")
        await pick(pilot, "consent", "Not sought")
        await next_step(pilot)  # on the last step, next finishes the form
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-issues").content
        ref = app.screen.ref
        await pilot.press("ctrl+q")

    with saved_store(vault_path) as store:
        record = store.get(ref).record("referral")
        assert record.status == "complete"
        assert record.values["referrer_agency"] == "Other"
        assert record.values["referrer_agency_other"] == "Charity"
        assert record.values["children"][0]["dob"] == "2024-05-01"
        assert record.values["children"][0]["legal_status"] == ["None"]
        assert record.values["referral_date"] == "2026-03-04"
        assert record.values["family_told"] == "No" and record.values["consent"] == "Not sought"
        assert [e.action for e in store.audit_trail(ref)][-1] == "referral finished"


async def test_finishing_with_missing_answers_is_refused_and_lists_them(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        await pick(pilot, "ack_not_cp_referral", "Yes")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        issues = str(app.screen.query_one("#form-issues").content)
        assert "cannot be finished" in issues
        assert "required" in issues.lower()
        # Refused to finish, yet nothing typed is lost: the answers are a saved draft.
        assert "saved as a draft" in issues and "nothing was saved" not in issues
        assert app.screen.dirty is False
        ref = app.screen.ref
    with saved_store(vault_path) as store:
        record = store.get(ref).record("referral")
        assert record.status == "draft" and record.values["ack_not_cp_referral"] == "Yes"


async def test_draft_saved_then_resumed_after_quitting(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        await pick(pilot, "ack_not_cp_referral", "Yes")
        await next_step(pilot)
        await fill(pilot, "referrer_name", "Sam Example")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.dirty is False
        await fill(pilot, "referrer_job_title", "Nurse")  # typed after the save...
        ref = app.screen.ref
        await pilot.press("ctrl+q")  # ...and kept: quitting saves the draft

    with saved_store(vault_path) as store:
        record = store.get(ref).record("referral")
        assert record.status == "draft"
        assert record.current_section == "referrer"
        assert record.values["referrer_job_title"] == "Nurse"

    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # open the only case
        await settle(pilot)
        await pilot.press("2", "e")  # referral tab, edit
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        assert step_line(app).startswith("Step 2 of 9: B. Referrer")
        assert editor(app, "referrer_name").input.value == "Sam Example"
        assert editor(app, "referrer_job_title").input.value == "Nurse"
        await pilot.press("escape")  # nothing changed: leaves without saving
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)


async def test_field_help_on_f1(settings: Settings, vault_path: Path) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        editor(app, "ack_not_cp_referral").input.focus()
        await pilot.press("f1")
        await pilot.pause()
        from cspr_tui.tui.dialogs.message import MessageDialog

        assert isinstance(app.screen, MessageDialog)
        assert app.screen.title_text == app.forms["referral"].field("ack_not_cp_referral").label
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)


async def test_step_list_shows_states_and_jumps(settings: Settings, vault_path: Path) -> None:
    from cspr_tui.tui.dialogs.step_list import StepListDialog
    from tests.tui.conftest import burst

    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "y", "tab", "n")  # A. answered in full
        await burst(pilot, "ctrl+g")
        assert isinstance(app.screen, StepListDialog)
        states = dict(app.screen.steps)
        assert states["A. Important notices"] == "done"
        assert states["B. Referrer"] == "needs answers"
        # It opens on B. (the first step still needing answers): two down to D. Incident.
        await burst(pilot, "down", "down", "enter")
        assert isinstance(app.screen, FormScreen)
        assert step_line(app).startswith("Step 4 of ") and step_line(app).endswith("D. Incident")
        assert "1✓" in step_strip(app)


async def test_involved_until_is_asked_only_when_the_agency_is_no_longer_involved(
    settings: Settings, vault_path: Path
) -> None:
    """Issue 11: "Involved until" was asked even when "Still involved" was Yes."""
    from tests.tui.conftest import burst

    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+g", *["down"] * 5, "enter")  # F. Agencies involved
        await burst(pilot, "ctrl+o")
        assert "agencies[0].involved_to" in app.screen.editors
        assert not editor(app, "agencies[0].involved_to").display  # not answered yet
        await pick(pilot, "agencies[0].still_involved", "Yes")
        assert not editor(app, "agencies[0].involved_to").display
        await pick(pilot, "agencies[0].still_involved", "No")
        assert editor(app, "agencies[0].involved_to").display
        assert editor(app, "agencies[0].involved_from").display  # asked either way


async def test_errors_name_the_entry_and_clear_when_fixed(
    settings: Settings, vault_path: Path
) -> None:
    from tests.tui.conftest import burst

    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+n", "ctrl+n", "ctrl+o", *"Poppy", "ctrl+o", *"Ivy", "tab", "tab")
        # The second child's date of birth, impossible, then ctrl+n refuses and says whose.
        editor(app, "children[1].dob").input.focus()
        await burst(pilot, *"31022024", "ctrl+n")
        issues = str(app.screen.query_one("#form-issues", Static).content)
        assert "Child 2: " in issues and "29 days" in issues
        await burst(pilot, "ctrl+u", *"01022024")
        assert "29 days" not in str(app.screen.query_one("#form-issues", Static).content)


async def test_a_refusal_is_shown_from_the_stores_issues_not_a_second_validation(
    settings: Settings, vault_path: Path, monkeypatch
) -> None:
    """The store's ValidationFailed carries the form engine's issues (path, code, message):
    the screen marks them as they are. Here the screen's own validation would find nothing
    (it is made to), so what it shows can only have come from the store's issues."""
    from cspr_tui.errors import ValidationFailed
    from cspr_tui.forms.model import Form, Issue

    async with new_referral(settings, vault_path) as (app, pilot):
        screen = app.screen
        monkeypatch.setattr(Form, "validate", lambda *_args, **_kwargs: [])
        found = Issue("ack_not_cp_referral", "Notice", "Notice is required.", code="required")
        refusal = ValidationFailed("the Referral cannot be finished: 1 problem", issues=[found])
        await screen.save_failed(refusal, True)
        await settle(pilot)
        shown = str(screen.query_one("#form-issues").content)
        assert "cannot be finished yet: 1 problem" in shown
        assert "Notice is required." in shown
