"""One writer per vault: an fcntl lock on `<vault>.lock`, whose text names the holder.

The kernel drops an flock when its process dies, so a lock file left by a crashed or
killed process is simply taken over; the pid, host and time written inside serve only to
tell a second user who holds the vault.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from datetime import datetime
from pathlib import Path

from cspr_tui.errors import CsprError, VaultInUse

LOCK_SUFFIX = ".lock"


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + LOCK_SUFFIX)


class VaultLock:
    """An exclusive, non-blocking lock on a vault; `release()` removes the lock file."""

    def __init__(self, path: Path) -> None:
        self.vault_path = path
        self.path = lock_path_for(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> VaultLock:
        for _ in range(20):
            try:
                # O_NOFOLLOW: a symlink planted at the lock's name must not make us
                # truncate and write whatever file it points to.
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            except OSError as exc:
                raise CsprError(
                    f"cannot lock the vault {self.vault_path}: {exc.strerror} "
                    f"({self.path}); check the folder exists and is writable."
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise VaultInUse(self._holder_message()) from None
            except BaseException:
                os.close(fd)
                raise
            # The holder may have removed the file between our open and our lock: retry.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            self._fd = fd
            self._write_holder(fd)
            return self
        raise VaultInUse(
            f"the vault {self.vault_path} is being opened and closed by another process; try again."
        )

    def _write_holder(self, fd: int) -> None:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        text = f"pid={os.getpid()}\nhost={socket.gethostname()}\nsince={stamp}\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, text.encode("utf-8"), 0)

    def _holder_message(self) -> str:
        fields: dict[str, str] = {}
        with contextlib.suppress(OSError, UnicodeDecodeError):
            for line in self.path.read_text(encoding="utf-8").splitlines():
                key, _, value = line.partition("=")
                fields[key.strip()] = value.strip()
        holder = "another process"
        if fields.get("pid"):
            holder = f"process {fields['pid']}"
            if fields.get("host"):
                holder += f" on {fields['host']}"
        since = ""
        with contextlib.suppress(ValueError, KeyError):
            when = datetime.fromisoformat(fields["since"])
            since = f" since {when.strftime('%d/%m/%Y %H:%M')}"
        return (
            f"the vault {self.vault_path} is open in {holder}{since}; close it there and try again."
        )

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            # Before unlocking, so a waiter re-checks the inode. Only our own file: if ours was
            # deleted behind our back (a clean-up script), the file there now is another
            # holder's, and removing it would let a third process in beside them.
            if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                os.unlink(self.path)
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)

    def __enter__(self) -> VaultLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
