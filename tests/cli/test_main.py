"""The command-line frame: usage errors are one line with exit 2 and point at the right help."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspr_tui", *args], capture_output=True, text=True, timeout=60
    )


def test_unknown_top_level_option_is_a_one_line_usage_error():
    result = run("--no-such-option")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "cspr: unrecognized arguments: --no-such-option (see 'cspr --help')"
    )


def test_subcommand_usage_error_points_at_that_subcommand_help():
    result = run("export", "tracker", "--quarter")
    assert result.returncode == 2
    assert "see 'cspr export tracker --help'" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_lists_every_command_group():
    result = run("--help")
    assert result.returncode == 0
    for command in (
        "init",
        "verify",
        "rekey",
        "backups",
        "restore",
        "import",
        "cases",
        "deadlines",
        "templates",
        "export",
        "demo",
        "tui",
    ):
        assert command in result.stdout


def test_vault_option_is_accepted_after_the_command_as_well_as_before(tmp_path):
    import os

    vault = tmp_path / "elsewhere.vault"
    env = {**os.environ, "CSPR_PASSPHRASE": "a long enough passphrase"}
    created = subprocess.run(
        [sys.executable, "-m", "cspr_tui", "init", "--vault", str(vault)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert created.returncode == 0, created.stderr
    assert vault.exists()
    for args in (["--vault", str(vault), "cases"], ["cases", "--vault", str(vault)]):
        listed = subprocess.run(
            [sys.executable, "-m", "cspr_tui", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert listed.returncode == 0, listed.stderr
    nested = subprocess.run(
        [
            sys.executable,
            "-m",
            "cspr_tui",
            "export",
            "json",
            "--out",
            str(tmp_path / "o.json"),
            "--vault",
            str(vault),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert nested.returncode == 0, nested.stderr
    assert (tmp_path / "o.json").exists()
