"""Suite-wide guards: no network, a private workspace per test, and a cheap KDF.

`CSPR_KDF_PROFILE=test` makes new vaults use tiny Argon2id parameters and lets the reader
accept them; it exists only so the suite stays quick (one test runs the real parameters).
It takes effect only with the suite's own marker `CSPR_TEST_SUITE=1` beside it, and new
keys are made with it only for vaults inside the temporary folder. `CSPR_STATE_HOME`
keeps the rollback witness files inside the test's own folder.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest


class NetworkBlocked(RuntimeError):
    pass


def _refuse(*_args, **_kwargs):
    raise NetworkBlocked("tests must not use the network")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any TCP/UDP connection or name lookup fails the test (asyncio's socketpair still works)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address, *args, **kwargs):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address, *args, **kwargs)
        _refuse()

    def guarded_connect_ex(self: socket.socket, address, *args, **kwargs):
        if self.family == socket.AF_UNIX:
            return real_connect_ex(self, address, *args, **kwargs)
        _refuse()

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket, "gethostbyname", _refuse)


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own workspace folder and a fast KDF; no real vault is touched."""
    home = tmp_path / "workspace"
    (home / "vault").mkdir(parents=True)
    (home / "exports").mkdir()
    monkeypatch.setenv("CSPR_HOME", str(home))
    monkeypatch.setenv("CSPR_KDF_PROFILE", "test")
    monkeypatch.setenv("CSPR_TEST_SUITE", "1")
    monkeypatch.setenv("CSPR_STATE_HOME", str(tmp_path / "state"))
    for name in (
        "CSPR_VAULT",
        "CSPR_PASSPHRASE",
        "CSPR_PASSPHRASE_FILE",
        "CSPR_NEW_PASSPHRASE",
        "CSPR_NEW_PASSPHRASE_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(home)
    return home
