"""Rollback evidence kept outside the vault folder: the highest save counter seen per vault.

Every vault (format 2) has a random id in its header and a save counter that each save
raises and the AEAD authenticates. This machine remembers, per vault id, the highest
counter it has opened or saved, in a small file in the user's state folder
(`CSPR_STATE_HOME`, else `$XDG_STATE_HOME/cspr-tui`, else `~/.local/state/cspr-tui`;
created 0700). Opening a vault whose counter is lower means an older copy was put in
its place: the vault refuses to open unless the user accepts it (`--allow-rollback`).

A witness is evidence, not a seal: anyone who can write the state folder can lower it.
It is written after the vault's own save is durable (temp file + rename, no fsync: a
crash can only leave it lower than the vault, never higher, which is harmless).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

STATE_ENV = "CSPR_STATE_HOME"


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
    state folder cannot be written (rollback evidence is then not kept, nothing else)."""
    if not lower:
        known = seen(vault_id)
        if known is not None and known >= counter:
            return True
    target = _file_for(vault_id)
    try:
        state_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
        target.parent.mkdir(mode=0o700, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, f"{counter}\n".encode("ascii"))
        finally:
            os.close(fd)
        try:
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True
