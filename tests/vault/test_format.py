"""Header layout and bound checks: a crafted header is refused before any key derivation."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from cspr_tui.errors import VaultDamaged
from cspr_tui.vault import create_vault, open_vault
from cspr_tui.vault import vault as vault_module
from cspr_tui.vault.format import (
    DEFAULT_KDF,
    FLOOR_ITERATIONS,
    FLOOR_MEMORY_KIB,
    HEADER2_SIZE,
    MAGIC,
    MAX_WORK_KIB_PASSES,
    TEST_KDF,
    KdfParams,
    check_kdf_bounds,
    parse_header,
)
from tests.vault import corpus


@pytest.fixture
def sealed(workspace: Path) -> tuple[Path, bytes]:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw", backups=0) as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    return path, path.read_bytes()


def test_layout_matches_the_documented_regions(sealed: tuple[Path, bytes]) -> None:
    path, blob = sealed
    header = parse_header(blob, path)
    assert blob.startswith(MAGIC)
    assert header.version == 2
    assert corpus.REGIONS2[-1][2] == HEADER2_SIZE == header.size
    offsets = {name: (start, end) for name, start, end in corpus.REGIONS2}
    for name, value in (
        ("vault-id", header.vault_id),
        ("salt", header.salt),
        ("key-nonce", header.key_nonce),
        ("wrapped-key", header.wrapped_key),
    ):
        start, end = offsets[name]
        assert blob[start:end] == value, name
    assert header.kdf == TEST_KDF
    assert blob[:HEADER2_SIZE] == header.pack()
    # A segmented snapshot (kind 3, save 0) then one change record (kind 2, save 1), read by
    # the documented prefix.
    spans = corpus.frames(blob)
    assert [struct.unpack(">QB", blob[s : s + 9]) for s, _e in spans] == [(0, 3), (1, 2)]
    assert spans[-1][1] == len(blob)


def test_each_frame_uses_a_fresh_nonce(sealed: tuple[Path, bytes]) -> None:
    path, _first = sealed
    with open_vault(path, "pw", backups=0) as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-002"})
        vault.compact()
        vault.db.table("cases").insert({"ref": "CSPR-2026-003"})
    blob = path.read_bytes()
    nonces = [blob[s + 13 : s + 25] for s, _e in corpus.frames(blob)]
    nonces += [_first[s + 13 : s + 25] for s, _e in corpus.frames(_first)]
    assert len(set(nonces)) == len(nonces) == 4
    assert parse_header(_first, path).salt == parse_header(blob, path).salt
    assert parse_header(_first, path).vault_id == parse_header(blob, path).vault_id


@pytest.mark.parametrize(
    ("offset", "value", "words"),
    [
        (29, struct.pack(">I", 64 * 1024 * 1024), "above the"),  # 64 GiB
        (29, struct.pack(">I", 0xFFFFFFFF), "above the"),
        (29, struct.pack(">I", 4), "below 8 KiB per lane"),
        # 1 GiB and 16 passes are each within bounds, but together cost ~16 unlocks
        (29, struct.pack(">II", 1024 * 1024, 16), "cost"),
        (33, struct.pack(">I", 0), "iterations"),
        (33, struct.pack(">I", 1_000_000), "iterations"),
        (37, struct.pack(">I", 0), "lanes"),
        (37, struct.pack(">I", 255), "lanes"),
        (28, b"\x09", "key-derivation function"),
        (57, b"\x09", "cipher"),
        (10, struct.pack(">H", 4096), "header length"),
    ],
)
def test_crafted_header_fields_are_refused_before_any_key_derivation(
    sealed: tuple[Path, bytes],
    offset: int,
    value: bytes,
    words: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, blob = sealed
    crafted = corpus.reseal_header2(blob, offset, value)
    path.write_bytes(crafted)
    derivations: list[KdfParams] = []

    def refuse(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
        derivations.append(kdf)  # never run it: a crafted 64 GiB request would be honoured
        raise AssertionError(f"Argon2id was asked to run on a crafted header: {kdf}")

    monkeypatch.setattr(vault_module, "derive_kek", refuse)
    with pytest.raises(VaultDamaged, match=words):
        open_vault(path, "pw")
    # Refused on the header alone, with no clock involved: Argon2id never ran.
    assert derivations == []
    assert path.read_bytes() == crafted


def test_weak_parameters_refused_outside_the_test_profile(
    sealed: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _blob = sealed  # made with the tiny test parameters
    monkeypatch.delenv("CSPR_KDF_PROFILE")
    with pytest.raises(VaultDamaged, match="below the safe minimum"):
        open_vault(path, "pw")


def test_default_parameters_are_above_the_floor_and_within_bounds() -> None:
    assert DEFAULT_KDF.memory_kib >= FLOOR_MEMORY_KIB
    assert DEFAULT_KDF.iterations >= FLOOR_ITERATIONS
    check_kdf_bounds(DEFAULT_KDF, VaultDamaged)  # room to raise them later: 4x the work
    assert DEFAULT_KDF.memory_kib * DEFAULT_KDF.iterations * 4 == MAX_WORK_KIB_PASSES
    assert "256 MiB" in DEFAULT_KDF.describe()


def test_unsupported_version_is_named(sealed: tuple[Path, bytes]) -> None:
    path, blob = sealed
    path.write_bytes(corpus.reseal_header2(blob, 8, struct.pack(">H", 9)))
    with pytest.raises(VaultDamaged, match="format version 9"):
        open_vault(path, "pw")


def test_plain_json_is_recognised(sealed: tuple[Path, bytes]) -> None:
    path, _blob = sealed
    path.write_bytes(corpus.tinydb_json(b""))
    with pytest.raises(VaultDamaged, match="plain JSON"):
        open_vault(path, "pw")
