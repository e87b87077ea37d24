"""Saving settings never follows a planted symlink and is atomic; app folders are 0700."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cspr_tui import paths
from cspr_tui.settings import Settings, load_settings, save_settings


def test_a_symlink_planted_at_the_settings_file_is_replaced_not_followed(
    workspace: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (workspace / paths.SETTINGS_FILE_NAME).symlink_to(victim)
    save_settings(Settings(reviewer_name="Reviewer One"))
    assert victim.read_text(encoding="utf-8") == "precious"
    written = workspace / paths.SETTINGS_FILE_NAME
    assert not written.is_symlink()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert load_settings().reviewer_name == "Reviewer One"


def test_symlinks_planted_at_temporary_names_are_never_written_through(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    # The old fixed temporary name, and the exact next random one.
    (workspace / f"{paths.SETTINGS_FILE_NAME}.tmp").symlink_to(victim)
    from cspr_tui.errors import CsprError

    planted = workspace / f".{paths.SETTINGS_FILE_NAME}.{os.getpid()}-{'ab' * 6}.tmp"
    planted.symlink_to(victim)
    with monkeypatch.context() as patched:
        patched.setattr("secrets.token_hex", lambda n=6: "ab" * n)
        with pytest.raises(CsprError, match="could not save the settings"):
            save_settings(Settings(reviewer_name="Reviewer Two"))
    assert victim.read_text(encoding="utf-8") == "precious"
    assert planted.is_symlink()  # left as found, not followed or removed
    save_settings(Settings(reviewer_name="Reviewer Two"))
    assert victim.read_text(encoding="utf-8") == "precious"
    data = json.loads((workspace / paths.SETTINGS_FILE_NAME).read_text(encoding="utf-8"))
    assert data["reviewer_name"] == "Reviewer Two"


def test_every_level_the_app_creates_is_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        paths.make_private_dir(tmp_path / "a" / "b" / "vault")
    finally:
        os.umask(old)
    for level in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "vault"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level


def test_demo_and_exports_folders_are_created_0700(workspace: Path) -> None:
    for name in ("vault", "exports"):
        (workspace / name).rmdir()
    env = {**os.environ}
    result = subprocess.run(
        [sys.executable, "-m", "cspr_tui", "demo", "--create-only"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((workspace / "vault").stat().st_mode) == 0o700
    result = subprocess.run(
        # An unredacted report needs no redaction review, so only the folder is under test.
        [
            *(sys.executable, "-m", "cspr_tui", "--vault", "vault/demo.vault"),
            *("export", "report", "CSPR-2026-001", "--kind", "referral"),
        ],
        capture_output=True,
        text=True,
        env={**env, "CSPR_PASSPHRASE": "demo"},
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((workspace / "exports").stat().st_mode) == 0o700
