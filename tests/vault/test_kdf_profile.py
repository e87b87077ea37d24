"""The weak test key derivation cannot reach a real vault: it needs the suite's own marker
beside `CSPR_KDF_PROFILE=test`, and it is never used for a new key outside the temporary
folder (`init`, `rekey`, a new vault), checked through the API and real `cspr` processes."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from cspr_tui.errors import UsageError, VaultDamaged
from cspr_tui.vault import create_vault, open_vault
from cspr_tui.vault.format import DEFAULT_KDF, TEST_KDF
from tests.cli_run import run_cspr


def cspr(*args: str, drop: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess[str]:
    return run_cspr(*args, env={**env, **dict.fromkeys(drop)})


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "old passphrase") as vault:
        vault.db.table("notes").insert({"text": "fictional"})
        assert vault.info().kdf == TEST_KDF
    return path


def test_the_profile_alone_does_not_let_weak_parameters_in(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CSPR_TEST_SUITE")
    with pytest.raises(VaultDamaged, match="below the safe minimum"):
        open_vault(vault_path, "old passphrase")


def test_a_new_key_outside_the_temporary_folder_never_uses_the_test_profile(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = workspace / "not-temp"
    elsewhere.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(elsewhere))
    path = workspace / "vault" / "real.vault"
    with pytest.raises(UsageError, match="test suite only"):
        create_vault(path, "a real passphrase")
    assert not path.exists()


def test_cspr_rekey_refuses_the_weak_profile_for_a_vault_outside_tmp(
    vault_path: Path, workspace: Path
) -> None:
    before = vault_path.read_bytes()
    not_temp = workspace / "other-temp"
    not_temp.mkdir()
    result = cspr(
        "rekey",
        CSPR_PASSPHRASE="old passphrase",
        CSPR_NEW_PASSPHRASE="new passphrase 2",
        TMPDIR=str(not_temp),
    )
    assert result.returncode == 2, result.stderr
    assert "CSPR_KDF_PROFILE=test is for the test suite only" in result.stderr
    assert "Traceback" not in result.stderr
    assert vault_path.read_bytes() == before


def test_cspr_init_refuses_the_weak_profile_without_the_suites_marker(workspace: Path) -> None:
    path = workspace / "vault" / "fresh.vault"
    result = cspr(
        "--vault", str(path), "init", CSPR_PASSPHRASE="new passphrase 2", drop=("CSPR_TEST_SUITE",)
    )
    assert result.returncode == 2, result.stderr
    assert "test suite only" in result.stderr
    assert not path.exists()


def test_cspr_init_without_the_profile_uses_the_default_parameters(workspace: Path) -> None:
    path = workspace / "vault" / "fresh.vault"
    result = cspr(
        "--vault", str(path), "init", CSPR_PASSPHRASE="new passphrase 2", drop=("CSPR_KDF_PROFILE",)
    )
    assert result.returncode == 0, result.stderr
    assert DEFAULT_KDF.describe() in result.stdout
