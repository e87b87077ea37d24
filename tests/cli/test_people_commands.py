"""`cspr people` as a subprocess on a real vault: list, add, edit, refuse bad input."""

from __future__ import annotations

import json
from pathlib import Path

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault
from tests.cli_run import PASS, cspr


def _case(workspace: Path) -> str:
    vault = create_vault(workspace / "vault" / "cases.vault", PASS)
    store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
    ref = store.create_case().ref
    vault.close()
    return ref


def test_people_add_edit_and_list(workspace: Path) -> None:
    ref = _case(workspace)
    added = cspr(
        "people", ref, "--add", "--name", "Zoë Fictionalia", "--pseudonym", "Child A",
        "--role", "Subject child", "--kind", "child", "--dob", "04/05/2019",
        "--nhs-number", "943 476 5919", "--addresses", "4 Invented Close, Nowhereton",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    edited = cspr("people", ref, "--edit", "1", "--variants", "Zo; Zozo")
    assert edited.returncode == 0, edited.stderr
    listed = cspr("people", ref, "--json")
    person = json.loads(listed.stdout)[0]
    assert person["real_name"] == "Zoë Fictionalia"
    assert person["date_of_birth"] == "2019-05-04"
    assert person["variants"] == ["Zo", "Zozo"]
    assert person["addresses"] == ["4 Invented Close, Nowhereton"]
    table = cspr("people", ref)
    assert "Child A" in table.stdout and "NHS number" in table.stdout


def test_people_refuses_a_bad_nhs_number_and_changes_nothing(workspace: Path) -> None:
    ref = _case(workspace)
    bad = cspr(
        "people", ref, "--add", "--name", "Ann Example", "--pseudonym", "Mother",
        "--role", "Mother", "--nhs-number", "1234567890",
    )  # fmt: skip
    assert bad.returncode == 6
    assert "NHS number" in bad.stderr and "Traceback" not in bad.stderr
    assert json.loads(cspr("people", ref, "--json").stdout) == []
    missing = cspr("people", ref, "--edit", "3", "--role", "Aunt")
    assert missing.returncode == 2 and "no person number 3" in missing.stderr


def test_people_remove_needs_a_reason(workspace: Path) -> None:
    ref = _case(workspace)
    cspr(
        "people", ref, "--add", "--name", "Ann Example", "--pseudonym", "Mother", "--role", "Mother"
    )
    refused = cspr("people", ref, "--remove", "1")
    assert refused.returncode == 6 and "reason" in refused.stderr.lower()
    removed = cspr("people", ref, "--remove", "1", "--reason", "added to the wrong case")
    assert removed.returncode == 0, removed.stderr
    assert json.loads(cspr("people", ref, "--json").stdout) == []
