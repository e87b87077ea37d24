"""Agency returns in the app: importing on the Agencies tab, the chronology screen, and an
overdue return on the dashboard's deadlines panel. Real vaults, real .docx files."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from cspr_tui.domain.case import AgencyReportRequest, Person
from cspr_tui.domain.form_mapping import agency_record
from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.amend import AmendDialog
from cspr_tui.tui.dialogs.confirm import ConfirmDialog
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.chronology import ChronologyScreen
from tests.exports.return_fixtures import ANSWERS, TICKS, complete
from tests.tui.conftest import build_app, read_store, seed_vault, settle, unlock, wait_for

CHRONOLOGIES = {
    "Police": [
        {
            "date": "2026-01-10",
            "time": "09:00",
            "event": "Called to the home after a 999 call",
            "who": "Response officer",
            "significance": "Red",
        },
        {"date": "2026-03-20", "event": "Strategy discussion"},
    ],
    "Health visiting": [
        {
            "date": "2026-01-10",
            "event": "Home visit after the 999 call to the home",
            "who": "Health visitor",
        },
    ],
}


def seed_returned(store) -> None:
    case = store.create_case(agencies=list(CHRONOLOGIES))
    store.add_person(case.ref, Person("Quentin Madeup", "HV 1", "Health visitor", "practitioner"))
    for agency, rows in CHRONOLOGIES.items():
        store.request_agency_report(
            case.ref, AgencyReportRequest(agency=agency, due_date="2026-06-01")
        )
        store.save_record(
            case.ref, "agency_report", {"agency": agency, "chronology": rows}, agency=agency
        )


async def test_the_chronology_screen_merges_flags_and_filters(
    tmp_path, vault_path: Path, workspace: Path
) -> None:
    seed_vault(vault_path, seed_returned)
    app = build_app(Settings(reviewer_name="Reviewer One"), vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ChronologyScreen))
        screen = app.screen
        assert isinstance(screen, ChronologyScreen)
        table = screen.query_one("#chronology", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["10/01/2026", "10/01/2026", "11/01/2026", "20/03/2026"]
        assert rows[0][2] == "Police" and rows[0][6] == "Health visiting"  # same event
        assert rows[1][2] == "Health visiting" and rows[1][6] == "Police"
        assert "No contact from any agency until 19/03/2026 (68 days)" in rows[2][4]
        status = str(screen.query_one("#chronology-status", Static).content)
        assert "3 entries from 2 agencies; 2 recorded by more than one agency; 1 gaps" in status
        start = screen.query_one("#chronology-from", Input)
        start.value = "01/03/2026"
        start.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert [str(table.get_row_at(i)[4]) for i in range(table.row_count)] == [
            "Strategy discussion"
        ]
        table.focus()
        await pilot.press("x")
        exports = workspace / "exports"
        await wait_for(pilot, lambda: list(exports.glob("*_IntegratedChronology_v1.docx")))
        await settle(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))


def seed_requested(store) -> None:
    case = store.create_case(agencies=["Police"])
    store.save_record(case.ref, "review", {"scope_from": "2025-01-01", "scope_to": "2026-02-20"})
    store.request_agency_report(
        case.ref,
        AgencyReportRequest(agency="Police", requested_date="2026-05-01", due_date="2026-06-01"),
    )


async def test_an_overdue_return_shows_on_the_dashboard_and_is_imported(
    tmp_path, vault_path: Path, workspace: Path
) -> None:
    seed_vault(vault_path, seed_requested)
    app = build_app(Settings(reviewer_name="Reviewer One"), vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        deadlines = app.screen.query_one("#deadlines", DataTable)
        shown = [" ".join(map(str, deadlines.get_row_at(i))) for i in range(deadlines.row_count)]
        assert any("Information report from Police" in s and "verdue" in s for s in shown), shown
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        await pilot.press("6")
        await pilot.pause()
        table = screen.query_one("#table-agency", DataTable)
        assert table.get_row_at(0)[-1] == "overdue"

        from cspr_tui.exports.service import AgencyReportExport, run_export

        request = AgencyReportExport(screen.ref, "Police", out=tmp_path)
        blank = run_export(app.store, request).path
        await pilot.pause()
        answers = {**ANSWERS, "author_completed_date": "10/06/2026", "signoff_date": "11/06/2026"}
        filled = complete(blank, tmp_path / "return.docx", answers=answers, ticks=TICKS)
        broken = complete(blank, tmp_path / "broken.docx", answers={"author_name": "DS X"})

        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, AmendDialog))
        dialog = app.screen
        assert isinstance(dialog, AmendDialog)
        dialog.query_one("#text-path", Input).value = str(broken)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: str(dialog.query_one(".dialog-error", Static).content))
        assert app.screen is dialog  # refused: the problems stay on screen
        error = str(dialog.query_one(".dialog-error", Static).content)
        assert "Refused, nothing stored" in error and "Author's role is required" in error
        dialog.query_one("#text-path", Input).value = str(filled)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        confirm = app.screen  # what will be stored, before anything is
        assert isinstance(confirm, ConfirmDialog), str(
            confirm.query_one(".dialog-error", Static).content
        )
        shown = str(confirm.query_one("Static.dialog-title").content)
        assert shown == "Store this return?"
        summary = " ".join(str(w.content) for w in confirm.query(Static))
        assert (
            "Police's report for" in summary and "5. Chronology: 0 answer(s), 2 row(s)" in summary
        )
        await pilot.click("#yes")
        await wait_for(pilot, lambda: table.get_row_at(0)[-1] == "returned")
        assert app.screen is screen
        ref = screen.ref

    vault, store = read_store(vault_path)
    try:
        record = agency_record(store.get(ref), "Police")
        assert record is not None and record.values["staffing"] == ANSWERS["staffing"]
        assert len(record.values["chronology"]) == 2
    finally:
        vault.close()
