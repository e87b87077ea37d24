"""The segmented snapshot (frame kind 3): an index, then one JSON segment per table, each
parsed on first use; read here with nothing but docs/vault-format.md's offsets and plain
AES-GCM, and through the API (lazy parsing, changes kept for unparsed tables, compaction
copying unparsed segments, the older whole-JSON snapshot migrating with a backup, and a
broken index or segment refused as damage)."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import unicodedata
from pathlib import Path

import orjson
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from cspr_tui.errors import CsprError, VaultDamaged
from cspr_tui.vault import create_vault, list_backups, open_vault
from tests.vault import corpus

PASSPHRASE = "segment passphrase"
FIXTURES = Path(__file__).parent / "fixtures"
# Written by the code before segmented snapshots (main at ce869a4): a version-2 file whose
# snapshot (kind 1) is the whole database as one JSON object, then one change record.
FORMAT2_JSON = FIXTURES / "format2-json.vault"
FORMAT2_JSON_PASSPHRASE = "fixture passphrase 2"
HEADER = 150


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return workspace / "vault" / "cases.vault"


def _data_key(blob: bytes, passphrase: str) -> bytes:
    """The data key, by the document: Argon2id from the header's fields, then unwrapped."""
    memory, iterations, lanes = struct.unpack(">III", blob[29:41])
    kek = Argon2id(
        salt=blob[41:57], length=32, iterations=iterations, lanes=lanes, memory_cost=memory
    ).derive(unicodedata.normalize("NFC", passphrase).encode())
    return AESGCM(kek).decrypt(blob[58:70], blob[70:118], blob[0:70])


def _snapshot_plaintext(blob: bytes, passphrase: str) -> tuple[int, bytes]:
    """(kind, plaintext) of the first frame, decrypted with the documented AAD."""
    start, end = corpus.frames(blob)[0]
    prefix = blob[start : start + corpus.PREFIX_SIZE]
    kind = prefix[8]
    nonce = prefix[13:25]
    aad = blob[:HEADER] + prefix + bytes(16)
    return kind, AESGCM(_data_key(blob, passphrase)).decrypt(
        nonce, blob[start + corpus.PREFIX_SIZE : end], aad
    )


def _segments(plaintext: bytes) -> dict[str, bytes]:
    """Each table's JSON, read from the documented index."""
    (length,) = struct.unpack(">I", plaintext[:4])
    index = orjson.loads(plaintext[4 : 4 + length])
    base = 4 + length
    return {name: plaintext[base + off : base + off + size] for name, off, size in index}


def _reseal_snapshot(blob: bytes, passphrase: str, plaintext: bytes) -> bytes:
    """The file with its snapshot replaced by `plaintext`, sealed as the document says (a
    valid frame: only what it holds is wrong). Only for a file with no change records."""
    nonce = os.urandom(12)
    fields = struct.pack(">QBI12s", 0, 3, len(plaintext) + 16, nonce)
    prefix = fields + hashlib.sha256(fields).digest()[:4]
    sealed = AESGCM(_data_key(blob, passphrase)).encrypt(
        nonce, plaintext, blob[:HEADER] + prefix + bytes(16)
    )
    return blob[:HEADER] + prefix + sealed


def _filled(path: Path) -> None:
    with create_vault(path, PASSPHRASE, backups=0) as vault:
        vault.db.table("cases").insert_multiple(
            {"ref": f"CSPR-2026-{i:03d}", "notes": f"Fictional note {i}."} for i in range(1, 41)
        )
        vault.db.table("audit").insert_multiple({"seq": i, "what": "made"} for i in range(5))
        vault.db.table("meta").insert({"key": "schema", "value": 1})
        vault.compact()


def test_a_snapshot_opens_by_the_document(vault_path: Path) -> None:
    _filled(vault_path)
    kind, plaintext = _snapshot_plaintext(vault_path.read_bytes(), PASSPHRASE)
    assert kind == 3
    segments = _segments(plaintext)
    assert set(segments) == {"cases", "audit", "meta"}
    # Back to back after the index, nothing outside them.
    (length,) = struct.unpack(">I", plaintext[:4])
    assert 4 + length + sum(len(raw) for raw in segments.values()) == len(plaintext)
    cases = orjson.loads(segments["cases"])
    assert cases["3"] == {"ref": "CSPR-2026-003", "notes": "Fictional note 3."}
    assert orjson.loads(segments["meta"]) == {"1": {"key": "schema", "value": 1}}


def test_unlock_parses_only_the_tables_read(vault_path: Path) -> None:
    _filled(vault_path)
    with open_vault(vault_path, PASSPHRASE) as vault:
        assert vault.parsed_tables() == []
        assert vault.db.tables() == {"cases", "audit", "meta"}  # names need no parsing
        assert vault.db.table("meta").all() == [{"key": "schema", "value": 1}]
        assert vault.parsed_tables() == ["meta"]
        vault.db.table("meta").insert({"key": "more", "value": 2})
        assert vault.parsed_tables() == ["meta"]  # a save parses nothing else
    with open_vault(vault_path, PASSPHRASE) as vault:
        assert len(vault.db.table("cases")) == 40
        assert sorted(vault.parsed_tables()) == ["cases"]
        assert vault.db.table("meta").count(lambda d: True) == 2


def test_changes_to_an_unparsed_table_are_applied_when_it_is_parsed(vault_path: Path) -> None:
    _filled(vault_path)
    with open_vault(vault_path, PASSPHRASE) as vault:
        cases = vault.db.table("cases")
        cases.update({"notes": "Edited once."}, doc_ids=[3])  # a patch
        cases.insert({"ref": "CSPR-2026-041", "notes": "New."})  # a set
        cases.remove(doc_ids=[5])  # a removal
        cases.update(lambda d: d.pop("notes"), doc_ids=[7])  # a field deleted
        vault.db.table("extra").insert({"x": 1})  # a new table
        vault.db.drop_table("audit")  # a dropped one, never parsed
        expected = {doc.doc_id: dict(doc) for doc in cases.all()}
    assert vault_path.stat().st_size > 0
    with open_vault(vault_path, PASSPHRASE, readonly=True) as vault:
        assert vault.db.tables() == {"cases", "meta", "extra"}
        assert vault.parsed_tables() == ["extra"]  # sent whole in its change record
        got = {doc.doc_id: dict(doc) for doc in vault.db.table("cases").all()}
        assert got == expected
        assert got[3]["notes"] == "Edited once." and 5 not in got and "notes" not in got[7]
        assert vault.db.table("extra").all() == [{"x": 1}]


def test_compaction_copies_an_unparsed_segment_as_it_is(vault_path: Path) -> None:
    _filled(vault_path)
    before = _segments(_snapshot_plaintext(vault_path.read_bytes(), PASSPHRASE)[1])
    with open_vault(vault_path, PASSPHRASE, backups=2) as vault:
        vault.db.table("meta").insert({"key": "more", "value": 2})
        vault.compact()
        assert vault.parsed_tables() == ["meta"]  # compaction parsed nothing
    after = _segments(_snapshot_plaintext(vault_path.read_bytes(), PASSPHRASE)[1])
    assert after["cases"] == before["cases"] and after["audit"] == before["audit"]
    assert orjson.loads(after["meta"])["2"] == {"key": "more", "value": 2}
    with open_vault(vault_path, PASSPHRASE) as vault:
        assert len(vault.db.table("cases")) == 40


def test_compaction_applies_the_changes_kept_for_an_unparsed_table(vault_path: Path) -> None:
    _filled(vault_path)
    with open_vault(vault_path, PASSPHRASE) as vault:
        vault.db.table("cases").update({"notes": "Kept in the journal."}, doc_ids=[2])
    with open_vault(vault_path, PASSPHRASE) as vault:
        assert vault.parsed_tables() == []
        vault.compact()
    (frame,) = corpus.frames(vault_path.read_bytes())  # one snapshot, no journal
    assert frame[1] == vault_path.stat().st_size
    plaintext = _snapshot_plaintext(vault_path.read_bytes(), PASSPHRASE)[1]
    cases = orjson.loads(_segments(plaintext)["cases"])
    assert cases["2"]["notes"] == "Kept in the journal."


def test_an_inner_rollback_puts_back_an_unparsed_table(vault_path: Path) -> None:
    _filled(vault_path)
    with open_vault(vault_path, PASSPHRASE) as vault:
        with vault.transaction():
            vault.db.table("meta").insert({"key": "outer", "value": 1})
            with pytest.raises(RuntimeError), vault.transaction():
                vault.db.table("cases").update({"notes": "Undone."}, doc_ids=[1])
                raise RuntimeError("the inner change fails")
        assert vault.db.table("cases").get(doc_id=1)["notes"] == "Fictional note 1."
    with open_vault(vault_path, PASSPHRASE) as vault:
        assert vault.db.table("cases").get(doc_id=1)["notes"] == "Fictional note 1."
        assert vault.db.table("meta").count(lambda d: d["key"] == "outer") == 1


def test_the_older_json_snapshot_opens_and_migrates_with_a_backup(vault_path: Path) -> None:
    shutil.copyfile(FORMAT2_JSON, vault_path)
    assert _snapshot_plaintext(FORMAT2_JSON.read_bytes(), FORMAT2_JSON_PASSPHRASE)[0] == 1
    with open_vault(vault_path, FORMAT2_JSON_PASSPHRASE, backups=0) as vault:
        assert vault.db.table("cases").get(doc_id=2)["notes"] == "Changed after the snapshot."
        counter = vault.save_counter
        vault.db.table("cases").update({"notes": "First save after the upgrade."}, doc_ids=[1])
        assert vault.save_counter == counter + 1
    (backup,) = list_backups(vault_path)  # kept even with backups=0
    assert backup.path.read_bytes() == FORMAT2_JSON.read_bytes()
    blob = vault_path.read_bytes()
    kind, plaintext = _snapshot_plaintext(blob, FORMAT2_JSON_PASSPHRASE)
    assert kind == 3 and len(corpus.frames(blob)) == 1
    assert blob[12:28] == FORMAT2_JSON.read_bytes()[12:28]  # the same vault id
    cases = orjson.loads(_segments(plaintext)["cases"])
    assert cases["1"]["notes"] == "First save after the upgrade."
    assert cases["2"]["notes"] == "Changed after the snapshot."
    with open_vault(vault_path, FORMAT2_JSON_PASSPHRASE, readonly=True) as vault:
        assert sorted(c["ref"] for c in vault.db.table("cases")) == [
            "CSPR-2025-021",
            "CSPR-2025-022",
        ]


def _index(entries: list[list[object]]) -> bytes:
    head = orjson.dumps(entries)
    return struct.pack(">I", len(head)) + head


BROKEN_SNAPSHOTS = {
    "empty": b"",
    "index-length-past-the-end": struct.pack(">I", 1000) + b"[]",
    "index-not-json": struct.pack(">I", 3) + b"[[x",
    "index-not-a-list": _index({"cases": 1}) + b"{}",  # type: ignore[arg-type]
    "entry-not-a-triple": _index([["cases", 0]]) + b"{}",
    "offset-not-back-to-back": _index([["cases", 1, 2]]) + b" {}",
    "overlapping-segments": _index([["a", 0, 2], ["b", 0, 2]]) + b"{}",
    "repeated-table": _index([["a", 0, 2], ["a", 2, 2]]) + b"{}{}",
    "segment-not-an-object": _index([["cases", 0, 2]]) + b"[]",
    "bytes-after-the-segments": _index([["cases", 0, 2]]) + b"{}junk",
    "segment-past-the-end": _index([["cases", 0, 20]]) + b"{}",
}


@pytest.mark.parametrize("name", sorted(BROKEN_SNAPSHOTS))
def test_a_snapshot_whose_index_does_not_fit_is_damage(vault_path: Path, name: str) -> None:
    create_vault(vault_path, PASSPHRASE, backups=0).close()
    blob = _reseal_snapshot(vault_path.read_bytes(), PASSPHRASE, BROKEN_SNAPSHOTS[name])
    vault_path.write_bytes(blob)
    with pytest.raises(VaultDamaged) as caught:
        open_vault(vault_path, PASSPHRASE)
    assert caught.value.exit_code == 4
    assert "\n" not in caught.value.message
    assert vault_path.read_bytes() == blob


def test_a_segment_that_does_not_parse_is_damage_when_read(vault_path: Path) -> None:
    create_vault(vault_path, PASSPHRASE, backups=0).close()
    plaintext = _index([["meta", 0, 2], ["cases", 2, 9]]) + b"{}" + b'{"1": [}}'
    blob = _reseal_snapshot(vault_path.read_bytes(), PASSPHRASE, plaintext)
    vault_path.write_bytes(blob)
    with open_vault(vault_path, PASSPHRASE) as vault:
        assert vault.db.table("meta").all() == []  # the sound table reads
        with pytest.raises(CsprError) as caught:
            vault.db.table("cases").all()
        assert caught.value.exit_code == 4
        assert "cases table" in caught.value.message and "cspr verify" in caught.value.message
        with pytest.raises(CsprError):  # still refused: nothing half-parsed is kept
            vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    assert vault_path.read_bytes() == blob


def test_the_decrypted_snapshot_is_let_go_once_most_of_it_is_parsed(vault_path: Path) -> None:
    """The unparsed segments are views of the decrypted snapshot; once less than half of it
    is left unparsed they take copies of their own bytes, so the snapshot (the size of the
    vault) is not kept alive for a few small tables."""
    from cspr_tui.vault.journal import Segment

    _filled(vault_path)
    with open_vault(vault_path, PASSPHRASE) as vault:
        tables = vault._storage.read()
        assert all(
            isinstance(t, Segment) and isinstance(t.raw, memoryview) for t in tables.values()
        )
        vault.db.table("meta").all()  # a small table: the snapshot stays
        assert isinstance(tables["cases"].raw, memoryview)
        vault.db.table("cases").all()  # most of it: the rest is copied out
        assert isinstance(tables["audit"], Segment) and isinstance(tables["audit"].raw, bytes)
        assert len(vault.db.table("audit")) == 5


def test_with_many_small_tables_the_snapshot_is_let_go_when_half_is_parsed(
    vault_path: Path,
) -> None:
    """Parsing one table after another (as the search index's thousand tables are), the
    snapshot is let go at the parse that leaves less than half of it unparsed: not before
    (the count of what is still viewed is kept, not walked again at every parse), and not
    later."""
    from cspr_tui.vault.journal import Segment

    names = [f"t{i:02d}" for i in range(10)]
    with create_vault(vault_path, PASSPHRASE) as vault:
        with vault.transaction():
            for name in names:  # ten tables of the same size, nothing else of note
                vault.db.table(name).insert({"text": "x" * 5000})
        vault.compact()
    with open_vault(vault_path, PASSPHRASE) as vault:
        tables = vault._storage.read()
        for count, name in enumerate(names[:4], 1):
            vault.db.table(name).all()
            assert isinstance(tables[names[-1]].raw, memoryview), count  # over half unparsed
        # Five of ten left: less than half of the snapshot, which also holds its index.
        vault.db.table(names[4]).all()
        assert all(
            isinstance(tables[name], Segment) and isinstance(tables[name].raw, bytes)
            for name in names[5:]
        )
        assert [len(vault.db.table(name)) for name in names] == [1] * 10


def test_one_document_is_read_without_parsing_its_table(vault_path: Path) -> None:
    """Opening one case of thousands reads that case, not the whole cases table."""
    _filled(vault_path)
    with open_vault(vault_path, PASSPHRASE) as vault:
        assert vault.document("cases", 3) == {"ref": "CSPR-2026-003", "notes": "Fictional note 3."}
        assert vault.document("cases", 40) == {
            "ref": "CSPR-2026-040",
            "notes": "Fictional note 40.",
        }
        assert vault.document("meta", 1) == {"key": "schema", "value": 1}
        assert vault.parsed_tables() == []
        assert vault.document("nothing", 1) is None
        # A copy of its own: changing it changes nothing the vault holds, before the table
        # is parsed and after (found by a hostile review: it was the table's own then).
        vault.document("cases", 3)["notes"] = "Not saved."  # type: ignore[index]
        assert vault.db.table("cases").get(doc_id=3)["notes"] == "Fictional note 3."
        vault.document("cases", 3)["notes"] = "Not saved either."  # type: ignore[index]
        assert vault.db.table("cases").get(doc_id=3)["notes"] == "Fictional note 3."


def _awkward(i: int, digits: str) -> dict[str, object]:
    """A document whose JSON holds what could be taken for the start of another: an object
    under a key of digits after another object (`},"907":{`), the pattern inside strings,
    escaped quotes, braces."""
    return {
        "ref": f"CSPR-2026-{i:03d}",
        "records": {"a": {"x": i}, digits: {"values": {"b": [], "c": {"x": i}}}},
        "notes": 'He said "}," then left {},"9":{ not a document',
        "list": [{"1": {}}, {"2": [i]}],
    }


@pytest.mark.parametrize("digits", ["9{:02d}", "2"])  # keys no document has, one one has
def test_a_document_read_alone_is_the_one_its_table_gives(vault_path: Path, digits: str) -> None:
    """Every document read on its own (its slice of the snapshot, then the changes the
    journal holds for it) equals the one the parsed table gives, whatever its JSON holds;
    one its slice cannot tell (cut short by an object under a key of digits) is read by
    parsing the table."""
    with create_vault(vault_path, PASSPHRASE, backups=0) as vault:
        cases = vault.db.table("cases")
        cases.insert_multiple(
            _awkward(i, digits.format(i)) if i % 3 == 0 else {"ref": f"R{i}"} for i in range(1, 61)
        )
        vault.compact()
    with open_vault(vault_path, PASSPHRASE) as vault:
        cases = vault.db.table("cases")
        cases.update({"notes": "Edited once."}, doc_ids=[1, 3])  # patches
        cases.update({"notes": "Edited twice.", "extra": {"5": {}}}, doc_ids=[1])
        cases.insert({"ref": "CSPR-2026-061", "notes": "New."})  # a set
        cases.update({"notes": "New, then edited."}, doc_ids=[61])
        cases.remove(doc_ids=[5, 9])  # removals
        cases.update(lambda d: d.pop("ref"), doc_ids=[7])  # a field deleted
    with open_vault(vault_path, PASSPHRASE, readonly=True) as vault:
        first = vault.document("cases", 1)
        # Each unknown key once: the slices still serve; a document's id twice: they cannot.
        assert vault.parsed_tables() == ([] if digits != "2" else ["cases"])
        alone = {doc_id: vault.document("cases", doc_id) for doc_id in range(1, 63)}
        assert vault.parsed_tables() == ["cases"]  # an awkward document: the table parsed
    with open_vault(vault_path, PASSPHRASE, readonly=True) as vault:
        whole = {doc.doc_id: dict(doc) for doc in vault.db.table("cases").all()}
    assert first == whole[1] == {"ref": "R1", "notes": "Edited twice.", "extra": {"5": {}}}
    assert {doc_id: doc for doc_id, doc in alone.items() if doc is not None} == whole
    assert alone[5] is None and alone[9] is None and alone[62] is None
    assert alone[3]["notes"] == "Edited once."  # type: ignore[index]
    assert alone[61] == {"ref": "CSPR-2026-061", "notes": "New, then edited."}
    assert "ref" not in alone[7]  # type: ignore[operator]


def test_a_document_whose_table_is_damaged_is_damage_when_read(vault_path: Path) -> None:
    create_vault(vault_path, PASSPHRASE, backups=0).close()
    plaintext = _index([["meta", 0, 2], ["cases", 2, 20]]) + b"{}" + b'{"1":{"a":1},"2":[}}'
    blob = _reseal_snapshot(vault_path.read_bytes(), PASSPHRASE, plaintext)
    vault_path.write_bytes(blob)
    with open_vault(vault_path, PASSPHRASE) as vault:
        with pytest.raises(CsprError) as caught:
            vault.document("cases", 2)
        assert caught.value.exit_code == 4 and "cases table" in caught.value.message
    assert vault_path.read_bytes() == blob
