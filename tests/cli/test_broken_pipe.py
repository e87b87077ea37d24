"""`cspr cases | head -1` and every other printing command end quietly on a closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault

PASS = "an invented passphrase"


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    vault = create_vault(path, PASS)
    store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
    for _ in range(30):
        store.create_case()
    vault.close()
    return path


def _into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `cspr ARGS` writing into a pipe whose reading end is already closed."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "cspr_tui", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "CSPR_PASSPHRASE": PASS},
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args",
    [
        ("cases",),
        ("cases", "--json"),
        ("deadlines",),
        ("verify",),
        ("where",),
        ("--help",),
        ("cases", "--help"),
        ("--version",),
        ("templates", "check"),
        ("completion", "bash"),
    ],
    ids=" ".join,
)
def test_a_closed_pipe_ends_quietly(vault_path: Path, args: tuple[str, ...]) -> None:
    result = _into_closed_pipe(*args)
    assert result.stderr == "", result.stderr
    if "--help" in args or "--version" in args:
        assert result.returncode in {0, 141}  # argparse itself ignores a failed help write
    else:
        assert result.returncode == 141  # as a standard tool killed by SIGPIPE


def test_cases_into_head_through_a_real_shell_pipe(vault_path: Path) -> None:
    """The reported case: `cspr cases | head -1` prints one line and no error."""
    command = f"{sys.executable} -m cspr_tui cases | head -1; echo status=${{PIPESTATUS[0]}}"
    result = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        env={**os.environ, "CSPR_PASSPHRASE": PASS},
        timeout=120,
        check=False,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert lines[1] in {"status=0", "status=141"}  # 0 when all of it fitted the pipe
    assert "Error" not in result.stderr and "unexpected" not in result.stderr, result.stderr
