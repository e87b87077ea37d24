"""Real `cspr` subprocesses for the tests: one way to start them, used by every test file.

The command runs as a person would run it (`python -m cspr_tui ARGS`), with standard input
closed and its output captured as text, inside the test's own workspace (conftest's
environment is inherited). `code` runs `python -c CODE ARGS` instead, for a test that
patches something in the child before calling `cspr_tui.cli.main`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

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
