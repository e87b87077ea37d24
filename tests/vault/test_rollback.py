"""Rollback evidence: an older copy of a vault put over the current one is refused (exit 4,
one line: what, which save was expected, how to accept it) unless --allow-rollback;
`cspr restore` makes the restored state the accepted one. Real `cspr` processes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from cspr_tui.errors import VaultDamaged
from cspr_tui.vault import create_vault, open_vault, witness
from cspr_tui.vault.vault import RollbackDetected
from tests.cli_run import run_cspr


def cspr(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cspr(*args, env=env)


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw") as vault:
        vault.db.table("drafts").insert({"form": "referral", "ref": "CSPR-2026-001"})
        vault.compact()  # a backup holding save 1
        vault.db.table("drafts").insert({"form": "referral", "ref": "CSPR-2026-002"})
    return path


def test_the_witness_lives_outside_the_vault_folder_owner_only(vault_path: Path) -> None:
    folder = witness.state_dir()
    assert vault_path.parent not in [folder, *folder.parents]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (record,) = (folder / "witness").iterdir()
    assert int(record.read_text()) == 2
    assert stat.S_IMODE(record.stat().st_mode) == 0o600


def test_each_save_rewrites_the_witness_in_place_at_a_fixed_width(vault_path: Path) -> None:
    """No temp file and rename per save (ext4 flushes a file renamed over another: about a
    millisecond a save); the same file, the same 21 bytes, the new counter."""
    (record,) = (witness.state_dir() / "witness").iterdir()
    inode = record.stat().st_ino
    with open_vault(vault_path, "pw") as vault:
        for n in range(3):
            vault.db.table("drafts").insert({"form": "referral", "ref": f"CSPR-2026-1{n}"})
    assert [p.name for p in record.parent.iterdir()] == [record.name]
    assert record.stat().st_ino == inode
    assert record.read_bytes() == b"%020d\n" % 5
    assert witness.seen(bytes.fromhex(record.name.split(".")[0])) == 5


def test_a_pipe_planted_as_the_witness_neither_hangs_the_save_nor_is_written(
    vault_path: Path,
) -> None:
    (record,) = (witness.state_dir() / "witness").iterdir()
    vault_id = bytes.fromhex(record.name.split(".")[0])
    record.unlink()
    os.mkfifo(record)
    assert witness.record(vault_id, 9) is False  # refused at once: opened without blocking
    assert stat.S_ISFIFO(record.stat().st_mode)
    record.unlink()
    record.symlink_to(vault_path)
    assert witness.record(vault_id, 9) is False  # a link is never followed
    assert record.is_symlink()


def test_an_older_copy_over_the_vault_is_refused_then_accepted(
    vault_path: Path, workspace: Path
) -> None:
    old_copy = workspace / "old.vault"
    shutil.copyfile(vault_path, old_copy)
    with open_vault(vault_path, "pw") as vault:
        vault.db.table("drafts").insert({"form": "referral", "ref": "CSPR-2026-003"})
        assert vault.save_counter == 3
    shutil.copyfile(old_copy, vault_path)  # someone puts the older file back
    result = cspr("verify", CSPR_PASSPHRASE="pw")
    assert result.returncode == 4, result.stderr
    (line,) = result.stderr.splitlines()
    assert "holds save 2 but save 3 was opened here before" in line
    assert "--allow-rollback" in line and "Traceback" not in line
    assert cspr("cases", CSPR_PASSPHRASE="pw").returncode == 4  # every command
    accepted = cspr("--allow-rollback", "verify", CSPR_PASSPHRASE="pw")
    assert accepted.returncode == 0, accepted.stderr
    assert "save counter: 2" in accepted.stdout
    assert cspr("verify", CSPR_PASSPHRASE="pw").returncode == 0  # the state was accepted


def test_cutting_off_the_last_saves_is_a_rollback_too(vault_path: Path) -> None:
    blob = vault_path.read_bytes()
    with open_vault(vault_path, "pw", readonly=True) as vault:
        assert vault.save_counter == 2
    from tests.vault import corpus

    start, _end = corpus.frames(blob)[-1]
    vault_path.write_bytes(blob[:start])
    with pytest.raises(RollbackDetected, match="holds save 1 but save 2"):
        open_vault(vault_path, "pw")
    with open_vault(vault_path, "pw", allow_rollback=True) as vault:
        assert vault.save_counter == 1


def test_restore_updates_the_witness(vault_path: Path) -> None:
    listing = cspr("backups").stdout
    name = next(word for word in listing.split() if word.startswith("cases.vault.bak-"))
    restored = cspr("restore", name, CSPR_PASSPHRASE="pw")
    assert restored.returncode == 0, restored.stderr
    verify = cspr("verify", CSPR_PASSPHRASE="pw")
    assert verify.returncode == 0, verify.stderr
    assert "save counter: 1" in verify.stdout
    with open_vault(vault_path, "pw") as vault:
        assert [d["ref"] for d in vault.db.table("drafts")] == ["CSPR-2026-001"]


def test_verify_prints_the_audit_head_and_the_counter(vault_path: Path) -> None:
    result = cspr("verify", CSPR_PASSPHRASE="pw")
    assert result.returncode == 0, result.stderr
    assert "save counter: 2 (vault id " in result.stdout
    assert "audit head: entry 0, hash " in result.stdout


def test_a_rollback_is_damage_for_the_api_too(vault_path: Path, workspace: Path) -> None:
    old = vault_path.read_bytes()
    with open_vault(vault_path, "pw") as vault:
        vault.db.table("drafts").remove(doc_ids=[1])
    vault_path.write_bytes(old)
    with pytest.raises(VaultDamaged) as caught:
        open_vault(vault_path, "pw", readonly=True)
    assert caught.value.exit_code == 4
