"""`cspr returns import`, `cspr referral import`, `cspr export chronology|referral-form`
as real subprocesses on a real encrypted vault."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from cspr_tui.domain.form_mapping import agency_record
from cspr_tui.domain.store import CaseStore
from cspr_tui.exports.form_report import strip_enumerator
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings, save_settings
from cspr_tui.vault import open_vault
from tests.cli_run import cspr
from tests.exports.filling import controls, edit_document, fill_answers, set_control
from tests.exports.return_fixtures import PASS, Setting, complete


@pytest.fixture
def ref(workspace: Path) -> str:
    save_settings(Settings(reviewer_name="Reviewer One"))
    made = Setting(workspace)
    made.close()
    return made.ref


def _store(workspace: Path):
    vault = open_vault(workspace / "vault" / "cases.vault", PASS, readonly=True)
    return vault, CaseStore(vault, Settings(), load_forms())


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_full_cycle_export_fill_import_merge_export(ref: str, workspace: Path, tmp_path) -> None:
    sent = cspr("export", "agency-report", ref, "--agency", "police")
    assert sent.returncode == 0, sent.stderr
    blank = Path(sent.stdout.splitlines()[0].removeprefix("Wrote "))
    assert blank.name == f"{ref}_Police_AgencyInfoReport_v1.docx"
    assert stat.S_IMODE(blank.stat().st_mode) == 0o600
    vault, store = _store(workspace)
    request = next(r for r in store.get(ref).agency_reports if r.agency == "Police")
    assert request.sent_date and len(request.token) == 32
    vault.close()
    filled = complete(blank, tmp_path / "police-return.docx")

    checked = cspr("returns", "import", "--check", str(filled))
    assert checked.returncode == 0, checked.stderr
    assert "Police's report for" in checked.stdout and "2 chronology row(s)" in checked.stdout
    assert "nothing stored" in checked.stdout

    stored = cspr("returns", "import", str(filled))
    assert stored.returncode == 0, stored.stderr
    assert "stored as Police's report" in stored.stdout
    vault, store = _store(workspace)
    case = store.get(ref)
    assert agency_record(case, "Police").values["procedures_followed"] == "Partly"
    assert next(r for r in case.agency_reports if r.agency == "Police").received_date
    trail = store.audit_trail(ref)
    assert any(e.action == "agency report returned: Police" for e in trail)
    vault.close()

    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"chronology.{fmt}"
        merged = cspr("export", "chronology", ref, "--format", fmt, "--out", str(out))
        assert merged.returncode == 0, merged.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = "\n".join(
        c.text
        for row in Document(str(tmp_path / "chronology.docx")).tables[0].rows
        for c in row.cells
    )
    assert "03/04/2025" in text and "Call from a neighbour" in text
    sheet = openpyxl.load_workbook(tmp_path / "chronology.xlsx")["Chronology"]
    assert sheet["C2"].value == "Police" and sheet["A2"].number_format == "DD/MM/YYYY"


def test_a_later_return_supersedes_and_both_stay_in_the_audit(ref: str, workspace, tmp_path):
    blank = Path(cspr("export", "agency-report", ref, "--agency", "Police").stdout.split()[1])
    first = complete(blank, tmp_path / "first.docx")
    assert cspr("returns", "import", str(first)).returncode == 0

    def revise(root) -> None:
        set_control(controls(root, "staffing")[0], "Three vacancies, corrected.")

    second = edit_document(first, revise, tmp_path / "second.docx")
    assert cspr("returns", "import", str(second)).returncode == 0
    vault, store = _store(workspace)
    assert agency_record(store.get(ref), "Police").values["staffing"] == (
        "Three vacancies, corrected."
    )
    returned = [e for e in store.audit_trail(ref) if e.action == "agency report returned: Police"]
    assert len(returned) == 2
    olds = [c.old for c in returned[1].changes if c.field.endswith("staffing")]
    assert olds == ["Two vacancies in the team at the time."]
    vault.close()


def test_a_refused_return_changes_nothing_and_lists_every_problem(ref, workspace, tmp_path):
    blank = Path(cspr("export", "agency-report", ref, "--agency", "Police").stdout.split()[1])
    bad = complete(
        blank,
        tmp_path / "bad.docx",
        answers={"author_name": "DS Invented", "signoff_date": "32/13/2026"},
        rows=[{"date": "yesterday", "event": "Call"}],
    )
    vault_file = workspace / "vault" / "cases.vault"
    before = _digest(vault_file)
    result = cspr("returns", "import", str(bad))
    assert result.returncode == 6
    assert "Traceback" not in result.stderr
    assert "5. Chronology, row 1, Date: 'yesterday' is not a date" in result.stderr
    assert "15. Sign-off, Date signed off" in result.stderr
    assert "Author's role is required" in result.stderr
    assert "1 of 1 file(s) refused" in result.stderr
    assert _digest(vault_file) == before


def test_a_random_docx_is_refused_with_exit_6(ref, workspace, tmp_path) -> None:
    other = tmp_path / "minutes.docx"
    doc = Document()
    doc.add_paragraph("Not a report")
    doc.save(str(other))
    before = _digest(workspace / "vault" / "cases.vault")
    result = cspr("returns", "import", str(other))
    assert result.returncode == 6 and "no document id" in result.stderr
    assert _digest(workspace / "vault" / "cases.vault") == before


def test_blank_referral_form_and_referral_import(ref, workspace, tmp_path) -> None:
    out = tmp_path / "referral-form.docx"
    made = cspr("export", "referral-form", "--out", str(out))
    assert made.returncode == 0, made.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    form = load_forms()["referral"]
    for section in form.sections:  # every section of referral.yaml is in the form
        assert strip_enumerator(section.title) in text  # its letter printed by the style
    answers = {
        "ack_not_cp_referral": "Yes",
        "discussed_with_lead": "No",
        "referrer_name": "Peregrine Testworth",
        "referrer_job_title": "Health visitor",
        "referrer_agency": "Health visiting",
        "referral_date": "2/11/26",
        "incident_date": "1 November 2026",
        "aware_date": "01/11/2026",
        "incident_location": "Somewhere on the moon",  # not one of the choices
        "incident_description": "Admitted to hospital with injuries.",
        "children.name": "Zoë Fictionalia",  # the first child's block
        "children.dob": "4 May 2019",
        "children.la_of_residence": "Gateshead",
    }
    filled = edit_document(out, fill_answers(answers), tmp_path / "referral.docx")
    result = cspr("referral", "import", str(filled))
    assert result.returncode == 0, result.stderr
    assert "Created draft case" in result.stdout
    assert "not understood" in result.stdout and "Somewhere on the moon" in result.stdout
    # What is left to answer, field by field: the answer's path, then the form screen's words
    assert "  to complete: incident_location: Where it happened is required.\n" in result.stdout
    assert (
        "  to complete: children[0].address: Child 1: Home address and postcode is required.\n"
    ) in result.stdout
    new_ref = result.stdout.split("Created draft case ")[1].split()[0]
    vault, store = _store(workspace)
    values = store.get(new_ref).record("referral").values
    assert values["referral_date"] == "2026-11-02" and values["incident_date"] == "2026-11-01"
    assert values["referrer_agency"] == "Health visiting"
    assert "incident_location" not in values
    child = values["children"][0]
    assert child["name"] == "Zoë Fictionalia" and child["dob"] == "2019-05-04"
    assert len(values["children"]) == 1  # the blank second and third blocks are not children
    vault.close()


def test_excel_chronology_template_is_filled_and_read_back(ref, workspace, tmp_path) -> None:
    made = cspr("export", "chronology-template", ref, "--agency", "Health visiting")
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.split()[1])
    book = openpyxl.load_workbook(path)
    sheet = book["Chronology"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Date", "Time", "Who (role)", "Event"]
    assert "AgencyChronology" in sheet.tables
    kinds = sorted(v.type for v in sheet.data_validations.dataValidation)
    assert kinds == ["date", "list"]  # dates, and significance from the RAG list
    from datetime import datetime

    sheet.append(
        [
            datetime(2025, 6, 2),
            "11:30",
            "Health visitor",
            "New birth visit",
            "",
            "",
            "HV notes",
            "Green",
        ]
    )
    sheet.append(["3.6.25", None, "Health visitor", "Follow-up call", None, None, None, "Amber"])
    sheet.append(["01/01/2027", None, None, "Outside the period", None, None, None, None])
    sheet.tables["AgencyChronology"].ref = "A1:H4"
    filled = tmp_path / "hv.xlsx"
    book.save(filled)
    result = cspr("returns", "import", str(filled))
    assert result.returncode == 0, result.stderr
    assert "3 chronology row(s)" in result.stdout and "outside the period" in result.stdout
    vault, store = _store(workspace)
    rows = agency_record(store.get(ref), "Health visiting").values["chronology"]
    assert [r["date"] for r in rows] == ["2025-06-02", "2025-06-03", "2027-01-01"]
    assert rows[0]["time"] == "11:30" and rows[1]["significance"] == "Amber"
    vault.close()
    # The same workbook from another vault's request is refused.
    other = book["About"]
    for row in other.iter_rows():
        if str(row[0].value).startswith("Document id"):
            row[1].value = row[1].value[:-32] + "0" * 32
    book.custom_doc_props.props.clear()
    forged = tmp_path / "forged.xlsx"
    book.save(forged)
    refused = cspr("returns", "import", str(forged))
    assert refused.returncode == 6 and "does not match the request" in refused.stderr


def test_redacted_chronology_replaces_names_and_is_checked(ref, workspace, tmp_path) -> None:
    blank = Path(cspr("export", "agency-report", ref, "--agency", "Police").stdout.split()[1])
    rows = [
        {
            "date": "03/04/2025",
            "event": "Zoë Fictionalia seen with her mother, Siobhán O'Neill",
            "who": "Response officer",
        }
    ]
    assert (
        cspr("returns", "import", str(complete(blank, tmp_path / "r.docx", rows=rows))).returncode
        == 0
    )
    plain = tmp_path / "plain.docx"
    redacted = tmp_path / "redacted.docx"
    assert cspr("export", "chronology", ref, "--out", str(plain)).returncode == 0
    done = cspr("export", "chronology", ref, "--redact", "--out", str(redacted))
    assert done.returncode == 0, done.stderr
    assert "Zoë Fictionalia" in _all_text(plain)
    text = _all_text(redacted)
    assert "Zoë" not in text and "Siobhán" not in text and "Child A seen" in text
    vault, store = _store(workspace)
    entry = store.audit_trail(ref)[-1]
    assert entry.action == "exported chronology"
    assert any(c.field == "export.redacted" and c.new is True for c in entry.changes)
    vault.close()


def _all_text(path: Path) -> str:
    from cspr_tui.exports.docx_report import package_text

    return package_text(path)


def test_a_full_return_cycle_on_the_demo(workspace: Path, tmp_path: Path) -> None:
    env = {**os.environ, "CSPR_PASSPHRASE": "demo"}

    def demo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cspr_tui", "--vault", "vault/demo.vault", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
            cwd=workspace,
        )

    made = subprocess.run(
        [sys.executable, "-m", "cspr_tui", "demo", "--create-only"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=workspace,
    )
    assert made.returncode == 0, made.stderr
    vault = open_vault(workspace / "vault" / "demo.vault", "demo", readonly=True)
    store = CaseStore(vault, Settings(), load_forms())
    case = next(c for c in store.list_cases() if len(c.agency_reports) >= 2)
    agencies = [r.agency for r in case.agency_reports[:2]]
    vault.close()
    returns = []
    for agency in agencies:
        sent = demo("export", "agency-report", case.ref, "--agency", agency)
        assert sent.returncode == 0, sent.stderr
        rows = [
            {
                "date": "12/10/2026",
                "time": "21:40",
                "who": "Practitioner",
                "event": "Attended the home after the 999 call about the baby",
            }
        ]
        returns.append(
            complete(Path(sent.stdout.split()[1]), tmp_path / f"{agency}.docx", rows=rows)
        )
    imported = demo("returns", "import", *map(str, returns))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.count("stored as") == 2
    out = tmp_path / "chronology.docx"
    merged = demo("export", "chronology", case.ref, "--out", str(out))
    assert merged.returncode == 0, merged.stderr
    table = Document(str(out)).tables[0]
    shared = [row.cells[6].text for row in table.rows[1:]]
    assert shared == [agencies[1], agencies[0]] or shared == [agencies[0], agencies[1]]
