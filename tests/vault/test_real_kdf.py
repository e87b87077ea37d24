"""One round trip at the real default Argon2id parameters, timing the unlock."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cspr_tui.errors import WrongPassphrase
from cspr_tui.vault import DEFAULT_KDF, create_vault, open_vault


@pytest.mark.slow
def test_default_parameters_round_trip_and_unlock_time(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CSPR_KDF_PROFILE")
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "a real passphrase") as vault:
        assert vault.info().kdf == DEFAULT_KDF
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    started, cpu_started = time.perf_counter(), time.process_time()
    with open_vault(path, "a real passphrase") as vault:
        unlock, unlock_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        assert vault.db.table("cases").all() == [{"ref": "CSPR-2026-001"}]
    with pytest.raises(WrongPassphrase):
        open_vault(path, "not the passphrase")
    # Loose bounds on the CPU this process spent (not the wall clock, which a loaded machine
    # stretches): catches a KDF that silently fell back to trivial or runaway costs.
    assert 0.1 < unlock_cpu < 5.0, unlock_cpu
    print(f"unlock at {DEFAULT_KDF.describe()}: {unlock:.2f} s ({unlock_cpu:.2f} s CPU)")
