"""`cspr demo --create-only`, and `cspr tui` refusing to start without a terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cspr_tui.vault import open_vault


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspr_tui", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_demo_create_only_builds_the_demo_vault_once(workspace: Path) -> None:
    demo = workspace / "vault" / "demo.vault"
    result = run("demo", "--create-only")
    assert result.returncode == 0, result.stderr
    assert "passphrase: demo" in result.stderr
    vault = open_vault(demo, "demo", readonly=True)
    try:
        assert len(vault.db.table("cases").all()) >= 10
    finally:
        vault.close()
    before = demo.read_bytes()
    again = run("demo", "--create-only")
    assert again.returncode == 0
    assert "already" in again.stderr
    assert demo.read_bytes() == before  # never rebuilt over the reviewer's demo changes


def test_app_without_a_terminal_is_one_line_and_exit_2(workspace: Path) -> None:
    for args in (("tui",), ()):
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert "needs a terminal" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (workspace / "vault" / "cases.vault").exists()
