"""Export files: owner-only, atomic, and never replacing an existing file unasked."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from cspr_tui.errors import CsprError
from cspr_tui.exports.export_file import (
    ExportExists,
    safe_name_part,
    write_export,
    write_versioned_export,
)


def _fill(text: str):
    def fill(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return fill


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Children's social care", "Children-s-social-care"),
        ("Zoë Łukasz", "Zoe-ukasz"),
        ("../../etc/passwd", "etc-passwd"),
        ("Police / CID & Co", "Police-CID-Co"),
        ("", "export"),
        ("...", "export"),
    ],
)
def test_safe_name_part(text: str, expected: str) -> None:
    assert safe_name_part(text) == expected


def test_written_owner_only_and_complete(workspace: Path) -> None:
    path = write_export(workspace / "exports" / "a.txt", _fill("hello"))
    assert path.read_text(encoding="utf-8") == "hello"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["a.txt"]


def test_refuses_to_overwrite_without_force(workspace: Path) -> None:
    target = workspace / "exports" / "a.txt"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportExists) as caught:
        write_export(target, _fill("new"))
    assert "--force" in caught.value.message
    assert caught.value.exit_code == 2
    assert target.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_force_replaces_atomically(workspace: Path) -> None:
    target = workspace / "exports" / "a.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    write_export(target, _fill("new"), force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failure_leaves_nothing_behind(workspace: Path) -> None:
    def broken(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise CsprError("render failed")

    with pytest.raises(CsprError):
        write_export(workspace / "exports" / "a.txt", broken)
    assert list((workspace / "exports").iterdir()) == []


def test_missing_folder_is_one_clear_error(workspace: Path) -> None:
    with pytest.raises(CsprError, match="does not exist"):
        write_export(workspace / "nowhere" / "a.txt", _fill("x"))


def test_versioned_names_never_collide(workspace: Path) -> None:
    folder = workspace / "exports"
    first = write_versioned_export(folder, lambda n: f"r_v{n}.txt", _fill("1"))
    second = write_versioned_export(folder, lambda n: f"r_v{n}.txt", _fill("2"))
    third = write_versioned_export(folder, lambda n: f"r_v{n}.txt", _fill("3"), start=2)
    assert [first.name, second.name, third.name] == ["r_v1.txt", "r_v2.txt", "r_v3.txt"]
    assert first.read_text(encoding="utf-8") == "1"


def test_disk_errors_are_one_clear_line_and_leave_nothing(workspace: Path) -> None:
    """A full disk or a vanished folder is a CsprError (one line), never a raw OSError."""
    import errno

    def disk_full(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(CsprError, match="No space left on device") as caught:
        write_export(workspace / "exports" / "a.txt", disk_full)
    assert "nothing was saved" in caught.value.message
    assert list((workspace / "exports").iterdir()) == []
    with pytest.raises(CsprError, match="cannot write in /proc"):
        write_export(Path("/proc/cspr-export-test.txt"), _fill("x"))
