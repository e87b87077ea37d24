"""Durable file replacement: a crash at any instant leaves the old file or the new one.

The new bytes go to a temporary file in the same folder (owner-only), are fsynced, renamed
over the target with os.replace, and the folder is fsynced so the rename itself survives.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

TEMP_MARK = ".tmp-"


def temp_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def write_temp(path: Path, data: bytes | bytearray | Iterable[bytes]) -> Path:
    """Write `data` (bytes, or chunks of them as a sealed stream gives them out) to a fresh
    owner-only temporary file beside `path` and fsync it."""
    tmp = temp_path_for(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        chunks = [data] if isinstance(data, bytes | bytearray) else data
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        remove_quietly(tmp)
        raise
    os.close(fd)
    return tmp


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(path: Path, data: bytes | bytearray) -> None:
    """Atomically give `path` the contents `data`."""
    tmp = write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    fsync_dir(path.parent)


def create_file(path: Path, data: bytes | bytearray) -> None:
    """Atomically create `path`; FileExistsError if anything is already there."""
    tmp = write_temp(path, data)
    try:
        os.link(tmp, path)  # fails rather than overwrite, with no window for a race
    finally:
        remove_quietly(tmp)
    fsync_dir(path.parent)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def remove_stale_temps(path: Path) -> None:
    """Temporary files left by a killed save (ciphertext only); call with the lock held."""
    for pattern in (f".{path.name}{TEMP_MARK}*", f".{path.name}.bak-*{TEMP_MARK}*"):
        for entry in path.parent.glob(pattern):
            remove_quietly(entry)
