"""The vault file's clear-text header: layout, strict parsing and bound checks.

Every field is checked before anything expensive runs, so a damaged or crafted header is
refused in microseconds instead of making Argon2id allocate gigabytes. The layout is
documented in docs/vault-format.md; keep the two in step.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from cspr_tui.errors import UsageError, VaultDamaged

MAGIC = b"\x89CSPRVT\n"
FORMAT_VERSION = 2  # what this cspr writes; version 1 is still read (and migrated on write)
SUPPORTED_VERSIONS = (1, 2)
KDF_ARGON2ID = 1
CIPHER_AES256_GCM = 1
KDF_NAMES = {KDF_ARGON2ID: "Argon2id"}
CIPHER_NAMES = {CIPHER_AES256_GCM: "AES-256-GCM"}

SALT_SIZE = 16
NONCE_SIZE = 12
KEY_SIZE = 32
TAG_SIZE = 16
WRAPPED_KEY_SIZE = KEY_SIZE + TAG_SIZE
CHECKSUM_SIZE = 32

VAULT_ID_SIZE = 16

# Version 1: magic, version, header length, kdf id, memory KiB, iterations, lanes, salt,
# cipher id, key nonce, wrapped data key, body nonce; then the SHA-256 of all of that.
_FIELDS = struct.Struct(f">8sHHBIII{SALT_SIZE}sB{NONCE_SIZE}s{WRAPPED_KEY_SIZE}s{NONCE_SIZE}s")
WRAP_AAD_SIZE = 8 + 2 + 2 + 1 + 4 + 4 + 4 + SALT_SIZE + 1 + NONCE_SIZE  # magic .. key nonce
HEADER_SIZE = _FIELDS.size + CHECKSUM_SIZE
MIN_FILE_SIZE = HEADER_SIZE + TAG_SIZE
# Version 2: magic, version, header length, vault id, kdf id, memory KiB, iterations, lanes,
# salt, cipher id, key nonce, wrapped data key; then the SHA-256 of all of that. The
# journal's frames follow (cspr_tui/vault/journal.py).
_FIELDS2 = struct.Struct(f">8sHH{VAULT_ID_SIZE}sBIII{SALT_SIZE}sB{NONCE_SIZE}s{WRAPPED_KEY_SIZE}s")
WRAP_AAD_SIZE2 = _FIELDS2.size - WRAPPED_KEY_SIZE  # magic .. key nonce
HEADER2_SIZE = _FIELDS2.size + CHECKSUM_SIZE

# Upper bounds: a header asking for more is refused before any key derivation.
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_ITERATIONS = 16
MAX_LANES = 16
# And on their product (memory x passes, what an unlock costs): four times the defaults',
# so a crafted header cannot ask for 1 GiB sixteen times over (tens of seconds) either.
MAX_WORK_KIB_PASSES = 4 * 256 * 1024 * 4
# The OWASP floor for Argon2id; weaker headers are treated as tampered with.
FLOOR_MEMORY_KIB = 19 * 1024
FLOOR_ITERATIONS = 2

PROFILE_ENV = "CSPR_KDF_PROFILE"
# The second, explicit condition for the test profile: the test suite's conftest sets it.
SUITE_ENV = "CSPR_TEST_SUITE"
# The shortest passphrase the front doors accept when one is chosen (init, rekey, new vault);
# opening never checks it, so the demo vault's short passphrase still works.
MIN_NEW_PASSPHRASE = 8


def damaged(path: Path | str, reason: str) -> VaultDamaged:
    """The one wording of a vault that does not check out (header, frame or contents)."""
    return VaultDamaged(f"the vault {path} is damaged or was tampered with: {reason}.")


def with_checksum(fields: bytes, size: int = CHECKSUM_SIZE) -> bytes:
    """Clear-text fields followed by the first `size` bytes of their SHA-256: how the
    header (32 bytes) and each journal frame's prefix (4 bytes) catch damage early."""
    return fields + hashlib.sha256(fields).digest()[:size]


def checksum_matches(fields: bytes, check: bytes) -> bool:
    """Do `fields` carry this checksum (as written by `with_checksum`)?"""
    return hashlib.sha256(fields).digest()[: len(check)] == check


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters, stored in the header so they can be raised later."""

    memory_kib: int
    iterations: int
    lanes: int
    kdf_id: int = KDF_ARGON2ID

    def meets_floor(self) -> bool:
        return self.memory_kib >= FLOOR_MEMORY_KIB and self.iterations >= FLOOR_ITERATIONS

    def describe(self) -> str:
        memory = (
            f"{self.memory_kib // 1024} MiB"
            if self.memory_kib % 1024 == 0
            else f"{self.memory_kib} KiB"
        )
        return (
            f"{KDF_NAMES.get(self.kdf_id, '?')} (memory {memory}, "
            f"{self.iterations} iteration{'s' if self.iterations != 1 else ''}, "
            f"{self.lanes} lane{'s' if self.lanes != 1 else ''})"
        )


# Calibrated on the 2-core reference machine: about 0.6 s per unlock (see the format doc).
DEFAULT_KDF = KdfParams(memory_kib=256 * 1024, iterations=4, lanes=2)
# Only for the test suite (CSPR_KDF_PROFILE=test): derivation in well under a millisecond.
TEST_KDF = KdfParams(memory_kib=64, iterations=1, lanes=1)


def test_profile() -> bool:
    """The weak test parameters are accepted only with both switches: the profile asked for
    and the test suite's own marker, so one stray variable cannot weaken a real vault."""
    return os.environ.get(PROFILE_ENV, "") == "test" and os.environ.get(SUITE_ENV, "") == "1"


def _in_temporary_folder(path: Path) -> bool:
    temp = Path(tempfile.gettempdir()).resolve()
    return temp in Path(os.path.abspath(path)).resolve().parents


def kdf_for_new_vault(path: Path) -> KdfParams:
    """The parameters for a new key (init, rekey, a new vault); refuses the test profile
    unless it is fully switched on and `path` is inside the temporary folder."""
    asked = os.environ.get(PROFILE_ENV, "")
    if not asked:
        return DEFAULT_KDF
    if not test_profile() or asked != "test" or not _in_temporary_folder(path):
        raise UsageError(
            f"{PROFILE_ENV}={asked} is for the test suite only and never for a real vault "
            f"({path}); unset {PROFILE_ENV} and try again. Nothing was changed."
        )
    return TEST_KDF


@dataclass(frozen=True)
class Header:
    """The parsed clear-text header; `pack()` gives the exact bytes the AEAD binds to."""

    version: int
    kdf: KdfParams
    salt: bytes
    cipher_id: int
    key_nonce: bytes
    wrapped_key: bytes
    body_nonce: bytes = bytes(NONCE_SIZE)  # version 1 only
    vault_id: bytes = b""  # version 2 only: random, kept for the vault's life

    @property
    def size(self) -> int:
        return HEADER_SIZE if self.version == 1 else HEADER2_SIZE

    def pack(self) -> bytes:
        if self.version == 1:
            fields = _FIELDS.pack(
                MAGIC,
                self.version,
                HEADER_SIZE,
                self.kdf.kdf_id,
                self.kdf.memory_kib,
                self.kdf.iterations,
                self.kdf.lanes,
                self.salt,
                self.cipher_id,
                self.key_nonce,
                self.wrapped_key,
                self.body_nonce,
            )
        else:
            fields = _FIELDS2.pack(
                MAGIC,
                self.version,
                HEADER2_SIZE,
                self.vault_id,
                self.kdf.kdf_id,
                self.kdf.memory_kib,
                self.kdf.iterations,
                self.kdf.lanes,
                self.salt,
                self.cipher_id,
                self.key_nonce,
                self.wrapped_key,
            )
        return with_checksum(fields)

    def wrap_aad(self) -> bytes:
        """What the wrapped data key is bound to: everything from the magic to its nonce."""
        return self.pack()[: WRAP_AAD_SIZE if self.version == 1 else WRAP_AAD_SIZE2]

    def with_body_nonce(self, nonce: bytes) -> Header:
        return replace(self, body_nonce=nonce)

    @property
    def key_id(self) -> tuple[KdfParams, bytes]:
        """Two headers with the same key id derive the same key from one passphrase."""
        return (self.kdf, self.salt)


def parse_header(blob: bytes | bytearray, path: Path) -> Header:
    """Parse and bound-check the header; raise VaultDamaged naming what is wrong."""

    def refuse(reason: str) -> VaultDamaged:
        return damaged(path, reason)

    if not blob:
        raise refuse("the file is empty")
    if not blob.startswith(MAGIC):
        if blob[:1] in (b"{", b"["):
            raise refuse("it is a plain JSON file, not an encrypted cspr vault")
        raise refuse("it is not a cspr vault file (unknown signature)")
    if len(blob) < 12:
        raise refuse(f"the file is truncated ({len(blob)} bytes)")
    version = struct.unpack(">H", blob[8:10])[0]
    layout, size = (_FIELDS, HEADER_SIZE) if version == 1 else (_FIELDS2, HEADER2_SIZE)
    if len(blob) < size + TAG_SIZE:
        raise refuse(f"the file is truncated ({len(blob)} bytes)")
    fields = bytes(blob[: layout.size])
    if not checksum_matches(fields, bytes(blob[layout.size : size])):
        if version not in SUPPORTED_VERSIONS:
            raise refuse(
                f"unknown format version {version} or a damaged header (a newer cspr may be needed)"
            )
        raise refuse("the header checksum does not match")
    if version not in SUPPORTED_VERSIONS:
        raise refuse(f"format version {version} is not supported by this cspr")
    vault_id, body_nonce = b"", bytes(NONCE_SIZE)
    if version == 1:
        (_m, _v, header_size, kdf_id, memory_kib, iterations, lanes, salt, cipher_id,
         key_nonce, wrapped_key, body_nonce) = layout.unpack(fields)  # fmt: skip
    else:
        (_m, _v, header_size, vault_id, kdf_id, memory_kib, iterations, lanes, salt, cipher_id,
         key_nonce, wrapped_key) = layout.unpack(fields)  # fmt: skip
    if header_size != size:
        raise refuse(f"unexpected header length {header_size}")
    if kdf_id not in KDF_NAMES:
        raise refuse(f"unknown key-derivation function {kdf_id}")
    if cipher_id not in CIPHER_NAMES:
        raise refuse(f"unknown cipher {cipher_id}")
    kdf = KdfParams(memory_kib=memory_kib, iterations=iterations, lanes=lanes, kdf_id=kdf_id)
    check_kdf_bounds(kdf, refuse)
    return Header(
        version=version,
        kdf=kdf,
        salt=salt,
        cipher_id=cipher_id,
        key_nonce=key_nonce,
        wrapped_key=wrapped_key,
        body_nonce=body_nonce,
        vault_id=vault_id,
    )


def check_kdf_bounds(kdf: KdfParams, damaged: Callable[[str], VaultDamaged]) -> None:
    """Refuse parameters too costly to run (a hostile file) or too weak to trust."""
    if not 1 <= kdf.lanes <= MAX_LANES:
        raise damaged(f"key-derivation lanes {kdf.lanes} outside 1-{MAX_LANES}")
    if not 1 <= kdf.iterations <= MAX_ITERATIONS:
        raise damaged(f"key-derivation iterations {kdf.iterations} outside 1-{MAX_ITERATIONS}")
    if kdf.memory_kib > MAX_MEMORY_KIB:
        raise damaged(
            f"key-derivation memory {kdf.memory_kib} KiB is above the {MAX_MEMORY_KIB} KiB limit"
        )
    if kdf.memory_kib * kdf.iterations > MAX_WORK_KIB_PASSES:
        raise damaged(
            f"key-derivation cost {kdf.memory_kib} KiB x {kdf.iterations} iterations is above "
            f"the {MAX_WORK_KIB_PASSES} KiB-pass limit"
        )
    if kdf.memory_kib < 8 * kdf.lanes:
        raise damaged(f"key-derivation memory {kdf.memory_kib} KiB is below 8 KiB per lane")
    if not test_profile() and not kdf.meets_floor():
        raise damaged(
            "key-derivation parameters are below the safe minimum "
            f"(memory {kdf.memory_kib} KiB, {kdf.iterations} iterations)"
        )
