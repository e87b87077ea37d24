"""Writing an export file safely: owner-only, atomic, and never over an existing file by accident.

Exports are the one place case data leaves the vault in the clear, so the file is created
with mode 0o600 before a byte is written, filled under a temporary name in the destination
folder, flushed to disk, and only then given its real name. Without `force` the final step is
a hard link, which fails if the name is taken (no check-then-write race); with `force` it is
an atomic replace. A failure at any point leaves no partial file behind, and a temporary file
left by a killed process (its name carries the writer's process id) is swept by the next
export into that folder or the next opening of a vault.

An export never lands on the vault: a destination that resolves (through symlinks and `..`)
to a vault that was opened, its backups, lock or temporary files, or anything inside the
workspace's `vault/` folder, is refused before a byte is written.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from cspr_tui.errors import CsprError, UsageError

__all__ = [
    "NOT_ENCRYPTED",
    "ExportExists",
    "check_destination",
    "default_export_dir",
    "finishing",
    "protect_vault",
    "safe_name_part",
    "sweep_leftovers",
    "write_export",
    "write_versioned_export",
]

# What every front door says under a written export: one wording, one place.
NOT_ENCRYPTED = (
    "This file is not encrypted: keep it on approved systems, share it only through a "
    "secure route and delete it when it is no longer needed."
)

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")

# The export service's last touch on a filled file before it is named (its properties):
# set for the duration of one export, so every writer gets it without passing it along.
_FINISH: ContextVar[Callable[[Path, Path], None] | None] = ContextVar("export_finish", default=None)


@contextmanager
def finishing(finish: Callable[[Path, Path], None]) -> Iterator[None]:
    """Run `finish(tmp_path, final_path)` on every export filled in this block, before naming."""
    token = _FINISH.set(finish)
    try:
        yield
    finally:
        _FINISH.reset(token)


class ExportExists(UsageError):
    """The chosen export file already exists and overwriting was not asked for."""


def safe_name_part(text: str, *, fallback: str = "export") -> str:
    """A file-name fragment of ASCII letters, digits and hyphens (accents folded, rest dropped).

    File names travel through e-mail gateways, SharePoint and USB sticks; keeping them plain
    avoids surprises on any of them.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", folded).strip("-")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    return cleaned[:60].rstrip("-") or fallback


def default_export_dir() -> Path:
    """The workspace's exports folder, created owner-only if it does not exist yet."""
    from cspr_tui import paths

    folder = paths.exports_dir()
    paths.make_private_dir(folder)
    sweep_leftovers(folder)
    return folder


# `.<name>.<pid>-<12 hex>.part`, plus the `.sheetN` scratch files a workbook writer adds.
_PART = re.compile(r"^\..+\.(?P<pid>\d+)-[0-9a-f]{12}\.part(?:\.sheet\d+)?$")
# Temporary names from before the process id was part of them: swept once they are stale.
_OLD_PART = re.compile(r"^\..+\.[0-9a-f]{12}\.part(?:\.sheet\d+)?$")
_STALE_SECONDS = 15 * 60


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True
    return True


def sweep_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary export files of processes that died mid-export; returns them.

    A SIGKILL or a power cut skips every clean-up handler, so a half-written plaintext file
    stays behind under its hidden temporary name; a file whose writer is still running is
    left alone.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _PART.match(entry.name)
        if match:
            if _alive(int(match["pid"])):
                continue
        elif _OLD_PART.match(entry.name):
            try:
                if now - entry.lstat().st_mtime < _STALE_SECONDS:
                    continue
            except OSError:
                continue
        else:
            continue
        try:
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()
                removed.append(entry)
        except OSError:
            pass
    return removed


_PROTECTED: set[Path] = set()


def protect_vault(vault_path: Path) -> None:
    """Name a vault this process opened: no export may be written onto it or its files.

    Also sweeps its workspace's exports folder of a killed export's leftovers.
    """
    from cspr_tui import paths

    _PROTECTED.add(Path(os.path.realpath(vault_path)))
    sweep_leftovers(paths.exports_dir())


def _within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def check_destination(path: Path) -> None:
    """Refuse (exit 2) a destination that is, or is inside, what keeps the vault safe."""
    from cspr_tui import paths

    resolved = Path(os.path.realpath(path))
    vault_folder = Path(os.path.realpath(paths.vault_dir()))
    if _within(resolved, vault_folder):
        raise UsageError(
            f"{path} is inside the vault folder {vault_folder}; exports are plaintext and must "
            "not go there: choose another --out."
        )
    for vault in {*_PROTECTED, Path(os.path.realpath(paths.default_vault_path()))}:
        if resolved.parent == vault.parent and (
            resolved.name == vault.name
            or resolved.name.startswith(vault.name + ".")
            or resolved.name.startswith("." + vault.name)
        ):
            raise UsageError(
                f"{path} is the vault {vault} or one of its backups, lock or temporary files; "
                "choose another --out."
            )


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_export(path: Path, fill: Callable[[Path], object], *, force: bool = False) -> Path:
    """Create `path` (0o600) by letting `fill` write a temporary file, then naming it atomically.

    `fill(tmp_path)` receives an existing, empty, owner-only file to overwrite. Raises
    `ExportExists` (nothing written) when `path` exists and `force` is false.
    """
    path = Path(path)
    check_destination(path)
    folder = path.parent
    sweep_leftovers(folder)
    if not folder.is_dir():
        raise CsprError(f"the folder {folder} does not exist; create it or choose another --out.")
    if path.exists() and not force:
        raise ExportExists(
            f"{path} already exists; choose another --out or add --force to replace it."
        )
    tmp = folder / f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.part"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise CsprError(
            f"cannot write in {folder} ({exc.strerror}); choose another --out."
        ) from None
    os.close(fd)
    try:
        fill(tmp)
        finish = _FINISH.get()
        if finish is not None:
            finish(tmp, path)
        os.chmod(tmp, 0o600)  # in case the writer replaced the file instead of filling it
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise ExportExists(
                    f"{path} already exists; choose another --out or add --force to replace it."
                ) from None
            except OSError:
                # No hard links here (e.g. a FAT-formatted stick): check, then rename.
                if path.exists():
                    raise ExportExists(
                        f"{path} already exists; choose another --out or add --force to replace it."
                    ) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
        _fsync_dir(folder)
    except OSError as exc:  # disk full, folder gone, quota: one line, and no partial file
        tmp.unlink(missing_ok=True)
        raise CsprError(
            f"could not write {path} ({exc.strerror or exc}); nothing was saved."
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_versioned_export(
    folder: Path, name_for: Callable[[int], str], fill: Callable[[Path], None], *, start: int = 1
) -> Path:
    """Write to the first free name `name_for(n)` for n = start, start+1, ...

    Repeated exports get a new version instead of replacing the last one; the free name is
    claimed atomically, so two exports at once never share a file.
    """
    version = max(1, start)
    while True:
        candidate = Path(folder) / name_for(version)
        if not candidate.exists():
            try:
                return write_export(candidate, fill)
            except ExportExists:
                pass
        version += 1
        if version > start + 10_000:
            raise CsprError(f"too many versions of {name_for(start)} in {folder}; tidy the folder.")
