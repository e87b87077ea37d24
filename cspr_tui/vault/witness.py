"""Rollback evidence kept outside the vault folder: the highest save counter seen per vault.

Every vault (format 2) has a random id in its header and a save counter that each save
raises and the AEAD authenticates. This machine remembers, per vault id, the highest
counter it has opened or saved, in a small file in the user's state folder
(`CSPR_STATE_HOME`, else `$XDG_STATE_HOME/cspr-tui`, else `~/.local/state/cspr-tui`;
created 0700). Opening a vault whose counter is lower means an older copy was put in
its place: the vault refuses to open unless the user accepts it (`--allow-rollback`).

A witness is evidence, not a seal: anyone who can write the state folder can lower it.
It is written after the vault's own save is durable, overwritten in place with a
fixed-width number (one write inside the file's first disk sector, no fsync: a crash can
only leave it at its old value, lower than the vault, which is harmless). A temp file and a
rename cost a millisecond a save on ext4, which flushes a file renamed over another.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

STATE_ENV = "CSPR_STATE_HOME"
_WIDTH = 20  # digits: every counter fits, so each write is the same 21 bytes


def state_dir() -> Path:
    """The per-user state folder, outside every workspace."""
    given = os.environ.get(STATE_ENV)
    if given:
        return Path(given).expanduser()
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "state"
    return base / "cspr-tui"


def _file_for(vault_id: bytes) -> Path:
    return state_dir() / "witness" / f"{vault_id.hex()}.counter"


def seen(vault_id: bytes) -> int | None:
    """The highest save counter recorded for this vault on this machine, if any."""
    try:
        text = _file_for(vault_id).read_text(encoding="ascii").strip()
        return int(text) if text.isdigit() else None
    except (OSError, ValueError):
        return None


def record(vault_id: bytes, counter: int, *, lower: bool = False) -> bool:
    """Remember `counter` if it is higher than what is recorded (or always, when the user
    accepted an older state or restored a backup: `lower`). Best effort: False if the
    state folder cannot be written (rollback evidence is then not kept, nothing else).
    Runs on every save, so it reads and writes through one descriptor."""
    target = _file_for(vault_id)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        try:
            fd = os.open(target, flags, 0o600)
        except FileNotFoundError:
            state_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
            target.parent.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(target, flags, 0o600)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return False  # something planted in its place (a pipe, a device): not ours
            if not lower:
                text = os.pread(fd, 64, 0).strip()
                if text.isdigit() and int(text) >= counter:
                    return True
            line = f"{counter:0{_WIDTH}d}\n".encode("ascii")
            os.pwrite(fd, line, 0)
            if info.st_size > len(line):
                os.ftruncate(fd, len(line))  # a longer file, written by hand, loses its tail
        finally:
            os.close(fd)
    except OSError:
        return False
    return True
