"""The hash-chained audit trail: appended in the change's transaction, tamper-evident."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import Query

from cspr_tui.domain import audit
from cspr_tui.vault import create_vault, open_vault


@pytest.fixture
def vault(tmp_path: Path):
    v = create_vault(tmp_path / "audit.vault", "correct horse")
    yield v
    if v.is_open:
        v.close()


def _append(vault, n: int) -> None:
    for i in range(n):
        with vault.transaction():
            audit.append_entry(
                vault.db,
                who="Reviewer One",
                action=f"step {i}",
                ref="CSPR-2026-001",
                changes=[audit.Change("records.referral.values.outcome", None, "Died")],
                reason="fictional test",
            )


def test_entries_chain_and_survive_reopening(vault, tmp_path: Path) -> None:
    _append(vault, 3)
    vault.close()
    with open_vault(tmp_path / "audit.vault", "correct horse", readonly=True) as again:
        trail = audit.read_trail(again.db)
        assert [e.seq for e in trail] == [1, 2, 3]
        assert trail[0].prev_hash == audit.GENESIS_HASH
        assert trail[1].prev_hash == trail[0].hash
        assert trail[2].changes == [audit.Change("records.referral.values.outcome", None, "Died")]
        assert trail[0].who == "Reviewer One" and trail[0].at.endswith("+00:00")
        assert audit.verify_chain(again.db) == []


def test_rolled_back_change_leaves_no_entry(vault) -> None:
    _append(vault, 1)
    with pytest.raises(RuntimeError), vault.transaction():
        audit.append_entry(vault.db, who="x", action="doomed", ref=None)
        raise RuntimeError("the change failed")
    assert [e.action for e in audit.read_trail(vault.db)] == ["step 0"]
    assert audit.verify_chain(vault.db) == []


def _tamper(vault, fn) -> list[str]:
    with vault.transaction():
        fn(vault.db.table(audit.AUDIT_TABLE))
    return audit.verify_chain(vault.db)


@pytest.mark.parametrize(
    ("name", "tamper", "expected"),
    [
        ("edited who", lambda t: t.update({"who": "Someone Else"}, doc_ids=[2]), "edited"),
        ("edited old value", lambda t: t.update({"changes": []}, doc_ids=[1]), "edited"),
        ("deleted middle", lambda t: t.remove(doc_ids=[2]), "out of sequence"),
        ("deleted last", lambda t: t.remove(doc_ids=[4]), "recent entries were removed"),
        (
            "inserted",
            lambda t: t.insert({**t.get(doc_id=2), "action": "forged"}),
            "out of sequence",
        ),
        (
            "reordered",
            lambda t: (
                t.update({"seq": 3}, doc_ids=[2]),
                t.update({"seq": 2}, doc_ids=[3]),
            ),
            "edited",
        ),
        ("rehashed edit", None, "does not follow"),
    ],
)
def test_every_kind_of_tampering_is_reported(vault, name, tamper, expected) -> None:
    _append(vault, 4)
    if tamper is None:  # an editor who recomputes the edited entry's own hash

        def tamper(t):
            doc = dict(t.get(doc_id=2))
            doc["reason"] = "covered up"
            doc["hash"] = audit.entry_hash(doc)
            t.update(doc, doc_ids=[2])

    problems = _tamper(vault, tamper)
    assert problems, name
    assert any(expected in p for p in problems), problems


def test_missing_head_is_reported(vault) -> None:
    _append(vault, 2)
    with vault.transaction():
        vault.db.table(audit.META_TABLE).remove(Query().key == audit.HEAD_KEY)
    assert any("no recorded head" in p for p in audit.verify_chain(vault.db))


def test_diff_values_names_each_changed_leaf() -> None:
    old = {"pseudonym": "Child A", "records": {"referral": {"values": {"a": 1, "b": [1, 2]}}}}
    new = {"pseudonym": "Child B", "records": {"referral": {"values": {"a": 1, "b": [1, 3]}}}}
    assert audit.diff_values(old, new) == [
        audit.Change("pseudonym", "Child A", "Child B"),
        audit.Change("records.referral.values.b[1]", 2, 3),
    ]


def test_default_actor_prefers_the_reviewer_name() -> None:
    assert audit.default_actor("  Dr Imogen Fictional ") == "Dr Imogen Fictional"
    assert audit.default_actor("")  # falls back to the OS user name, never empty
