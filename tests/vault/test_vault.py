"""The Vault API on real encrypted files: round trip, passphrases, transactions, backups."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from tinydb import Query

from cspr_tui.errors import CsprError, UsageError, VaultDamaged, WrongPassphrase
from cspr_tui.vault import (
    VaultClosed,
    VaultReadOnly,
    check_backups,
    create_vault,
    journal,
    list_backups,
    open_vault,
    restore_backup,
)
from tests.vault import corpus

MARKER = "Thaddeus-Quillfeather-ZX9"


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return workspace / "vault" / "cases.vault"


def _case(ref: str, **extra: object) -> dict:
    return {"ref": ref, "child": f"{MARKER} {ref}", "agencies": ["Police", "Health"], **extra}


def test_round_trip_keeps_every_table(vault_path: Path) -> None:
    with create_vault(vault_path, "correct horse") as vault:
        vault.db.table("cases").insert(_case("CSPR-2026-001"))
        vault.db.table("audit").insert({"seq": 1, "hash": "ab" * 32})
        vault.db.table("meta").insert({"schema": 1, "nested": {"deep": [1, 2, {"x": None}]}})
    with open_vault(vault_path, "correct horse") as vault:
        assert vault.db.tables() == {"cases", "audit", "meta"}
        (case,) = vault.db.table("cases").all()
        assert case["child"] == f"{MARKER} CSPR-2026-001"
        assert vault.db.table("meta").all()[0]["nested"] == {"deep": [1, 2, {"x": None}]}


def test_unicode_passphrase_is_normalised(vault_path: Path) -> None:
    composed, decomposed = "Caf\u00e9 Ŵales", "Cafe\u0301 W\u0302ales"
    create_vault(vault_path, composed).close()
    open_vault(vault_path, decomposed).close()


def test_wrong_passphrase_changes_nothing(vault_path: Path) -> None:
    with create_vault(vault_path, "right") as vault:
        vault.db.table("cases").insert(_case("CSPR-2026-002"))
    before = vault_path.read_bytes()
    with pytest.raises(WrongPassphrase) as caught:
        open_vault(vault_path, "wrong")
    assert caught.value.exit_code == 3
    assert vault_path.read_bytes() == before
    assert not vault_path.with_name("cases.vault.lock").exists()


def test_create_refuses_to_overwrite(vault_path: Path) -> None:
    vault_path.write_bytes(b"not mine")
    with pytest.raises(CsprError, match="already exists"):
        create_vault(vault_path, "pw")
    assert vault_path.read_bytes() == b"not mine"


def test_empty_passphrase_refused(vault_path: Path) -> None:
    with pytest.raises(UsageError):
        create_vault(vault_path, "")
    assert not vault_path.exists()


def test_missing_vault_is_one_clear_error(vault_path: Path) -> None:
    with pytest.raises(CsprError, match="no vault at"):
        open_vault(vault_path, "pw")


def test_every_write_is_durable_before_returning(vault_path: Path) -> None:
    vault = create_vault(vault_path, "pw")
    table = vault.db.table("cases")
    table.insert(_case("CSPR-2026-003"))
    table.update({"stage": "rapid review"}, Query().ref == "CSPR-2026-003")
    # A second, read-only opener sees the change on disk while the writer is still open.
    with open_vault(vault_path, "pw", readonly=True) as reader:
        assert reader.db.table("cases").get(Query().ref == "CSPR-2026-003")["stage"] == (
            "rapid review"
        )
    vault.close()


def test_rekey_old_passphrase_fails_data_intact(vault_path: Path) -> None:
    with create_vault(vault_path, "old") as vault:
        for n in range(3):
            vault.db.table("cases").insert(_case(f"CSPR-2026-{n:03}"))
            vault.compact()  # each compaction keeps the previous file as a backup
        result = vault.rekey("new")
        assert result.rewrapped == len(list_backups(vault_path)) == 3
        assert result.skipped == []
    with pytest.raises(WrongPassphrase):
        open_vault(vault_path, "old")
    with open_vault(vault_path, "new") as vault:
        assert [c["ref"] for c in vault.db.table("cases")] == [
            "CSPR-2026-000",
            "CSPR-2026-001",
            "CSPR-2026-002",
        ]
    # The backups were rewrapped too: the old passphrase opens none of them.
    assert set(check_backups(vault_path, "new").values()) == {"opens"}
    for info in list_backups(vault_path):
        with pytest.raises(CsprError):
            restore_backup(vault_path, info.name, "old")


def test_transaction_saves_once_and_rolls_back(vault_path: Path) -> None:
    vault = create_vault(vault_path, "pw")
    cases = vault.db.table("cases")
    cases.insert(_case("CSPR-2026-010"))
    saves_before = vault.save_counter
    with vault.transaction() as db:
        for n in range(5):
            db.table("cases").insert(_case(f"CSPR-2026-1{n:02}"))
        db.table("audit").insert({"seq": 1})
    assert vault.save_counter == saves_before + 1  # one save for six writes

    on_disk = vault_path.read_bytes()
    assert cases.count(Query().ref.exists()) == 6  # fills the query cache
    with pytest.raises(RuntimeError), vault.transaction():
        cases.insert(_case("CSPR-2026-999"))
        cases.remove(Query().ref == "CSPR-2026-010")
        assert len(cases.search(Query().ref == "CSPR-2026-999")) == 1  # now in the query cache
        raise RuntimeError("reviewer cancelled")
    assert vault_path.read_bytes() == on_disk
    assert cases.search(Query().ref == "CSPR-2026-999") == []  # no stale cache after rollback
    assert cases.count(Query().ref.exists()) == 6
    assert cases.get(Query().ref == "CSPR-2026-010") is not None
    assert cases.get(Query().ref == "CSPR-2026-999") is None
    vault.close()
    with open_vault(vault_path, "pw") as again:
        assert len(again.db.table("cases")) == 6


def test_nested_transaction_rolls_back_only_its_level(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        cases = vault.db.table("cases")
        with vault.transaction():
            cases.insert(_case("outer"))
            with pytest.raises(ValueError), vault.transaction():
                cases.insert(_case("inner"))
                raise ValueError
            assert [c["ref"] for c in cases] == ["outer"]
    with open_vault(vault_path, "pw") as vault:
        assert [c["ref"] for c in vault.db.table("cases")] == ["outer"]


def test_non_json_values_are_refused_and_nothing_changes(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        cases = vault.db.table("cases")
        cases.insert(_case("CSPR-2026-020"))
        before = vault_path.read_bytes()
        with pytest.raises(TypeError, match="JSON values only"):
            cases.insert({"ref": "bad", "when": dt.date(2026, 1, 5)})
        assert vault_path.read_bytes() == before
        assert [c["ref"] for c in cases] == ["CSPR-2026-020"]


def test_closed_vault_refuses_reads_and_writes(vault_path: Path) -> None:
    vault = create_vault(vault_path, "pw")
    cases = vault.db.table("cases")
    cases.insert(_case("CSPR-2026-040"))
    vault.close()
    vault.close()  # idempotent
    assert not vault.is_open
    with pytest.raises(VaultClosed):
        cases.all()
    with pytest.raises(VaultClosed):
        cases.insert(_case("CSPR-2026-041"))
    with pytest.raises(VaultClosed), vault.transaction():
        pass
    with pytest.raises(VaultClosed):
        vault.rekey("other")
    # and it can be unlocked again
    with open_vault(vault_path, "pw") as again:
        assert len(again.db.table("cases")) == 1


def test_readonly_refuses_writes_and_takes_no_lock(vault_path: Path) -> None:
    create_vault(vault_path, "pw").close()
    with open_vault(vault_path, "pw", readonly=True) as reader:
        assert not vault_path.with_name("cases.vault.lock").exists()
        before = vault_path.read_bytes()
        with pytest.raises(VaultReadOnly):
            reader.db.table("cases").insert(_case("CSPR-2026-050"))
        assert reader.db.table("cases").all() == []
        assert vault_path.read_bytes() == before
        with open_vault(vault_path, "pw"):  # a writer may open meanwhile
            pass


def test_backups_rotate_to_the_configured_count(vault_path: Path) -> None:
    with create_vault(vault_path, "pw", backups=3) as vault:
        for n in range(6):
            vault.db.table("cases").insert(_case(f"CSPR-2026-{n:03}"))
            vault.compact()  # a backup is the file as it was at each compaction
    backups = list_backups(vault_path)
    assert len(backups) == 3
    assert backups == sorted(backups, key=lambda b: b.when, reverse=True)
    newest = backups[0]
    assert newest.size > 0 and newest.when.tzinfo is not None
    # The newest backup holds the state before the last compaction: six cases, the last
    # one in its journal; the one before it five.
    assert len(backups) == 3
    restore_backup(vault_path, newest.name, "pw", backups=3)
    with open_vault(vault_path, "pw", backups=3) as vault:
        assert len(vault.db.table("cases")) == 6
    restore_backup(vault_path, backups[1].name, "pw", backups=3)
    with open_vault(vault_path, "pw", backups=3) as vault:
        assert len(vault.db.table("cases")) == 5


def test_no_backups_when_count_is_zero(vault_path: Path) -> None:
    with create_vault(vault_path, "pw", backups=0) as vault:
        vault.db.table("cases").insert(_case("CSPR-2026-060"))
        vault.compact()
        vault.db.table("cases").insert(_case("CSPR-2026-061"))
    assert list_backups(vault_path) == []
    assert sorted(p.name for p in vault_path.parent.iterdir()) == ["cases.vault"]


def test_restore_keeps_the_current_vault_as_a_backup(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        vault.compact()
        vault.db.table("cases").insert(_case("first"))
        vault.compact()
        vault.db.table("cases").insert(_case("second"))
        vault.compact()
    oldest = list_backups(vault_path)[-1]
    kept = restore_backup(vault_path, oldest.name, "pw")
    assert kept is not None and kept.exists()
    with open_vault(vault_path, "pw") as vault:
        assert vault.db.table("cases").all() == []
    restore_backup(vault_path, kept, "pw")  # by path, and back again
    with open_vault(vault_path, "pw") as vault:
        assert [c["ref"] for c in vault.db.table("cases")] == ["first", "second"]


def test_restore_refuses_a_wrong_passphrase_or_unknown_name(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        vault.db.table("cases").insert(_case("CSPR-2026-070"))
        vault.compact()
    before = sorted(p.name for p in vault_path.parent.iterdir())
    current = vault_path.read_bytes()
    with pytest.raises(WrongPassphrase):
        restore_backup(vault_path, list_backups(vault_path)[0].name, "nope")
    with pytest.raises(CsprError, match="no backup named"):
        restore_backup(vault_path, "cases.vault.bak-19990101T000000000000", "pw")
    assert sorted(p.name for p in vault_path.parent.iterdir()) == before
    assert vault_path.read_bytes() == current


def test_damaged_vault_names_the_backup_that_opens(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        vault.db.table("cases").insert(_case("CSPR-2026-080"))
        vault.compact()
        vault.db.table("cases").insert(_case("CSPR-2026-081"))
        vault.compact()
    newest = list_backups(vault_path)[0]
    damaged = corpus.flip(-3)(vault_path.read_bytes())
    vault_path.write_bytes(damaged)
    with pytest.raises(VaultDamaged) as caught:
        open_vault(vault_path, "pw")
    assert newest.name in caught.value.message
    assert caught.value.working_backup == newest.path
    assert vault_path.read_bytes() == damaged  # never overwritten
    # Restoring it keeps the damaged file as a backup: nothing is ever lost.
    kept = restore_backup(vault_path, newest.name, "pw")
    assert kept is not None and kept.read_bytes() == damaged
    with open_vault(vault_path, "pw") as vault:  # the file as it was at the last compaction
        assert len(vault.db.table("cases")) == 2


@pytest.mark.parametrize("broken", corpus.cases(), ids=lambda b: b.name)
def test_tamper_corpus_in_process(vault_path: Path, broken: corpus.Broken) -> None:
    with create_vault(vault_path, "pw", backups=0) as vault:
        for n in range(3):  # a snapshot and three change records
            vault.db.table("cases").insert(_case(f"CSPR-2026-09{n}"))
    assert len(corpus.frames(vault_path.read_bytes())) == 4
    blob = broken.build(vault_path.read_bytes())
    vault_path.write_bytes(blob)
    with pytest.raises(CsprError) as caught:
        open_vault(vault_path, "pw")
    assert caught.value.exit_code == broken.exit_code, caught.value.message
    assert "\n" not in caught.value.message
    assert vault_path.read_bytes() == blob


def test_no_plaintext_anywhere_under_the_vault_folder(vault_path: Path) -> None:
    folder = vault_path.parent
    vault = create_vault(vault_path, "pw", backups=4)
    for n in range(6):
        with vault.transaction() as db:
            db.table("cases").insert(_case(f"CSPR-2026-{n:03}", notes=f"{MARKER} note {n}"))
        if n % 2:
            vault.compact()
    vault.rekey("pw2")
    vault.db.table("cases").update({"notes": f"{MARKER} after rekey"}, doc_ids=[1])
    files = [p for p in folder.iterdir() if p.is_file()]
    assert any(p.name.endswith(".lock") for p in files)  # scanned while still open
    assert len(list_backups(vault_path)) == 3
    assert vault.info().journal_bytes > 0  # the journal's change records are covered too
    for path in files:
        data = path.read_bytes()
        for needle in (MARKER, "CSPR-2026-001", "Police"):
            assert needle.encode() not in data, path.name
            assert needle.encode("utf-16-le") not in data, path.name
    vault.close()


def test_transactions_from_worker_threads_take_turns(vault_path: Path) -> None:
    with create_vault(vault_path, "pw", backups=0) as vault:
        counter = vault.db.table("meta")
        counter.insert({"key": "count", "value": 0})

        def work() -> None:
            for _ in range(25):
                with vault.transaction():
                    row = counter.get(Query().key == "count")
                    counter.update({"value": row["value"] + 1}, doc_ids=[row.doc_id])

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with open_vault(vault_path, "pw") as vault:
        assert vault.db.table("meta").get(Query().key == "count")["value"] == 100


def test_rekey_leaves_backups_it_cannot_open_on_their_old_passphrase(
    vault_path: Path, workspace: Path
) -> None:
    """A backup sealed under a different data key (another vault, or a rekey cut short) is
    listed as skipped and still opens with the passphrase it was sealed with."""
    with create_vault(vault_path, "one") as vault:
        vault.db.table("cases").insert(_case("CSPR-2026-100"))
    stranger = vault_path.with_name("cases.vault.bak-20260104T090000000000")
    with create_vault(workspace / "other.vault", "one") as other:  # another data key
        other.db.table("cases").insert(_case("OTHER"))
    stranger.write_bytes((workspace / "other.vault").read_bytes())
    with open_vault(vault_path, "one") as vault:
        assert vault.backup_states()[stranger.name] == "other passphrase"
        result = vault.rekey("two")
    assert stranger.name in result.skipped
    assert result.rewrapped == len(list_backups(vault_path)) - 1
    with open_vault(stranger, "one", readonly=True):  # left exactly as it was
        pass


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_vault_path_that_is_not_a_file_is_one_clear_error(vault_path: Path, kind: str) -> None:
    """A FIFO at the vault's path would block a plain read forever; a folder is named."""
    if kind == "fifo":
        os.mkfifo(vault_path)
    else:
        vault_path.mkdir()
    words = "not a regular file" if kind == "fifo" else "is a folder"
    for readonly in (True, False):
        raised: list[BaseException] = []

        def attempt(readonly: bool, raised: list[BaseException]) -> None:
            try:
                open_vault(vault_path, "pw", readonly=readonly)
            except BaseException as exc:  # handed to the test thread
                raised.append(exc)

        opener = threading.Thread(target=attempt, args=(readonly, raised), daemon=True)
        opener.start()
        opener.join(timeout=60)  # a bound for a hang, not a wait: it answers at once
        assert not opener.is_alive(), "open_vault blocked on a FIFO"
        assert len(raised) == 1 and isinstance(raised[0], CsprError), raised
        assert words in raised[0].message
    assert not vault_path.with_name("cases.vault.lock").exists()


# -- the decrypted tables and the garbage collector ---------------------------------------


def _fill(vault_path: Path, docs: int) -> None:
    with create_vault(vault_path, "correct horse") as vault:
        narrative = "Seen at the clinic; no concerns recorded at the time. " * 8
        vault.db.table("cases").insert_multiple(
            _case(f"CSPR-2026-{i:04d}", notes=[narrative, {"n": i}]) for i in range(docs)
        )


def test_open_freezes_the_tables_and_close_lets_them_go(vault_path: Path) -> None:
    """A table is parsed on its first use, and its objects are then moved out of the
    collector's generations (so no collection walks them); close unfreezes and drops them,
    so the memory really comes back."""
    import gc
    import tracemalloc

    _fill(vault_path, 3000)
    with open_vault(vault_path, "correct horse") as vault:
        vault.compact()  # one segmented snapshot, no journal
    gc.unfreeze()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        vault = open_vault(vault_path, "correct horse")
        assert gc.get_freeze_count() == 0  # nothing parsed at open
        assert len(vault.db.table("cases")) == 3000
        loaded = tracemalloc.get_traced_memory()[0] - base
        assert gc.get_freeze_count() >= 3 * 3000  # each doc, its list, its dict, ...
        young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
        assert young < 3000  # the tables are not waiting for a walk
        vault.close()
        assert gc.get_freeze_count() == 0
        del vault
        left = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert loaded > 2_000_000
    assert left < loaded / 20, (left, loaded)


def test_a_failed_open_leaves_nothing_frozen(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from cspr_tui.vault import vault as vault_module

    _fill(vault_path, 10)
    gc.unfreeze()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("simulated failure after the parse")

    monkeypatch.setattr(vault_module, "Vault", refuse)
    with pytest.raises(OSError, match="simulated"):
        open_vault(vault_path, "correct horse")
    assert gc.get_freeze_count() == 0
    with pytest.raises(WrongPassphrase):
        open_vault(vault_path, "wrong horse")
    assert gc.get_freeze_count() == 0


def test_closing_one_vault_leaves_another_whole(workspace: Path) -> None:
    first, second = workspace / "vault" / "a.vault", workspace / "vault" / "b.vault"
    _fill(first, 50)
    _fill(second, 50)
    with open_vault(first, "correct horse") as one, open_vault(second, "correct horse") as two:
        one.close()
        import gc

        gc.collect()
        assert [d["ref"] for d in two.db.table("cases").all()][-1] == "CSPR-2026-0049"
        two.db.table("cases").update({"checked": True}, doc_ids=[1])
    with open_vault(second, "correct horse") as again:
        assert again.db.table("cases").get(doc_id=1)["checked"] is True


def test_no_plaintext_when_a_large_change_is_sealed_as_a_stream_of_many_chunks(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change past the compaction threshold is sealed into the file as a stream
    (`journal.SealedStream`), a chunk at a time, each table's JSON on its own; with small
    chunks a marker in every document crosses many chunk and part boundaries, and still
    none reaches the vault file, its backups or any file beside them."""
    monkeypatch.setattr(journal, "STREAM_CHUNK", 4096)
    folder = vault_path.parent
    vault = create_vault(vault_path, "pw", backups=2)
    vault.db.table("cases").insert(_case("CSPR-2026-001", notes=f"{MARKER} first"))
    docs = [_case(f"CSPR-2026-{n:04}", notes=f"{MARKER} {n} " * 40) for n in range(2, 400)]
    vault.db.table("cases").insert_multiple(docs)
    assert vault.info().journal_bytes == 0  # sealed as a new snapshot, not appended
    assert vault_path.stat().st_size > 100 * 4096  # many chunks
    files = [p for p in folder.iterdir() if p.is_file()]
    assert list_backups(vault_path)
    for path in files:
        data = path.read_bytes()
        for needle in (MARKER, "CSPR-2026-0399", "Police"):
            assert needle.encode() not in data, path.name
            assert needle.encode("utf-16-le") not in data, path.name
    vault.close()
    with open_vault(vault_path, "pw") as reopened:
        assert len(reopened.db.table("cases")) == 399
