"""`Vault.derive_on_save`: what is derived from a table's documents is written in the same
save as they are (one change record), and a deriver that fails saves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspr_tui.vault import Vault, create_vault, open_vault
from tests.vault import corpus


def _count_upper(vault: Vault) -> list[list[int]]:
    calls: list[list[int]] = []

    def derive(doc_ids: list[int]) -> None:
        calls.append(sorted(doc_ids))
        cases, derived = vault.db.table("cases"), vault.db.table("derived")
        for doc_id in doc_ids:
            doc = cases.get(doc_id=doc_id)
            if derived.contains(doc_id=doc_id):
                derived.remove(doc_ids=[doc_id])
            if doc is not None:
                derived.upsert(_doc(doc["ref"].upper(), doc_id))

    vault.derive_on_save("cases", derive)
    return calls


def _doc(value: str, doc_id: int):  # a TinyDB Document with its id
    from tinydb.table import Document

    return Document({"upper": value}, doc_id=doc_id)


def test_a_deriver_writes_in_the_same_save(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw", backups=0) as vault:
        calls = _count_upper(vault)
        vault.db.table("cases").insert({"ref": "a"})
        frames = len(corpus.frames(path.read_bytes()))
        with vault.transaction():
            vault.db.table("cases").insert({"ref": "b"})
            vault.db.table("cases").update({"ref": "c"}, doc_ids=[1])
        assert len(corpus.frames(path.read_bytes())) == frames + 1  # one save, one record
        vault.db.table("cases").remove(doc_ids=[2])
        vault.db.table("other").insert({"x": 1})  # no case touched: not called
        assert calls == [[1], [1, 2], [2]]
        counter = vault.save_counter
    with open_vault(path, "pw") as vault:
        assert vault.save_counter == counter
        assert vault.db.table("derived").all() == [{"upper": "C"}]


def test_a_deriver_that_fails_saves_nothing(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw", backups=0) as vault:
        vault.db.table("cases").insert({"ref": "a"})
        before = path.read_bytes()

        def refuse(_doc_ids: list[int]) -> None:
            vault.db.table("derived").insert({"half": "written"})
            raise RuntimeError("cannot derive")

        vault.derive_on_save("cases", refuse)
        with pytest.raises(RuntimeError):
            vault.db.table("cases").insert({"ref": "b"})
        assert path.read_bytes() == before
        assert [d["ref"] for d in vault.db.table("cases").all()] == ["a"]
        assert "derived" not in vault.db.tables()
        vault.derive_on_save("cases", None)
        vault.db.table("cases").insert({"ref": "b"})  # saves again once it is removed
    with open_vault(path, "pw") as vault:
        assert [d["ref"] for d in vault.db.table("cases").all()] == ["a", "b"]
