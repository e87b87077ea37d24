"""The Vault: an unlocked vault file, its TinyDB, transactions, rekey, backups and restore.

Opening derives the key once (Argon2id), decrypts and parses once, and keeps the database
in memory; every save seals the whole database with a fresh nonce, replaces the file
atomically, keeps the previous file as a backup and reads the result back before
returning. A file that fails to decrypt is never written; the error names a backup that
opens with the same passphrase, if there is one.
"""

from __future__ import annotations

import contextlib
import gc
import hmac
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tinydb import TinyDB

from cspr_tui.errors import CsprError, UsageError, VaultDamaged, WrongPassphrase
from cspr_tui.vault import atomic
from cspr_tui.vault.backup import keep_as_backup, list_backups, prune_backups, resolve_backup
from cspr_tui.vault.crypto import (
    BodyRejected,
    KeyRejected,
    derive_kek,
    make_header,
    new_data_key,
    new_salt,
    open_body,
    seal,
    unwrap_data_key,
)
from cspr_tui.vault.format import (
    CIPHER_NAMES,
    Header,
    KdfParams,
    kdf_for_new_vault,
    parse_header,
)
from cspr_tui.vault.lock import VaultLock
from cspr_tui.vault.storage import EncryptedStorage, Tables, VaultClosed, VaultReadOnly, loads

# At most this many extra Argon2id runs when looking for a backup that opens.
_MAX_BACKUP_DERIVATIONS = 2


@dataclass(frozen=True)
class VaultInfo:
    """What `cspr verify` reports about the file itself."""

    path: Path
    format_version: int
    kdf: KdfParams
    cipher: str
    size: int
    saved: datetime


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


def _unseal(path: Path, blob: bytes, keys: _KeyCache) -> tuple[Header, bytes, bytes]:
    """Header, data key and plaintext; raises VaultDamaged or WrongPassphrase."""
    header = parse_header(blob, path)
    try:
        data_key = unwrap_data_key(header, keys.key_for(header))
    except KeyRejected:
        raise WrongPassphrase(
            f"wrong passphrase for the vault {path}; check it and try again."
        ) from None
    try:
        plaintext = open_body(blob, header, data_key)
    except BodyRejected:
        raise VaultDamaged(
            f"the vault {path} is damaged or was tampered with: its contents do not authenticate."
        ) from None
    return header, data_key, plaintext


def _parse_tables(path: Path, plaintext: bytes, *, keep: bool = False) -> Tables:
    """The tables; `keep` for the ones an open vault holds (frozen out of the GC's walks)."""
    try:
        data = loads(plaintext, freeze=keep)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise VaultDamaged(f"the vault {path} decrypts but does not hold a database.")
    return data


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
            data_key = unwrap_data_key(header, keys.key_for(header))
            _parse_tables(info.path, open_body(blob, header, data_key))
        except (CsprError, KeyRejected, BodyRejected, OSError):
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
    err = VaultDamaged(f"{exc.message.rstrip('.')}; {hint}", details=exc.details)
    err.working_backup = backup  # type: ignore[attr-defined]
    return err


class Vault:
    """An unlocked vault. Use as a context manager, or call close() to drop the data."""

    def __init__(
        self,
        path: Path,
        header: Header,
        kek: bytes,
        data_key: bytes,
        data: Tables,
        plaintext: bytes,
        *,
        backups: int,
        readonly: bool,
        lock: VaultLock | None,
    ) -> None:
        self.path = path
        self.readonly = readonly
        self.backups = max(0, int(backups))
        self._header = header
        self._kek: bytes | None = kek
        self._data_key: bytes | None = data_key
        self._lock = lock
        self._mutex = threading.RLock()
        self._storage = EncryptedStorage(
            data, plaintext, self._persist, readonly=readonly, mutex=self._mutex
        )
        self._storage.on_rollback = self._forget_table_state
        self.db = TinyDB(storage=lambda: self._storage)

    # -- public API --------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._storage.is_open

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
            header = make_header(kdf, salt, kek, data_key)
            plaintext = self._storage.clean_plaintext()
            # The same data under the old key: not worth a backup the old passphrase opens.
            self._save(seal(header, data_key, plaintext), keep_previous=False, key=data_key)
            self._header, self._kek, self._data_key = header, kek, data_key
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

    def _persist(self, plaintext: bytes) -> None:
        self._require_writable()
        assert self._data_key is not None
        blob = seal(self._header, self._data_key, plaintext)
        self._save(blob, keep_previous=self.backups > 0)

    def _save(self, blob: bytes, *, keep_previous: bool, key: bytes | None = None) -> None:
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
            self._read_back(blob, key)
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
                prune_backups(path, self.backups, spare=previous)
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

    def _read_back(self, blob: bytes, key: bytes | None = None) -> None:
        """Re-read the file: it must be exactly what was sealed, and authenticate."""
        key = key or self._data_key
        assert key is not None
        try:
            written = self.path.read_bytes()
            header = parse_header(written, self.path)
            ok = hmac.compare_digest(written, blob)
            if ok:
                open_body(written, header, key)
        except (OSError, CsprError, BodyRejected):
            ok = False
        if not ok:
            raise CsprError(
                f"the vault {self.path} did not read back correctly after saving; the "
                "previous version was kept. Check the disk and try again."
            )

    def _reencrypt_backup(self, path: Path, old_key: bytes, new: Header) -> bool:
        """Re-encrypt a backup whose body opens with `old_key` under the new header and data
        key, keeping its time; False (left as it was) if it does not open with that key."""
        assert self._data_key is not None
        try:
            blob = path.read_bytes()
            header = parse_header(blob, path)
            plaintext = open_body(blob, header, old_key)
            stat = path.stat()
            atomic.replace_file(path, seal(new, self._data_key, plaintext))
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        except (OSError, CsprError, BodyRejected):
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
        header = make_header(kdf, salt, kek, data_key)
        plaintext = b"{}"
        blob = seal(header, data_key, plaintext)
        try:
            atomic.create_file(path, blob)
        except FileExistsError:
            raise CsprError(f"{path} already exists; nothing was changed.") from None
        except OSError as exc:
            raise CsprError(f"cannot create the vault {path} ({exc.strerror}).") from None
        return Vault(
            path, header, kek, data_key, {}, plaintext, backups=backups, readonly=False, lock=lock
        )
    except BaseException:
        lock.release()
        raise


def open_vault(
    path: Path | str, passphrase: str, *, backups: int = 10, readonly: bool = False
) -> Vault:
    """Unlock a vault. Read-only opens take no lock and refuse every write."""
    path = Path(path)
    if not path.exists():
        _read_file(path)  # the clear "no vault here" error, before any lock file is made
    lock = None if readonly else VaultLock(path).acquire()
    frozen = False
    try:
        blob = _read_file(path)
        keys = _KeyCache(passphrase)
        try:
            header, data_key, plaintext = _unseal(path, blob, keys)
            frozen = True  # from here on, whatever was parsed may be frozen
            data = _parse_tables(path, plaintext, keep=True)
        except VaultDamaged as exc:
            raise _damaged_with_hint(exc, path, keys) from None
        if lock is not None:
            atomic.remove_stale_temps(path)
        return Vault(
            path,
            header,
            keys.key_for(header),
            data_key,
            data,
            plaintext,
            backups=backups,
            readonly=readonly,
            lock=lock,
        )
    except BaseException:
        if frozen:
            gc.unfreeze()
        if lock is not None:
            lock.release()
        raise


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
            data_key = unwrap_data_key(header, keys.key_for(header))
            _parse_tables(info.path, open_body(blob, header, data_key))
            states[info.name] = "opens"
        except KeyRejected:
            states[info.name] = "other passphrase"
        except (CsprError, BodyRejected, OSError):
            states[info.name] = "damaged"
    return states


def restore_backup(
    path: Path | str, backup: str | os.PathLike[str], passphrase: str, *, backups: int = 10
) -> Path | None:
    """Make a backup the vault again. The current file is kept as a backup first (even a
    damaged one), so a restore never loses data; returns that backup's path."""
    path = Path(path)
    source = resolve_backup(path, backup)
    with VaultLock(path).acquire() as _held:
        blob = _read_file(source)
        _unseal(source, blob, _KeyCache(passphrase))  # authenticates before anything changes
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
        prune_backups(path, max(backups, 1), spare=previous)
        return previous
