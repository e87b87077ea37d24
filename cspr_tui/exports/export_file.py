"""Writing an export file safely: owner-only, atomic, and never over an existing file by accident.

Exports are the one place case data leaves the vault in the clear, so the file is created
with mode 0o600 before a byte is written, filled under a temporary name in the destination
folder, flushed to disk, and only then given its real name. Without `force` the final step is
a hard link, which fails if the name is taken (no check-then-write race); with `force` it is
an atomic replace. A failure at any point leaves no partial file behind.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from cspr_tui.errors import CsprError, UsageError

__all__ = [
    "ExportExists",
    "default_export_dir",
    "finishing",
    "safe_name_part",
    "write_export",
    "write_versioned_export",
]

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
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


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


def write_export(path: Path, fill: Callable[[Path], None], *, force: bool = False) -> Path:
    """Create `path` (0o600) by letting `fill` write a temporary file, then naming it atomically.

    `fill(tmp_path)` receives an existing, empty, owner-only file to overwrite. Raises
    `ExportExists` (nothing written) when `path` exists and `force` is false.
    """
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise CsprError(f"the folder {folder} does not exist; create it or choose another --out.")
    if path.exists() and not force:
        raise ExportExists(
            f"{path} already exists; choose another --out or add --force to replace it."
        )
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.part"
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
