"""A passphrase file others can read is warned about on stderr, as ssh does (real `cspr`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cspr_tui.vault import create_vault

PASS = "an invented passphrase"


def _cases(passphrase_file: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSPR_PASSPHRASE_FILE": str(passphrase_file)}
    return subprocess.run(
        [sys.executable, "-m", "cspr_tui", "cases"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_group_or_world_readable_passphrase_file_is_warned_about(workspace: Path) -> None:
    create_vault(workspace / "vault" / "cases.vault", PASS).close()
    secret = workspace.parent / "passphrase.txt"
    secret.write_text(PASS + "\n", encoding="utf-8")
    for mode in (0o644, 0o640, 0o604):
        secret.chmod(mode)
        result = _cases(secret)
        assert result.returncode == 0, result.stderr
        [warning] = [line for line in result.stderr.splitlines() if "warning" in line]
        assert str(secret.resolve()) in warning
        assert f"{mode:04o}" in warning
        assert "chmod 600" in warning
    secret.chmod(0o600)
    result = _cases(secret)
    assert result.returncode == 0
    assert "warning" not in result.stderr
