"""The export service on real vaults: file and audit entry together or neither, in both doors."""

from __future__ import annotations

import errno
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from cspr_tui.domain.case import Person
from cspr_tui.domain.quarter import Quarter
from cspr_tui.domain.store import CaseStore
from cspr_tui.errors import CsprError
from cspr_tui.exports.properties import APPLICATION, read_custom_properties
from cspr_tui.exports.service import (
    AgencyReportExport,
    CaseJsonExport,
    CaseReportExport,
    TrackerExport,
    run_export,
)
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings, save_settings
from cspr_tui.vault import create_vault, open_vault
from tests.cli_run import cspr
from tests.tui.conftest import PASSPHRASE as PASS

SETTINGS = Settings(reviewer_name="Reviewer One")


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    """A real vault with one case: people, a referral, an agency and a recommendation."""
    save_settings(SETTINGS)
    path = workspace / "vault" / "cases.vault"
    vault = create_vault(path, PASS)
    try:
        store = CaseStore(vault, SETTINGS, load_forms())
        case = store.create_case(agencies=["Police", "Health visiting"])
        store.add_person(case.ref, Person("Zoë Fictionalia", "Child A", "Subject child", "child"))
        store.save_record(
            case.ref,
            "referral",
            {"referrer_name": "Peregrine Testworth", "incident_description": "Zoë was hurt."},
        )
        store.add_recommendation(
            case.ref, text="Share information.", lead_agency="Police", target_date="2026-12-01"
        )
        # A reviewer has decided every redaction finding (the gate a redacted export needs).
        from cspr_tui.exports.redaction.review import accepting, case_findings

        found = case_findings(store.get(case.ref), settings=SETTINGS, today=store.today())
        store.record_redaction_decisions(case.ref, accepting(found))
    finally:
        vault.close()
    return path


@pytest.fixture
def store(vault_path: Path):
    vault = open_vault(vault_path, PASS)
    try:
        yield CaseStore(vault, SETTINGS, load_forms())
    finally:
        vault.close()


def _exports(workspace: Path) -> list[str]:
    """Every entry in the exports folder, hidden temporary files included."""
    return sorted(os.listdir(workspace / "exports"))


def _audit_actions(vault_path: Path) -> list[str]:
    vault = open_vault(vault_path, PASS, readonly=True)
    try:
        return [e.action for e in CaseStore(vault, SETTINGS, load_forms()).audit_trail()]
    finally:
        vault.close()


def _accept_redaction_findings(store: CaseStore, ref: str) -> None:
    from cspr_tui.exports.redaction.review import accepting, case_findings

    found = case_findings(store.get(ref), settings=store.settings, today=store.today())
    store.record_redaction_decisions(ref, accepting(found, by="Reviewer One"))


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_case_report_is_written_recorded_and_carries_the_audit_head(store, workspace) -> None:
    ref = store.list_cases()[0].ref
    seq, head = store.audit_head()
    steps: list[tuple[int, int, str]] = []
    before = datetime.now(UTC).replace(microsecond=0)
    result = run_export(
        store, CaseReportExport(ref, "referral"), progress=lambda *s: steps.append(s)
    )
    assert result.path.parent == workspace / "exports" and result.path.is_file()
    entry = store.audit_trail()[-1]
    assert entry.action == "exported referral report" and entry.ref == ref
    assert next(c.new for c in entry.changes if c.field == "export.path") == str(result.path)
    # The file pins the history it was made from: the export entry follows that very head.
    props = read_custom_properties(result.path)
    assert props["audit_head"] == head == entry.prev_hash
    assert props["audit_seq"] == str(seq) == str(entry.seq - 1)
    assert (result.audit_head, result.audit_seq) == (head, seq)
    core = Document(str(result.path)).core_properties
    assert core.created >= before and core.modified >= core.created
    assert core.author == APPLICATION and core.last_modified_by == APPLICATION
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        assert f"<Application>{APPLICATION}</Application>" in archive.read(
            "docProps/app.xml"
        ).decode("utf-8")
    assert not [n for n in names if n.startswith("customXml/") or "thumbnail" in n]
    # Progress: from nothing to done, the audit step last but one, never backwards.
    done = [d for d, _t, _w in steps]
    assert done == sorted(done) and steps[-1][0] == steps[-1][1]
    assert any("audit trail" in what for _d, _t, what in steps)


def test_tracker_and_agency_report_carry_the_audit_head(store, workspace) -> None:
    ref = store.list_cases()[0].ref
    tracker = run_export(store, TrackerExport(quarter=Quarter.parse("2026-Q3")))
    workbook = openpyxl.load_workbook(tracker.path)
    assert workbook.properties.creator == APPLICATION
    assert workbook.properties.title == "Recommendations tracker Q3 2026-27"
    assert tracker.redacted  # the workbook is always redacted, and its audit entry says so
    entry = store.audit_trail()[-1]
    assert next(c.new for c in entry.changes if c.field == "export.redacted") is True
    assert workbook.properties.lastModifiedBy in (None, APPLICATION)  # never a person
    assert read_custom_properties(tracker.path)["audit_head"] == tracker.audit_head
    agency = run_export(store, AgencyReportExport(ref, "police"))
    # The tracker's own entry moved the head: the agency report pins the newer one.
    assert agency.audit_head != tracker.audit_head
    assert read_custom_properties(agency.path)["audit_head"] == agency.audit_head
    actions = [e.action for e in store.audit_trail()[-3:]]
    # The fillable report's request is marked sent in the same transaction as its export.
    assert actions == ["exported tracker", "agency report sent: Police", "exported agency-report"]
    assert agency.redacted and store.audit_trail()[-1].ref == ref


def test_json_export_goes_through_the_same_service(store, workspace) -> None:
    out = workspace / "exports" / "cases.json"
    result = run_export(store, CaseJsonExport(out=out))
    assert result.path == out and out.stat().st_mode & 0o077 == 0
    assert store.audit_trail()[-1].action == "exported json"
    with pytest.raises(CsprError, match="already exists"):
        run_export(store, CaseJsonExport(out=out))
    assert [e.action for e in store.audit_trail()].count("exported json") == 1
    into_folder = run_export(store, CaseJsonExport(out=workspace / "exports"))
    assert into_folder.path.parent == workspace / "exports"
    assert into_folder.path.name.startswith("cases-") and into_folder.path.suffix == ".json"


@pytest.mark.parametrize(
    "request_for",
    [
        lambda ref: CaseReportExport(ref, "final", redact=True),
        lambda ref: AgencyReportExport(ref, "Police"),
        lambda _ref: TrackerExport(quarter=Quarter.parse("2026-Q3")),
        lambda _ref: CaseJsonExport(),
    ],
    ids=["redacted-report", "agency-report", "tracker", "json"],
)
def test_audit_failure_leaves_no_file_and_no_entry(
    request_for, store, workspace, vault_path, monkeypatch
) -> None:
    ref = store.list_cases()[0].ref
    _accept_redaction_findings(store, ref)  # the review gate passed: only the audit fails
    before = _audit_actions(vault_path)
    with monkeypatch.context() as patch:
        patch.setattr(CaseStore, "record_export", _disk_full)
        with pytest.raises(CsprError, match="could not be recorded in the audit trail"):
            run_export(store, request_for(ref))
    assert _exports(workspace) == []  # no export, no hidden temporary file either
    assert _audit_actions(vault_path) == before


def test_audit_failure_puts_back_the_file_it_replaced(store, workspace, monkeypatch) -> None:
    ref = store.list_cases()[0].ref
    out = workspace / "exports" / "referral.docx"
    first = run_export(store, CaseReportExport(ref, "referral", out=out))
    original = out.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(CaseStore, "record_export", _disk_full)
        with pytest.raises(CsprError, match="nothing was exported"):
            run_export(store, CaseReportExport(ref, "referral", out=out, force=True))
    assert out.read_bytes() == original
    assert _exports(workspace) == [first.path.name]
    run_export(store, CaseReportExport(ref, "referral", out=out, force=True))
    assert out.read_bytes() != original  # replaced for real once the audit entry is saved
    assert _exports(workspace) == [first.path.name]


def test_a_writer_failure_keeps_the_old_file_and_leaves_nothing_else(store, workspace) -> None:
    out = workspace / "exports" / "referral.docx"
    out.write_bytes(b"an earlier export")
    with pytest.raises(CsprError):
        run_export(store, CaseReportExport("CSPR-2099-999", "referral", out=out, force=True))
    assert out.read_bytes() == b"an earlier export"
    assert _exports(workspace) == ["referral.docx"]


_CLI_WITH_FULL_DISK = """
import errno, sys
from cspr_tui.domain.store import CaseStore
def full(*a, **k):
    raise OSError(errno.ENOSPC, "No space left on device")
CaseStore.record_export = full
from cspr_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_cli_audit_failure_leaves_no_file(vault_path, workspace) -> None:
    ref = cspr("cases", "--json", passphrase=PASS).stdout.split('"ref": "')[1].split('"')[0]
    before = _audit_actions(vault_path)
    result = cspr(
        "export", "report", ref, "--kind", "referral", passphrase=PASS, code=_CLI_WITH_FULL_DISK
    )
    assert result.returncode == 1
    assert "could not be recorded in the audit trail" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert _exports(workspace) == []
    assert _audit_actions(vault_path) == before
    done = cspr("export", "report", ref, "--kind", "referral", passphrase=PASS)
    assert done.returncode == 0, done.stderr
    assert _audit_actions(vault_path)[-1] == "exported referral report"


async def test_tui_audit_failure_leaves_no_file(vault_path, workspace, monkeypatch) -> None:
    from textual.widgets import Static

    from cspr_tui.tui.dialogs.export import ExportDialog
    from tests.tui.conftest import build_app, settle, unlock

    before = _audit_actions(vault_path)
    with monkeypatch.context() as patch:
        patch.setattr(CaseStore, "record_export", _disk_full)
        app = build_app(SETTINGS, vault_path)
        async with app.run_test(size=(100, 40)) as pilot:
            await unlock(pilot)
            await pilot.press("x")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            await pilot.press("ctrl+s")  # the tracker, the dialog's first choice
            await settle(pilot)
            error = str(dialog.query_one(".dialog-error", Static).content)
            assert "could not be recorded in the audit trail" in error
            assert dialog.written is None
    assert _exports(workspace) == []
    assert _audit_actions(vault_path) == before


def test_the_vault_save_counter_is_recorded_once_the_vault_keeps_one(store, workspace) -> None:
    if not isinstance(getattr(store.vault, "save_counter", None), int):
        pytest.skip("this vault has no save counter yet (issue 16, vault lane)")
    ref = store.list_cases()[0].ref
    counter = store.vault.save_counter
    result = run_export(store, CaseReportExport(ref, "referral"))
    assert result.save_counter == counter
    assert read_custom_properties(result.path)["save_counter"] == str(counter)
    assert store.vault.save_counter > counter  # the export's audit entry was a save
