"""A save that fails part-way (disk full, a rename refused, a disk that flips a bit) changes
nothing, on disk or in memory, and leaves no temporary file or extra backup behind
(KeePassXC's FailDevice tests): for an appended change record, for a compaction (a new
snapshot) and for the first save of a format-1 vault (its migration)."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

from cspr_tui.errors import CsprError
from cspr_tui.vault import VaultClosed, create_vault, list_backups, open_vault
from cspr_tui.vault import atomic as atomic_module
from cspr_tui.vault import vault as vault_module
from tests.vault.test_known_answer import FORMAT1, FORMAT1_PASSPHRASE


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw") as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    return path


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _refs(vault: vault_module.Vault) -> list[str]:
    return [c["ref"] for c in vault.db.table("cases")]


# -- appending a change record ---------------------------------------------------------


@pytest.mark.parametrize("where", ["write-half-then-full", "fsync", "read-back"])
def test_a_failed_append_changes_nothing(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    vault = open_vault(vault_path, "pw")
    cases = vault.db.table("cases")
    before_bytes = vault_path.read_bytes()
    before_names = sorted(p.name for p in vault_path.parent.iterdir())
    counter = vault.save_counter
    real_pwrite, real_pread = os.pwrite, os.pread

    def half_then_full(fd: int, data: bytes, offset: int) -> int:
        real_pwrite(fd, bytes(data)[: len(data) // 2], offset)  # half lands, then ENOSPC
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flipped_read(fd: int, size: int, offset: int) -> bytes:
        data = real_pread(fd, size, offset)
        return data[:-1] + bytes([data[-1] ^ 1])

    with monkeypatch.context() as patch:
        if where == "write-half-then-full":
            patch.setattr(vault_module.os, "pwrite", half_then_full)
        elif where == "fsync":
            patch.setattr(vault_module, "_sync", _disk_full)
        else:
            patch.setattr(vault_module.os, "pread", flipped_read)
        with pytest.raises(CsprError, match=r"nothing was changed|previous version was kept"):
            cases.insert({"ref": "CSPR-2026-002"})
        with pytest.raises(CsprError), vault.transaction():
            cases.update({"stage": "closed"})
    assert _refs(vault) == ["CSPR-2026-001"]
    assert "stage" not in cases.all()[0]
    assert vault.save_counter == counter
    assert vault_path.read_bytes() == before_bytes  # the half-written record was cut off
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before_names
    cases.insert({"ref": "CSPR-2026-003"})  # and the next save works
    vault.close()
    with open_vault(vault_path, "pw") as again:
        assert _refs(again) == ["CSPR-2026-001", "CSPR-2026-003"]
        assert again.save_counter == counter + 1


def test_closing_inside_a_transaction_saves_nothing(vault_path: Path) -> None:
    vault = open_vault(vault_path, "pw")
    before = vault_path.read_bytes()
    with pytest.raises(VaultClosed), vault.transaction():
        vault.db.table("cases").insert({"ref": "CSPR-2026-004"})
        vault.close()
    assert vault_path.read_bytes() == before


# -- a compaction (a new snapshot replacing the file) -----------------------------------


@pytest.mark.parametrize("where", ["temp-write", "rename"])
def test_a_failed_compaction_changes_nothing(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    vault = open_vault(vault_path, "pw")
    before_bytes = vault_path.read_bytes()
    before_names = sorted(p.name for p in vault_path.parent.iterdir())
    with monkeypatch.context() as patch:
        if where == "temp-write":
            patch.setattr(atomic_module.os, "fsync", _disk_full)
        else:
            patch.setattr(os, "replace", _disk_full)
        with pytest.raises(CsprError, match=r"cannot save the vault .*nothing was changed"):
            vault.compact()
    assert vault_path.read_bytes() == before_bytes
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before_names
    vault.db.table("cases").insert({"ref": "CSPR-2026-003"})  # appends on the old file
    vault.compact()  # and the next compaction works, keeping one backup
    vault.close()
    with open_vault(vault_path, "pw") as again:
        assert _refs(again) == ["CSPR-2026-001", "CSPR-2026-003"]
    assert len(list_backups(vault_path)) == 1


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
        vault.compact()
    assert vault_path.read_bytes() == before
    vault.db.table("cases").insert({"ref": "CSPR-2026-005"})  # appends to the put-back file
    vault.close()
    with open_vault(vault_path, "pw") as again:
        assert _refs(again) == ["CSPR-2026-001", "CSPR-2026-005"]


def test_a_compaction_that_reads_back_wrong_puts_the_previous_file_back(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that silently flips a bit on the way: the read-back check catches it, the
    previous file is put back and the vault goes on from it."""
    vault = open_vault(vault_path, "pw")
    before = vault_path.read_bytes()
    real_write_temp = atomic_module.write_temp

    def flipping_write_temp(path: Path, data: Iterable[bytes]) -> Path:
        whole = b"".join(data)  # (the sealed stream, chunk by chunk)
        damaged = whole[:-5] + bytes([whole[-5] ^ 0x01]) + whole[-4:]
        return real_write_temp(path, damaged)

    names = sorted(p.name for p in vault_path.parent.iterdir())
    with monkeypatch.context() as patch:
        patch.setattr(atomic_module, "write_temp", flipping_write_temp)
        with pytest.raises(CsprError, match="did not read back correctly"):
            vault.compact()
    assert vault_path.read_bytes() == before
    assert sorted(p.name for p in vault_path.parent.iterdir()) == names  # no stray backup
    vault.db.table("cases").insert({"ref": "CSPR-2026-007"})  # the next save works
    vault.close()
    with open_vault(vault_path, "pw") as again:
        assert _refs(again) == ["CSPR-2026-001", "CSPR-2026-007"]


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
            vault.compact()
    vault.close()
    name = caught.value.message.split("'cspr restore ")[1].rstrip("'.")
    assert (vault_path.parent / name).read_bytes() == before  # the named backup is the old state
    with open_vault(vault_path.parent / name, "pw", readonly=True) as previous:
        assert _refs(previous) == ["CSPR-2026-001"]


# -- the first save of a format-1 vault ------------------------------------------------


def test_a_failed_migration_leaves_the_format1_file_and_memory_as_they_were(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workspace / "vault" / "cases.vault"
    shutil.copyfile(FORMAT1, path)
    before = path.read_bytes()
    vault = open_vault(path, FORMAT1_PASSPHRASE)
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", _disk_full)
        with pytest.raises(CsprError, match="nothing was changed"):
            vault.db.table("cases").insert({"ref": "CSPR-2026-099"})
    assert path.read_bytes() == before
    assert sorted(_refs(vault)) == ["CSPR-2025-014", "CSPR-2025-015"]
    assert sorted(p.name for p in path.parent.iterdir()) == ["cases.vault", "cases.vault.lock"]
    vault.close()
