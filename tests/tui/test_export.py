"""The export dialog runs the real exporters in a worker and says where the file went."""

from __future__ import annotations

import stat
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from textual.widgets import Checkbox, ProgressBar, Select, Static

from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.export import ExportDialog, available_kinds
from tests.domain import case_values
from tests.tui.conftest import build_app, choose, read_store, seed_vault, settle, unlock


def seed(store) -> None:
    ref = case_values.case_at_stage(store, "screening")
    store.add_recommendation(
        ref, text="Share information.", lead_agency="Police", target_date="2026-12-31"
    )


async def open_export(pilot) -> ExportDialog:
    await unlock(pilot)
    await pilot.press("x")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportDialog)
    return pilot.app.screen


async def export_redacted_referral(pilot) -> ExportDialog:
    """From the dashboard: open the first case, then export its referral report redacted
    (the dialog is left open, on what the export said)."""
    await pilot.press("enter")  # open the case
    await settle(pilot)
    await pilot.press("x")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    assert dialog.query_one("#kind", Select).value == "case"
    await choose(
        pilot,
        dialog.query_one("#report-kind", Select),
        "Referral for consideration of a child safeguarding practice review",
        "referral",
    )
    dialog.query_one("#redact", Checkbox).value = True
    await pilot.click("#go")
    await settle(pilot)
    return dialog


@pytest.mark.skipif("tracker" not in available_kinds(), reason="no tracker exporter yet")
async def test_tracker_export_from_the_dialog_writes_the_workbook(
    settings: Settings, vault_path: Path, workspace: Path
) -> None:
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        dialog = await open_export(pilot)
        assert dialog.query_one("#quarter").display
        assert not dialog.query_one("#case").display
        await pilot.press("ctrl+s")  # the key the footer shows
        await settle(pilot)
        where = str(dialog.query_one("#where", Static).content)
        assert "not encrypted" in where, dialog.query_one(".dialog-error", Static).content
        written = dialog.written.path
        assert written.name in where.splitlines()  # whole, on a line of its own
        bar = dialog.query_one("#progress", ProgressBar)  # the service's progress, shown
        assert bar.total and bar.total >= 2 and bar.progress == bar.total
    assert written.parent == workspace / "exports"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    book = openpyxl.load_workbook(written)
    assert "Tracker" in book.sheetnames
    vault, store = read_store(vault_path)
    try:
        assert store.audit_trail()[-1].action == "exported tracker"
    finally:
        vault.close()


@pytest.mark.skipif("case" not in available_kinds(), reason="no case report exporter yet")
async def test_redacted_case_report_from_the_case_screen(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        dialog = await export_redacted_referral(pilot)
        # Nothing reviewed yet: refused, naming each finding in its sentence.
        assert dialog.written is None
        refusal = str(dialog.query_one(".dialog-error", Static).content)
        assert "not reviewed, so no file was written" in refusal and "«" in refusal
        await pilot.click("#review")
        await settle(pilot)
        from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen

        review = app.screen
        assert isinstance(review, RedactionReviewScreen)
        await pilot.pause(0.5)
        await settle(pilot)
        assert any(f.open for f in review.findings)
        await pilot.press("A")  # accept every open finding
        await pilot.pause(0.5)
        await settle(pilot)
        assert review.findings and not any(f.open for f in review.findings)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog
        await pilot.click("#go")
        await settle(pilot)
        assert dialog.written is not None, dialog.query_one(".dialog-error").content
        written = dialog.written.path
        # which version was written is said in words, not only in the file's name
        assert "Redacted: people are named by their pseudonyms" in str(
            dialog.query_one("#where", Static).content
        )
        dialog.query_one("#redact", Checkbox).value = False
        await pilot.click("#go")
        await settle(pilot)
        assert "Not redacted: it holds real names" in str(
            dialog.query_one("#where", Static).content
        )
    assert written.name.endswith(".docx") and "Redacted" in written.name
    document = Document(written)
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Child A" in text
    assert "Poppy" not in text  # the child's real name, in the unredacted referral
    vault, store = read_store(vault_path)
    try:  # the same wording as `cspr export report --kind referral` writes
        redacted, full = store.audit_trail()[-2:]  # then the unredacted one, for comparison
        assert redacted.action == full.action == "exported referral report"
        assert next(c.new for c in redacted.changes if c.field == "export.redacted") is True
        assert next(c.new for c in full.changes if c.field == "export.redacted") is False
    finally:
        vault.close()


def seed_named_lead_officer(store) -> None:
    ref = case_values.case_at_stage(store, "screening")
    store.add_recommendation(
        ref,
        text="Share information.",
        lead_agency="Police",
        lead_officer_name="DCI Helen Ward",
        target_date="2026-12-31",
    )


@pytest.mark.skipif("tracker" not in available_kinds(), reason="no tracker exporter yet")
async def test_a_tracker_held_up_by_findings_offers_their_review(
    settings: Settings, vault_path: Path
) -> None:
    """The journey's tracker was refused for «Helen» «Ward» with the command line's advice
    ('cspr redaction review ... --accept ID') and no way to the review from the dialog;
    the first finding's id ("[a7...]") was also eaten as markup. Now the dialog words it for
    the screen, shows every id, and its Review redaction button opens the case's findings."""
    seed_vault(vault_path, seed_named_lead_officer)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        dialog = await open_export(pilot)
        assert not dialog.query_one("#review").display  # nothing to review yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.written is None
        refusal = str(dialog.query_one(".dialog-error", Static).render())
        assert "not reviewed, so no file was written" in refusal
        assert "Press Review redaction" in refusal and "--accept" not in refusal
        shown_ids = [line.split("]")[0] for line in refusal.splitlines() if line.startswith("[")]
        assert len(shown_ids) == 2, refusal  # «Helen» and «Ward», each with its id
        assert dialog.query_one("#review").display
        await pilot.click("#review")
        await settle(pilot)
        from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen

        review = app.screen
        assert isinstance(review, RedactionReviewScreen)
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("A")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.written is not None, dialog.query_one(".dialog-error", Static).render()


@pytest.mark.skipif("case" not in available_kinds(), reason="no case report exporter yet")
async def test_the_report_list_starts_on_the_latest_report_the_case_has(
    settings: Settings, vault_path: Path
) -> None:
    """Seen by hand: exporting a published case's final report started on the list's
    "Report" prompt (three more keys each time). It now starts on the final report once
    the case has a review, and a report the reviewer picks stays."""
    from tests.tui.conftest import burst

    seed_vault(vault_path, lambda store: case_values.case_at_stage(store, "published"))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "x")
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        report = dialog.query_one("#report-kind", Select)
        assert report.value == "final"
        report.value = "referral"
        dialog._case_changed()  # the case picked again keeps the reviewer's choice
        assert report.value == "referral"


@pytest.mark.skipif("tracker" not in available_kinds(), reason="no tracker exporter yet")
async def test_the_path_written_to_keeps_the_file_name_whole_at_80_columns(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by hand at 80x24: the message naming the file written broke its path inside a
    word ("…-Children" / "-Partnership_RecTracker…"). The folder takes one line, the file
    name the next, whole; a folder too long for its line is cut at its start."""
    from textual.geometry import Region

    home = tmp_path / "Safeguarding-Children-Partnership-Shared-Drive" / "Reviews-2026-27"
    home = home / "Child-Safeguarding-Practice-Review-Workspace"
    (home / "vault").mkdir(parents=True)
    (home / "exports").mkdir()
    monkeypatch.setenv("CSPR_HOME", str(home))
    monkeypatch.chdir(home)
    vault_path = home / "vault" / "cases.vault"
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_export(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dialog.written is not None, dialog.query_one(".dialog-error", Static).content
        written = dialog.written.path
        where = dialog.query_one("#where", Static)
        width, height = where.size
        lines = [strip.text.rstrip() for strip in where.render_lines(Region(0, 0, width, height))]
    assert written.parent == home / "exports"
    assert len(str(written)) > 80  # too long for one line
    assert written.name in lines, lines  # the file name whole, on a line of its own
    folder = next(line for line in lines if line.endswith("/exports/"))
    assert folder.startswith(("Written to /", "Written to …/", "…/")), lines
    assert all(len(line) <= width for line in lines)


@pytest.mark.skipif("case" not in available_kinds(), reason="no case report exporter yet")
async def test_the_review_from_a_held_export_lists_the_findings_that_held_it(
    settings: Settings, vault_path: Path
) -> None:
    """Found in the eighth and ninth hand runs: the export said 12 findings held it up,
    and the review it opened listed all 77 of the case's outputs, so "Accept all" took
    every one. It now lists those that held the export, and `A` accepts those; `f` lists
    the rest."""
    seed_vault(vault_path, seed_named_lead_officer)  # a tracker finding besides the report's
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        dialog = await export_redacted_referral(pilot)
        assert dialog.written is None and dialog.held
        await pilot.click("#review")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen

        review = app.screen
        assert isinstance(review, RedactionReviewScreen)
        assert {f.id for f in review.findings} == dialog.held
        status = str(review.query_one("#review-status", Static).content)
        assert f"The {len(dialog.held)} that held the export up" in status
        await pilot.press("A")
        await pilot.pause(0.3)
        await settle(pilot)
        assert not any(f.open for f in review.findings)
        await pilot.press("f")  # every finding: the tracker's officer is still open
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(review.findings) > len(dialog.held)
        still_open = [f for f in review.findings if f.open]
        assert still_open and all(f.id not in dialog.held for f in still_open)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#go")  # what held it is decided: written
        await settle(pilot)
        assert dialog.written is not None, dialog.query_one(".dialog-error").content
