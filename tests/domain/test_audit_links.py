"""The audit hash covers the link to the entry before: re-linking after an edit is caught.

A planted bug (`entry_hash` leaving out `prev_hash`) passed the whole suite: an editor who
changes an entry, recomputes its hash and points its successor at the new hash was not
noticed, because the successor's own hash did not depend on that pointer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cspr_tui.domain import audit
from cspr_tui.vault import create_vault


@pytest.fixture
def vault(tmp_path: Path):
    v = create_vault(tmp_path / "audit.vault", "correct horse")
    for i in range(4):
        with v.transaction():
            audit.append_entry(
                v.db,
                who="Reviewer One",
                action=f"step {i}",
                ref="CSPR-2026-001",
                changes=[audit.Change("records.referral.values.outcome", None, "Died")],
                reason="fictional test",
            )
    yield v
    if v.is_open:
        v.close()


def test_an_edit_whose_successor_is_relinked_is_reported(vault) -> None:
    table = vault.db.table(audit.AUDIT_TABLE)
    with vault.transaction():
        edited = dict(table.get(doc_id=2))
        edited["reason"] = "covered up"
        edited["hash"] = audit.entry_hash(edited)
        table.update(edited, doc_ids=[2])
        # The successor is re-linked to the edited entry; its own hash is left as it was.
        table.update({"prev_hash": edited["hash"]}, doc_ids=[3])
    problems = audit.verify_chain(vault.db)
    assert problems, "an edited and re-linked history passed verification"
    assert any("audit entry 3" in p for p in problems), problems


def test_the_hash_depends_on_the_link_to_the_previous_entry() -> None:
    entry = {
        "seq": 2,
        "at": "2026-11-28T10:15:00+00:00",
        "who": "Reviewer One",
        "ref": "CSPR-2026-004",
        "action": "record saved",
        "changes": [{"field": "records.referral.values.outcome", "old": None, "new": "Died"}],
        "reason": "",
        "prev_hash": "1" * 64,
    }
    relinked = {**entry, "prev_hash": "2" * 64}
    assert audit.entry_hash(entry) != audit.entry_hash(relinked)


def test_one_entry_hash_is_pinned() -> None:
    """The documented hash input (docs/vault-format.md): SHA-256 of the canonical JSON of every
    field but `hash`. Pinned so a change to what the hash covers cannot pass unnoticed."""
    entry = {
        "seq": 1,
        "at": "2026-11-28T10:15:00+00:00",
        "who": "Reviewer One",
        "ref": "CSPR-2026-004",
        "action": "case created",
        "changes": [{"field": "pseudonym", "old": None, "new": "Child A"}],
        "reason": "",
        "prev_hash": audit.GENESIS_HASH,
        "hash": "ignored",
    }
    assert audit.entry_hash(entry) == PINNED


PINNED = "3cc3f9ad2d79d479183f0ab5fd4feca62fcd94a12f96965903bad54474447a29"
