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
