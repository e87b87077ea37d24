"""A change that alone passes the compaction threshold (an import of thousands of cases) is
saved as a new snapshot at once, as a compaction writes it, instead of being sealed and
synced as a change record only to be compacted away; smaller changes are still appended.
Either way it is all or nothing: a failed write leaves the file, its backups and memory as
they were. And the commit does not hold the record, the snapshot's plaintext and the sealed
file all at once (measured with tracemalloc, which sees every bytes object made)."""

from __future__ import annotations

import datetime
import errno
import os
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

import orjson
import pytest

from cspr_tui.errors import CsprError
from cspr_tui.vault import atomic as atomic_module
from cspr_tui.vault import create_vault, journal, list_backups, open_vault, storage
from tests.vault import corpus

PASSPHRASE = "large change passphrase"


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, PASSPHRASE, backups=3) as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001", "notes": "first"})
    return path


def _docs(count: int, size: int = 2_000) -> list[dict[str, str]]:
    return [{"ref": f"CSPR-2027-{n:05d}", "notes": f"case {n} " + "x" * size} for n in range(count)]


def _frame_kinds(path: Path) -> list[int]:
    blob = path.read_bytes()
    return [blob[start + 8] for start, _end in corpus.frames(blob)]


def test_a_change_past_the_threshold_is_saved_as_a_snapshot(vault_path: Path) -> None:
    vault = open_vault(vault_path, PASSPHRASE, backups=3)
    counter = vault.info().save_counter
    backups = len(list_backups(vault_path))
    vault.db.table("cases").insert_multiple(_docs(300))  # about 600 KB: past 256 KiB
    info = vault.info()
    assert info.journal_bytes == 0  # no change record: the file is one snapshot
    assert _frame_kinds(vault_path) == [journal.KIND_SEGMENTED]
    assert info.save_counter == counter + 1  # one save, numbered as an append would be
    assert len(list_backups(vault_path)) == backups + 1  # the previous file kept
    vault.db.table("cases").insert({"ref": "CSPR-2026-002"})  # a small one still appends
    assert _frame_kinds(vault_path) == [journal.KIND_SEGMENTED, journal.KIND_CHANGE]
    assert vault.info().save_counter == counter + 2
    vault.close()
    with open_vault(vault_path, PASSPHRASE) as again:
        refs = [doc["ref"] for doc in again.db.table("cases")]
    assert refs == ["CSPR-2026-001", *(d["ref"] for d in _docs(300)), "CSPR-2026-002"]


def test_a_change_under_the_threshold_is_appended(vault_path: Path) -> None:
    vault = open_vault(vault_path, PASSPHRASE, backups=3)
    backups = len(list_backups(vault_path))
    vault.db.table("cases").insert_multiple(_docs(20))  # about 40 KB
    assert vault.info().journal_bytes > 0
    assert _frame_kinds(vault_path)[-1] == journal.KIND_CHANGE
    assert len(list_backups(vault_path)) == backups
    vault.close()


@pytest.mark.parametrize("where", ["write", "rename", "read-back"])
def test_a_failed_snapshot_of_a_large_change_changes_nothing(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    vault = open_vault(vault_path, PASSPHRASE, backups=3)
    before_bytes = vault_path.read_bytes()
    before_names = sorted(p.name for p in vault_path.parent.iterdir())
    counter = vault.info().save_counter

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_write_temp = atomic_module.write_temp

    def flipping(path: Path, data: Iterable[bytes]) -> Path:
        damaged = bytearray(b"".join(data))  # (the sealed stream, chunk by chunk)
        damaged[-5] ^= 0x01
        return real_write_temp(path, damaged)

    said = r"cannot save the vault .*nothing was changed"
    with monkeypatch.context() as patch:
        if where == "write":
            patch.setattr(atomic_module.os, "fsync", disk_full)
        elif where == "rename":
            patch.setattr(os, "replace", disk_full)
        else:
            patch.setattr(atomic_module, "write_temp", flipping)
            said = r"did not read back correctly .*previous version was kept"
        with pytest.raises(CsprError, match=said), vault.transaction() as db:
            db.table("cases").insert_multiple(_docs(300))
    assert vault_path.read_bytes() == before_bytes
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before_names
    assert [doc["ref"] for doc in vault.db.table("cases")] == ["CSPR-2026-001"]
    assert vault.info().save_counter == counter
    vault.db.table("cases").insert({"ref": "CSPR-2026-003"})  # the next save works
    vault.close()
    with open_vault(vault_path, PASSPHRASE) as again:
        assert [doc["ref"] for doc in again.db.table("cases")] == [
            "CSPR-2026-001",
            "CSPR-2026-003",
        ]


def test_a_large_commit_holds_less_than_one_copy_of_the_data(vault_path: Path) -> None:
    """The record is measured a group of documents at a time and not kept (it is past the
    compaction threshold); the snapshot's tables are measured the same way, then dumped
    again a group at a time as they are sealed into the file, and the file is read back
    and authenticated a piece at a time: at its peak the commit holds well under one
    serialised copy of the data, where it held about one (1.7x with orjson's working
    space), before that the plaintext and the sealed file (2.4x), and before that the
    record, both, a copy read back and that copy decrypted."""
    vault = open_vault(vault_path, PASSPHRASE, backups=3)
    docs = _docs(1_500, size=4_000)  # about 6 MB of JSON
    size = len(orjson.dumps(docs))
    table = vault.db.table("cases")
    tracemalloc.start()
    try:
        with vault.transaction():
            table.insert_multiple(docs)
            tracemalloc.reset_peak()
            base, _ = tracemalloc.get_traced_memory()
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert vault.info().journal_bytes == 0
    assert peak - base < 1.0 * size, f"the commit held {(peak - base) / size:.1f}x the data"
    vault.close()


def test_sealing_into_one_buffer_gives_the_bytes_of_header_plus_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`sealed_after` is `head + seal_frame(head, ...)` written in place: same nonce, same
    bytes, byte for byte (so files written either way are the same format)."""
    nonce = bytes(range(12))
    monkeypatch.setattr(journal.os, "urandom", lambda n: nonce[:n])
    head, key, tag = b"H" * 150, bytes(range(32)), bytes(range(16, 32))
    for plaintext in (b"", b"{}", bytes(range(256)) * 400):
        joined = head + journal.seal_frame(head, key, 7, journal.KIND_SEGMENTED, tag, plaintext)
        placed = journal.sealed_after(head, key, 7, journal.KIND_SEGMENTED, tag, plaintext)
        assert isinstance(placed, bytearray) and bytes(placed) == joined


def test_a_sealed_stream_gives_the_bytes_of_sealing_into_one_buffer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`SealedStream` over the plaintext's parts gives, chunk by chunk, the very bytes
    `sealed_after` gives for the joined plaintext (same nonce): the file format is the same
    whichever way a snapshot is written; its size and tag are what the file ends with."""
    nonce = bytes(range(12))
    monkeypatch.setattr(journal.os, "urandom", lambda n: nonce[:n])
    monkeypatch.setattr(journal, "STREAM_CHUNK", 1000)  # many chunks, some parts split
    head, key = b"H" * 150, bytes(range(32))
    big = bytes(range(256)) * 40
    for parts in ([], [b""], [b"{}"], [b"\x00\x00\x00\x02", b"[]", big, memoryview(big)[7:]]):
        joined = b"".join(parts)
        whole = journal.sealed_after(head, key, 7, journal.KIND_SEGMENTED, journal.NO_TAG, joined)
        stream = journal.SealedStream(
            head, key, 7, journal.KIND_SEGMENTED, journal.NO_TAG, list(parts)
        )
        assert stream.size == len(whole)
        assert b"".join(stream) == bytes(whole)
        assert stream.tag == journal.frame_tag(whole)


def test_a_body_byte_changed_on_the_way_to_disk_fails_the_read_back(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-back authenticates the file itself from disk, piece by piece: a byte changed
    in the middle of the sealed body (header, prefix and tag intact) is caught, the
    previous file is put back and memory is as it was."""
    vault = open_vault(vault_path, PASSPHRASE, backups=3)
    before_bytes = vault_path.read_bytes()
    before_names = sorted(p.name for p in vault_path.parent.iterdir())
    real_write_temp = atomic_module.write_temp

    def flipping(path: Path, data: Iterable[bytes]) -> Path:
        damaged = bytearray(b"".join(data))
        damaged[len(damaged) // 2] ^= 0x01
        return real_write_temp(path, damaged)

    with monkeypatch.context() as patch:
        patch.setattr(atomic_module, "write_temp", flipping)
        with pytest.raises(CsprError, match="did not read back correctly"):
            vault.db.table("cases").insert_multiple(_docs(300))
    assert vault_path.read_bytes() == before_bytes
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before_names
    assert [doc["ref"] for doc in vault.db.table("cases")] == ["CSPR-2026-001"]
    vault.close()


def test_a_record_in_parts_joins_to_its_json() -> None:
    """The parts a commit hands the vault join to exactly `dumps` of the change record,
    for every kind of part (dropped, replaced, removed, set, patched; keys that need
    escaping), so an appended record is the same bytes as before."""
    change = {
        "x": ["old", 'quote"d'],
        "r": {"new": {"1": {"a": 1}}, "empty": {}},
        "d": {"cases": ["3", "4"]},
        "s": {"cases": {"5": {"ref": "CSPR-1", "notes": "é\\n"}}, "audit": {}},
        "p": {"cases": {"6": {"set": {"stage": "x"}, "del": ["notes"]}}},
    }
    for keys in (list(change), ["s"], ["x"], ["d", "p"]):
        part = {key: change[key] for key in keys}
        assert b"".join(storage.record_pieces(part)) == storage.dumps(part)
        assert orjson.loads(b"".join(storage.record_pieces(part))) == part


def test_a_table_in_parts_joins_to_its_json() -> None:
    """`journal.table_parts` gives exactly `dumps(table)` (orjson's, or the storage's
    strict one) for tables below, at and past a group, with keys that need escaping, and
    for anything that is not a dict (a record's list of removed ids, however long)."""
    group = journal.TABLE_GROUP
    awkward = {f'id"{n}é\\': {"n": n, "t": "é\n" * (n % 3)} for n in range(group * 2 + 1)}
    tables: list[object] = [
        {},
        {"1": {"a": 1}},
        {str(n): {"n": n} for n in range(group)},
        {str(n): {"n": n} for n in range(group + 1)},
        awkward,
        [str(n) for n in range(group * 3)],
    ]
    for table in tables:
        for dumps in (orjson.dumps, storage.dumps):
            assert b"".join(journal.table_parts(table, dumps)) == dumps(table)
    assert len(list(journal.table_parts(awkward))) == 2 + 3 + 2  # braces, groups, commas


def test_a_snapshot_streamed_is_the_snapshot_packed_whole_the_old_way() -> None:
    """`snapshot_stream`'s length and parts give the very plaintext of the layout as it
    was packed whole (index, then each table's JSON: a segment as it is, a segment with a
    change replayed and a dict dumped), so the file format is unchanged."""
    big = {str(n): {"ref": f"CSPR-{n}", "notes": "x" * (n % 50)} for n in range(1_000)}
    raw = orjson.dumps({"1": {"a": 1}, "2": {"b": 2}})
    changed = journal.Segment(raw)
    changed.pending.append(("d", ["2"]))
    tables = {
        "cases": big,
        "kept": journal.Segment(memoryview(raw)),
        "changed": changed,
        "empty": {},
    }
    jsons = [orjson.dumps(big), raw, orjson.dumps({"1": {"a": 1}}), b"{}"]
    index, offset = [], 0
    for name, raw_json in zip(tables, jsons, strict=True):
        index.append([name, offset, len(raw_json)])
        offset += len(raw_json)
    head = orjson.dumps(index)
    expected = journal._INDEX_LENGTH.pack(len(head)) + head + b"".join(jsons)
    length, parts = journal.snapshot_stream(tables)
    joined = b"".join(parts)
    assert joined == expected
    assert length == len(joined) and journal.pack_snapshot(tables) == joined
    unpacked = journal.unpack_snapshot(joined)
    assert unpacked["cases"].parse() == big and unpacked["changed"].parse() == {"1": {"a": 1}}


def test_a_record_past_the_limit_is_neither_kept_nor_dumped_to_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`hold_record` keeps a change record's parts within the limit (joined, exactly its
    JSON); past it nothing, and it stops dumping there (its size is past the limit, not the
    record's); a value the vault cannot store within the limit is refused at once."""
    change = {"s": {"cases": {str(n): {"ref": f"CSPR-{n}"} for n in range(600)}}}
    whole = storage.dumps(change)
    kept = storage.hold_record(change, limit=len(whole))
    assert b"".join(kept) == whole and kept.size == len(whole)
    made: list[int] = []
    real = storage.record_parts

    def counted(record: dict[str, object]) -> object:
        for part in real(record):
            made.append(len(part))
            yield part

    monkeypatch.setattr(storage, "record_parts", counted)
    measured = storage.hold_record(change, limit=1_000)
    assert list(measured) == [] and 1_000 < measured.size < len(whole)
    assert sum(made) == measured.size  # no part made after the one that passed the limit
    monkeypatch.undo()
    change["s"]["audit"] = {"1": {"at": datetime.date(2026, 12, 2)}}
    with pytest.raises(TypeError):
        storage.hold_record(change, limit=len(whole) * 2)


def test_a_value_the_vault_cannot_store_past_the_limit_is_still_refused(
    vault_path: Path,
) -> None:
    """A change too large to be dumped as a record (saved as a snapshot) with a date at its
    very end, past where the record stopped being dumped: refused as a small change is,
    before anything is written (the snapshot's tables are dumped strictly as they are
    measured); the file and memory as they were, and the vault saves on."""
    vault = open_vault(vault_path, PASSPHRASE, backups=3)
    before_bytes = vault_path.read_bytes()
    before_names = sorted(p.name for p in vault_path.parent.iterdir())
    docs: list[dict[str, object]] = [*_docs(300), {"ref": "late", "at": datetime.date(2026, 1, 2)}]
    with pytest.raises(TypeError, match=r"JSON values only; nothing was saved \(.*date"):
        vault.db.table("cases").insert_multiple(docs)
    assert vault_path.read_bytes() == before_bytes
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before_names
    assert [doc["ref"] for doc in vault.db.table("cases")] == ["CSPR-2026-001"]
    vault.db.table("cases").insert_multiple(_docs(300))  # and a good one is saved
    vault.close()
    with open_vault(vault_path, PASSPHRASE) as again:
        assert len(again.db.table("cases")) == 301


def test_a_snapshot_whose_parts_do_not_add_up_is_not_written(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a snapshot's parts not add up to the length its index and prefix were made
    with, the seal stops before its tag: the save fails, the vault file and its folder are
    as they were, and memory goes back to the last save."""
    vault = open_vault(vault_path, PASSPHRASE, backups=3)
    before_bytes = vault_path.read_bytes()
    before_names = sorted(p.name for p in vault_path.parent.iterdir())
    real = journal.snapshot_stream

    def one_byte_short(tables: object) -> tuple[int, object]:
        length, parts = real(tables)  # type: ignore[arg-type]
        return length + 1, parts

    with monkeypatch.context() as patch:
        patch.setattr(storage, "snapshot_stream", one_byte_short)
        with pytest.raises(CsprError, match="did not add up"):
            vault.db.table("cases").insert_multiple(_docs(300))
    assert vault_path.read_bytes() == before_bytes
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before_names
    assert [doc["ref"] for doc in vault.db.table("cases")] == ["CSPR-2026-001"]
    vault.close()
