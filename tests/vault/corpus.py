"""Broken vault files built from a valid one: the tamper corpus (as KeePassXC's tests/data).

Each case says what it breaks and the exit code the contract promises: 4 for damage that
the header checksum or the body's authentication tag catches, 3 where a forged header
(checksum recomputed) cannot be told apart from a wrong passphrase (docs/vault-format.md).
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


def cases() -> list[Broken]:
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
