"""Rekey makes a new data key: an old copy of the file and the old passphrase together
decrypt nothing written after the rekey (checked with plain AES-GCM, not the vault code)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from cspr_tui.vault import create_vault, list_backups, open_vault
from cspr_tui.vault.format import parse_header

MARKER = "Persimmon-Vetch-R41"


def _data_key_of(blob: bytes, path: Path, passphrase: str) -> bytes:
    header = parse_header(blob, path)
    kek = Argon2id(
        salt=header.salt,
        length=32,
        iterations=header.kdf.iterations,
        lanes=header.kdf.lanes,
        memory_cost=header.kdf.memory_kib,
    ).derive(unicodedata.normalize("NFC", passphrase).encode())
    return AESGCM(kek).decrypt(header.key_nonce, header.wrapped_key, header.wrap_aad())


def _sealed_parts(blob: bytes, path: Path) -> list[tuple[bytes, bytes, bytes]]:
    """(nonce, ciphertext, associated data) of every encrypted part of a vault file."""
    from cspr_tui.vault.crypto import sealed_parts

    return sealed_parts(blob, path)


def test_an_old_copy_and_the_old_passphrase_decrypt_nothing_after_rekey(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "old passphrase") as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    old_copy = workspace / "stolen-copy.vault"
    shutil.copyfile(path, old_copy)
    old_key = _data_key_of(old_copy.read_bytes(), old_copy, "old passphrase")
    with open_vault(path, "old passphrase") as vault:
        vault.rekey("new passphrase")
        vault.db.table("cases").insert({"ref": "CSPR-2026-002", "child": MARKER})
    blob = path.read_bytes()
    parts = _sealed_parts(blob, path)
    assert parts
    for nonce, ciphertext, aad in parts:
        with pytest.raises(InvalidTag):
            AESGCM(old_key).decrypt(nonce, ciphertext, aad)
    new_key = _data_key_of(blob, path, "new passphrase")
    opened = [AESGCM(new_key).decrypt(n, c, a) for n, c, a in parts]
    assert any(MARKER.encode() in plaintext for plaintext in opened)
    # The backups were re-encrypted under the new key as well.
    for info in list_backups(path):
        for nonce, ciphertext, aad in _sealed_parts(info.path.read_bytes(), info.path):
            with pytest.raises(InvalidTag):
                AESGCM(old_key).decrypt(nonce, ciphertext, aad)
