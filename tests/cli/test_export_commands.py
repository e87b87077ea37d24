"""`cspr export tracker | agency-report | report | json` as subprocesses on a real vault."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cspr_tui.domain.case import Person
from cspr_tui.domain.quarter import current_quarter
from cspr_tui.domain.store import CaseStore
from cspr_tui.exports import document_text
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import open_vault
from tests.cli_run import PASS, cspr, workspace_store

NOT_ENCRYPTED = "This file is not encrypted"


@pytest.fixture
def ref(workspace: Path) -> str:
    """One case made through the store: people, a referral draft and two actions."""
    with workspace_store(workspace) as store:  # the audit names this reviewer
        case = store.create_case(agencies=["Police", "Health visiting"])
        store.add_person(case.ref, Person("Zoë Fictionalia", "Child A", "Subject child", "child"))
        store.add_person(case.ref, Person("Siobhán O'Neill", "Mother", "Mother", "family"))
        store.save_record(
            case.ref,
            "referral",
            {
                "referrer_name": "Peregrine Testworth",
                "incident_description": 'Zoë\'s mother said "A & B <C>".\nThen she left.',
            },
        )
        store.add_recommendation(
            case.ref,
            text="=SUM(A1) share what is known about Zoë",
            action="Review the protocol",
            lead_agency="Police",
            target_date="2026-12-01",
        )
        store.add_recommendation(case.ref, text="Train staff", lead_agency="Health visiting")
        _review_everything(store, case.ref)
    return case.ref


def _review_everything(store: CaseStore, ref: str) -> None:
    """What a reviewer does before a redacted export: a decision on every finding."""
    from cspr_tui.exports.redaction.review import accepting, case_findings

    found = case_findings(store.get(ref), settings=store.settings, today=store.today())
    store.record_redaction_decisions(ref, accepting(found))


def _audit(workspace: Path) -> list:
    vault = open_vault(workspace / "vault" / "cases.vault", PASS, readonly=True)
    try:
        store = CaseStore(vault, Settings(), load_forms())
        return [e for e in store.audit_trail() if e.action.startswith("exported")]
    finally:
        vault.close()


def _change(entry, field: str):
    return next(c.new for c in entry.changes if c.field == field)


def test_tracker_default_quarter_and_audit(ref: str, workspace: Path) -> None:
    result = cspr("export", "tracker")
    assert result.returncode == 0, result.stderr
    quarter = current_quarter(date.today())
    fy, number = quarter.financial_year, quarter.number
    path = (
        workspace / "exports" / f"Safeguarding-Children-Partnership_RecTracker_{fy}_Q{number}.xlsx"
    )
    assert f"Wrote {path}" in result.stdout and NOT_ENCRYPTED in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ws = openpyxl.load_workbook(path)["Tracker"]
    assert ws["A2"].value == f"{ref}-R1-A1"
    assert ws["E2"].value == "R1: =SUM(A1) share what is known about Child A"
    assert ws["E2"].data_type == "s"
    (entry,) = _audit(workspace)
    assert entry.action == "exported tracker" and entry.who == "Reviewer One"
    assert _change(entry, "export.path") == str(path)
    assert _change(entry, "export.redacted") is True  # the tracker is always redacted
    assert quarter.code in _change(entry, "export.details")


def test_tracker_named_quarter_out_and_force(ref: str, workspace: Path) -> None:
    out = workspace / "board.xlsx"
    assert cspr("export", "tracker", "--quarter", "2026-Q3", "--out", str(out)).returncode == 0
    before = out.read_bytes()
    again = cspr("export", "tracker", "--quarter", "2026-Q3", "--out", str(out))
    assert again.returncode == 2
    assert again.stderr.strip().startswith("cspr: ") and "--force" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1 and "Traceback" not in again.stderr
    assert out.read_bytes() == before
    assert len(_audit(workspace)) == 1
    forced = cspr("export", "tracker", "--quarter", "2026-Q3", "--out", str(out), "--force")
    assert forced.returncode == 0
    assert len(_audit(workspace)) == 2


@pytest.mark.parametrize("quarter", ["2026-Q5", "Q3"])
def test_bad_quarter_is_one_line(ref: str, workspace: Path, quarter: str) -> None:
    result = cspr("export", "tracker", "--quarter", quarter)
    assert result.returncode == 2
    assert result.stderr.startswith("cspr: ") and "Traceback" not in result.stderr
    assert list((workspace / "exports").iterdir()) == []


def test_agency_report(ref: str, workspace: Path) -> None:
    result = cspr("export", "agency-report", ref, "--agency", "police")
    assert result.returncode == 0, result.stderr
    path = workspace / "exports" / f"{ref}_Police_AgencyInfoReport_v1.docx"
    assert f"Wrote {path}" in result.stdout and NOT_ENCRYPTED in result.stdout
    text = document_text(path)
    assert "Child A" in text and "Subject child" in text and "Mother" in text
    assert "Zoë" not in text and "Siobhán" not in text
    (entry,) = _audit(workspace)
    assert entry.ref == ref and entry.action == "exported agency-report"
    assert _change(entry, "export.details") == "agency: Police"
    second = cspr("export", "agency-report", ref, "--agency", "Police")
    assert second.returncode == 0
    assert (workspace / "exports" / f"{ref}_Police_AgencyInfoReport_v2.docx").exists()


def test_unknown_agency_lists_the_case_agencies(ref: str, workspace: Path) -> None:
    result = cspr("export", "agency-report", ref, "--agency", "Fire service")
    assert result.returncode == 2  # not found, as everywhere
    assert result.stderr.strip() == (
        f"cspr: {ref} has no agency 'Fire service'; its agencies are: Police, Health visiting."
    )
    assert list((workspace / "exports").iterdir()) == []
    assert _audit(workspace) == []


def test_report_plain_and_redacted(ref: str, workspace: Path) -> None:
    plain = cspr("export", "report", ref, "--kind", "referral")
    assert plain.returncode == 0, plain.stderr
    text = document_text(workspace / "exports" / f"{ref}_Referral_v1.docx")
    assert "Peregrine Testworth" in text and 'Zoë\'s mother said "A & B <C>".\nThen' in text
    redacted = cspr("export", "report", ref, "--kind", "referral", "--redact")
    assert redacted.returncode == 0, redacted.stderr
    path = workspace / "exports" / "Child-A_Referral_Redacted_v1.docx"
    text = document_text(path)
    assert 'Child A\'s mother said "A & B <C>".' in text
    for name in ("Zoë", "Fictionalia", "Siobhán", "Peregrine", "Testworth"):
        assert name not in text
    entries = _audit(workspace)
    assert [_change(e, "export.redacted") for e in entries] == [False, True]
    assert entries[1].action == "exported referral report"


def test_redaction_failure_writes_nothing(ref: str, workspace: Path) -> None:
    from docx import Document

    from cspr_tui import paths

    folder = workspace / "form_templates" / "docx"
    folder.mkdir(parents=True)
    doc = Document(str(paths.shipped_templates_dir() / "docx" / "referral.docx"))
    doc.add_paragraph("Written with ZOË FICTIONALIA.")
    doc.save(str(folder / "referral.docx"))
    result = cspr("export", "report", ref, "--kind", "referral", "--redact")
    assert result.returncode == 6
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("cspr: the finished document still contains identifying")
    assert any("ZOË FICTIONALIA" in line for line in lines[1:])
    assert list((workspace / "exports").iterdir()) == []
    assert _audit(workspace) == []


def test_unknown_case_wrong_passphrase_and_bad_kind(ref: str, workspace: Path) -> None:
    missing = cspr("export", "report", "CSPR-2099-999", "--kind", "final")
    assert missing.returncode == 2 and "CSPR-2099-999" in missing.stderr
    wrong = cspr("export", "report", ref, "--kind", "final", passphrase="not it")
    assert wrong.returncode == 3
    kind = cspr("export", "report", ref, "--kind", "summary")
    assert kind.returncode == 2 and "Traceback" not in kind.stderr
    assert list((workspace / "exports").iterdir()) == []


def test_json_goes_through_the_case_commands(ref: str, workspace: Path) -> None:
    out = workspace / "cases.json"
    result = cspr("export", "json", ref, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert ref in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert cspr("export", "json", "--out", str(out)).returncode == 2


def test_unwritable_out_is_one_line_and_unaudited(ref: str, workspace: Path) -> None:
    result = cspr("export", "report", ref, "--kind", "referral", "--out", "/proc/cspr-x.docx")
    assert result.returncode == 1
    assert result.stderr.startswith("cspr: cannot write in /proc")
    assert len(result.stderr.strip().splitlines()) == 1 and "unexpected" not in result.stderr
    assert _audit(workspace) == []
