"""Exports leave nothing behind and never land on the vault: real `cspr` subprocesses.

- a full disk during `cspr export json` leaves no file, no temporary file, no audit entry;
- a SIGKILL mid-export leaves a hidden `.part` file, which the next export (or the next
  opening of the vault) removes; a temporary file whose writer is alive is left alone;
- an `--out` that resolves to the vault, a backup, the lock or anything in the vault folder
  is refused with one line and exit 2, through `..` and symlinks too, and nothing changes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault, open_vault
from tests.cli_run import PASS, cspr


def _seed(path: Path) -> str:
    vault = create_vault(path, PASS)
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        ref = store.create_case(pseudonym="Child A").ref
        store.save_record(ref, "referral", {"incident_description": "Fictional event."})
    finally:
        vault.close()
    return ref


def _audit_exports(path: Path) -> list:
    vault = open_vault(path, PASS, readonly=True)
    try:
        store = CaseStore(vault, Settings(), load_forms())
        return [e for e in store.audit_trail() if "export" in e.action]
    finally:
        vault.close()


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    _seed(path)
    return path


DISK_FULL = """
import resource, signal, sys
# The kernel refuses any write that would make a file larger than this: the export's
# temporary file hits it part-way, exactly as a full disk would stop it.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from cspr_tui.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_full_disk_during_json_export_leaves_nothing(workspace: Path, vault_path: Path) -> None:
    vault = open_vault(vault_path, PASS)
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        ref = store.list_cases()[0].ref
        store.save_record(ref, "referral", {"incident_description": "A fictional account. " * 900})
    finally:
        vault.close()
    before = vault_path.read_bytes()
    limit = 8 * 1024  # below the ~20 KB export, above the lock file
    result = cspr(str(limit), "export", "json", "--out", "exports/all.json", code=DISK_FULL)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "File too large" in result.stderr  # the kernel's refusal, passed on in one line
    assert "nothing was saved" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert list((workspace / "exports").iterdir()) == []  # no file, no .part
    assert vault_path.read_bytes() == before  # no audit entry either
    assert _audit_exports(vault_path) == []


KILLED_MID_EXPORT = """
import sys, time
from pathlib import Path
from cspr_tui.exports.export_file import write_export

def fill(tmp):
    tmp.write_bytes(b"Zoe Fictionalia, plaintext case data\\n" * 10000)
    print("writing", flush=True)
    time.sleep(60)

write_export(Path(sys.argv[1]), fill)
"""


def _killed_export(target: Path) -> list[Path]:
    """Start a real export in a subprocess and SIGKILL it while its temporary file exists."""
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_EXPORT, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "writing"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    leftovers = [p for p in target.parent.iterdir() if p.name.endswith(".part")]
    assert leftovers, "the killed export left no temporary file (nothing to sweep)"
    assert not target.exists()
    return leftovers


def test_a_killed_exports_part_file_is_swept_by_the_next_export(
    workspace: Path, vault_path: Path
) -> None:
    exports = workspace / "exports"
    leftovers = _killed_export(exports / "report.docx")
    result = cspr("export", "json", "--out", str(exports / "cases.json"))
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in leftovers)
    assert sorted(p.name for p in exports.iterdir()) == ["cases.json"]


def test_opening_the_vault_sweeps_the_exports_folder(workspace: Path, vault_path: Path) -> None:
    leftovers = _killed_export(workspace / "exports" / "tracker.xlsx")
    result = cspr("cases")
    assert result.returncode == 0, result.stderr
    assert not any(p.exists() for p in leftovers)


def test_a_live_writers_temporary_file_is_left_alone(workspace: Path) -> None:
    from cspr_tui.exports.export_file import sweep_leftovers

    live = workspace / "exports" / f".report.docx.{os.getpid()}-0123456789ab.part"
    live.write_bytes(b"in progress")
    other = workspace / "exports" / ".notes.txt"
    other.write_bytes(b"not ours")
    assert sweep_leftovers(workspace / "exports") == []
    assert live.exists() and other.exists()


def _refused(result, vault_path: Path, before: bytes) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert "choose another --out" in result.stderr
    assert vault_path.read_bytes() == before
    assert not vault_path.is_symlink()


def test_out_onto_the_vault_or_its_folder_is_refused(workspace: Path, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    (workspace / "exports" / "to-vault.json").symlink_to(vault_path)
    (workspace / "exports" / "vault-folder").symlink_to(workspace / "vault")
    for out in (
        "vault/cases.vault",
        str(vault_path),
        "exports/../vault/cases.vault",
        "vault/cases.vault.lock",
        "vault/cases.vault.bak-20260101T000000Z",
        "vault/anything.json",
        "vault/",
        "exports/to-vault.json",
        "exports/vault-folder/x.json",
    ):
        result = cspr("export", "json", "--out", out, "--force")
        _refused(result, vault_path, before)
    for out in ("vault/cases.vault", "exports/to-vault.json", "exports/vault-folder/r.docx"):
        result = cspr("export", "report", "CSPR-2026-001", "--kind", "referral", "--out", out)
        _refused(result, vault_path, before)
    assert sorted(p.name for p in (workspace / "vault").iterdir()) == sorted(
        p.name for p in (workspace / "vault").iterdir() if not p.name.endswith(".json")
    )


def test_out_onto_a_vault_outside_the_workspace_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    vault = elsewhere / "team.vault"
    _seed(vault)
    before = vault.read_bytes()
    for out in (str(vault), str(vault) + ".lock", str(elsewhere / ".team.vault.tmp-1-ab")):
        result = cspr("--vault", str(vault), "export", "json", "--out", out, "--force")
        _refused(result, vault, before)
    fine = cspr("--vault", str(vault), "export", "json", "--out", str(elsewhere / "out.json"))
    assert fine.returncode == 0, fine.stderr


def test_out_naming_a_folder_writes_the_default_name_inside(
    workspace: Path, vault_path: Path
) -> None:
    folder = workspace / "out"
    folder.mkdir()
    result = cspr("export", "json", "--out", "out/")
    assert result.returncode == 0, result.stderr
    [written] = list(folder.iterdir())
    assert written.name.startswith("cases-") and written.suffix == ".json"
    assert str(written) in result.stdout  # the absolute path is named
    result = cspr("export", "report", "CSPR-2026-001", "--kind", "referral", "--out", "out")
    assert result.returncode == 0, result.stderr
    assert any(p.suffix == ".docx" for p in folder.iterdir())
    missing = cspr("export", "json", "--out", "nowhere/")
    assert missing.returncode == 2
    assert f"{workspace / 'nowhere'}" in missing.stderr
    assert not (workspace / "nowhere").exists()


def test_a_sweep_does_not_wait_for_the_killed_process(workspace: Path) -> None:
    """The kill is immediate; the sweep needs no grace period for a dead writer."""
    from cspr_tui.exports.export_file import sweep_leftovers

    leftovers = _killed_export(workspace / "exports" / "r.docx")
    started = time.monotonic()
    assert sorted(sweep_leftovers(workspace / "exports")) == sorted(leftovers)
    assert time.monotonic() - started < 5
