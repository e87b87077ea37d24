"""The TinyDB Storage that keeps the decrypted database in memory and saves it sealed.

TinyDB calls `read()` on every query and `write()` after every change with the whole
database. Reads return the in-memory dict (never re-parsed); a write outside a transaction
is sealed and durable before it returns; inside a transaction it only marks the state
dirty and the transaction saves once. A failed save or an aborted transaction restores
the in-memory state from the last durable plaintext, so memory never disagrees with disk.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

import orjson
from tinydb.storages import Storage

from cspr_tui.errors import CsprError

Tables = dict[str, dict[str, Any]]


class VaultClosed(CsprError):
    """The vault was closed or locked; its decrypted data is gone."""


class VaultReadOnly(CsprError):
    """The vault was opened read-only."""


def dumps(data: Tables) -> bytes:
    """Strict JSON: dates, dataclasses and other non-JSON values are refused, not coerced,
    so what is in memory is exactly what a reopen gives back."""
    return orjson.dumps(
        data,
        option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS,
    )


def loads(plaintext: bytes, *, freeze: bool = False) -> Any:
    """Parse with the cyclic GC paused: millions of new containers would trigger it often.

    With `freeze` (the tables an open vault keeps), the parsed objects are then moved out
    of the collector's generations before it resumes: otherwise the very next allocation
    starts a collection that walks every one of them (about 40 ms at 1,000 cases, 0.55 s
    at 10,000), and later full collections walk them again. They hold no cycles, so
    reference counting still frees them; `EncryptedStorage.close` unfreezes. It is
    process-wide: whatever else is alive is frozen too, which costs only a later walk.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = orjson.loads(plaintext)
        if freeze:
            gc.freeze()
        return data
    finally:
        if enabled:
            gc.enable()


class EncryptedStorage(Storage):
    """In-memory tables with durable, sealed saves through `persist`.

    `persist(plaintext)` must seal and durably write the bytes, or raise (nothing saved).
    """

    def __init__(
        self,
        data: Tables,
        plaintext: bytes,
        persist: Callable[[bytes], None],
        *,
        readonly: bool,
        mutex: threading.RLock,
    ) -> None:
        self._data: Tables | None = data
        self._clean: bytes | None = plaintext
        self._persist = persist
        self._readonly = readonly
        self._mutex = mutex
        self._depth = 0
        self._dirty = False
        self._savepoints: list[bytes | None] = []
        self.on_rollback: Callable[[], None] = lambda: None

    # -- the TinyDB Storage interface -------------------------------------------------

    def read(self) -> Tables | None:
        if self._data is None:
            raise VaultClosed("the vault is closed; unlock it again to continue.")
        return self._data

    def write(self, data: Tables) -> None:
        with self._mutex:
            if self._data is None:
                raise VaultClosed("the vault is closed; nothing was saved. Unlock it again.")
            if self._readonly:
                self._restore(self._clean)
                raise VaultReadOnly("the vault was opened read-only; nothing was saved.")
            self._data = data
            if self._depth:
                self._dirty = True
                return
            self._commit()

    def close(self) -> None:
        """Drop the decrypted data; every later read or write raises VaultClosed."""
        with self._mutex:
            was_open = self._data is not None
            self._data = None
            self._clean = None
            self._savepoints.clear()
            self._depth = 0
            if was_open:
                # The tables were frozen by `loads(..., freeze=True)`: back into the oldest
                # generation, so nothing frozen outlives the vault (another open vault's
                # tables are then only walked again, never freed while referenced).
                gc.unfreeze()

    # -- what the Vault builds on -----------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._data is not None

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def clean_plaintext(self) -> bytes:
        """The plaintext of the last durable save."""
        if self._clean is None:
            raise VaultClosed("the vault is closed; unlock it again to continue.")
        return self._clean

    def begin(self) -> None:
        if self._data is None:
            raise VaultClosed("the vault is closed; unlock it again to continue.")
        # The outermost level rolls back to the last save; inner levels need a snapshot.
        self._savepoints.append(dumps(self._data) if self._depth else None)
        self._depth += 1

    def finish(self) -> None:
        """Leave a level without error; the outermost one saves once if anything changed."""
        if not self._savepoints:  # closed inside the transaction: nothing left to save
            raise VaultClosed("the vault was closed during a change; nothing was saved.")
        self._savepoints.pop()
        self._depth -= 1
        if self._depth == 0 and self._dirty and self._data is not None:
            self._commit()

    def abort(self) -> None:
        """Leave a level after an error: memory goes back to where the level began."""
        if not self._savepoints:
            return
        savepoint = self._savepoints.pop()
        self._depth -= 1
        if self._data is None:
            return
        self._restore(savepoint if savepoint is not None else self._clean)
        if self._depth == 0:
            self._dirty = False

    def _commit(self) -> None:
        self._dirty = False
        try:
            plaintext = dumps(self._data)
        except TypeError as exc:
            self._restore(self._clean)
            raise TypeError(
                f"the vault stores JSON values only; nothing was saved ({exc})"
            ) from None
        try:
            self._persist(plaintext)
        except BaseException:
            self._restore(self._clean)
            raise
        self._clean = plaintext

    def _restore(self, plaintext: bytes | None) -> None:
        if plaintext is not None:
            self._data = loads(plaintext)
        self.on_rollback()
