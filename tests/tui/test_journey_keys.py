"""Keys from the hand journey at 80x24 that went astray, replayed in one burst each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from tests.tui.conftest import build_app, burst, seed_vault, settle, unlock


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


async def test_a_step_opens_on_its_first_question_still_to_answer(
    settings: Settings, vault_path: Path
) -> None:
    """Screening's first question is carried over from the referral: typing starts at the
    next one instead of needing a Tab past it."""
    from tests.tui.test_carry_over import open_form, seed_referral_with_requests

    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "3")
        carried = form.values["date_received"]
        await burst(pilot, *"02042026", "tab", *"Case review group")
        assert form.values["date_received"] == carried
        assert form.values["date_considered"] == "2026-04-02"
        assert form.values["considered_by"] == "Case review group"


async def test_editing_a_carried_entry_starts_at_its_first_empty_question(
    settings: Settings, vault_path: Path
) -> None:
    """A rapid review agency row carried over names its agency: Edit lands on the next
    question still to answer, not on the agency again."""
    from tests.tui.test_carry_over import open_form, seed_referral_with_requests

    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "5")
        await burst(pilot, "ctrl+n")
        row = form.values["agency_involvement"][1]
        assert "involved" not in row  # Health visiting: not in the referral, no report yet
        await form.expand_row(form.form.field("agency_involvement"), 1)
        await burst(pilot, "y", "tab", *"2025")
        row = form.values["agency_involvement"][1]
        assert row["agency"] == "Health visiting"
        assert row["involved"] == "Yes"
        assert row["period"] == "2025"


async def test_an_error_that_depends_on_another_answer_goes_when_that_answer_is_given(
    settings: Settings, vault_path: Path
) -> None:
    """ "Date published is set, but the anonymisation check has not been done" stayed under
    the date after the check was answered Yes."""
    from tests.tui.test_carry_over import open_form, seed_lcspr_decided

    seed_vault(vault_path, seed_lcspr_decided)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "7")
        await burst(pilot, "ctrl+g", "end", "enter")
        assert form.section.id == "publication"
        published = form.editors["published_date"]
        published.input.focus()
        await burst(pilot, *"15062026", "tab")
        error = published.query_one(".field-error")
        assert "anonymisation check" in str(error.content)
        form.editors["anonymisation_checked"].input.focus()
        await burst(pilot, "y")
        assert form.values["anonymisation_checked"] == "Yes"
        assert not published.has_class("-has-error")
        assert str(error.content) == ""


def seed_referral_naming_agencies(store) -> None:
    from tests.domain import case_values

    ref = store.create_case().ref
    agencies = [{"agency": "Police"}, {"agency": "Acute hospital trust"}]
    store.save_record(ref, "referral", case_values.referral(agencies=agencies), finish=True)


async def test_a_report_request_starts_on_the_next_agency_the_referral_names(
    settings: Settings, vault_path: Path
) -> None:
    """Three requests were three searches of a 20-agency list, each with its slashes typed:
    the dialog now starts on the referral's next agency, with the author to type."""
    from tests.tui.conftest import read_store

    seed_vault(vault_path, seed_referral_naming_agencies)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "6", "r", *"DS Kim Sample", "tab", *"22062026", "enter")
        await burst(pilot, "r", *"Named nurse", "tab", *"23062026", "enter")
    vault, store = read_store(vault_path)
    try:
        case = store.get(store.list_cases()[0].ref)
        asked = [(r.agency, r.author, r.due_date) for r in case.agency_reports]
    finally:
        vault.close()
    assert asked == [
        ("Police", "DS Kim Sample", date(2026, 6, 22)),
        ("Acute hospital trust", "Named nurse", date(2026, 6, 23)),
    ]


async def test_carried_marks_move_with_their_entry(settings: Settings, vault_path: Path) -> None:
    """Moving a carried agency row up left the rows' "carried over" marks where they were:
    the moved entry showed another's marks, and Edit skipped its empty summary."""
    from cspr_tui.domain.case import AgencyReportRequest
    from tests.tui.test_carry_over import open_form

    def seed(store) -> None:
        seed_referral_naming_agencies(store)  # the referral lists Police as involved
        ref = store.list_cases()[0].ref
        for agency in ("Health visiting", "Police"):
            store.request_agency_report(ref, AgencyReportRequest(agency=agency))

    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "5")
        await burst(pilot, "ctrl+n")
        group = form.form.field("agency_involvement")
        rows = form.values["agency_involvement"]
        first, second = dict(rows[0]), dict(rows[1])
        assert set(first) != set(second)  # Health visiting: no "involved" carried; Police: Yes
        before = {p for p in form.carried if p.startswith("agency_involvement[1].")}
        await form.move_row(group, 1, -1)
        assert form.values["agency_involvement"][0] == second
        after = {p for p in form.carried if p.startswith("agency_involvement[0].")}
        assert after == {p.replace("[1]", "[0]") for p in before}
        assert {p for p in form.carried if p.startswith("agency_involvement[1].")} == {
            f"agency_involvement[1].{key}" for key in first
        }


async def test_the_step_strip_marks_a_step_done_as_its_last_text_box_is_left(
    settings: Settings, vault_path: Path
) -> None:
    """Step 7's mark stayed "needs answers" after its last required text box was filled and
    left; only leaving the step updated it."""
    from textual.widgets import Static

    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_referral(pilot)
        form = app.screen
        form.step = 6
        await form.show_step()
        assert form.section.id == "why_review"
        await burst(pilot, "space", "tab", *"Reasons given.", "tab")
        assert form.values["rationale"] == "Reasons given."
        strip = str(form.query_one("#form-step", Static).content)
        assert "7✓" in strip, strip


async def test_the_override_offer_is_worded_as_a_sentence(
    settings: Settings, vault_path: Path
) -> None:
    """The override dialog said "• review: the copy to the Panel ...", in the domain's
    short form; the screens say which form it is about, starting with a capital."""
    from tests.domain import case_values
    from tests.tui.test_case import open_first_case

    def seed(store) -> None:
        ref = case_values.case_at_stage(store, "report_drafted")
        late = {**case_values.PUBLICATION, "panel_sos_copy_sent_date": "2026-06-10"}
        store.save_record(
            ref, "review", case_values.review(**case_values.REPORT, **late), finish=True
        )

    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_case(pilot)
        await burst(pilot, "a")
        question = app.screen.question
        assert "• The copy to the Panel" in question, question
        assert "(review form)" in question
        assert "review: the copy" not in question


async def test_letters_typed_on_a_closed_drop_down_pick_their_choice(
    settings: Settings, vault_path: Path
) -> None:
    """ "Po" then Tab on the closed agency list was dropped: the question stayed blank and
    the next text went on to the address. Letters now pick their choice (the list stays
    shut), and Tab or Enter moves on."""
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_referral(pilot)
        await burst(pilot, "ctrl+n", *"Sam", "tab", *"Nurse", "tab", *"po", "tab")
        await burst(pilot, *"1 Road")
        values = app.screen.values
        assert values["referrer_agency"] == "Police"
        assert values["referrer_address"] == "1 Road"
        # A digit or a second word searches on from the letters already typed.
        await burst(pilot, "shift+tab", *"ambul", "enter")
        assert app.screen.values["referrer_agency"] == "Ambulance service"


async def test_a_requested_report_opens_on_the_first_answer_its_request_left_out(
    settings: Settings, vault_path: Path
) -> None:
    """The Police report opened on its agency, above the author the request had given:
    two Tabs before the author's role. It now opens on the role."""
    seed_vault(vault_path, seed_referral_naming_agencies)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "6", "r", *"DS Kim Sample", "tab", *"22062026", "enter")
        await burst(pilot, "e")
        assert isinstance(app.screen, FormScreen)
        await burst(pilot, *"Detective Sergeant")
        values = app.screen.values
        assert values["author_role"] == "Detective Sergeant"
        assert (values["agency"], values["author_name"]) == ("Police", "DS Kim Sample")


def seed_one_recommendation(store) -> None:
    ref = store.create_case(pseudonym="Child B").ref
    store.add_recommendation(
        ref, text="Train staff.", lead_agency="Police", target_date="2027-01-31"
    )


async def test_letters_pick_on_the_lists_of_the_update_and_export_dialogs(
    settings: Settings, vault_path: Path
) -> None:
    """The quarterly update's status and the export dialog's lists took Enter before a
    letter ("in p" alone did nothing); letters now pick on them as on the forms' lists."""
    from tests.tui.conftest import saved_store

    seed_vault(vault_path, seed_one_recommendation)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "r")
        await burst(pilot, "u")
        await burst(pilot, *"Started", "tab", *"in p", "enter", "ctrl+s")
        await burst(pilot, "escape", "x")  # back to the dashboard, then its export dialog
        dialog = app.screen
        assert dialog.query_one("#kind").value == "tracker"
        await burst(pilot, *"agency", "enter")
        assert dialog.query_one("#kind").value == "agency"
    with saved_store(vault_path) as store:
        rec = store.get(store.list_cases()[0].ref).recommendations[0]
        assert rec.status.value == "In progress"
        assert [u.narrative for u in rec.updates] == ["Started"]


async def test_a_date_typed_after_an_error_jump_is_not_judged_before_it_is_complete(
    settings: Settings, vault_path: Path
) -> None:
    """After ctrl+t listed an error and the cursor jumped to the Panel copy date, the new
    date showed "20" with "20 is not a date" while the rest of it was still being typed."""
    from tests.tui.test_carry_over import open_form, seed_lcspr_decided

    seed_vault(vault_path, seed_lcspr_decided)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "7")
        await burst(pilot, "ctrl+g", "end", "enter")
        assert form.section.id == "publication"
        form.editors["planned_publication_date"].input.focus()
        await burst(pilot, *"01112026", "tab", *"05112026", "tab", "ctrl+t")
        panel = form.editors["panel_sos_copy_sent_date"]
        assert app.focused is panel.input  # the error jump
        error = panel.query_one(".field-error")
        assert "must be before the planned publication date" in str(error.content)
        issues = form.query_one("#form-issues")
        for part in ("2", "0", "1", "0", "2"):  # the date so far, each key on its own
            await burst(pilot, part)
            assert "is not a date" not in str(error.content), panel.input.value
            assert "is not a date" not in str(issues.content), panel.input.value
        await burst(pilot, *"026")
        assert panel.input.value == "20/10/2026"
        assert form.values["panel_sos_copy_sent_date"] == "2026-10-20"
        assert str(error.content) == ""  # the error the jump was for is fixed and gone
        assert "must be before" not in str(issues.content)
        # Left unfinished, the date is judged when the reviewer leaves it.
        await burst(pilot, "ctrl+u", *"2010", "tab")
        assert "is not a date" in str(error.content)


def seed_referral_with_three_agencies(store) -> None:
    from tests.domain import case_values

    ref = store.create_case().ref
    agencies = [
        {"agency": "Children's social care"},
        {"agency": "Police"},
        {"agency": "Acute hospital trust"},
    ]
    store.save_record(
        ref, "referral", case_values.referral(agencies=agencies), current_section="agencies"
    )


async def test_tab_goes_from_one_closed_entry_to_the_next(
    settings: Settings, vault_path: Path
) -> None:
    """From the first agency's Edit to the third's took 8 Tabs in the journey: each closed
    entry's Up, Down and Remove were Tab stops (Remove right beside Edit). A closed entry is
    now one stop; ctrl+r still removes the entry whose Edit has the focus."""
    from textual.widgets import Button

    from cspr_tui.tui.widgets.form_field import RepeatRow

    seed_vault(vault_path, seed_referral_with_three_agencies)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "2", "e")  # the case, its Referral tab, edit
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "agencies"
        rows = list(form.query(RepeatRow).results())
        edits = [row.query_one(".row-edit", Button) for row in rows]
        assert len(edits) == 3
        edits[0].focus()
        await burst(pilot, "tab")
        assert app.focused is edits[1]
        await burst(pilot, "tab")
        assert app.focused is edits[2]
        await burst(pilot, "shift+tab", "ctrl+r")  # the Police entry goes
        assert [row["agency"] for row in form.values["agencies"]] == [
            "Children's social care",
            "Acute hospital trust",
        ]


def seed_decided_by_named_partners(store) -> None:
    """A review whose "Decision made by" names the partners, as the journey's did."""
    from tests.domain import case_values

    ref = case_values.case_at_stage(store, "published")
    review = store.get(ref).record("review").values
    store.save_record(
        ref,
        "review",
        {**review, "decision_makers": "Jo Example (LA), Chris Sample (Police)"},
        finish=True,
    )


async def test_a_held_up_export_says_where_each_finding_is_in_the_forms_words(
    settings: Settings, vault_path: Path
) -> None:
    """The journey's final report was held for findings listed by the report's field path
    ("final report > a.review.decision_makers"); the review screen says "Review ›
    Decision: Decision made by". The export dialog now says it the same way."""
    from textual.widgets import Static

    from cspr_tui.tui.dialogs.export import ExportDialog

    seed_vault(vault_path, seed_decided_by_named_partners)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "x")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        await burst(pilot, "tab", "tab", *"final", "tab", "space")  # the final report, redacted
        await burst(pilot, "ctrl+s")
        from tests.tui.conftest import wait_for

        error = dialog.query_one(".dialog-error", Static)
        await wait_for(pilot, lambda: str(error.render()).strip() or dialog.written, 60)
        assert dialog.written is None, dialog.written
        refusal = str(error.render())
        held = [line for line in refusal.splitlines() if line.startswith("[")]
        assert held, refusal
        assert any("Decision: Decision made by" in line for line in held), refusal
        assert "a.review." not in refusal
        # Back from the review, the refusal (findings now decided) is not left on screen.
        from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen

        await pilot.click("#review")
        await wait_for(pilot, lambda: isinstance(app.screen, RedactionReviewScreen))
        await settle(pilot)
        await burst(pilot, "A")
        await settle(pilot)
        await burst(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is dialog)
        shown = str(error.render())
        assert "Back from the redaction review" in shown and "[" not in shown, shown
        await burst(pilot, "ctrl+s")
        await wait_for(pilot, lambda: dialog.written is not None, 60)
        assert dialog.written.redacted
