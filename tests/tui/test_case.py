"""The case screen: the stage bar, advancing with one key, and the domain's refusal shown."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Select, Static

from cspr_tui.domain.case import AgencyReportRequest, ReportDepth, Stage
from cspr_tui.domain.form_mapping import agency_record, report_answers
from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.amend import AmendDialog
from cspr_tui.tui.dialogs.confirm import ConfirmDialog, ReasonDialog
from cspr_tui.tui.dialogs.message import MessageDialog
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.widgets.stage_bar import StageBar
from tests.domain import case_values
from tests.tui.conftest import build_app, choose, read_store, seed_vault, settle, type_into, unlock


def seed_at_screening(store) -> None:
    """Referral done and at screening; screening, notification and a rapid review recorded,
    the rapid review signed off by two partners of three."""
    ref = case_values.case_at_stage(store, "screening")
    store.save_record(ref, "screening", case_values.screening(), finish=True)
    store.save_record(ref, "notification", case_values.notification(), finish=True)
    store.save_record(
        ref,
        "rapid_review",
        case_values.rapid_review(signoffs=case_values.SIGNOFFS[:2], rr_sent_to_panel_date=None),
        finish=True,
        current_section="signoff",  # the guided form resumes at the sign-off step
    )


def bar_text(app) -> str:
    return str(app.screen.query_one(StageBar).content)


async def advance(pilot) -> None:
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("enter")
    await settle(pilot)


async def test_advance_through_screening_and_rapid_review_refused_for_a_signoff(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_at_screening)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        ref = app.screen.ref
        assert "Screening" in bar_text(app)
        assert "press a to move on" in bar_text(app)

        await advance(pilot)
        assert app.screen.case.stage == Stage.NOTIFIED
        await advance(pilot)
        assert app.screen.case.stage == Stage.RAPID_REVIEW
        assert "ICB" in bar_text(app)  # the stage bar says what is missing

        await pilot.press("a")  # refused: one partner has not signed off
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "ICB" in app.screen.text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.case.stage == Stage.RAPID_REVIEW

        # Add the missing sign-off through the guided rapid review form.
        await pilot.press("5", "e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        step = str(app.screen.query_one("#form-step", Static).content).split("   ")[0]
        assert step.endswith("the Panel")
        await pilot.press("ctrl+o")
        await settle(pilot)
        editors = app.screen.editors
        await choose(pilot, editors["signoffs[2].partner"].input, "ICB")
        await type_into(pilot, editors["signoffs[2].name"].input, "Jo Fictional")
        await type_into(pilot, editors["signoffs[2].role"].input, "Chief nurse")
        await type_into(pilot, editors["signoffs[2].organisation"].input, "ICB")
        await type_into(pilot, editors["signoffs[2].date"].input, "25/03/2026")
        await type_into(pilot, editors["rr_sent_to_panel_date"].input, "26/03/2026")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-issues").content
        assert "press a to move on" in bar_text(app)
        await advance(pilot)
        assert app.screen.case.stage == Stage.DECISION

    vault, store = read_store(vault_path)
    try:
        case = store.get(ref)
        assert case.stage == Stage.DECISION
        assert [c.to_stage for c in case.history][-3:] == [
            Stage.NOTIFIED,
            Stage.RAPID_REVIEW,
            Stage.DECISION,
        ]
        assert any(s["partner"] == "ICB" for s in case.value("rapid_review", "signoffs"))
    finally:
        vault.close()


async def test_pause_asks_why_and_resume(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path, lambda store: store.create_case(pseudonym="Child A"))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        assert "reason is needed" in str(app.screen.query_one(".dialog-error").content)
        await pilot.press(*"trial", "enter")
        await settle(pilot)
        assert app.screen.case.stage == Stage.PAUSED
        assert "resume" in bar_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.case.stage == Stage.REFERRAL_RECEIVED
        await pilot.press("9")  # the audit tab lists both changes with the reason
        await pilot.pause()
        audit = app.screen.query_one("#table-audit")
        rows = [audit.get_row_at(i) for i in range(audit.row_count)]
        assert [row[2] for row in rows][:2] == ["Case resumed", "Case paused"]
        audit.move_cursor(row=1)  # the pause: its reason in full under the table
        await pilot.pause()
        assert "Reason: trial" in str(app.screen.query_one("#detail-audit").content)


def seed_notified_with_a_request(store) -> None:
    """A notified case whose rapid review is overdue while Police's report is not in."""
    ref = case_values.case_at_stage(store, "notified")
    store.request_agency_report(ref, AgencyReportRequest(agency="Police", due_date="2026-06-20"))


async def open_first_case(pilot) -> CaseScreen:
    await unlock(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CaseScreen)
    return pilot.app.screen


async def open_agencies(pilot) -> tuple[CaseScreen, DataTable]:
    """The first case open on its Agencies tab, and the tab's table."""
    screen = await open_first_case(pilot)
    await pilot.press("6")
    await settle(pilot)
    return screen, screen.query_one("#table-agency", DataTable)


async def test_stage_bar_warns_and_a_deadline_is_overridden_with_a_reason(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_notified_with_a_request)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_case(pilot)
        assert "⚠ The rapid review was due on 26/03/2026 and is overdue" in bar_text(app)
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AmendDialog)
        assert dialog.query_one("#choice", Select).value == "T2"  # the first open one
        await choose(
            pilot, dialog.query_one("#choice", Select), "Rapid review completed (26/03/2026)", "T4"
        )
        await pilot.press("tab", *"17/06/2026", "enter", "enter")
        await settle(pilot)
        assert "needs a reason" in str(
            dialog.query_one(".dialog-error").content
        )  # the store's word
        await pilot.press(*"Agreed with the Panel", "enter")
        await settle(pilot)
        assert app.screen is screen
        # The domain's warning now counts the working days left on the new date.
        assert "due on 17/06/2026 (2 working days left)" in bar_text(app)
        assert "Police" in bar_text(app)
        ref = screen.ref

    vault, store = read_store(vault_path)
    try:
        override = store.get(ref).overrides[-1]
        assert (override.deadline, override.due_date) == ("T4", date(2026, 6, 17))
        assert override.reason == "Agreed with the Panel"
    finally:
        vault.close()


async def test_deferral_pending_proceedings_is_chosen_and_named_as_such(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, lambda store: case_values.case_at_stage(store, "review_in_progress"))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_case(pilot)
        await pilot.press("p")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AmendDialog)
        await choose(
            pilot,
            dialog.query_one("#choice", Select),
            "Publication deferred: criminal trial",
            "Criminal trial",
        )
        await pilot.press("tab", *"Trial set", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Publication deferred pending proceedings" in bar_text(app)
        summary = str(screen.query_one("#body-summary", Static).content)
        assert "Stage: Publication deferred pending proceedings" in summary
        await pilot.press("a")  # refused in the domain's words, not a generic "paused"
        await pilot.pause()
        assert any("deferred pending proceedings" in str(n.message) for n in app._notifications)


async def test_a_late_panel_copy_is_accepted_only_with_a_reason(
    settings: Settings, vault_path: Path
) -> None:
    def seed(store) -> None:
        ref = case_values.case_at_stage(store, "report_drafted")
        late = {**case_values.PUBLICATION, "panel_sos_copy_sent_date": "2026-06-10"}
        store.save_record(
            ref, "review", case_values.review(**case_values.REPORT, **late), finish=True
        )

    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_case(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)  # not a bare refusal: the override is offered
        assert "10/06/2026" in app.screen.question
        await pilot.press("enter")  # no reason: refused by the dialog
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*"Panel agreed the date", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.case.stage == Stage.PUBLISHED
        ref = screen.ref

    vault, store = read_store(vault_path)
    try:
        case = store.get(ref)
        assert case.stage == Stage.PUBLISHED
        assert case.history[-1].reason == "Panel agreed the date"
    finally:
        vault.close()


def seed_two_agencies(store) -> None:
    """Police and ICB asked for reports; Police's is already finished."""
    ref = case_values.case_at_stage(store, "rapid_review")
    store.request_agency_report(
        ref, AgencyReportRequest(agency="Police", author="DS Fictional", due_date="2026-06-20")
    )
    store.request_agency_report(
        ref,
        AgencyReportRequest(
            agency="Integrated care board (ICB)",
            author="Nurse Fictional",
            requested_date="2026-06-01",
            due_date="2026-06-22",
        ),
    )
    store.save_record(
        ref,
        "agency_report",
        {"agency": "Police", "author_name": "DS Fictional", "involvement_summary": "Two calls."},
        agency="Police",
    )


async def test_agency_reports_one_per_agency_chosen_edited_and_requested(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_two_agencies)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_agencies(pilot)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "Police",
            "Integrated care board (ICB)",
        ]
        body = str(screen.query_one("#body-agency", Static).content)
        assert "Two calls." in body and "DS Fictional" in body  # the author, from its request
        table.focus()
        await pilot.press("down")  # ICB: not started; its report starts from the request
        await pilot.pause()
        assert "no report yet" in str(screen.query_one("#body-agency", Static).content)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen) and form.agency == "Integrated care board (ICB)"
        assert form.values["author_name"] == "Nurse Fictional"
        assert form.values["date_requested"] == "2026-06-01"
        await type_into(pilot, form.editors["author_role"].input, "Designated nurse")
        await pilot.press("escape")  # leaving saves the draft as ICB's own report
        await settle(pilot)
        assert app.screen is screen
        assert table.get_row_at(1)[1] == "draft"

        await pilot.press("r")  # request a third agency's report
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AmendDialog)
        await choose(pilot, dialog.query_one("#choice", Select), "Housing")
        await pilot.press("tab", *"Pat Fictional", "tab", *"30/06/2026", "enter")
        await settle(pilot)
        assert app.screen is screen
        row = [str(cell) for cell in table.get_row_at(2)]
        assert row == ["Housing", "not started", "30/06/2026", "requested"]  # 80 columns
        table.move_cursor(row=2)
        await settle(pilot)
        body = str(screen.query_one("#body-agency", Static).content)
        assert "requested 15/06/2026 · due 30/06/2026 · not received yet" in body
        ref = screen.ref

    vault, store = read_store(vault_path)
    try:
        case = store.get(ref)
        police = agency_record(case, "Police")
        icb = agency_record(case, "Integrated care board (ICB)")
        assert police.values["involvement_summary"] == "Two calls."
        assert icb.status == "draft"
        assert report_answers(case, "Integrated care board (ICB)")["author_role"] == (
            "Designated nurse"
        )  # kept on its request, which owns it
        housing = next(r for r in case.agency_reports if r.agency == "Housing")
        assert (housing.author, housing.due_date) == ("Pat Fictional", date(2026, 6, 30))
    finally:
        vault.close()


async def test_agencies_tab_says_what_report_was_asked_for_in_plain_words(
    settings: Settings, vault_path: Path
) -> None:
    """Issue 11: the Agencies list said "Depth" and, cut at 80 columns, "Rapid"; it says
    "Asked for: Rapid review report" (or "LCSPR report") instead. The column is there when
    the screen has room for seven (narrower, the line under the table says it: see
    `test_the_agencies_table_fits_the_screen_and_the_request_is_shown_in_full`)."""

    def seed(store) -> None:
        seed_two_agencies(store)
        ref = store.summaries()[0].ref
        store.request_agency_report(
            ref, AgencyReportRequest(agency="Education", depth=ReportDepth.LCSPR)
        )

    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        _screen, table = await open_agencies(pilot)
        labels = [str(column.label) for column in table.columns.values()]
        assert "Depth" not in labels and "Asked for" in labels
        asked = labels.index("Asked for")
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i)[asked] for i in range(3)}
        assert rows == {
            "Police": "Rapid review report",
            "Integrated care board (ICB)": "Rapid review report",
            "Education": "LCSPR report",
        }


async def test_recs_tab_shows_the_recommendation_and_u_updates_it(
    settings: Settings, vault_path: Path
) -> None:
    from cspr_tui.tui.dialogs.quarterly_update import QuarterlyUpdateDialog
    from tests.tui.conftest import burst

    def seed(store) -> None:
        ref = store.create_case(pseudonym="Child A").ref
        store.add_recommendation(
            ref,
            text="Partners train front-door staff on neglect.",
            lead_agency="Police",
            target_date="2026-01-31",
        )

    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "8")
        table = app.screen.query_one("#table-recs", DataTable)
        assert str(table.get_row_at(0)[-1]) == "Partners train front-door staff on neglect."
        assert sum(c.width + 2 for c in table.columns.values()) <= 80 - 2  # fits the screen
        drawn = "\n".join(
            "".join(s.text for s in app.screen.query_one("#table-recs").render_line(y))
            for y in range(2)
        )
        assert "Partners train" in drawn and "…" in drawn, drawn  # cut with an ellipsis
        detail = str(app.screen.query_one("#detail-recs", Static).content)
        assert "Partners train front-door staff on neglect." in detail
        await burst(pilot, "u")
        assert isinstance(app.screen, QuarterlyUpdateDialog)
        await burst(pilot, "escape")
        await burst(pilot, "enter")  # Enter on the row does the same
        assert isinstance(app.screen, QuarterlyUpdateDialog)


async def test_audit_tab_says_what_changed_and_why_in_plain_words(
    settings: Settings, vault_path: Path
) -> None:
    from tests.tui.conftest import burst

    seed_vault(vault_path, seed_at_screening)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "9")
        table = app.screen.query_one("#table-audit", DataTable)
        whats = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert not any("rapid_review" in what for what in whats)
        title = app.forms["rapid_review"].title
        assert f"{title}: finished" in whats
        row = whats.index(f"{title}: finished")
        table.move_cursor(row=row)
        await burst(pilot)
        detail = str(app.screen.query_one("#detail-audit", Static).content)
        assert "→" in detail and "Decision" in detail
        assert "by Seeder" in detail


def seed_a_long_agency_name(store) -> None:
    seed_two_agencies(store)
    ref = next(iter(store.cases()))
    store.request_agency_report(
        ref,
        AgencyReportRequest(
            agency="Children's social care (local authority) - Fictionshire County Council",
            requested_date="2026-06-02",
            due_date="2026-06-23",
        ),
    )


def _visible_lines(app, width: int) -> list[str]:
    from rich.console import Console

    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


@pytest.mark.parametrize(
    ("size", "headings"),
    [
        ((80, 24), ["Agency", "Report", "Due", "Return"]),
        ((120, 40), ["Agency", "Report", "Due", "Received", "Requested", "Asked for", "Return"]),
    ],
)
async def test_the_agencies_table_fits_the_screen_and_the_request_is_shown_in_full(
    settings: Settings, vault_path: Path, size: tuple[int, int], headings: list[str]
) -> None:
    """No column runs off the screen: at 80 columns the dates received and requested and
    the depth move to the line under the table, a long name ends in an ellipsis there, and
    the highlighted agency is named in full below."""
    seed_vault(vault_path, seed_a_long_agency_name)
    app = build_app(settings, vault_path)
    async with app.run_test(size=size) as pilot:
        screen, table = await open_agencies(pilot)
        assert [str(c.label) for c in table.ordered_columns] == headings
        used = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert used <= size[0] - 2  # every column on screen, the scrollbar beside them
        lines = _visible_lines(app, size[0])
        header = next(line for line in lines if line.strip().startswith("Agency"))
        assert " ".join(header.split()) == " ".join(headings)  # every heading drawn whole
        table.focus()
        await pilot.press("down", "down")
        await settle(pilot)
        lines = _visible_lines(app, size[0])
        row = next(line for line in lines if line.strip().startswith("Children's"))
        assert "…" in row and "23/06/2026" in row  # cut with an ellipsis, the rest still there
        body = str(screen.query_one("#body-agency", Static).content)
        assert "Children's social care (local authority) - Fictionshire County Council" in body
        assert "Rapid review report · requested 02/06/2026 · due 23/06/2026" in body


async def test_every_tab_title_is_shown_whole_at_80_columns_whichever_tab_is_open(
    settings: Settings, vault_path: Path
) -> None:
    """The ten tabs fit in 80 columns: opening the last ones did not scroll the row so that
    "Summary" showed as "ummary" (session 7's journey)."""
    from cspr_tui.tui.screens.case import TAB_KEYS, TABS

    seed_vault(vault_path, seed_at_screening)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        for key in reversed(TAB_KEYS[: len(TABS)]):  # People first: the row scrolled right
            await pilot.press(key)
            await settle(pilot)
            row = next(line for line in _visible_lines(app, 80) if "Referral" in line)
            assert row.split() == " ".join(title for _id, title, _form in TABS).split(), key


async def test_the_latest_update_is_named_without_brackets_in_brackets(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand: the Recs tab read "Latest (Q3 2026-27 (Oct-Dec)): ..."."""

    def seed(store) -> None:
        ref = store.create_case(pseudonym="Child A").ref
        rec = store.add_recommendation(
            ref, text="Partners train front-door staff on neglect.", target_date="2026-12-31"
        )
        store.add_quarterly_update(ref, rec.id, "Training planned for July.", "In progress")

    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        from tests.tui.conftest import burst

        await unlock(pilot)
        await burst(pilot, "enter", "8")
        detail = str(app.screen.query_one("#detail-recs", Static).content)
        assert "Latest update, Q1 2026-27 (Apr-Jun): Training planned for July." in detail
        assert "((" not in detail and "))" not in detail
