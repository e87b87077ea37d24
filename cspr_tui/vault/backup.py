"""The rotating encrypted backups kept beside the vault.

Before each save the current file is hard-linked to `<vault>.bak-<UTC time of that save>`
(free: no bytes are copied), so the last N saved states survive a bad edit or a damaged
file. Backups are complete vault files, encrypted like the vault itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cspr_tui.errors import CsprError
from cspr_tui.vault.atomic import remove_quietly, write_temp

BACKUP_MARK = ".bak-"
_STAMP = "%Y%m%dT%H%M%S%f"


@dataclass(frozen=True)
class BackupInfo:
    """One backup: the state the vault held until `when` (UTC, aware), when a save replaced it."""

    name: str
    path: Path
    when: datetime
    size: int


def backup_prefix(path: Path) -> str:
    return f"{path.name}{BACKUP_MARK}"


def list_backups(path: Path | str) -> list[BackupInfo]:
    """The vault's backups, newest first."""
    path = Path(path)
    prefix = backup_prefix(path)
    found: list[tuple[datetime, int, BackupInfo]] = []
    if not path.parent.is_dir():
        return []
    for entry in path.parent.iterdir():
        if not entry.name.startswith(prefix):
            continue
        stamp, _, serial = entry.name[len(prefix) :].partition("-")
        try:
            when = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
            order = int(serial or 0)
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        found.append((when, order, BackupInfo(name=entry.name, path=entry, when=when, size=size)))
    found.sort(key=lambda item: item[:2], reverse=True)
    return [item[2] for item in found]


def keep_as_backup(path: Path) -> Path:
    """Hard-link the current vault file to a new backup name (a copy where links fail)."""
    base = f"{backup_prefix(path)}{datetime.now(UTC).strftime(_STAMP)}"
    for attempt in range(100):
        target = path.with_name(base if attempt == 0 else f"{base}-{attempt}")
        try:
            os.link(path, target)
            return target
        except FileExistsError:
            continue
        except OSError:
            if target.exists():
                continue
            return _copy_as_backup(path, target)
    raise CsprError(f"cannot name a new backup of {path}; remove old backups and try again.")


def _copy_as_backup(path: Path, target: Path) -> Path:
    """For file systems without hard links: a durable copy under the backup name."""
    tmp = write_temp(target, path.read_bytes())
    try:
        shutil.copystat(path, tmp)
        os.replace(tmp, target)
    except BaseException:
        remove_quietly(tmp)
        raise
    return target


def resolve_backup(path: Path, backup: str | os.PathLike[str]) -> Path:
    """A backup given by name (in the vault's folder) or by path."""
    candidate = Path(backup)
    if candidate.parent == Path(".") and not candidate.exists():
        candidate = path.with_name(candidate.name)
    if not candidate.is_file():
        names = ", ".join(info.name for info in list_backups(path)[:3]) or "none"
        raise CsprError(
            f"no backup named {backup} beside {path} (newest: {names}); see 'cspr backups'."
        )
    return candidate


def prune_backups(path: Path, keep: int, *, spare: Path | None = None) -> None:
    """Remove all but the newest `keep` backups (never `spare`). Best effort: the save it
    follows has already succeeded, and a backup that cannot be removed loses nothing."""
    for info in list_backups(path)[max(keep, 0) :]:
        if spare is not None and info.path == spare:
            continue
        with contextlib.suppress(OSError):
            info.path.unlink()
