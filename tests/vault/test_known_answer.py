"""Known answers: a vault written by an earlier version still opens, and a body opens with
plain AES-GCM exactly as docs/vault-format.md describes (so the code cannot drift from it).

`fixtures/format1.vault` was written by the format-1 code (before the journal) with the
test key-derivation profile; its content is fictional.
"""

from __future__ import annotations

import shutil
import struct
import unicodedata
from pathlib import Path

import orjson
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from cspr_tui.errors import CsprError
from cspr_tui.vault import open_vault
from tests.vault import corpus

FIXTURES = Path(__file__).parent / "fixtures"
FORMAT1 = FIXTURES / "format1.vault"
FORMAT1_PASSPHRASE = "fixture passphrase 1"


def _kek(passphrase: str, memory: int, iterations: int, lanes: int, salt: bytes) -> bytes:
    secret = unicodedata.normalize("NFC", passphrase).encode()
    return Argon2id(
        salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory
    ).derive(secret)


def _open_format1_by_the_document(blob: bytes, passphrase: str) -> dict:
    """Format 1, read with nothing but the documented offsets and plain AES-GCM."""
    assert blob[:8] == b"\x89CSPRVT\n"
    version, header_len = struct.unpack(">HH", blob[8:12])
    assert (version, header_len) == (1, 146)
    memory, iterations, lanes = struct.unpack(">III", blob[13:25])
    salt, key_nonce, wrapped = blob[25:41], blob[42:54], blob[54:102]
    body_nonce = blob[102:114]
    data_key = AESGCM(_kek(passphrase, memory, iterations, lanes, salt)).decrypt(
        key_nonce, wrapped, blob[0:54]
    )
    plaintext = AESGCM(data_key).decrypt(body_nonce, blob[146:], blob[0:146])
    return orjson.loads(plaintext)


def test_the_format1_fixture_opens_by_the_document() -> None:
    data = _open_format1_by_the_document(FORMAT1.read_bytes(), FORMAT1_PASSPHRASE)
    assert data["cases"]["1"]["ref"] == "CSPR-2025-014"


def test_a_format1_body_bound_only_to_the_key_wrap_fields_is_refused() -> None:
    """The body's associated data is the whole header: cutting it to bytes 0-53 must fail."""
    blob = FORMAT1.read_bytes()
    memory, iterations, lanes = struct.unpack(">III", blob[13:25])
    kek = _kek(FORMAT1_PASSPHRASE, memory, iterations, lanes, blob[25:41])
    data_key = AESGCM(kek).decrypt(blob[42:54], blob[54:102], blob[0:54])
    with pytest.raises(InvalidTag):
        AESGCM(data_key).decrypt(blob[102:114], blob[146:], blob[0:54])


def test_the_format1_fixture_opens_through_the_api(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    shutil.copyfile(FORMAT1, path)
    with open_vault(path, FORMAT1_PASSPHRASE, readonly=True) as vault:
        refs = sorted(case["ref"] for case in vault.db.table("cases"))
        assert refs == ["CSPR-2025-014", "CSPR-2025-015"]
        assert vault.db.table("meta").all()[0] == {"key": "schema", "value": 1}


@pytest.mark.parametrize("broken", corpus.cases_v1(), ids=lambda b: b.name)
def test_tamper_corpus_on_the_format1_fixture(workspace: Path, broken: corpus.Broken) -> None:
    path = workspace / "vault" / "cases.vault"
    blob = broken.build(FORMAT1.read_bytes())
    path.write_bytes(blob)
    with pytest.raises(CsprError) as caught:
        open_vault(path, FORMAT1_PASSPHRASE)
    assert caught.value.exit_code == broken.exit_code, caught.value.message
    assert path.read_bytes() == blob
