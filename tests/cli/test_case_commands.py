"""`cspr import`, `cspr cases`, `cspr deadlines` and `cspr export json`, run as subprocesses."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault, open_vault
from tests.cli_run import PASS, cspr
from tests.domain import case_values as cv

CORPUS = Path(__file__).parent / "import_corpus"


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    """The workspace's default vault holding three cases at different stages."""
    path = workspace / "vault" / "cases.vault"
    vault = create_vault(path, PASS)
    store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
    store.create_case(notes="nothing recorded yet")
    overdue = store.create_case().ref  # notification long ago, rapid review never done
    store.save_record(overdue, "notification", cv.notification())
    ref = cv.case_at_stage(store, "monitoring")
    store.add_quarterly_update(ref, store.get(ref).recommendations[0].id, "Begun", "In progress")
    vault.close()
    return path


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


def test_cases_lists_reference_stage_and_next_deadline(vault_path: Path) -> None:
    done = cspr("cases")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == [
        "Reference",
        "Pseudonym",
        "Stage",
        "Next",
        "deadline",
        "Due",
        "Days",
        "left",
    ]
    assert [line.split()[0] for line in lines[1:]] == [
        "CSPR-2026-001",
        "CSPR-2026-002",
        "CSPR-2026-003",
    ]
    assert "Recommendations monitoring" in lines[3]
    overdue_line = lines[2]
    assert "T2" in overdue_line and "10/03/2026" in overdue_line  # 5 WD after 03/03/2026

    listed = json.loads(cspr("cases", "--json").stdout)
    assert [c["ref"] for c in listed] == ["CSPR-2026-001", "CSPR-2026-002", "CSPR-2026-003"]
    second = listed[1]
    assert second["stage"] == "referral_received" and second["pseudonym"] == "Child B"
    assert second["next_deadline"]["rule"] == "T2"
    assert second["next_deadline"]["due"] == "2026-03-10"
    assert second["next_deadline"]["status"] == "overdue"
    assert second["next_deadline"]["days_left"] < 0


def test_deadlines_put_overdue_first(vault_path: Path) -> None:
    listed = json.loads(cspr("deadlines", "--json").stdout)
    statuses = [d["status"] for d in listed]
    assert statuses[0] == "overdue"
    assert statuses == sorted(statuses, key=lambda s: s != "overdue")
    assert {d["ref"] for d in listed if d["status"] == "overdue"} >= {"CSPR-2026-002"}
    table = cspr("deadlines")
    assert table.returncode == 0 and "Overdue" in table.stdout.splitlines()[1]
    first_row = table.stdout.splitlines()[1]
    assert first_row.startswith("CSPR-2026-002") and "10/03/2026" in first_row


def test_empty_vault(workspace: Path) -> None:
    create_vault(workspace / "vault" / "cases.vault", PASS).close()
    assert cspr("cases").stdout.strip() == "No cases in this vault."
    assert json.loads(cspr("deadlines", "--json").stdout) == []


def test_missing_vault_and_wrong_passphrase(workspace: Path, vault_path: Path) -> None:
    done = cspr("--vault", str(workspace / "nope.vault"), "cases")
    assert done.returncode == 2 and "cspr init" in done.stderr
    wrong = cspr("cases", passphrase="not it")
    assert wrong.returncode == 3 and "Traceback" not in wrong.stderr


def test_round_trip_is_identical(workspace: Path, vault_path: Path) -> None:
    first = workspace / "exports" / "first.json"
    done = cspr("export", "json", "--out", str(first))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    other = workspace / "vault" / "other.vault"
    create_vault(other, PASS).close()
    imported = cspr("--vault", str(other), "import", str(first))
    assert imported.returncode == 0, imported.stderr
    assert "3 new, 0 updated" in imported.stdout
    second = workspace / "exports" / "second.json"
    assert cspr("--vault", str(other), "export", "json", "--out", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    again = cspr("--vault", str(other), "import", str(first))
    assert "0 new, 3 updated" in again.stdout
    with open_vault(vault_path, PASS, readonly=True) as vault:
        exports = [e for e in vault.db.table("audit").all() if e["action"] == "exported json"]
    assert len(exports) == 1


def test_export_selected_refs_and_overwrite_rules(workspace: Path, vault_path: Path) -> None:
    out = workspace / "exports" / "one.json"
    assert cspr("export", "json", "CSPR-2026-002", "--out", str(out)).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [c["ref"] for c in data["cases"]] == ["CSPR-2026-002"]
    refused = cspr("export", "json", "--out", str(out))
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == data
    assert cspr("export", "json", "--force", "--out", str(out)).returncode == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["cases"]) == 3
    unknown = cspr("export", "json", "CSPR-2026-999", "--out", str(workspace / "x.json"))
    assert unknown.returncode == 2 and not (workspace / "x.json").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_json.json", ["is not valid JSON", "$: Expecting value at line 2"]),
        ("wrong_shape.json", ["$.cases: {'ref': 'CSPR-2026-001'} is not of type 'array'"]),
        ("unknown_stage.json", ["$.cases[0].stage: 'half way there' is not one of"]),
        (
            "impossible_dates.json",
            [
                "4 problems",
                "$.cases[0].pauses[0].start: '2026-13-01' is not a real date",
                "$.cases[1].pseudonym: '' should be non-empty",
                "$.cases[1]: Additional properties are not allowed ('colour' was unexpected)",
            ],
        ),
        ("incomplete_record.json", ["$.cases[0].records.referral.values.referral_date"]),
    ],
)
def test_malformed_import_changes_nothing(vault_path: Path, name: str, expected: list[str]) -> None:
    before = _digest(vault_path.parent)
    done = cspr("import", str(CORPUS / name))
    assert done.returncode == 6, (done.stdout, done.stderr)
    assert done.stderr.startswith("cspr: ")
    for text in expected:
        assert text in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert _digest(vault_path.parent) == before


def test_impossible_date_in_a_form_answer_is_named(vault_path: Path) -> None:
    done = cspr("import", str(CORPUS / "impossible_dates.json"))
    assert "$.cases[0].records.referral.values.incident_date" in done.stderr
    assert "real date" in done.stderr


def test_import_of_a_missing_file_is_a_usage_error(vault_path: Path, workspace: Path) -> None:
    done = cspr("import", str(workspace / "missing.json"))
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_cases_is_read_only(vault_path: Path) -> None:
    before = _digest(vault_path.parent)
    assert cspr("cases").returncode == 0 and cspr("deadlines").returncode == 0
    assert _digest(vault_path.parent) == before


def test_cases_names_a_publication_deferred_pending_proceedings(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    vault = create_vault(path, PASS)
    store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
    ref = cv.case_at_stage(store, "review_in_progress")
    store.defer_publication(ref, "Inquest", "inquest listed for the autumn")
    vault.close()
    done = cspr("cases", "--json")
    assert done.returncode == 0, done.stderr
    (listed,) = json.loads(done.stdout)
    assert (listed["stage"], listed["stage_label"]) == (
        "paused",
        "Publication deferred pending proceedings",
    )
    table = cspr("cases")
    assert "Publication deferred pending proceedings" in table.stdout.splitlines()[1]
