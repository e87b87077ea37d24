"""The TinyDB Storage that keeps the decrypted database in memory and saves only changes.

TinyDB calls `read()` on every query and `write()` after every change with the whole
database. Reads return the in-memory dict (never re-parsed). To save only what changed,
the vault's TinyDB uses `TrackedTable`, whose updates note each document's committed
bytes the first time it is touched (inserted, changed or removed) in a transaction; at
commit the touched documents whose bytes differ become one change record (set documents,
removed ids, dropped or replaced tables) that `persist` appends to the journal. A write
outside a transaction commits at once; inside one it only marks the state dirty.

A failed save or an aborted transaction puts every touched document back from those
bytes, so memory never disagrees with disk and no whole-database copy is kept.
"""

from __future__ import annotations

import gc
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from itertools import compress
from operator import is_not
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from cspr_tui.errors import CsprError, VaultDamaged
from cspr_tui.vault.journal import Segment, Unsliced, dumps, snapshot_stream, table_parts

Tables = dict[str, dict[str, Any] | Segment]
_MISSING = object()


class VaultClosed(CsprError):
    """The vault was closed or locked; its decrypted data is gone."""


class VaultReadOnly(CsprError):
    """The vault was opened read-only."""


class NotStorable(TypeError):
    """A value the vault cannot store, found while a snapshot was measured (before anything
    is written): a change past the record limit is checked so (`hold_record`)."""


class HeldRecord(list[bytes | memoryview]):
    """A commit's change record in parts (`record_parts`), and its size in bytes; past the
    vault's limit (`EncryptedStorage.record_limit`, its compaction threshold) nothing is
    kept and the size is only the bytes made until the limit was passed: such a change is
    saved as a new snapshot, so its record is never needed, whole or measured."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0


def record_parts(change: Mapping[str, Any]) -> Iterator[bytes | memoryview]:
    """`dumps(change)` in parts whose join is exactly that JSON: each table's part on its
    own, a large one a group of documents at a time (`journal.table_parts`), the JSON
    around them as small pieces. Every part is dumped (a value the vault cannot store is
    refused whichever way the change is then saved)."""
    yield b"{"
    for n, (op, part) in enumerate(change.items()):
        yield (b"," if n else b"") + dumps(op) + b":"
        if not isinstance(part, dict):
            yield dumps(part)
            continue
        yield b"{"
        for m, (name, table) in enumerate(part.items()):
            yield (b"," if m else b"") + dumps(name) + b":"
            yield from table_parts(table, dumps)
        yield b"}"
    yield b"}"


def record_pieces(change: Mapping[str, Any]) -> list[bytes | memoryview]:
    """`record_parts`, all of them."""
    return list(record_parts(change))


def hold_record(change: Mapping[str, Any], limit: float) -> HeldRecord:
    """The change record's parts while their size stays within `limit`; once past it, no
    part is kept and no more are made (an import of thousands of cases: its record was
    dumped whole only to be measured). The snapshot that is then saved instead dumps every
    table the change touched, strictly, before anything is written, so a value the vault
    cannot store is still refused (`EncryptedStorage.snapshot_parts`)."""
    held = HeldRecord()
    for part in record_parts(change):
        held.size += len(part)
        if held.size > limit:
            held.clear()
            break
        held.append(part)
    return held


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


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON, not with ==: 1, 1.0 and True are equal in Python but not on disk.
    Two strings are the same JSON exactly when they are equal (the common case, and a
    document of many text fields, such as a word of the search index, is compared often)."""
    if type(a) is str and type(b) is str:
        return a == b
    return dumps(a) == dumps(b)


def _patch(before: Any, after: Any) -> dict[str, Any] | None:
    """The top-level fields of a document that changed: {"set": {...}, "del": [...]}, so a
    one-field edit of a large case is saved as that field, not the whole case."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return None
    changed = {k: v for k, v in after.items() if k not in before or not _same(before[k], v)}
    gone = [k for k in before if k not in after]
    patch: dict[str, Any] = {"set": changed}
    if gone:
        patch["del"] = gone
    return patch


def _release_snapshot(*states: Tables) -> tuple[int, int]:
    """Once less than half of the decrypted snapshot is still unparsed, the segments left
    take copies of their bytes, so the snapshot itself (the size of the vault) is freed
    instead of staying alive for a few small tables. Returns the bytes of the snapshot
    still viewed by unparsed segments and its size (0, 0 when none is left)."""
    left = {id(t): t for state in states for t in state.values() if isinstance(t, Segment)}
    views = [t.raw for t in left.values() if isinstance(t.raw, memoryview)]
    if not views:
        return 0, 0
    whole = max(memoryview(view.obj).nbytes for view in views)
    viewed = sum(view.nbytes for view in views)
    if 2 * viewed < whole:
        for segment in left.values():
            segment.detach()
        return 0, 0
    return viewed, whole


def _parse_segment(name: str, segment: Segment) -> dict[str, Any]:
    """A snapshot segment parsed for use: the collector paused while millions of objects
    are made, then those objects frozen out of its walks (see `loads`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        table = segment.parse()
        gc.freeze()
        return table
    except ValueError:
        raise VaultDamaged(
            f"the vault's {name} table decrypts but does not read back; run 'cspr verify' "
            "and restore a backup ('cspr backups' lists them)."
        ) from None
    finally:
        if enabled:
            gc.enable()


class _Recording:
    """The table TinyDB's updaters change, as a view of the stored table itself (string
    ids; the updaters use the table's integer ids): each document's committed bytes are
    noted before its first change (TinyDB changes documents in place), and nothing is
    copied, so a one-document write costs the same at 10 documents or 100,000.

    Each document is also kept as it was before this one call (`undo`), so an updater that
    raises halfway (a bad document in `insert_multiple`) leaves the table as it found it,
    as TinyDB's copy-and-replace did."""

    __slots__ = ("_convert", "_note", "_prior", "_raw")

    def __init__(
        self, raw: dict[str, Any], note: Callable[[Any, Any], None], convert: Callable[[str], Any]
    ) -> None:
        self._raw = raw
        self._note = note
        self._convert = convert
        self._prior: dict[str, bytes | None] = {}

    def _touch(self, key: Any, doc: Any) -> None:
        name = str(key)
        if name not in self._prior:
            self._prior[name] = None if doc is _MISSING else dumps(doc)
        self._note(key, doc)

    def undo(self) -> None:
        """Put back every document this call touched."""
        for name, raw in self._prior.items():
            if raw is None:
                self._raw.pop(name, None)
            else:
                self._raw[name] = orjson.loads(raw)
        self._prior.clear()

    def __contains__(self, key: object) -> bool:
        return str(key) in self._raw

    def __len__(self) -> int:
        return len(self._raw)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.keys())

    def keys(self) -> list[Any]:
        convert = self._convert
        return [convert(key) for key in self._raw]

    def __getitem__(self, key: Any) -> Any:
        doc = self._raw[str(key)]
        self._touch(key, doc)
        return doc

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if str(key) in self._raw else default

    def __setitem__(self, key: Any, value: Any) -> None:
        name = str(key)
        self._touch(key, self._raw.get(name, _MISSING))
        self._raw[name] = value

    def __delitem__(self, key: Any) -> None:
        name = str(key)
        self._touch(key, self._raw.get(name, _MISSING))
        del self._raw[name]

    def pop(self, key: Any, *default: Any) -> Any:
        name = str(key)
        self._touch(key, self._raw.get(name, _MISSING))
        return self._raw.pop(name, *default)

    def clear(self) -> None:
        for key, doc in self._raw.items():
            self._touch(key, doc)
        self._raw.clear()

    def values(self) -> list[Any]:  # noted first: the caller may change them
        for key, doc in self._raw.items():
            self._touch(key, doc)
        return list(self._raw.values())

    def items(self) -> list[tuple[Any, Any]]:  # noted first: the caller may change them
        convert = self._convert
        for key, doc in self._raw.items():
            self._touch(key, doc)
        return [(convert(key), doc) for key, doc in self._raw.items()]


class TrackedTable(Table):
    """A TinyDB table whose writes change the stored table in place and tell the storage
    which documents they touched; a table still unparsed is parsed on its first use."""

    def _read_table(self) -> dict[str, Mapping[str, Any]]:
        storage = self._storage
        if not isinstance(storage, EncryptedStorage):  # pragma: no cover - other storages
            return super()._read_table()
        table = storage.table(self.name)
        return {} if table is None else table

    def _update_table(self, updater: Callable[[dict[int, Mapping[str, Any]]], None]) -> None:
        storage = self._storage
        if not isinstance(storage, EncryptedStorage):  # pragma: no cover - other storages
            super()._update_table(updater)
            return
        raw = storage.table(self.name)
        tables = storage.read()
        new = raw is None  # a new table is saved whole (it is not among the committed ones)
        if raw is None:
            raw = tables[self.name] = {}
        table = _Recording(raw, storage.noter(self.name), self.document_id_class)
        try:
            updater(table)  # type: ignore[arg-type]  # the view has every method they use
        except BaseException:
            table.undo()
            if new:
                del tables[self.name]
            raise
        storage.write(tables)
        self.clear_cache()


class VaultDB(TinyDB):
    """The TinyDB the domain uses; its tables track their changes."""

    table_class = TrackedTable


class EncryptedStorage(Storage):
    """In-memory tables with durable, sealed saves of each change through `persist`.

    `persist(change)` gets the change record (JSON bytes) and must seal and durably write
    it, or raise (nothing saved).
    """

    def __init__(
        self,
        data: Tables,
        persist: Callable[[HeldRecord], None],
        *,
        readonly: bool,
        mutex: threading.RLock,
    ) -> None:
        self._data: Tables | None = data
        self._committed: Tables = dict(data)
        self._before: dict[str, dict[str, bytes | None]] = {}
        self._persist = persist
        self._readonly = readonly
        self._mutex = mutex
        self._depth = 0
        self._dirty = False
        self._savepoints: list[dict[str, bytes | Segment] | None] = []
        self.on_rollback: Callable[[], None] = lambda: None
        # The size past which a commit's record is neither kept nor made further (the
        # vault's compaction threshold: such a change is saved as a snapshot).
        self.record_limit: Callable[[], float] = lambda: math.inf
        # What `_release_snapshot` last found (bytes still viewed, snapshot size), counted
        # down as segments are parsed, so that it runs again only when the count says the
        # snapshot may be releasable (a vault of many small tables parses many of them).
        self._viewed: tuple[int, int] | None = None
        # table -> what to run on the ids of its documents a save touched, in that save.
        self.derivers: dict[str, Callable[[list[int]], None]] = {}

    # -- the TinyDB Storage interface -------------------------------------------------

    # A table may still be a `Segment` here: TinyDB reads a table through
    # `TrackedTable._read_table` (which parses it) and otherwise only takes the names.
    def read(self) -> Tables:  # type: ignore[override]
        if self._data is None:
            raise VaultClosed("the vault is closed; unlock it again to continue.")
        return self._data

    def write(self, data: Tables) -> None:  # type: ignore[override]
        with self._mutex:
            if self._data is None:
                raise VaultClosed("the vault is closed; nothing was saved. Unlock it again.")
            if self._readonly:
                self._rollback()
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
            self._committed = {}
            self._before = {}
            self._savepoints.clear()
            self._depth = 0
            self.derivers = {}
            if was_open:
                # The tables were frozen by `loads(..., freeze=True)`: back into the oldest
                # generation, so nothing frozen outlives the vault (another open vault's
                # tables are then only walked again, never freed while referenced).
                gc.unfreeze()

    def table(self, name: str) -> dict[str, Any] | None:
        """One table (None if there is none), parsed now if it was still a segment of the
        snapshot: only the tables something reads are ever parsed."""
        data = self.read()
        table = data.get(name)
        if not isinstance(table, Segment):
            return table
        with self._mutex:
            table = data.get(name)
            if not isinstance(table, Segment):
                return table
            parsed = _parse_segment(name, table)
            data[name] = parsed
            if self._committed.get(name) is table:
                self._committed[name] = parsed
            if isinstance(table.raw, memoryview):
                self._parsed_from_snapshot(table.raw.nbytes)
            return parsed

    def document(self, name: str, doc_id: int) -> Mapping[str, Any] | None:
        """One document the table holds (None: the table does not hold it). A table still
        a segment of the snapshot stays one: only this document is parsed (`Segment.document`),
        and it is the caller's own copy, as is the one a table already parsed (or one whose
        document cannot be told from its slice, which is then parsed) gives. Ask for ids the
        table holds (the ids its stored views name): in a table whose
        documents hold objects under keys of digits, an id it does not hold may be
        answered with such an object."""
        key = str(doc_id)
        data = self.read()
        if isinstance(data.get(name), Segment):
            with self._mutex:
                segment = data.get(name)
                if isinstance(segment, Segment):
                    try:
                        return segment.document(key)
                    except Unsliced:
                        pass  # parsed whole below, which reports a damaged table
        table = self.table(name)
        found = None if table is None else table.get(key)
        # A copy of its own here too: the caller may not change the table by changing it.
        return None if found is None else orjson.loads(dumps(found))

    def _parsed_from_snapshot(self, nbytes: int) -> None:
        """A segment viewing the snapshot was parsed: release the snapshot if it is now
        mostly parsed. The count can only run low (a savepoint may bring back a segment
        parsed since), and the precise check decides, so a count is never trusted alone."""
        if self._viewed is not None:
            viewed, whole = self._viewed
            viewed -= nbytes
            self._viewed = (viewed, whole)
            if 2 * viewed >= whole:
                return
        assert self._data is not None
        self._viewed = _release_snapshot(self._data, self._committed)

    def parsed(self) -> list[str]:
        """The tables parsed so far (the rest are still segments of the snapshot)."""
        return [name for name, table in self.read().items() if not isinstance(table, Segment)]

    # -- what TrackedTable reports ----------------------------------------------------

    def noter(self, table: str) -> Callable[[Any, Any], None]:
        before = self._before.setdefault(table, {})

        def note(doc_id: Any, doc: Any) -> None:
            key = str(doc_id)
            if key not in before:
                before[key] = None if doc is _MISSING else dumps(doc)

        return note

    # -- what the Vault builds on -----------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._data is not None

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def snapshot_parts(self) -> tuple[int, Iterator[bytes | memoryview]]:
        """The whole database as a snapshot's plaintext: its length and its parts, made as
        they are taken (`journal.snapshot_stream`), for a compaction, a rekey or the commit
        being saved."""
        data = self.read()
        for name, table in list(data.items()):
            if isinstance(table, Segment) and table.pending:
                self.table(name)  # parsed once here, and kept
        try:
            return snapshot_stream(data)  # every table measured, so dumped strictly, now
        except TypeError as exc:
            raise NotStorable(str(exc)) from None

    def begin(self) -> None:
        data = self.read()
        # The outermost level rolls back to the last save; inner levels need a snapshot
        # (an unparsed segment stands for itself: it is never changed).
        savepoint = None
        if self._depth:
            savepoint = {
                name: table if isinstance(table, Segment) else dumps(table)
                for name, table in data.items()
            }
        self._savepoints.append(savepoint)
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
        if savepoint is not None:
            # New table objects: saved whole at commit (a segment is kept as it was).
            self._data = {
                name: table if isinstance(table, Segment) else loads(table)
                for name, table in savepoint.items()
            }
            self.on_rollback()
        else:
            self._rollback()
        if self._depth == 0:
            self._dirty = False

    # -- committing -------------------------------------------------------------------

    def change(self) -> dict[str, Any] | None:
        """The change since the last commit: dropped (x) and replaced (r) tables, removed
        (d) and set (s) documents; None if nothing differs."""
        assert self._data is not None
        data, committed = self._data, self._committed
        # (C-level passes: a vault may have thousands of tables, the search index's)
        dropped = [] if committed.keys() == data.keys() else [n for n in committed if n not in data]
        replaced: dict[str, Any] = {}
        removed: dict[str, list[str]] = {}
        changed: dict[str, dict[str, Any]] = {}
        patched: dict[str, dict[str, Any]] = {}
        for name in list(compress(data, map(is_not, data.values(), map(committed.get, data)))):
            # new, or put back by an inner rollback: saved whole
            whole = data[name]
            replaced[name] = self.table(name) if isinstance(whole, Segment) else whole
        # Only the tables a write touched can hold changed documents (a vault may have
        # thousands of tables: the search index's).
        for name, noted in self._before.items():
            table = data.get(name)
            if table is None or name in replaced or isinstance(table, Segment):
                continue  # dropped, saved whole, or never parsed so never changed
            for key, before in noted.items():
                doc = table.get(key)
                if doc is None:
                    if before is not None:
                        removed.setdefault(name, []).append(key)
                elif before is None:
                    changed.setdefault(name, {})[key] = doc
                else:
                    now = dumps(doc)
                    if now != before:
                        patch = _patch(orjson.loads(before), doc)
                        if patch is not None and len(dumps(patch)) < len(now):
                            patched.setdefault(name, {})[key] = patch
                        else:
                            changed.setdefault(name, {})[key] = doc
        if not (dropped or replaced or removed or changed or patched):
            return None
        record: dict[str, Any] = {}
        if dropped:
            record["x"] = dropped
        if replaced:
            record["r"] = replaced
        if removed:
            record["d"] = removed
        if changed:
            record["s"] = changed
        if patched:
            record["p"] = patched
        return record

    def _derive(self) -> None:
        """Run each table's deriver on the documents this save touched in it (its writes
        join this save; see `Vault.derive_on_save`)."""
        touched = {
            name: [int(key) for key in self._before[name]]
            for name in self.derivers
            if self._before.get(name)
        }
        if not touched:
            return
        self._depth += 1  # the derivers' writes join this save instead of committing
        try:
            for name, doc_ids in touched.items():
                self.derivers[name](doc_ids)
        except BaseException:
            self._depth -= 1
            self._rollback()
            raise
        self._depth -= 1
        self._dirty = False

    def _commit(self) -> None:
        self._dirty = False
        self._derive()
        try:
            change = self.change()
            # handed over in parts, never joined, and a record past the vault's limit not
            # even kept: the vault then writes a snapshot instead (see `Vault._persist`)
            held = hold_record(change, self.record_limit()) if change is not None else None
            del change
        except TypeError as exc:
            self._rollback()
            raise TypeError(
                f"the vault stores JSON values only; nothing was saved ({exc})"
            ) from None
        if held is not None:
            try:
                self._persist(held)
            except NotStorable as exc:  # a record past the limit, checked by its snapshot
                self._rollback()
                raise TypeError(
                    f"the vault stores JSON values only; nothing was saved ({exc})"
                ) from None
            except BaseException:
                self._rollback()
                raise
        assert self._data is not None
        self._committed = dict(self._data)
        self._before = {}

    def _rollback(self) -> None:
        """Memory back to the last commit: writes change the committed tables in place, and
        every document they touched was noted first, so added ones are removed and changed
        or removed ones get their noted bytes back."""
        for name, before in self._before.items():
            table = self._committed.get(name)
            if table is None or isinstance(table, Segment):
                continue
            for key, raw in before.items():
                if raw is None:
                    table.pop(key, None)
                else:
                    table[key] = orjson.loads(raw)
        self._data = dict(self._committed)
        self._before = {}
        self.on_rollback()
