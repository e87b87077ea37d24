"""Format 2's journal: one sealed record per save, the size of the change; replay gives back
exactly the state; a torn last record is dropped, a record from another vault is not
accepted; format-1 vaults open and migrate on their first save, keeping a backup."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest
from tinydb import Query

from cspr_tui.errors import VaultDamaged
from cspr_tui.vault import create_vault, list_backups, open_vault
from cspr_tui.vault import vault as vault_module
from cspr_tui.vault.format import parse_header
from tests.vault import corpus
from tests.vault.test_known_answer import FORMAT1, FORMAT1_PASSPHRASE


def _case(n: int) -> dict:
    """A case about the size of a real one (about 8 KB of JSON)."""
    return {
        "ref": f"CSPR-2026-{n:04}",
        "child": f"Child {n} (fictional)",
        "stage": "rapid_review",
        "values": {f"field_{i}": f"fictional answer {n}-{i} " * 6 for i in range(50)},
    }


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return workspace / "vault" / "cases.vault"


def test_a_one_case_change_on_a_1000_case_vault_appends_a_few_kilobytes(
    vault_path: Path,
) -> None:
    with create_vault(vault_path, "pw") as vault:
        vault.db.table("cases").insert_multiple(_case(n) for n in range(1000))
        vault.db.table("audit").insert_multiple({"seq": n, "hash": "ab" * 32} for n in range(5000))
        vault.compact()
    size = vault_path.stat().st_size
    assert size > 8_000_000
    with open_vault(vault_path, "pw") as vault:
        cases = vault.db.table("cases", cache_size=0)
        with vault.transaction():
            cases.update({"stage": "review_in_progress"}, doc_ids=[500])
            vault.db.table("audit").insert({"seq": 5000, "hash": "cd" * 32})
            vault.db.table("meta").upsert({"key": "audit_head", "seq": 5000}, Query().key == "x")
    appended = vault_path.stat().st_size - size
    assert 0 < appended < 4 * 1024, appended  # the changed field, not the 8 KB case
    with open_vault(vault_path, "pw") as vault:
        assert vault.db.table("cases").get(doc_id=500)["stage"] == "review_in_progress"
        assert vault.db.table("cases").get(doc_id=501)["stage"] == "rapid_review"
        assert len(vault.db.table("audit")) == 5001


def test_replay_gives_back_every_kind_of_change(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        cases = vault.db.table("cases")
        cases.insert_multiple(_case(n) for n in range(5))
        cases.update({"stage": "closed"}, Query().ref == "CSPR-2026-0001")  # a query scan
        cases.remove(doc_ids=[3])
        cases.remove(Query().ref == "CSPR-2026-0004")
        cases.upsert({"ref": "CSPR-2026-0009", "stage": "new"}, Query().ref == "CSPR-2026-0009")
        vault.db.table("scratch").insert({"x": 1})
        vault.db.drop_table("scratch")
        vault.db.table("emptied").insert({"x": 1})
        vault.db.table("emptied").truncate()
        with vault.transaction():
            cases.update(lambda doc: doc["values"].update({"field_0": "changed"}), doc_ids=[1])
            cases.update({"stage": "same"}, doc_ids=[2])
            cases.update({"stage": "rapid_review"}, doc_ids=[2])  # back as it was
        cases.update({"n": 1}, doc_ids=[2])
        cases.update({"n": 1.0}, doc_ids=[2])  # equal in Python, not in JSON
        cases.update({"n": True}, doc_ids=[2])
        cases.update(lambda doc: doc.pop("child"), doc_ids=[2])  # a field removed
        expected = {name: dict(vault.db.table(name)._read_table()) for name in vault.db.tables()}
        counter = vault.save_counter
    with open_vault(vault_path, "pw") as vault:
        got = {name: dict(vault.db.table(name)._read_table()) for name in vault.db.tables()}
        assert orjson.dumps(got) == orjson.dumps(expected)  # as JSON: 1, 1.0, True differ
        assert got["cases"]["2"]["n"] is True and "child" not in got["cases"]["2"]
        assert "scratch" not in vault.db.tables() and "emptied" in vault.db.tables()
        assert vault.save_counter == counter


def test_an_unchanged_write_appends_nothing(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        vault.db.table("cases").insert(_case(1))
        size, counter = vault_path.stat().st_size, vault.save_counter
        vault.db.table("cases").update({"stage": "rapid_review"}, doc_ids=[1])
        assert (vault_path.stat().st_size, vault.save_counter) == (size, counter)


def test_a_rolled_back_transaction_restores_documents_changed_in_place(vault_path: Path) -> None:
    with create_vault(vault_path, "pw") as vault:
        cases = vault.db.table("cases")
        cases.insert(_case(1))
        on_disk = vault_path.read_bytes()
        with pytest.raises(RuntimeError), vault.transaction():
            cases.update(lambda doc: doc["values"].clear(), doc_ids=[1])
            cases.remove(doc_ids=[1])
            raise RuntimeError("cancelled")
        assert cases.get(doc_id=1)["values"]["field_3"].startswith("fictional answer 1-3")
        assert vault_path.read_bytes() == on_disk
        cases.update({"stage": "closed"}, doc_ids=[1])
    with open_vault(vault_path, "pw") as vault:
        doc = vault.db.table("cases").get(doc_id=1)
        assert doc["stage"] == "closed" and len(doc["values"]) == 50


def test_a_rolled_back_transaction_removes_what_it_inserted_from_the_live_tables(
    vault_path: Path,
) -> None:
    """Writes change the stored tables in place (no copy per write), so a rollback must
    take out the documents it added and bring back the ones it removed, and the next
    save must not carry them."""
    with create_vault(vault_path, "pw") as vault:
        cases, audit = vault.db.table("cases", cache_size=0), vault.db.table("audit")
        cases.insert_multiple(_case(n) for n in range(3))
        audit.insert({"seq": 0})
        on_disk = vault_path.read_bytes()
        with pytest.raises(RuntimeError), vault.transaction():
            cases.insert(_case(7))
            audit.insert_multiple({"seq": n} for n in range(1, 4))
            cases.remove(doc_ids=[2])
            cases.update({"stage": "closed"}, Query().stage == "rapid_review")
            raise RuntimeError("cancelled")
        assert vault_path.read_bytes() == on_disk
        assert sorted(d.doc_id for d in cases.all()) == [1, 2, 3]
        assert {d["stage"] for d in cases.all()} == {"rapid_review"}
        assert [d["seq"] for d in audit.all()] == [0]
        assert cases.insert(_case(8)) == 4  # the id counter was reset, not left at 5
    with open_vault(vault_path, "pw") as vault:
        refs = [d["ref"] for d in vault.db.table("cases").all()]
        assert refs == [f"CSPR-2026-{n:04}" for n in (0, 1, 2, 8)]
        assert len(vault.db.table("audit")) == 1


def test_a_write_that_raises_halfway_changes_nothing_in_memory_or_on_disk(
    vault_path: Path,
) -> None:
    """TinyDB checks each document as it inserts: a bad one in the middle must not leave
    the good ones before it in the live table, to be saved by the next write."""
    with create_vault(vault_path, "pw") as vault:
        cases = vault.db.table("cases", cache_size=0)
        cases.insert(_case(1))
        with pytest.raises(ValueError):
            cases.insert_multiple([_case(2), "not a document", _case(3)])  # type: ignore[list-item]
        assert [d["ref"] for d in cases.all()] == ["CSPR-2026-0001"]
        with pytest.raises(ValueError):
            vault.db.table("brand_new").insert_multiple([{"x": 1}, 5])  # type: ignore[list-item]
        assert "brand_new" not in vault.db.tables()
        with pytest.raises(KeyError):
            cases.update(lambda doc: doc.update(stage="half") or doc.pop("gone"), doc_ids=[1])
        assert cases.get(doc_id=1)["stage"] == "rapid_review"
        cases.update({"notes": "later"}, doc_ids=[1])
    with open_vault(vault_path, "pw") as vault:
        assert [d["ref"] for d in vault.db.table("cases").all()] == ["CSPR-2026-0001"]
        assert "brand_new" not in vault.db.tables()


def test_an_inner_rollback_inside_a_saved_transaction_saves_only_the_outer_changes(
    vault_path: Path,
) -> None:
    with create_vault(vault_path, "pw") as vault:
        cases = vault.db.table("cases", cache_size=0)
        cases.insert_multiple(_case(n) for n in range(3))
        with vault.transaction():
            cases.update({"stage": "outer"}, doc_ids=[1])
            with pytest.raises(RuntimeError), vault.transaction():
                cases.update({"stage": "inner"}, doc_ids=[2])
                cases.insert(_case(9))
                raise RuntimeError("inner cancelled")
            cases.update({"stage": "after"}, doc_ids=[3])
        expected = [d["stage"] for d in cases.all()]
        assert expected == ["outer", "rapid_review", "after"]
    with open_vault(vault_path, "pw") as vault:
        assert [d["stage"] for d in vault.db.table("cases").all()] == expected


def test_a_torn_last_record_is_dropped_and_cut_off(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with create_vault(vault_path, "pw") as vault:
        vault.db.table("cases").insert(_case(1))
    good = vault_path.read_bytes()
    with open_vault(vault_path, "pw") as vault, monkeypatch.context() as patch:
        patch.setattr(vault_module.witness, "record", lambda *a, **k: True)
        vault.db.table("cases").insert(_case(2))  # saved, but the witness never heard of it
    whole = vault_path.read_bytes()
    for cut in (1, 20, len(whole) - len(good) - 1):  # in the prefix, the nonce, the tag
        vault_path.write_bytes(whole[: len(whole) - cut])
        with open_vault(vault_path, "pw", readonly=True) as vault:  # read-only: not cut
            assert len(vault.db.table("cases")) == 1
        assert vault_path.stat().st_size == len(whole) - cut
        with open_vault(vault_path, "pw") as vault:
            assert len(vault.db.table("cases")) == 1
        assert vault_path.read_bytes() == good  # the scrap was cut off
    vault_path.write_bytes(good + bytes(300))  # zeros a crash left after the last record
    with open_vault(vault_path, "pw") as vault:
        vault.db.table("cases").insert(_case(3))
    with open_vault(vault_path, "pw") as vault:
        assert [c["ref"] for c in vault.db.table("cases")] == ["CSPR-2026-0001", "CSPR-2026-0003"]


def test_a_record_spliced_from_another_vault_is_refused(vault_path: Path, workspace: Path) -> None:
    other = workspace / "other.vault"
    for path in (vault_path, other):
        with create_vault(path, "pw") as vault:
            vault.db.table("cases").insert(_case(1))
            vault.db.table("cases").insert(_case(2))
            vault.db.table("cases").insert(_case(3))
    mine, theirs = vault_path.read_bytes(), other.read_bytes()
    start, end = corpus.frames(mine)[2]
    t_start, t_end = corpus.frames(theirs)[2]
    vault_path.write_bytes(mine[:start] + theirs[t_start:t_end] + mine[end:])
    with pytest.raises(VaultDamaged, match=r"does not authenticate|out of order"):
        open_vault(vault_path, "pw")


def test_compaction_starts_when_the_journal_passes_a_fraction_of_the_snapshot(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vault_module, "COMPACT_MIN_BYTES", 20_000)
    with create_vault(vault_path, "pw", backups=2) as vault:
        cases = vault.db.table("cases")
        cases.insert_multiple(_case(n) for n in range(20))
        vault.compact()
        snapshot = vault.info().size
        for n in range(40):
            cases.update({"stage": f"step {n}"}, doc_ids=[1 + n % 20])
        info = vault.info()
        assert info.journal_bytes <= max(20_000, snapshot * vault_module.COMPACT_FRACTION) + 10_000
        assert len(list_backups(vault_path)) == 2  # each compaction kept the file as it was


def test_a_format1_vault_opens_and_migrates_on_its_first_save(vault_path: Path) -> None:
    shutil.copyfile(FORMAT1, vault_path)
    with open_vault(vault_path, FORMAT1_PASSPHRASE) as vault:
        assert vault.info().format_version == 1 and vault.save_counter == 0
        vault.db.table("cases").update({"stage": "closed"}, Query().ref == "CSPR-2025-015")
        assert vault.info().format_version == 2 and vault.save_counter == 1
    header = parse_header(vault_path.read_bytes(), vault_path)
    assert header.version == 2 and len(header.vault_id) == 16
    (backup,) = list_backups(vault_path)
    assert backup.path.read_bytes() == FORMAT1.read_bytes()  # the format-1 file, kept
    with open_vault(vault_path, FORMAT1_PASSPHRASE) as vault:
        stages = {c["ref"]: c["stage"] for c in vault.db.table("cases")}
        assert stages == {"CSPR-2025-014": "rapid_review", "CSPR-2025-015": "closed"}
        vault.db.table("cases").update({"stage": "closed"}, doc_ids=[1])  # now it appends
    with open_vault(vault_path, FORMAT1_PASSPHRASE) as vault:
        assert vault.save_counter == 2
        assert len(corpus.frames(vault_path.read_bytes())) == 2
