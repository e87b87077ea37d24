"""A save that fails part-way (disk full, a rename refused) changes nothing, on disk or in
memory, and leaves no temporary file or extra backup behind (KeePassXC's FailDevice tests)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cspr_tui.errors import CsprError
from cspr_tui.vault import VaultClosed, create_vault, list_backups, open_vault
from cspr_tui.vault import atomic as atomic_module


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw") as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    return path


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["temp-write", "rename"])
def test_failed_save_changes_nothing(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    vault = open_vault(vault_path, "pw")
    cases = vault.db.table("cases")
    before_bytes = vault_path.read_bytes()
    before_names = sorted(p.name for p in vault_path.parent.iterdir())
    with monkeypatch.context() as patch:
        if where == "temp-write":
            patch.setattr(atomic_module.os, "fsync", _disk_full)
        else:
            patch.setattr(os, "replace", _disk_full)
        with pytest.raises(CsprError, match=r"cannot save the vault .*nothing was changed"):
            cases.insert({"ref": "CSPR-2026-002"})
        with pytest.raises(CsprError), vault.transaction():
            cases.update({"stage": "closed"})
    assert [c["ref"] for c in cases] == ["CSPR-2026-001"]
    assert "stage" not in cases.all()[0]
    assert vault_path.read_bytes() == before_bytes
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before_names
    cases.insert({"ref": "CSPR-2026-003"})  # and the next save works
    vault.close()
    with open_vault(vault_path, "pw") as again:
        assert [c["ref"] for c in again.db.table("cases")] == ["CSPR-2026-001", "CSPR-2026-003"]
    assert len(list_backups(vault_path)) == 2  # one per successful save, none for failures


def test_closing_inside_a_transaction_saves_nothing(vault_path: Path) -> None:
    vault = open_vault(vault_path, "pw")
    before = vault_path.read_bytes()
    with pytest.raises(VaultClosed), vault.transaction():
        vault.db.table("cases").insert({"ref": "CSPR-2026-004"})
        vault.close()
    assert vault_path.read_bytes() == before


def test_failure_after_the_rename_puts_the_previous_file_back(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = open_vault(vault_path, "pw")
    before = vault_path.read_bytes()
    calls = {"n": 0}
    real_fsync_dir = atomic_module.fsync_dir

    def fail_once(folder: Path) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync_dir(folder)

    monkeypatch.setattr(atomic_module, "fsync_dir", fail_once)
    with pytest.raises(CsprError, match="previous version was kept"):
        vault.db.table("cases").insert({"ref": "CSPR-2026-005"})
    assert vault_path.read_bytes() == before
    assert [c["ref"] for c in vault.db.table("cases")] == ["CSPR-2026-001"]
    vault.close()


def test_a_save_that_reads_back_wrong_puts_the_previous_file_back(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that silently flips a bit on the way: the read-back check catches it, the
    previous file is put back and memory returns to the last good state."""
    vault = open_vault(vault_path, "pw")
    before = vault_path.read_bytes()
    real_write_temp = atomic_module.write_temp

    def flipping_write_temp(path: Path, data: bytes) -> Path:
        damaged = data[:-5] + bytes([data[-5] ^ 0x01]) + data[-4:]
        return real_write_temp(path, damaged)

    names = sorted(p.name for p in vault_path.parent.iterdir())
    with monkeypatch.context() as patch:
        patch.setattr(atomic_module, "write_temp", flipping_write_temp)
        with pytest.raises(CsprError, match="did not read back correctly"):
            vault.db.table("cases").insert({"ref": "CSPR-2026-006"})
    assert vault_path.read_bytes() == before
    assert sorted(p.name for p in vault_path.parent.iterdir()) == names  # no stray backup
    assert [c["ref"] for c in vault.db.table("cases")] == ["CSPR-2026-001"]
    vault.db.table("cases").insert({"ref": "CSPR-2026-007"})  # the next save works
    vault.close()
    with open_vault(vault_path, "pw") as again:
        assert [c["ref"] for c in again.db.table("cases")] == ["CSPR-2026-001", "CSPR-2026-007"]


def test_when_the_previous_file_cannot_be_put_back_the_error_names_its_backup(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = open_vault(vault_path, "pw")
    before = vault_path.read_bytes()
    real_replace = os.replace
    calls = {"replace": 0}

    def second_replace_fails(src: object, dst: object) -> None:
        calls["replace"] += 1
        if calls["replace"] == 2:  # the first puts the new file in place; then put-back
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    def fsync_fails(_folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with monkeypatch.context() as patch:
        patch.setattr(atomic_module, "fsync_dir", fsync_fails)
        patch.setattr(os, "replace", second_replace_fails)
        with pytest.raises(CsprError, match=r"could not be saved or put back") as caught:
            vault.db.table("cases").insert({"ref": "CSPR-2026-008"})
    vault.close()
    name = caught.value.message.split("'cspr restore ")[1].rstrip("'.")
    assert (vault_path.parent / name).read_bytes() == before  # the named backup is the old state
    with open_vault(vault_path.parent / name, "pw", readonly=True) as previous:
        assert [c["ref"] for c in previous.db.table("cases")] == ["CSPR-2026-001"]
