"""One writer per vault, between real processes; a dead holder's lock is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cspr_tui.errors import VaultInUse
from cspr_tui.vault import create_vault, list_backups, open_vault, restore_backup

HOLDER = textwrap.dedent(
    """
    import sys
    from cspr_tui.vault import open_vault
    vault = open_vault(sys.argv[1], "pw")
    print("ready", flush=True)
    sys.stdin.read()  # hold the vault until the parent closes our stdin
    vault.close()
    """
)


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw") as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    return path


def _start_holder(path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def test_second_writer_is_refused_naming_the_holder(vault_path: Path) -> None:
    child = _start_holder(vault_path)
    try:
        before = vault_path.read_bytes()
        with pytest.raises(VaultInUse) as caught:
            open_vault(vault_path, "pw")
        assert f"process {child.pid}" in caught.value.message
        assert "since" in caught.value.message
        assert caught.value.exit_code == 5
        with pytest.raises(VaultInUse):
            restore_backup(vault_path, list_backups(vault_path)[0].name, "pw")
    except Exception:
        child.kill()
        raise
    else:
        # a read-only open is still allowed while another process writes
        with open_vault(vault_path, "pw", readonly=True) as reader:
            assert len(reader.db.table("cases")) == 1
        assert vault_path.read_bytes() == before
    finally:
        child.communicate("", timeout=10)
    with open_vault(vault_path, "pw") as vault:  # released on close
        assert len(vault.db.table("cases")) == 1
    assert not vault_path.with_name("cases.vault.lock").exists()


def test_lock_of_a_killed_process_is_taken_over(vault_path: Path) -> None:
    child = _start_holder(vault_path)
    lock = vault_path.with_name("cases.vault.lock")
    assert f"pid={child.pid}" in lock.read_text()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert lock.exists()  # left behind by the dead process
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
