"""`cspr import` shows its progress on stderr (a terminal, or --progress) and stays all or
nothing: a bad case at the end of a long file leaves the vault's bytes as they were."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from cspr_tui.domain import import_stream
from cspr_tui.domain.case_json import dump_cases, parse_case_file
from cspr_tui.domain.store import CaseStore
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault, open_vault
from tests.cli_run import folder_digest, one_case_vault

PASS = "an invented passphrase"
COUNT = 250


def cspr(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSPR_PASSPHRASE": PASS}
    return subprocess.run(
        [sys.executable, "-m", "cspr_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


def _file_of(tmp_path: Path, count: int = COUNT) -> tuple[Path, dict]:
    """An import file of `count` new cases (CSPR-2026-101 onwards), built through the store."""
    vault = create_vault(tmp_path / "source.vault", PASS)
    store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
    for n in range(count):
        store.create_case(notes=f"Case note {n} near the old mill")
    data = dump_cases(store.list_cases())
    vault.close()
    for n, item in enumerate(data["cases"]):
        item["ref"] = f"CSPR-2026-{101 + n:03d}"
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path, data


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return one_case_vault(workspace)


def test_progress_flag_reports_checking_and_saving(
    vault_path: Path, tmp_path: Path, workspace: Path
) -> None:
    source, _data = _file_of(tmp_path)
    done = cspr("import", "--progress", str(source))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "Checked 100 of 250 case(s)"
    assert "Checked 250 of 250 case(s)" in lines
    assert lines[-2:] == ["Saving 250 case(s) to the vault...", "Saved 250 case(s)"]
    assert "250 new, 0 updated" in done.stdout
    quiet = cspr("import", str(source))  # not a terminal, no flag: nothing on stderr
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "0 new, 250 updated" in quiet.stdout
    vault = open_vault(vault_path, PASS)
    try:
        assert len(CaseStore(vault, Settings(), load_forms())) == 251
    finally:
        vault.close()


def test_progress_is_redrawn_on_a_terminal(vault_path: Path, tmp_path: Path) -> None:
    source, _data = _file_of(tmp_path, 120)
    env = {**os.environ, "CSPR_PASSPHRASE": PASS}
    parent, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cspr_tui", "import", str(source)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        env=env,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(parent, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    out, _ = proc.communicate(timeout=180)
    os.close(parent)
    shown = b"".join(chunks).decode()
    assert proc.returncode == 0, shown
    assert "\r\x1b[KChecked 100 of 120 case(s)" in shown
    assert "\r\x1b[KSaved 120 case(s)\r\n" in shown or "\r\x1b[KSaved 120 case(s)\n" in shown
    assert b"120 new" in out


def test_a_bad_last_case_imports_nothing(vault_path: Path, tmp_path: Path) -> None:
    source, data = _file_of(tmp_path)
    data["cases"][-1]["stage"] = "not_a_stage"
    source.write_text(json.dumps(data), encoding="utf-8")
    before = folder_digest(vault_path.parent)
    done = cspr("import", "--progress", str(source))
    assert done.returncode == 6
    assert f"$.cases[{COUNT - 1}].stage: 'not_a_stage' is not one of" in done.stderr
    assert "Traceback" not in done.stderr
    assert folder_digest(vault_path.parent) == before


def test_checking_gives_what_parse_case_file_gives(tmp_path: Path) -> None:
    _source, data = _file_of(tmp_path, 30)
    forms = load_forms()
    seen: list[tuple[str, int, int]] = []
    cases = import_stream.check_cases(data, forms, progress=lambda *a: seen.append(a))
    assert [c.ref for c in cases] == [c.ref for c in parse_case_file(data, forms)]
    assert seen == [("checking", 30, 30)]
    data["cases"][12]["ref"] = data["cases"][3]["ref"]  # a repeat
    data["cases"][20]["records"] = {"referral": {"form_id": "screening", "values": {}}}
    with pytest.raises(ValidationFailed) as streamed:
        import_stream.check_cases(data, forms)
    with pytest.raises(ValidationFailed) as whole:
        parse_case_file(data, forms)
    assert streamed.value.details == whole.value.details and len(whole.value.details) >= 2
    data["version"] = 99
    with pytest.raises(ValidationFailed):
        import_stream.check_cases(data, forms)
