"""Key derivation and authenticated encryption for the vault file.

The passphrase (NFC-normalised, UTF-8) goes through Argon2id to a key-encryption key
that wraps a random 256-bit data key; the data key encrypts the body with AES-256-GCM
whose associated data is the whole header. A wrapped key that does not authenticate
means a wrong passphrase; a body that does not authenticate under a good key means damage.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import replace
from pathlib import Path

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from cspr_tui.errors import CsprError
from cspr_tui.vault.format import (
    CIPHER_AES256_GCM,
    FORMAT_VERSION,
    HEADER_SIZE,
    KEY_SIZE,
    NONCE_SIZE,
    SALT_SIZE,
    VAULT_ID_SIZE,
    WRAPPED_KEY_SIZE,
    Header,
    KdfParams,
    parse_header,
)


class KeyRejected(Exception):
    """The wrapped data key did not authenticate: wrong passphrase (or a forged header)."""


class BodyRejected(Exception):
    """The body did not authenticate under a key that did: the file is damaged."""


def derive_kek(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
    """Run Argon2id; the parameters must already have passed the header's bound checks."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    try:
        argon = Argon2id(
            salt=salt,
            length=KEY_SIZE,
            iterations=kdf.iterations,
            lanes=kdf.lanes,
            memory_cost=kdf.memory_kib,
        )
    except UnsupportedAlgorithm:
        raise CsprError(
            "this installation's cryptography library lacks Argon2id; "
            "install cryptography>=45 from PyPI."
        ) from None
    return argon.derive(secret)


def new_salt() -> bytes:
    return os.urandom(SALT_SIZE)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def new_vault_id() -> bytes:
    return os.urandom(VAULT_ID_SIZE)


def make_header(
    kdf: KdfParams, salt: bytes, kek: bytes, data_key: bytes, vault_id: bytes
) -> Header:
    """A format-2 header that wraps `data_key` under `kek` for the vault `vault_id`."""
    unwrapped = Header(
        version=FORMAT_VERSION,
        kdf=kdf,
        salt=salt,
        cipher_id=CIPHER_AES256_GCM,
        key_nonce=os.urandom(NONCE_SIZE),
        wrapped_key=bytes(WRAPPED_KEY_SIZE),
        vault_id=vault_id,
    )
    wrapped = AESGCM(kek).encrypt(unwrapped.key_nonce, data_key, unwrapped.wrap_aad())
    return replace(unwrapped, wrapped_key=wrapped)


def unwrap_data_key(header: Header, kek: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(header.key_nonce, header.wrapped_key, header.wrap_aad())
    except InvalidTag:
        raise KeyRejected() from None


def seal_v1(header: Header, data_key: bytes, plaintext: bytes) -> bytes:
    """A whole format-1 file (only the tests still write one): header with a fresh body
    nonce, then the AEAD body bound to the whole header."""
    sealed = header.with_body_nonce(os.urandom(NONCE_SIZE))
    raw = sealed.pack()
    return raw + AESGCM(data_key).encrypt(sealed.body_nonce, plaintext, raw)


def open_body(blob: bytes, header: Header, data_key: bytes) -> bytes:
    """A format-1 body."""
    raw = blob[:HEADER_SIZE]
    try:
        return AESGCM(data_key).decrypt(header.body_nonce, blob[HEADER_SIZE:], raw)
    except InvalidTag:
        raise BodyRejected() from None


def sealed_parts(blob: bytes, path: Path) -> list[tuple[bytes, bytes, bytes]]:
    """(nonce, ciphertext with tag, associated data) of each encrypted part of a file, for
    tests and tools that check the format independently of this module."""
    from cspr_tui.vault.journal import frame_parts

    header = parse_header(blob, path)
    if header.version == 1:
        return [(header.body_nonce, blob[HEADER_SIZE:], blob[:HEADER_SIZE])]
    return frame_parts(blob, blob[: header.size])
