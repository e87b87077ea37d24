"""One writer per vault, between real processes; a dead holder's lock is taken over."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from cspr_tui.errors import CsprError, VaultInUse
from cspr_tui.vault import create_vault, list_backups, open_vault, restore_backup
from tests.vault.holder import STOP_DEADLINE, holding


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw") as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
        vault.compact()  # a backup to restore from
    return path


def test_second_writer_is_refused_naming_the_holder(vault_path: Path) -> None:
    with holding(vault_path) as child:
        before = vault_path.read_bytes()
        with pytest.raises(VaultInUse) as caught:
            open_vault(vault_path, "pw")
        assert f"process {child.pid}" in caught.value.message
        assert "since" in caught.value.message
        assert caught.value.exit_code == 5
        with pytest.raises(VaultInUse):
            restore_backup(vault_path, list_backups(vault_path)[0].name, "pw")
        # a read-only open is still allowed while another process writes
        with open_vault(vault_path, "pw", readonly=True) as reader:
            assert len(reader.db.table("cases")) == 1
        assert vault_path.read_bytes() == before
    with open_vault(vault_path, "pw") as vault:  # released on close
        assert len(vault.db.table("cases")) == 1
    assert not vault_path.with_name("cases.vault.lock").exists()


def test_lock_of_a_killed_process_is_taken_over(vault_path: Path) -> None:
    lock = vault_path.with_name("cases.vault.lock")
    with holding(vault_path) as child:
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=STOP_DEADLINE) == -signal.SIGKILL
        assert f"pid={child.pid}" in lock.read_text()  # left behind by the dead process
    with open_vault(vault_path, "pw") as vault:
        assert f"pid={os.getpid()}" in lock.read_text()
        vault.db.table("cases").insert({"ref": "CSPR-2026-002"})


def test_stale_lock_file_naming_a_dead_pid_is_taken_over(vault_path: Path) -> None:
    lock = vault_path.with_name("cases.vault.lock")
    lock.write_text("pid=999999\nhost=elsewhere\nsince=2026-01-05T09:00:00+00:00\n")
    with open_vault(vault_path, "pw") as vault:
        assert len(vault.db.table("cases")) == 1
    assert not lock.exists()


def test_two_vaults_in_one_process_contend_too(vault_path: Path) -> None:
    with open_vault(vault_path, "pw"), pytest.raises(VaultInUse, match=str(os.getpid())):
        open_vault(vault_path, "pw")


def test_releasing_never_removes_another_holders_lock_file(vault_path: Path) -> None:
    """A lock file deleted behind its holder's back (a clean-up script) lets a second
    writer in; the first one's release must not then delete the second's file too."""
    lock = vault_path.with_name("cases.vault.lock")
    first = open_vault(vault_path, "pw")
    lock.unlink()
    with open_vault(vault_path, "pw") as second:
        first.close()
        assert lock.exists()
        with pytest.raises(VaultInUse):  # the second writer is still protected
            open_vault(vault_path, "pw")
        second.db.table("cases").insert({"ref": "CSPR-2026-003"})
    assert not lock.exists()


def test_a_symlink_at_the_lock_name_is_refused_not_followed(
    vault_path: Path, workspace: Path
) -> None:
    victim = workspace / "reviewer-notes.txt"
    victim.write_text("kept as it is\n", encoding="utf-8")
    vault_path.with_name("cases.vault.lock").symlink_to(victim)
    with pytest.raises(CsprError, match="cannot lock the vault"):
        open_vault(vault_path, "pw")
    assert victim.read_text(encoding="utf-8") == "kept as it is\n"
