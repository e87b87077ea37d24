"""Where passphrases come from when no terminal is attached, and how bad sources are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspr_tui.cli.passphrase import read_passphrase
from cspr_tui.errors import UsageError


def test_file_wins_over_the_variable_and_only_its_first_line_counts(tmp_path, monkeypatch):
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse\nsecond line\n", encoding="utf-8")
    monkeypatch.setenv("CSPR_PASSPHRASE_FILE", str(secret))
    monkeypatch.setenv("CSPR_PASSPHRASE", "ignored")
    assert read_passphrase() == "correct horse"


def test_variable_is_used_without_a_file(monkeypatch):
    monkeypatch.setenv("CSPR_PASSPHRASE", "from the environment")
    assert read_passphrase() == "from the environment"


def test_new_passphrase_prefix_reads_its_own_variables(monkeypatch):
    monkeypatch.setenv("CSPR_PASSPHRASE", "old one")
    monkeypatch.setenv("CSPR_NEW_PASSPHRASE", "new one")
    assert read_passphrase("CSPR_NEW_PASSPHRASE") == "new one"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\xff\xfe\xfa not utf-8", "not UTF-8"),
    ],
)
def test_bad_passphrase_files_are_one_line_usage_errors(tmp_path, monkeypatch, content, expected):
    secret = tmp_path / "pass.txt"
    secret.write_bytes(content)
    monkeypatch.setenv("CSPR_PASSPHRASE_FILE", str(secret))
    with pytest.raises(UsageError, match=expected):
        read_passphrase()


def test_missing_passphrase_file_names_the_file(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("CSPR_PASSPHRASE_FILE", str(tmp_path / "absent.txt"))
    with pytest.raises(UsageError, match=r"absent\.txt"):
        read_passphrase()


def test_no_source_and_no_terminal_says_what_to_set(monkeypatch):
    monkeypatch.setattr("sys.stdin", None)
    with pytest.raises(UsageError, match="CSPR_PASSPHRASE_FILE"):
        read_passphrase()
