"""The Vault: an unlocked vault file, its TinyDB, transactions, rekey, backups and restore.

Opening derives the key once (Argon2id), decrypts and replays the journal once, and keeps
the database in memory. Each save appends one sealed change record and fsyncs it (a few
kilobytes, whatever the vault's size); when the journal grows past a fraction of the
snapshot, or on `compact()`, a new snapshot replaces the file atomically and the previous
file is kept as a backup. A file that fails to decrypt is never written; the error names
a backup that opens with the same passphrase, if there is one. Version 1 files open as
before and become version 2 at their first save.
"""

from __future__ import annotations

import contextlib
import gc
import hmac
import os
import stat
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from cspr_tui.errors import CsprError, UsageError, VaultDamaged, WrongPassphrase
from cspr_tui.vault import atomic, journal, witness
from cspr_tui.vault.backup import keep_as_backup, list_backups, prune_backups, resolve_backup
from cspr_tui.vault.crypto import (
    BodyRejected,
    KeyRejected,
    derive_kek,
    make_header,
    new_data_key,
    new_salt,
    new_vault_id,
    open_body,
    unwrap_data_key,
)
from cspr_tui.vault.format import (
    CIPHER_NAMES,
    Header,
    KdfParams,
    damaged,
    kdf_for_new_vault,
    parse_header,
)
from cspr_tui.vault.lock import VaultLock
from cspr_tui.vault.storage import (
    EncryptedStorage,
    HeldRecord,
    Tables,
    VaultClosed,
    VaultDB,
    VaultReadOnly,
    loads,
)

# At most this many extra Argon2id runs when looking for a backup that opens.
_MAX_BACKUP_DERIVATIONS = 2
# Compact when the journal passes this fraction of the snapshot (and this many bytes).
COMPACT_FRACTION = 0.5
COMPACT_MIN_BYTES = 256 * 1024


class RollbackDetected(VaultDamaged):
    """The vault holds an older state than this machine has seen (exit 4)."""


@dataclass(frozen=True)
class VaultInfo:
    """What `cspr verify` reports about the file itself."""

    path: Path
    format_version: int
    kdf: KdfParams
    cipher: str
    size: int
    saved: datetime
    save_counter: int = 0
    vault_id: str = ""
    journal_bytes: int = 0


@dataclass(frozen=True)
class RekeyResult:
    """Backups rewrapped for the new passphrase, and those left as they were."""

    rewrapped: int
    skipped: list[str]


class _KeyCache:
    """Derived keys by (KDF params, salt), so checking backups costs no extra Argon2id."""

    def __init__(
        self, passphrase: str, known: dict[tuple[KdfParams, bytes], bytes] | None = None
    ) -> None:
        self._passphrase = passphrase
        self._keys: dict[tuple[KdfParams, bytes], bytes] = dict(known or {})

    def key_for(self, header: Header) -> bytes:
        key = self._keys.get(header.key_id)
        if key is None:
            key = derive_kek(self._passphrase, header.kdf, header.salt)
            self._keys[header.key_id] = key
        return key

    def has(self, header: Header) -> bool:
        return header.key_id in self._keys


def _read_file(path: Path) -> bytes:
    """The whole file; only a regular file is read (a FIFO or device at --vault would hang
    or never end), and the check is made on the file actually opened."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if not stat.S_ISREG(mode):
                raise CsprError(f"{path} is not a regular file, so not a vault; check --vault.")
            return handle.read()
    except FileNotFoundError:
        raise CsprError(
            f"there is no vault at {path}; create one with 'cspr init' or check --vault."
        ) from None
    except IsADirectoryError:
        raise CsprError(f"{path} is a folder, not a vault file; check --vault.") from None
    except OSError as exc:
        raise CsprError(f"cannot read the vault {path} ({exc.strerror}).") from None


@dataclass
class _Loaded:
    """A decrypted vault file: its header, key, tables and where its journal stands."""

    header: Header
    data_key: bytes
    tables: Tables
    counter: int = 0
    end: int = 0
    snapshot_end: int = 0
    last_tag: bytes = journal.NO_TAG
    torn: bool = False
    torn_seq: int | None = None
    size: int = 0
    frozen: bool = field(default=False)
    snapshot_kind: int = journal.KIND_SEGMENTED


def _not_a_database(path: Path) -> VaultDamaged:
    return VaultDamaged(f"the vault {path} decrypts but does not hold a database.")


def _decode(
    path: Path,
    blob: bytes,
    header: Header,
    data_key: bytes,
    *,
    seen: int | None = None,
    keep: bool = False,
) -> _Loaded:
    """Authenticate and parse a file whose data key is known; `keep` freezes the tables
    (the ones an open vault holds) out of the GC's walks. Raises VaultDamaged."""
    if header.version == 1:
        try:
            plaintext = open_body(blob, header, data_key)
        except BodyRejected:
            raise damaged(path, "its contents do not authenticate") from None
        try:
            tables = loads(plaintext, freeze=keep)
        except ValueError:
            tables = None
        if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
            if keep:
                gc.unfreeze()
            raise _not_a_database(path)
        return _Loaded(
            header, data_key, tables, end=len(blob), snapshot_end=len(blob), size=len(blob),
            frozen=keep,
        )  # fmt: skip
    state, plaintexts = journal.replay(blob, blob[: header.size], data_key, path, seen=seen)
    # A segmented snapshot's tables are parsed on first use (storage.EncryptedStorage.table);
    # an older whole-JSON snapshot is parsed now, as before.
    keep = keep and state.snapshot_kind == journal.KIND_SNAPSHOT
    enabled = gc.isenabled()
    gc.disable()
    try:
        tables = journal.build_tables(plaintexts, state.snapshot_kind)
        if keep:
            gc.freeze()
    except (ValueError, TypeError, AttributeError):
        raise _not_a_database(path) from None
    finally:
        if enabled:
            gc.enable()
    return _Loaded(
        header,
        data_key,
        tables,
        counter=state.counter,
        end=state.end,
        snapshot_end=state.snapshot_end,
        last_tag=state.last_tag,
        torn=state.torn,
        torn_seq=state.torn_seq,
        size=len(blob),
        frozen=keep,
        snapshot_kind=state.snapshot_kind,
    )


def _load(
    path: Path, blob: bytes, keys: _KeyCache, *, seen: int | None = None, keep: bool = False
) -> _Loaded:
    """Header, data key and tables; raises VaultDamaged or WrongPassphrase."""
    header = parse_header(blob, path)
    try:
        data_key = unwrap_data_key(header, keys.key_for(header))
    except KeyRejected:
        raise WrongPassphrase(
            f"wrong passphrase for the vault {path}; check it and try again."
        ) from None
    return _decode(path, blob, header, data_key, seen=seen, keep=keep)


def _snapshot_file(header: Header, data_key: bytes, seq: int, plaintext: bytes) -> bytearray:
    """A whole format-2 file holding one segmented snapshot (`journal.pack_snapshot`):
    the state after save `seq`, sealed into one buffer (no further whole copies)."""
    return journal.sealed_after(
        header.pack(), data_key, seq, journal.KIND_SEGMENTED, journal.NO_TAG, plaintext
    )


def find_working_backup(path: Path, keys: _KeyCache) -> Path | None:
    """The newest backup that opens with the passphrase behind `keys`, if any."""
    budget = _MAX_BACKUP_DERIVATIONS
    for info in list_backups(path):
        try:
            blob = info.path.read_bytes()
            header = parse_header(blob, info.path)
            if not keys.has(header):
                if budget <= 0:
                    continue
                budget -= 1
            _load(info.path, blob, keys)
        except (CsprError, OSError):
            continue
        return info.path
    return None


def _damaged_with_hint(exc: VaultDamaged, path: Path, keys: _KeyCache) -> VaultDamaged:
    backup = find_working_backup(path, keys)
    if backup is None:
        hint = "no backup opens with this passphrase either."
    else:
        hint = (
            f"the backup {backup.name} opens with this passphrase: "
            f"restore it with 'cspr restore {backup.name}'."
        )
    err = type(exc)(f"{exc.message.rstrip('.')}; {hint}", details=exc.details)
    err.working_backup = backup  # type: ignore[attr-defined]
    return err


class Vault:
    """An unlocked vault. Use as a context manager, or call close() to drop the data."""

    def __init__(
        self,
        path: Path,
        kek: bytes,
        loaded: _Loaded,
        *,
        backups: int,
        readonly: bool,
        lock: VaultLock | None,
    ) -> None:
        self.path = path
        self.readonly = readonly
        self.backups = max(0, int(backups))
        self._header = loaded.header
        self._header_raw = loaded.header.pack()
        self._kek: bytes | None = kek
        self._data_key: bytes | None = loaded.data_key
        self._counter = loaded.counter
        self._end = loaded.end
        self._snapshot_end = loaded.snapshot_end
        self._last_tag = loaded.last_tag
        self._snapshot_kind = loaded.snapshot_kind if loaded.header.version > 1 else 0
        self._broken: str | None = None
        self._lock = lock
        self._mutex = threading.RLock()
        self._storage = EncryptedStorage(
            loaded.tables, self._persist, readonly=readonly, mutex=self._mutex
        )
        self._storage.on_rollback = self._forget_table_state
        self._storage.record_limit = self._compact_threshold  # (see `_persist`)
        self.db = VaultDB(storage=lambda: self._storage)
        # Told (bytes written, file size) as a snapshot is written: a long save's progress.
        self.write_progress: Callable[[int, int], None] | None = None

    # -- public API --------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._storage.is_open

    @property
    def save_counter(self) -> int:
        """How many saves this vault has had (authenticated; the rollback witness's value)."""
        return self._counter

    @property
    def vault_id(self) -> str:
        """The vault's random id (hex; empty for a format-1 file not yet saved)."""
        return self._header.vault_id.hex()

    def derive_on_save(self, table: str, derive: Callable[[list[int]], None] | None) -> None:
        """Before each save that touched documents of `table`, `derive(doc_ids)` runs in
        that save (its TinyDB writes are saved with it; if it raises, nothing is saved), so
        what is derived from the documents (the store's summaries) can never disagree with
        them, whoever wrote them. None removes it; a later one replaces it."""
        with self._mutex:
            if derive is None:
                self._storage.derivers.pop(table, None)
            else:
                self._storage.derivers[table] = derive

    def document(self, table: str, doc_id: int) -> Mapping[str, Any] | None:
        """One document the table holds, read without parsing the rest of its table when
        that is still unparsed: opening one case of thousands reads that case (a copy of
        its own then, to be read, not changed). `EncryptedStorage.document` says why the id
        must be one the table holds."""
        self._require_open()
        return self._storage.document(table, doc_id)

    def parsed_tables(self) -> list[str]:
        """The tables parsed so far: a segmented snapshot's tables are parsed on first use,
        so unlocking costs the tables the first screen reads, not the whole vault."""
        self._require_open()
        return self._storage.parsed()

    def info(self) -> VaultInfo:
        self._require_open()
        stat = self.path.stat()
        return VaultInfo(
            path=self.path,
            format_version=self._header.version,
            kdf=self._header.kdf,
            cipher=CIPHER_NAMES[self._header.cipher_id],
            size=stat.st_size,
            saved=datetime.fromtimestamp(stat.st_mtime, tz=UTC),
            save_counter=self._counter,
            vault_id=self.vault_id,
            journal_bytes=max(0, self._end - self._snapshot_end),
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        """Many TinyDB writes, one durable save at the end; an exception undoes them all.

        It also holds the vault's mutex, so threads (Textual workers) take turns.
        """
        with self._mutex:
            self._require_open()
            self._storage.begin()
            try:
                yield self.db
            except BaseException:
                self._storage.abort()
                raise
            self._storage.finish()

    def compact(self) -> int:
        """Write the whole state as a new snapshot (atomically; the previous file becomes a
        backup) and return the file's new size. Saves do this on their own when the
        journal passes COMPACT_FRACTION of the snapshot."""
        with self._mutex:
            self._require_writable()
            if self._storage.in_transaction:
                raise CsprError("finish the current change before compacting the vault.")
            assert self._data_key is not None
            return self._write_snapshot(
                self._header,
                self._data_key,
                self._counter,
                self._storage.snapshot_parts(),
                backups=self.backups,
            )

    def rekey(self, new_passphrase: str) -> RekeyResult:
        """A new passphrase and a new data key: the vault is re-encrypted under both (fresh
        salt, current KDF parameters), then every backup that opens with the old data key is
        re-encrypted under the new one, so an old copy of the file and the old passphrase
        decrypt nothing written from now on. Backups that do not open with the old key (an
        earlier passphrase, another vault, damaged) are left as they were and listed."""
        if not new_passphrase:
            raise UsageError("an empty passphrase is not allowed; nothing was changed.")
        with self._mutex:
            self._require_writable()
            if self._storage.in_transaction:
                raise CsprError("finish the current change before changing the passphrase.")
            assert self._data_key is not None
            old_key = self._data_key
            kdf = kdf_for_new_vault(self.path)
            salt = new_salt()
            kek = derive_kek(new_passphrase, kdf, salt)
            data_key = new_data_key()
            vault_id = self._header.vault_id or new_vault_id()
            header = make_header(kdf, salt, kek, data_key, vault_id)
            # The same data under the old key: not worth a backup the old passphrase opens.
            self._write_snapshot(
                header, data_key, self._counter, self._storage.snapshot_parts(), backups=0
            )
            self._kek = kek
            rewrapped, skipped = 0, []
            for info in list_backups(self.path):
                if self._reencrypt_backup(info.path, old_key, header):
                    rewrapped += 1
                else:
                    skipped.append(info.name)
            return RekeyResult(rewrapped=rewrapped, skipped=skipped)

    def backup_states(self) -> dict[str, str]:
        """Each backup: 'opens' with this vault's passphrase, 'other passphrase' or 'damaged'."""
        with self._mutex:
            self._require_open()
            assert self._kek is not None
            # No passphrase is kept: only backups sharing the vault's key id are tried.
            return _backup_states(self.path, _KeyCache("", {self._header.key_id: self._kek}))

    def close(self) -> None:
        """Drop the decrypted data and keys and release the lock; idempotent."""
        with self._mutex:
            self._storage.close()
            self._forget_table_state()
            self._kek = None
            self._data_key = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"<Vault {self.path} {state}{' read-only' if self.readonly else ''}>"

    # -- saving ------------------------------------------------------------------------

    def _persist(self, held: HeldRecord) -> None:
        """One committed change, handed over in parts (`storage.hold_record`; the caller
        keeps no reference, and a record past the compaction threshold comes as its size
        alone): joined and appended to the journal; or, for a format-1 file, the first format-2
        snapshot, keeping the format-1 file as a backup; or, for a change that alone
        passes the compaction threshold (an import of thousands of cases), a new snapshot
        at once, as a compaction writes it (the previous file kept as a backup), instead of
        sealing and syncing a record only to compact it away."""
        self._require_writable()
        if self._broken:
            raise CsprError(self._broken)
        assert self._data_key is not None and self._kek is not None
        if self._header.version == 1 or self._snapshot_kind != journal.KIND_SEGMENTED:
            # Version 1, or a version-2 file whose snapshot is one JSON object: this save
            # writes the current layout by the compaction path, the old file kept as a backup.
            held.clear()
            header = self._header
            if header.version == 1:
                header = make_header(
                    header.kdf, header.salt, self._kek, self._data_key, new_vault_id()
                )
            self._write_snapshot(
                header,
                self._data_key,
                self._counter + 1,
                self._storage.snapshot_parts(),
                backups=max(1, self.backups),
            )
            return
        if held.size > self._compact_threshold() or sum(map(len, held)) != held.size:
            # (parts not kept, for whatever reason, are never appended: memory is saved)
            held.clear()
            self._write_snapshot(
                self._header,
                self._data_key,
                self._counter + 1,
                self._storage.snapshot_parts(),
                backups=self.backups,
            )
            return
        change = b"".join(held)
        held.clear()
        self._append(change)
        del change
        if self._end - self._snapshot_end > self._compact_threshold():
            # The change is durable already: a compaction that fails is tried again later.
            with contextlib.suppress(CsprError, OSError):
                self._write_snapshot(
                    self._header,
                    self._data_key,
                    self._counter,
                    self._storage.snapshot_parts(),
                    backups=self.backups,
                )

    def _compact_threshold(self) -> float:
        """Journal bytes past which the file is compacted: a fraction of the snapshot."""
        snapshot_bytes = self._snapshot_end - len(self._header_raw)
        return max(COMPACT_MIN_BYTES, COMPACT_FRACTION * snapshot_bytes)

    def _append(self, change: bytes) -> None:
        """Append one sealed change record at the end of the journal and fsync it; on any
        failure the file is cut back to where it was and nothing is changed."""
        assert self._data_key is not None
        seq = self._counter + 1
        frame = journal.seal_frame(
            self._header_raw, self._data_key, seq, journal.KIND_CHANGE, self._last_tag, change
        )
        path, end = self.path, self._end
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError as exc:
            raise CsprError(
                f"cannot save the vault {path} ({exc.strerror}); nothing was changed."
            ) from None
        try:
            try:
                if os.fstat(fd).st_size != end:
                    os.ftruncate(fd, end)  # a scrap left by an earlier failed append
                view, at = memoryview(frame), end
                while view:
                    written = os.pwrite(fd, view, at)
                    view, at = view[written:], at + written
                _sync(fd)
                ok = hmac.compare_digest(os.pread(fd, len(frame), end), frame)
            except OSError as exc:
                self._cut_back(fd, end)
                raise CsprError(
                    f"cannot save the vault {path} ({exc.strerror}); nothing was changed."
                ) from None
            if not ok:
                self._cut_back(fd, end)
                raise CsprError(
                    f"the vault {path} did not read back correctly after saving; the "
                    "previous version was kept. Check the disk and try again."
                )
        finally:
            os.close(fd)
        self._counter, self._end, self._last_tag = seq, end + len(frame), journal.frame_tag(frame)
        witness.record(self._header.vault_id, seq)

    def _cut_back(self, fd: int, end: int) -> None:
        """Remove a failed append's bytes; if even that fails, refuse further saves (the
        next open drops the scrap as a torn write)."""
        try:
            os.ftruncate(fd, end)
        except OSError:
            self._broken = (
                f"the vault {self.path} could not be saved and its last save could not be "
                "tidied; close and unlock it again (the saved state is intact)."
            )
            return
        with contextlib.suppress(OSError):  # cut already; make it durable if the disk lets us
            _sync(fd)

    def _write_snapshot(
        self,
        header: Header,
        data_key: bytes,
        seq: int,
        parts: tuple[int, Iterator[bytes | memoryview]],
        *,
        backups: int,
    ) -> int:
        """Replace the file by header + one snapshot, atomically, keeping the previous file
        as a backup when `backups` > 0; then this vault writes on from it. The plaintext
        comes as its length and its parts, made as they are taken
        (`journal.snapshot_stream`), and is sealed into the file a chunk at a time
        (`journal.SealedStream`), each part let go once sealed: neither the whole plaintext,
        nor any table serialised whole, nor the whole sealed file is ever held."""
        length, pieces = parts
        stream = journal.SealedStream(
            header.pack(),
            data_key,
            seq,
            journal.KIND_SEGMENTED,
            journal.NO_TAG,
            pieces,
            length=length,
        )
        del parts, pieces
        stream.report = self.write_progress
        self._save(stream, keep_previous=backups > 0, key=data_key, keep=backups)
        assert stream.tag is not None
        self._header, self._header_raw, self._data_key = header, header.pack(), data_key
        self._counter, self._end, self._snapshot_end = seq, stream.size, stream.size
        self._last_tag = stream.tag
        self._snapshot_kind = journal.KIND_SEGMENTED
        self._broken = None
        witness.record(header.vault_id, seq)
        return stream.size

    def _save(
        self,
        blob: journal.SealedStream,
        *,
        keep_previous: bool,
        key: bytes | None = None,
        keep: int = 0,
    ) -> None:
        """Temp file, fsync, keep the previous file, atomic replace, fsync folder, read back."""
        path = self.path
        try:
            tmp = atomic.write_temp(path, blob)
        except OSError as exc:
            raise CsprError(
                f"cannot save the vault {path} ({exc.strerror}); nothing was changed."
            ) from None
        previous: Path | None = None
        try:
            previous = keep_as_backup(path) if path.exists() else None
            os.replace(tmp, path)
        except (OSError, CsprError) as exc:
            atomic.remove_quietly(tmp)
            if previous is not None:
                atomic.remove_quietly(previous)
            reason = exc.strerror if isinstance(exc, OSError) else exc.message
            raise CsprError(
                f"cannot save the vault {path} ({reason}); nothing was changed."
            ) from None
        try:
            atomic.fsync_dir(path.parent)
            self._read_back(blob, key or self._data_key)
        except (OSError, CsprError) as exc:
            if previous is not None and not self._put_back(previous):
                raise CsprError(
                    f"the vault {path} could not be saved or put back; the previous version is "
                    f"the backup {previous.name}: restore it with 'cspr restore {previous.name}'."
                ) from None
            if isinstance(exc, CsprError):
                raise
            raise CsprError(
                f"cannot save the vault {path} ({exc.strerror}); the previous version was kept."
            ) from None
        if previous is not None:
            if keep_previous:
                prune_backups(path, keep, spare=previous)
            else:
                atomic.remove_quietly(previous)

    def _put_back(self, previous: Path) -> bool:
        """After a failed save, make the previous file the vault again by renaming its
        backup link over the new one: atomic, and no byte is rewritten (a disk that just
        mangled one write is not trusted with another). The failed save leaves no backup."""
        try:
            os.replace(previous, self.path)
        except OSError:
            return False
        with contextlib.suppress(OSError):  # renamed already; make it durable if we can
            atomic.fsync_dir(self.path.parent)
        return True

    def _read_back(self, stream: journal.SealedStream, key: bytes | None) -> None:
        """Re-read the file: it must be the header and the frame just sealed, and
        authenticate. It is read and decrypted a piece at a time, so a large file is not
        held in memory, whole or decrypted."""
        assert key is not None
        try:
            ok = stream.tag is not None and journal.authenticate_file(
                self.path, stream.head, stream.prefix, stream.size, key, stream.tag
            )
        except OSError:
            ok = False
        if not ok:
            raise CsprError(
                f"the vault {self.path} did not read back correctly after saving; the "
                "previous version was kept. Check the disk and try again."
            )

    def _reencrypt_backup(self, path: Path, old_key: bytes, new: Header) -> bool:
        """Re-encrypt a backup whose contents open with `old_key` as one snapshot under the
        new header and data key, keeping its time and save counter; False (left as it was)
        if it does not open with that key."""
        assert self._data_key is not None
        try:
            blob = path.read_bytes()
            loaded = _decode(path, blob, parse_header(blob, path), old_key)
            plaintext = journal.pack_snapshot(loaded.tables)
            stat = path.stat()
            atomic.replace_file(
                path, _snapshot_file(new, self._data_key, loaded.counter, plaintext)
            )
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        except (OSError, CsprError):
            return False
        return True

    # -- guards ------------------------------------------------------------------------

    def _require_open(self) -> None:
        if not self._storage.is_open:
            raise VaultClosed("the vault is closed; unlock it again to continue.")

    def _require_writable(self) -> None:
        self._require_open()
        if self.readonly:
            raise VaultReadOnly("the vault was opened read-only; nothing was saved.")

    def _forget_table_state(self) -> None:
        """After a rollback or close, no TinyDB query cache or id counter may outlive it."""
        for table in self.db._tables.values() if hasattr(self, "db") else ():
            table.clear_cache()
            table._next_id = None


def _sync(fd: int) -> None:
    """Data and the file's size to the disk (what a committed append needs)."""
    sync = getattr(os, "fdatasync", os.fsync)
    sync(fd)


def create_vault(path: Path | str, passphrase: str, *, backups: int = 10) -> Vault:
    """Create an empty vault (refusing to overwrite anything) and return it open."""
    path = Path(path)
    if not passphrase:
        raise UsageError("an empty passphrase is not allowed; nothing was created.")
    if path.exists() or path.is_symlink():
        raise CsprError(
            f"{path} already exists; nothing was changed (open it, or pick another path)."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CsprError(f"cannot create the folder {path.parent} ({exc.strerror}).") from None
    lock = VaultLock(path).acquire()
    try:
        kdf = kdf_for_new_vault(path)
        salt = new_salt()
        kek = derive_kek(passphrase, kdf, salt)
        data_key = new_data_key()
        header = make_header(kdf, salt, kek, data_key, new_vault_id())
        blob = _snapshot_file(header, data_key, 0, journal.pack_snapshot({}))
        try:
            atomic.create_file(path, blob)
        except FileExistsError:
            raise CsprError(f"{path} already exists; nothing was changed.") from None
        except OSError as exc:
            raise CsprError(f"cannot create the vault {path} ({exc.strerror}).") from None
        witness.record(header.vault_id, 0, lower=True)
        loaded = _Loaded(
            header, data_key, {}, end=len(blob), snapshot_end=len(blob),
            last_tag=journal.frame_tag(blob), size=len(blob),
        )  # fmt: skip
        return Vault(path, kek, loaded, backups=backups, readonly=False, lock=lock)
    except BaseException:
        lock.release()
        raise


def _rollback_message(path: Path, loaded: _Loaded, seen: int) -> str:
    cut = (
        f" or its last change (save {loaded.torn_seq}) is cut off"
        if loaded.torn and loaded.torn_seq is not None
        else ""
    )
    return (
        f"the vault {path} was rolled back or damaged: it holds save "
        f"{loaded.counter} but save {seen} was opened here before (an older copy or backup "
        f"was put in its place{cut}); to accept this state run the command again with "
        "--allow-rollback"
    )


def open_vault(
    path: Path | str,
    passphrase: str,
    *,
    backups: int = 10,
    readonly: bool = False,
    allow_rollback: bool = False,
) -> Vault:
    """Unlock a vault. Read-only opens take no lock and refuse every write.

    A vault older than the witness says this machine has seen raises RollbackDetected
    (exit 4) unless `allow_rollback`, which accepts it (the witness is lowered to it)."""
    path = Path(path)
    if not path.exists():
        _read_file(path)  # the clear "no vault here" error, before any lock file is made
    lock = None if readonly else VaultLock(path).acquire()
    loaded: _Loaded | None = None
    try:
        keys = _KeyCache(passphrase)
        # The witness is read before the file: a save racing a read-only open only makes
        # the file newer than the witness, never older. (A writable open holds the lock.)
        seen = _witness_for(path)
        blob = _read_file(path)
        try:
            loaded = _load(path, blob, keys, seen=seen, keep=True)
        except VaultDamaged as exc:
            raise _damaged_with_hint(exc, path, keys) from None
        assert loaded is not None
        vault_id = loaded.header.vault_id
        if vault_id and seen is not None and loaded.counter < seen:
            if not allow_rollback:
                raise _damaged_with_hint(
                    RollbackDetected(_rollback_message(path, loaded, seen)), path, keys
                )
            witness.record(vault_id, loaded.counter, lower=True)
        elif vault_id:
            witness.record(vault_id, loaded.counter)
        if lock is not None:
            atomic.remove_stale_temps(path)
            if loaded.end < loaded.size:
                _drop_torn_tail(path, loaded.end)
            # A kill between a compaction's backup link and its pruning leaves one too many.
            prune_backups(path, max(0, int(backups)))
        return Vault(
            path,
            keys.key_for(loaded.header),
            loaded,
            backups=backups,
            readonly=readonly,
            lock=lock,
        )
    except BaseException:
        if loaded is not None and loaded.frozen:
            gc.unfreeze()
        if lock is not None:
            lock.release()
        raise


def _witness_for(path: Path) -> int | None:
    """The witness's counter for the vault at `path`, from its header alone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None  # not a file: _read_file gives the clear error
            head = os.read(fd, 4096)
        finally:
            os.close(fd)
        header = parse_header(head + bytes(64), path)
    except (OSError, CsprError):
        return None
    return witness.seen(header.vault_id) if header.vault_id else None


def _drop_torn_tail(path: Path, end: int) -> None:
    """Cut off a change record a crash left half-written (it was never reported saved)."""
    try:
        fd = os.open(path, os.O_RDWR)
        try:
            os.ftruncate(fd, end)
            _sync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise CsprError(
            f"cannot tidy the vault {path} after an interrupted save ({exc.strerror})."
        ) from None


def check_backups(path: Path | str, passphrase: str) -> dict[str, str]:
    """Each backup's state, deriving only the vault's own key: 'opens', 'other passphrase'
    (sealed under another salt or key) or 'damaged'. An open Vault's `backup_states()`
    gives the same without any derivation."""
    path = Path(path)
    keys = _KeyCache(passphrase)
    with contextlib.suppress(CsprError, OSError):
        keys.key_for(parse_header(path.read_bytes(), path))
    return _backup_states(path, keys)


def _backup_states(path: Path, keys: _KeyCache) -> dict[str, str]:
    states: dict[str, str] = {}
    for info in list_backups(path):
        try:
            blob = info.path.read_bytes()
            header = parse_header(blob, info.path)
            if not keys.has(header):
                states[info.name] = "other passphrase"
                continue
            _load(info.path, blob, keys)
            states[info.name] = "opens"
        except WrongPassphrase:
            states[info.name] = "other passphrase"
        except (CsprError, OSError):
            states[info.name] = "damaged"
    return states


def restore_backup(
    path: Path | str, backup: str | os.PathLike[str], passphrase: str, *, backups: int = 10
) -> Path | None:
    """Make a backup the vault again. The current file is kept as a backup first (even a
    damaged one), so a restore never loses data; returns that backup's path. The rollback
    witness is set to the backup's save counter: restoring is accepting that state."""
    path = Path(path)
    source = resolve_backup(path, backup)
    with VaultLock(path).acquire() as _held:
        blob = _read_file(source)
        loaded = _load(source, blob, _KeyCache(passphrase))  # authenticates first
        previous = keep_as_backup(path) if path.exists() else None
        try:
            atomic.replace_file(path, blob)
        except OSError as exc:
            if previous is not None:
                atomic.remove_quietly(previous)
            raise CsprError(
                f"cannot restore the vault {path} ({exc.strerror}); nothing was changed."
            ) from None
        if path.read_bytes() != blob:
            raise CsprError(
                f"the restored vault {path} did not read back correctly; "
                f"the previous version is kept as {previous.name if previous else 'nothing'}."
            )
        if loaded.header.vault_id:
            witness.record(loaded.header.vault_id, loaded.counter, lower=True)
        prune_backups(path, max(backups, 1), spare=previous)
        return previous
