"""Broken vault files built from a valid one: the tamper corpus (as KeePassXC's tests/data).

Each case says what it breaks and the exit code the contract promises: 4 for damage that
the header checksum, a frame's authentication tag, the journal's chain or the rollback
witness catches, 3 where a forged header (checksum recomputed) cannot be told apart from
a wrong passphrase (docs/vault-format.md). Offsets come from the document, not the code.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from cspr_tui.vault.format import HEADER_SIZE, TAG_SIZE

# -- format 2 (what cspr writes): header, snapshot frame, change records ---------------

HEADER2_SIZE = 150
CHECKSUM2_AT = HEADER2_SIZE - 32
PREFIX_SIZE = 8 + 1 + 4 + 12 + 4  # seq, kind, length, nonce, prefix check

REGIONS2 = [
    ("magic", 0, 8),
    ("version", 8, 10),
    ("header-length", 10, 12),
    ("vault-id", 12, 28),
    ("kdf-id", 28, 29),
    ("kdf-memory", 29, 33),
    ("kdf-iterations", 33, 37),
    ("kdf-lanes", 37, 41),
    ("salt", 41, 57),
    ("cipher-id", 57, 58),
    ("key-nonce", 58, 70),
    ("wrapped-key", 70, 118),
    ("header-checksum", 118, 150),
]


def frames(blob: bytes) -> list[tuple[int, int]]:
    """(start, end) of each frame, read from the documented prefix alone."""
    spans, pos = [], HEADER2_SIZE
    while pos + PREFIX_SIZE <= len(blob):
        (length,) = struct.unpack(">I", blob[pos + 9 : pos + 13])
        end = pos + PREFIX_SIZE + length
        spans.append((pos, min(end, len(blob))))
        pos = end
    return spans


def reseal_header2(blob: bytes, start: int, value: bytes) -> bytes:
    fields = blob[:start] + value + blob[start + len(value) : CHECKSUM2_AT]
    return fields + hashlib.sha256(fields).digest() + blob[HEADER2_SIZE:]


def forged2(start: int, value: bytes) -> Callable[[bytes], bytes]:
    return lambda blob: reseal_header2(blob, start, value)


def forged2_flip(start: int) -> Callable[[bytes], bytes]:
    return lambda blob: reseal_header2(blob, start, bytes([blob[start] ^ 0x01]))


def in_frame(index: int, offset: int) -> Callable[[bytes], bytes]:
    """Flip one byte `offset` bytes into frame `index` (negative: from its end)."""

    def build(blob: bytes) -> bytes:
        start, end = frames(blob)[index]
        return flip(start + offset if offset >= 0 else end + offset)(blob)

    return build


def drop_frame(index: int) -> Callable[[bytes], bytes]:
    def build(blob: bytes) -> bytes:
        start, end = frames(blob)[index]
        return blob[:start] + blob[end:]

    return build


def swap_frames(first: int, second: int) -> Callable[[bytes], bytes]:
    def build(blob: bytes) -> bytes:
        spans = frames(blob)
        parts = [blob[s:e] for s, e in spans]
        parts[first], parts[second] = parts[second], parts[first]
        return blob[:HEADER2_SIZE] + b"".join(parts)

    return build


def forged_kind(index: int, kind: int) -> Callable[[bytes], bytes]:
    """Frame `index` claiming another kind, its prefix check recomputed (so only the
    authentication can tell: the kind is in the associated data)."""

    def build(blob: bytes) -> bytes:
        start, _end = frames(blob)[index]
        fields = blob[start : start + 8] + bytes([kind]) + blob[start + 9 : start + 25]
        prefix = fields + hashlib.sha256(fields).digest()[:4]
        return blob[:start] + prefix + blob[start + PREFIX_SIZE :]

    return build


def cases() -> list[Broken]:
    """Broken copies of a format-2 vault with a snapshot and at least three change records,
    opened on the machine that saved it (its rollback witness knows the last save)."""
    corpus = [Broken(f"flip-{name}", flip(start), 4) for name, start, _end in REGIONS2]
    corpus += [
        Broken("flip-snapshot-prefix", in_frame(0, 2), 4),
        Broken("flip-snapshot-body", in_frame(0, PREFIX_SIZE + 3), 4),
        Broken("flip-snapshot-tag", in_frame(0, -3), 4),
        Broken("flip-snapshot-kind", in_frame(0, 8), 4),
        # The segmented snapshot read as the older whole-JSON kind, and a record as a
        # snapshot: the kind is authenticated.
        Broken("forged-snapshot-kind-json", forged_kind(0, 1), 4),
        Broken("forged-record-kind-snapshot", forged_kind(1, 3), 4),
        Broken("flip-record-length", in_frame(1, 11), 4),
        Broken("flip-middle-record-body", in_frame(1, PREFIX_SIZE + 1), 4),
        Broken("flip-middle-record-nonce", in_frame(2, 15), 4),
        Broken("flip-last-record-tag", in_frame(-1, -3), 4),
        Broken("drop-middle-record", drop_frame(1), 4),
        Broken("drop-last-record", drop_frame(-1), 4),
        Broken("swap-records", swap_frames(1, 2), 4),
        Broken("truncate-last-record", lambda b: b[:-5], 4),
        Broken("truncate-to-snapshot", lambda b: b[: frames(b)[0][1]], 4),
        Broken("truncate-in-header", lambda b: b[: HEADER2_SIZE // 2], 4),
        Broken("truncate-in-snapshot", lambda b: b[: frames(b)[0][1] - 1], 4),
        Broken("append-garbage", lambda b: b + b"\x01" * 64, 4),
        Broken("empty", lambda _b: b"", 4),
        Broken("random-bytes", lambda b: os.urandom(len(b)), 4),
        Broken("zip-file", zip_file, 4),
        Broken("tinydb-json", tinydb_json, 4),
        # Forged headers (checksum recomputed): bound checks still refuse these...
        Broken("forged-memory-64GiB", forged2(29, struct.pack(">I", 64 * 1024 * 1024)), 4),
        Broken("forged-iterations", forged2(33, struct.pack(">I", 100_000)), 4),
        Broken("forged-lanes-zero", forged2(37, struct.pack(">I", 0)), 4),
        Broken("forged-version", forged2(8, struct.pack(">H", 3)), 4),
        Broken("forged-cipher", forged2(57, b"\x07"), 4),
        # ...but these look exactly like a wrong passphrase (documented): the wrapped key
        # is bound to them and does not authenticate.
        Broken("forged-vault-id", forged2_flip(12), 3),
        Broken("forged-salt", forged2_flip(41), 3),
        Broken("forged-key-nonce", forged2_flip(58), 3),
        Broken("forged-wrapped-key", forged2_flip(76), 3),
    ]
    return corpus


# -- format 1 (read, and migrated on the first save) ---------------------------------


CHECKSUM_AT = HEADER_SIZE - 32

# (name, start, end) of each header region, matching docs/vault-format.md.
REGIONS = [
    ("magic", 0, 8),
    ("version", 8, 10),
    ("header-length", 10, 12),
    ("kdf-id", 12, 13),
    ("kdf-memory", 13, 17),
    ("kdf-iterations", 17, 21),
    ("kdf-lanes", 21, 25),
    ("salt", 25, 41),
    ("cipher-id", 41, 42),
    ("key-nonce", 42, 54),
    ("wrapped-key", 54, 102),
    ("body-nonce", 102, 114),
    ("header-checksum", 114, 146),
]


@dataclass(frozen=True)
class Broken:
    name: str
    build: Callable[[bytes], bytes]
    exit_code: int


def flip(offset: int) -> Callable[[bytes], bytes]:
    def build(blob: bytes) -> bytes:
        at = offset if offset >= 0 else len(blob) + offset
        return blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1 :]

    return build


def reseal_header(blob: bytes, start: int, value: bytes) -> bytes:
    """Overwrite header bytes and recompute the unkeyed checksum, as a forger would."""
    fields = blob[:start] + value + blob[start + len(value) : CHECKSUM_AT]
    return fields + hashlib.sha256(fields).digest() + blob[HEADER_SIZE:]


def forged(start: int, value: bytes) -> Callable[[bytes], bytes]:
    return lambda blob: reseal_header(blob, start, value)


def forged_flip(start: int) -> Callable[[bytes], bytes]:
    return lambda blob: reseal_header(blob, start, bytes([blob[start] ^ 0x01]))


def zip_file(_blob: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("cases.json", '{"cases": {}}')
    return buffer.getvalue()


def tinydb_json(_blob: bytes) -> bytes:
    return b'{"cases": {"1": {"ref": "CSPR-2026-001", "child": "Child A"}}}'


def cases_v1() -> list[Broken]:
    corpus = [Broken(f"flip-{name}", flip(start), 4) for name, start, _end in REGIONS]
    corpus += [
        Broken("flip-body", flip(HEADER_SIZE + 3), 4),
        Broken("flip-tag", flip(-TAG_SIZE // 2), 4),
        Broken("truncate-in-header", lambda b: b[: HEADER_SIZE // 2], 4),
        Broken("truncate-tag", lambda b: b[:-1], 4),
        Broken("truncate-body", lambda b: b[: HEADER_SIZE + TAG_SIZE], 4),
        Broken("append", lambda b: b + b"\x00", 4),
        Broken("empty", lambda _b: b"", 4),
        Broken("random-bytes", lambda b: os.urandom(len(b)), 4),
        Broken("zip-file", zip_file, 4),
        Broken("tinydb-json", tinydb_json, 4),
        # Forged headers (checksum recomputed): bound checks still refuse these...
        Broken("forged-memory-64GiB", forged(13, struct.pack(">I", 64 * 1024 * 1024)), 4),
        Broken("forged-iterations", forged(17, struct.pack(">I", 100_000)), 4),
        Broken("forged-lanes-zero", forged(21, struct.pack(">I", 0)), 4),
        Broken("forged-version", forged(8, struct.pack(">H", 2)), 4),
        Broken("forged-cipher", forged(41, b"\x07"), 4),
        Broken("forged-body-nonce", forged_flip(102), 4),
        # ...but these look exactly like a wrong passphrase (documented).
        Broken("forged-salt", forged_flip(25), 3),
        Broken("forged-key-nonce", forged_flip(42), 3),
        Broken("forged-wrapped-key", forged_flip(60), 3),
    ]
    return corpus
