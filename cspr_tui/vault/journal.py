"""Format 2's body: a sealed snapshot, then sealed change records appended one per save.

Each frame is sealed on its own with a fresh nonce; its associated data is the whole
header, the frame's own clear prefix (sequence number, kind, length, nonce, prefix check)
and the previous frame's tag, so frames cannot be reordered, dropped from the middle,
replayed or spliced from another vault. Reading stops at a torn last frame (a crash
while appending) and reports it; anything else that does not authenticate is damage.
The layout is documented in docs/vault-format.md; keep the two in step.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cspr_tui.errors import CsprError
from cspr_tui.vault.format import NONCE_SIZE, TAG_SIZE, checksum_matches, with_checksum
from cspr_tui.vault.format import damaged as _damaged

KIND_SNAPSHOT = 1  # a snapshot whose plaintext is the whole database as one JSON object
KIND_CHANGE = 2
KIND_SEGMENTED = 3  # a snapshot whose plaintext is an index, then one JSON segment per table
SNAPSHOT_KINDS = (KIND_SNAPSHOT, KIND_SEGMENTED)
# A segmented snapshot: 4 bytes (index length), the index, then the segments back to back.
_INDEX_LENGTH = struct.Struct(">I")
# sequence number, kind, ciphertext length (with tag), nonce; then 4 bytes of SHA-256 of those.
_PREFIX = struct.Struct(f">QBI{NONCE_SIZE}s")
PREFIX_CHECK_SIZE = 4
PREFIX_SIZE = _PREFIX.size + PREFIX_CHECK_SIZE
NO_TAG = bytes(TAG_SIZE)
# A frame's ciphertext may not claim more than this (a corrupted length is caught early).
MAX_FRAME = 1 << 31

Tables = dict[str, "dict[str, Any] | Segment"]


@dataclass(frozen=True)
class Frame:
    seq: int
    kind: int
    start: int
    end: int
    tag: bytes


@dataclass
class Replay:
    """What reading a journal gave: the state, its save counter and where it ends."""

    tables: Tables
    counter: int
    end: int  # offset just after the last good frame
    snapshot_end: int
    last_tag: bytes
    torn_seq: int | None = None  # a torn last frame's sequence number, if its prefix was whole
    torn: bool = False
    snapshot_kind: int = KIND_SNAPSHOT


def _prefix(seq: int, kind: int, length: int, nonce: bytes) -> bytes:
    return with_checksum(_PREFIX.pack(seq, kind, length, nonce), PREFIX_CHECK_SIZE)


def seal_frame(
    header_raw: bytes, key: bytes, seq: int, kind: int, prev_tag: bytes, plaintext: bytes
) -> bytes:
    """One frame, ready to append: clear prefix, then ciphertext and tag."""
    nonce = os.urandom(NONCE_SIZE)
    prefix = _prefix(seq, kind, len(plaintext) + TAG_SIZE, nonce)
    sealed = AESGCM(key).encrypt(nonce, plaintext, header_raw + prefix + prev_tag)
    return prefix + sealed


def sealed_after(
    head: bytes, key: bytes, seq: int, kind: int, prev_tag: bytes, plaintext: bytes
) -> bytearray:
    """`head` (the file's header) then one frame, sealed straight into one buffer: the same
    bytes as `head + seal_frame(head, ...)`, without the two whole copies that joining
    them makes (a snapshot of 100 MiB would otherwise be held three times over)."""
    nonce = os.urandom(NONCE_SIZE)
    prefix = _prefix(seq, kind, len(plaintext) + TAG_SIZE, nonce)
    start = len(head) + len(prefix)
    out = bytearray(start + len(plaintext) + TAG_SIZE)
    out[: len(head)] = head
    out[len(head) : start] = prefix
    AESGCM(key).encrypt_into(nonce, plaintext, head + prefix + prev_tag, memoryview(out)[start:])
    return out


# How much plaintext is encrypted (or authenticated on reading back) per step when a
# snapshot is sealed as a stream.
STREAM_CHUNK = 1 << 20


class SealedStream:
    """`head` (the file's header) then one frame sealed from `pieces` (the plaintext in
    parts, never joined), given out a chunk at a time: the same bytes as `sealed_after`
    with the plaintext joined, but a large snapshot is written to the file without its
    whole plaintext or its whole sealed copy ever in memory. `pieces` is a list, or any
    iterable with its total `length` given (a snapshot's parts made as they are taken,
    `snapshot_stream`). `size` is known at once; `tag` once every chunk has been taken."""

    def __init__(
        self,
        head: bytes,
        key: bytes,
        seq: int,
        kind: int,
        prev_tag: bytes,
        pieces: Iterable[bytes | memoryview],
        length: int | None = None,
    ) -> None:
        self.nonce = os.urandom(NONCE_SIZE)
        if length is None:
            pieces = list(pieces)
            length = sum(len(piece) for piece in pieces)
        self.length = length
        self.head = head
        self.prefix = _prefix(seq, kind, length + TAG_SIZE, self.nonce)
        self.size = len(head) + len(self.prefix) + length + TAG_SIZE
        self._key = key
        self._aad = head + self.prefix + prev_tag
        self._pieces: Iterable[bytes | memoryview] | None = pieces
        self.tag: bytes | None = None
        # told (bytes given out, size) after each MiB or so and at the end: a long save's
        # progress (an import's), never more often than that however small the parts
        self.report: Callable[[int, int], None] | None = None

    def __iter__(self) -> Iterator[bytes]:
        if self._pieces is None:
            raise RuntimeError("a sealed stream is given out once")
        encryptor = Cipher(algorithms.AES(self._key), modes.GCM(self.nonce)).encryptor()
        encryptor.authenticate_additional_data(self._aad)
        yield self.head + self.prefix
        given, report = len(self.head) + len(self.prefix), self.report
        due, sealed = given + STREAM_CHUNK, 0
        pieces, self._pieces = iter(self._pieces), None  # each part let go once sealed
        for piece in pieces:
            view = memoryview(piece)
            del piece
            sealed += len(view)
            if sealed > self.length:
                break
            for at in range(0, len(view), STREAM_CHUNK):
                chunk = encryptor.update(view[at : at + STREAM_CHUNK])
                yield chunk
                given += len(chunk)
                if report is not None and given >= due:
                    report(given, self.size)
                    due = given + STREAM_CHUNK
            del view
        if sealed != self.length:  # parts that do not add up to the length in the prefix
            raise CsprError("the vault's snapshot did not add up to its length; nothing was saved.")
        encryptor.finalize()
        self.tag = encryptor.tag
        yield self.tag
        if report is not None:
            report(self.size, self.size)


def authenticate_file(
    path: Path, head: bytes, prefix: bytes, size: int, key: bytes, tag: bytes
) -> bool:
    """Does the file at `path` hold exactly `head`, then one frame with this `prefix` and
    `tag` whose body authenticates under `key` (the snapshot's associated data: header,
    prefix, no previous tag)? Read and decrypted a piece at a time (the plaintext thrown
    away), so reading back a large snapshot holds neither the file nor its plaintext."""
    start = len(head) + len(prefix)
    with path.open("rb", buffering=0) as handle:
        if os.fstat(handle.fileno()).st_size != size or handle.read(start) != head + prefix:
            return False
        (_seq, _kind, _length, nonce) = _PREFIX.unpack(prefix[: _PREFIX.size])
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(head + prefix + NO_TAG)
        left = size - start - TAG_SIZE
        while left > 0:
            piece = handle.read(min(STREAM_CHUNK, left))
            if not piece:
                return False
            decryptor.update(piece)
            left -= len(piece)
        if handle.read(TAG_SIZE + 1) != tag:
            return False
        try:
            decryptor.finalize()
        except InvalidTag:
            return False
    return True


def frame_tag(frame: bytes | bytearray) -> bytes:
    return bytes(frame[-TAG_SIZE:])


def iter_frames(
    blob: bytes | bytearray, header_size: int, path: Path
) -> Iterator[tuple[int, int, int, bytes, int, int, bool]]:
    """(seq, kind, start, nonce, body start, end, complete) of each frame whose prefix is
    whole and checks out; stops at the first that is not (the caller decides torn or not)."""
    pos = header_size
    size = len(blob)
    while pos < size:
        if size - pos < PREFIX_SIZE:
            return
        fields = bytes(blob[pos : pos + _PREFIX.size])
        if not checksum_matches(fields, bytes(blob[pos + _PREFIX.size : pos + PREFIX_SIZE])):
            return
        seq, kind, length, nonce = _PREFIX.unpack(fields)
        if length < TAG_SIZE or length > MAX_FRAME:
            return
        body = pos + PREFIX_SIZE
        end = body + length
        yield seq, kind, pos, nonce, body, end, end <= size
        if end > size:
            return
        pos = end


def replay(
    blob: bytes | bytearray,
    header_raw: bytes,
    key: bytes,
    path: Path,
    *,
    seen: int | None = None,
) -> tuple[Replay, list[bytes]]:
    """Authenticate every frame and return the state and the raw plaintexts (snapshot
    first). `seen` is the highest save counter the witness recorded: a last frame that
    does not authenticate is a torn write only if it was never reported saved."""
    header_size = len(header_raw)
    aead = AESGCM(key)
    prev_tag = NO_TAG
    plaintexts: list[bytes] = []
    frames = list(iter_frames(blob, header_size, path))
    view = memoryview(blob)  # bodies decrypted from the file's bytes, not from a copy of them
    good_end = header_size
    counter = -1
    snapshot_end = 0
    result_torn = False
    torn_seq: int | None = None
    snapshot_kind = KIND_SNAPSHOT
    for index, (seq, kind, start, nonce, body, end, complete) in enumerate(frames):
        first = index == 0
        last = index == len(frames) - 1 and (end >= len(blob) or not complete)
        if first:
            if kind not in SNAPSHOT_KINDS or not complete:
                raise _damaged(path, "its snapshot is missing or cut short")
            snapshot_kind = kind
        elif kind != KIND_CHANGE or seq != counter + 1:
            if last:
                result_torn, torn_seq = True, None
                break
            raise _damaged(path, f"a change record is out of order after save {counter}")
        if not complete:
            result_torn, torn_seq = True, seq
            break
        aad = header_raw + blob[start:body] + prev_tag
        try:
            plaintexts.append(aead.decrypt(nonce, view[body:end], aad))
        except InvalidTag:
            if first:
                raise _damaged(path, "its contents do not authenticate") from None
            if last and (seen is None or seq > seen):
                result_torn, torn_seq = True, seq
                break
            raise _damaged(path, f"the change record of save {seq} does not authenticate") from None
        prev_tag = bytes(blob[end - TAG_SIZE : end])
        counter = seq
        good_end = end
        if first:
            snapshot_end = end
    if not frames:
        raise _damaged(path, "its snapshot is missing")
    if good_end < len(blob) and not result_torn:
        # Bytes after the last good frame that are not a frame at all.
        tail = blob[good_end:]
        if tail.count(0) == len(tail) or len(tail) < PREFIX_SIZE:
            result_torn = True  # zeros or a scrap of a prefix: an append the crash cut
        else:
            raise _damaged(path, f"unreadable bytes follow save {counter}")
    state = Replay(
        tables={},
        counter=counter,
        end=good_end,
        snapshot_end=snapshot_end,
        last_tag=prev_tag,
        torn_seq=torn_seq,
        torn=result_torn,
        snapshot_kind=snapshot_kind,
    )
    return state, plaintexts


class Segment:
    """One table of a segmented snapshot, not parsed yet: its JSON (a view of the decrypted
    snapshot, not a copy) and the changes replayed for it since, applied when it is parsed.

    Immutable once the journal is replayed, so it stands for the table as it was at unlock
    (a savepoint may keep it); compaction copies a segment with no changes as it is."""

    __slots__ = ("_spans", "pending", "raw")

    def __init__(self, raw: memoryview | bytes) -> None:
        self.raw = raw
        self.pending: list[tuple[str, Any]] = []
        self._spans: dict[str, tuple[int, int]] | bool | None = False  # False: not looked

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """One document as `parse()` would give it (None: not in the table), without
        parsing the others: opening one case of thousands reads that case. Raises
        `Unsliced` when that cannot be told from its slice (the caller parses the table,
        which reports damage); the document is the caller's, never shared with the table.
        """
        spans = self._document_spans()
        doc: Any = None
        if doc_id in spans:
            start, end = spans[doc_id]
            try:
                doc = orjson.loads(self.raw[start:end])
            except ValueError:
                raise Unsliced(doc_id) from None
            if not isinstance(doc, dict):
                raise Unsliced(doc_id)
        elif not any(op == "s" and doc_id in payload for op, payload in self.pending):
            raise Unsliced(doc_id)  # absent, or a document the slices missed: parse
        for op, payload in self.pending:
            if op == "d":
                if doc_id in payload:
                    doc = None
            elif op == "s":
                if doc_id in payload:
                    doc = orjson.loads(orjson.dumps(payload[doc_id]))  # a copy of its own
            else:
                patch = payload.get(doc_id)
                if patch is None:
                    continue
                if not isinstance(doc, dict):
                    raise Unsliced(doc_id)  # a change that does not fit: `parse` says so
                doc.update(orjson.loads(orjson.dumps(patch.get("set", {}))))  # copies too
                for field_name in patch.get("del", ()):
                    doc.pop(field_name, None)
        if doc is not None and not isinstance(doc, dict):
            raise Unsliced(doc_id)
        return doc

    def _document_spans(self) -> dict[str, tuple[int, int]]:
        """Where each document lies in `raw`, found once. A table as `dumps` writes it is
        `{"1":{...},"2":{...}}`; a document's object ends where `},"<id>":{` begins the
        next, a pattern no string holds (its quote would be escaped). One inside a document
        (an object under a key of digits) would cut that document short, so its slice does
        not parse and `document` says `Unsliced`; a repeated id makes every slice unsure."""
        spans = self._spans
        if isinstance(spans, dict):
            return spans
        if spans is None:
            raise Unsliced("")
        raw = self.raw
        found: dict[str, tuple[int, int]] = {}
        first = _FIRST_DOCUMENT.match(raw)
        if first is not None:
            key, start = first.group(1).decode(), first.end() - 1
            for nxt in _NEXT_DOCUMENT.finditer(raw, start):
                found[key] = (start, nxt.start() + 1)
                key, start = nxt.group(1).decode(), nxt.end() - 1
                if key in found:
                    self._spans = None
                    raise Unsliced(key)
            found[key] = (start, len(raw) - 1)
        elif bytes(raw[:2]) != b"{}":
            self._spans = None
            raise Unsliced("")
        self._spans = found
        return found

    def parse(self) -> dict[str, Any]:
        """The table: the segment parsed, then its changes applied in order. ValueError
        when the segment is not a table or a change does not fit it."""
        table = orjson.loads(self.raw)
        if not isinstance(table, dict):
            raise ValueError("not a table")
        for op, payload in self.pending:
            try:
                _apply_op(table, op, payload)
            except (KeyError, TypeError, AttributeError):
                raise ValueError("a change record that does not fit the state") from None
        return table

    def detach(self) -> None:
        """Hold a copy of its own bytes instead of a view of the whole decrypted snapshot,
        so the snapshot's memory can go once most of it has been parsed."""
        if isinstance(self.raw, memoryview):
            self.raw = self.raw.tobytes()

    def json(self) -> bytes | memoryview:
        """The table's JSON as a snapshot segment (parsed only if changes are pending)."""
        return self.raw if not self.pending else orjson.dumps(self.parse())


class Unsliced(Exception):
    """`Segment.document` cannot tell the document from its slice: parse the table."""


_FIRST_DOCUMENT = re.compile(rb'\{"(\d+)":\{')
_NEXT_DOCUMENT = re.compile(rb'\},"(\d+)":\{')


def _apply_op(table: dict[str, Any], op: str, payload: Any) -> None:
    """One table's part of a change record: removed ids (d), set documents (s) or patched
    documents (p)."""
    if op == "d":
        for doc_id in payload:
            table.pop(doc_id, None)
    elif op == "s":
        table.update(payload)
    else:
        for doc_id, patch in payload.items():
            doc = table[doc_id]  # a KeyError is a record that does not fit: damage
            doc.update(patch.get("set", {}))
            for field_name in patch.get("del", ()):
                doc.pop(field_name, None)


def apply_change(tables: Tables, change: dict[str, Any]) -> None:
    """Apply one change record: dropped tables, replaced tables, removed documents, set
    (whole) documents, then patched documents (changed top-level fields). A table still
    unparsed (a `Segment`) keeps its part to apply when it is parsed."""
    for name in change.get("x", ()):
        tables.pop(name, None)
    for name, table in change.get("r", {}).items():
        tables[name] = table
    for op in ("d", "s", "p"):
        for name, payload in change.get(op, {}).items():
            target = tables.get(name)
            if target is None:
                if op == "d":
                    continue
                if op == "p":
                    raise KeyError(name)
                target = tables[name] = {}
            if isinstance(target, Segment):
                target.pending.append((op, payload))
            else:
                _apply_op(target, op, payload)


def pack_snapshot(tables: Mapping[str, dict[str, Any] | Segment]) -> bytes:
    """A segmented snapshot's plaintext: the index (`[[table, offset, length], ...]`,
    offsets from the end of the index), then each table's JSON. Unparsed tables with no
    pending change are copied as they are."""
    _length, parts = snapshot_stream(tables)
    return b"".join(parts)


# Documents dumped together when a large table is given out in parts (`table_parts`).
TABLE_GROUP = 256

_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(data: Any) -> bytes:
    """Strict JSON: dates, dataclasses and other non-JSON values are refused (TypeError),
    not coerced, so what is in memory is exactly what a reopen gives back; a snapshot is
    dumped so too, which is what refuses such a value in a change too large to be dumped
    as a record (`storage.hold_record`)."""
    return orjson.dumps(data, option=_STRICT)


def table_parts(table: Any, dumps: Callable[[Any], bytes] = dumps) -> Iterator[bytes | memoryview]:
    """`dumps(table)` in parts whose join is exactly those bytes: a table of more than
    `TABLE_GROUP` documents is given out a group of documents at a time (each group dumped
    as an object, its braces left out, commas between), so a table of thousands of cases
    is never one large buffer. Anything but a large dict is dumped whole."""
    if not isinstance(table, dict) or len(table) <= TABLE_GROUP:
        yield dumps(table)
        return
    items = list(table.items())
    yield b"{"
    for at in range(0, len(items), TABLE_GROUP):
        if at:
            yield b","
        yield memoryview(dumps(dict(items[at : at + TABLE_GROUP])))[1:-1]
    yield b"}"


def _segment_parts(table: dict[str, Any] | Segment) -> Iterator[bytes | memoryview]:
    if isinstance(table, Segment):
        if not table.pending:
            yield table.raw
            return
        table = table.parse()
    yield from table_parts(table)


def snapshot_stream(
    tables: Mapping[str, dict[str, Any] | Segment],
) -> tuple[int, Iterator[bytes | memoryview]]:
    """`pack_snapshot`'s plaintext as its length and its parts, made as they are taken:
    each table is measured first (dumped a group of documents at a time and let go), for
    the index, which comes before the tables; the parts then dump it again as they are
    sealed (`SealedStream`), so no table is ever held serialised whole, let alone the
    snapshot. The tables must not change until the parts have been taken (a save holds
    the vault meanwhile); `SealedStream` refuses parts that do not add up to the length."""
    resolved = {
        name: table.parse() if isinstance(table, Segment) and table.pending else table
        for name, table in tables.items()
    }
    index, offset = [], 0
    for name, table in resolved.items():
        length = sum(len(part) for part in _segment_parts(table))
        index.append([name, offset, length])
        offset += length
    head = orjson.dumps(index)

    def parts() -> Iterator[bytes | memoryview]:
        yield _INDEX_LENGTH.pack(len(head))
        yield head
        for table in resolved.values():
            yield from _segment_parts(table)

    return _INDEX_LENGTH.size + len(head) + offset, parts()


def unpack_snapshot(plaintext: bytes | memoryview) -> dict[str, Segment]:
    """The tables of a segmented snapshot, each as an unparsed `Segment` (views of
    `plaintext`). ValueError when the index does not describe the plaintext exactly."""
    view = memoryview(plaintext)
    if len(view) < _INDEX_LENGTH.size:
        raise ValueError("no index")
    (length,) = _INDEX_LENGTH.unpack(view[: _INDEX_LENGTH.size])
    start = _INDEX_LENGTH.size + length
    if start > len(view):
        raise ValueError("index cut short")
    index = orjson.loads(view[_INDEX_LENGTH.size : start])
    if not isinstance(index, list):
        raise ValueError("not an index")
    tables: dict[str, Segment] = {}
    expected = 0
    for item in index:
        if not (isinstance(item, list) and len(item) == 3):
            raise ValueError("not an index entry")
        name, offset, size = item
        if not isinstance(name, str) or name in tables:
            raise ValueError("a table name missing or repeated")
        if type(offset) is not int or type(size) is not int or offset != expected or size < 2:
            raise ValueError("segments not back to back")
        segment = view[start + offset : start + offset + size]
        if segment[:1].tobytes() != b"{" or segment[-1:].tobytes() != b"}":
            raise ValueError("a segment that is not a JSON object")
        tables[name] = Segment(segment)
        expected = offset + size
    if start + expected != len(view):
        raise ValueError("bytes outside every segment")
    return tables


def build_tables(plaintexts: list[bytes], kind: int = KIND_SNAPSHOT) -> Tables:
    """The state: the snapshot with every change applied in order. A segmented snapshot's
    tables stay unparsed (`Segment`), with their changes kept for when they are parsed."""
    tables: Tables
    if kind == KIND_SEGMENTED:
        tables = dict(unpack_snapshot(plaintexts[0]))
    else:
        tables = orjson.loads(plaintexts[0])
        if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
            raise ValueError("not a database")
    for raw in plaintexts[1:]:
        change = orjson.loads(raw)
        if not isinstance(change, dict):
            raise ValueError("not a change record")
        try:
            apply_change(tables, change)
        except (KeyError, TypeError, AttributeError):
            raise ValueError("a change record that does not fit the state") from None
    return tables


def parsed_tables(plaintexts: list[bytes], kind: int = KIND_SNAPSHOT) -> dict[str, Any]:
    """The whole state as plain JSON values, every table parsed (tests and the bench)."""
    return {
        name: table.parse() if isinstance(table, Segment) else table
        for name, table in build_tables(plaintexts, kind).items()
    }


def frame_parts(blob: bytes, header_raw: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """(nonce, ciphertext with tag, associated data) of each whole frame, for tests that
    check the format with plain AES-GCM."""
    parts = []
    prev_tag = NO_TAG
    for _seq, _kind, start, nonce, body, end, complete in iter_frames(
        blob, len(header_raw), Path("-")
    ):
        if not complete:
            break
        parts.append((nonce, blob[body:end], header_raw + blob[start:body] + prev_tag))
        prev_tag = blob[end - TAG_SIZE : end]
    return parts
