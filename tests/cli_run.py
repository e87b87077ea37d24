"""Real `cspr` subprocesses for the tests: one way to start them, used by every test file.

The command runs as a person would run it (`python -m cspr_tui ARGS`), with standard input
closed and its output captured as text, inside the test's own workspace (conftest's
environment is inherited). `code` runs `python -c CODE ARGS` instead, for a test that
patches something in the child before calling `cspr_tui.cli.main`. `workspace_store` makes
the workspace's default vault through the public API first, as another session would.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings, save_settings
from cspr_tui.vault import create_vault

PASS = "an invented passphrase"


def run_cspr(
    *args: str,
    env: Mapping[str, str | None] | None = None,
    cwd: Path | None = None,
    code: str | None = None,
    timeout: float = 180,  # a bound for a hung command on a loaded machine, not a wait
) -> subprocess.CompletedProcess[str]:
    """`cspr ARGS` with `env` added to the environment (a None value removes a variable)."""
    full = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    program = ["-c", code] if code else ["-m", "cspr_tui"]
    return subprocess.run(
        [sys.executable, *program, *args],
        env=full,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cspr(
    *args: str,
    passphrase: str = PASS,
    env: Mapping[str, str | None] | None = None,
    cwd: Path | None = None,
    code: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """`cspr ARGS` with the passphrase in `CSPR_PASSPHRASE`, as a script would give it."""
    return run_cspr(*args, env={"CSPR_PASSPHRASE": passphrase, **(env or {})}, cwd=cwd, code=code)


@contextmanager
def workspace_store(workspace: Path, passphrase: str = PASS) -> Iterator[CaseStore]:
    """A new vault at the workspace's default place, filled through the store in the block
    and closed after it, with the settings saved so `cspr` names the same reviewer."""
    settings = Settings(reviewer_name="Reviewer One")
    save_settings(settings)
    vault = create_vault(workspace / "vault" / "cases.vault", passphrase)
    try:
        yield CaseStore(vault, settings, load_forms())
    finally:
        vault.close()


def one_case_vault(workspace: Path) -> Path:
    """The workspace's default vault holding one new case (made through the store)."""
    with workspace_store(workspace) as store:
        store.create_case()
    return workspace / "vault" / "cases.vault"


def folder_digest(folder: Path) -> dict[str, str]:
    """Every file's SHA-256 in a folder: "nothing changed" is the same digest after."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
