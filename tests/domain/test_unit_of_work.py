"""The unit of work over an in-memory TinyDB standing in for the vault: a change and its
audit entry are written together when the block ends, and nothing when it raises."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from cspr_tui.domain import audit
from cspr_tui.domain.case import Case
from cspr_tui.domain.case_json import case_to_data
from cspr_tui.domain.integrity import CASES_TABLE
from cspr_tui.domain.unit_of_work import UnitOfWork
from cspr_tui.errors import ValidationFailed
from cspr_tui.settings import Settings


class MemoryVault:
    """Just what the store needs of a vault; counts the transactions it was asked for."""

    def __init__(self) -> None:
        self.db = TinyDB(storage=MemoryStorage)
        self.transactions = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.transactions += 1
        yield


def _unit() -> tuple[UnitOfWork, MemoryVault]:
    vault = MemoryVault()
    vault.db.table(CASES_TABLE).insert(case_to_data(Case("CSPR-2026-001", "Child A")))
    return UnitOfWork(vault, Settings(), "Reviewer One", lambda: date(2026, 6, 1)), vault


def test_a_change_commits_the_document_and_its_audit_entry_together() -> None:
    unit, vault = _unit()
    with unit.change("CSPR-2026-001", "case updated", "new notes") as case:
        case.notes = "Seen by the GP"
    assert vault.transactions == 1
    (stored,) = vault.db.table(CASES_TABLE).all()
    assert (
        stored["notes"] == "Seen by the GP" and unit.get("CSPR-2026-001").notes == stored["notes"]
    )
    (entry,) = unit.audit_trail("CSPR-2026-001")
    assert (entry.action, entry.reason, entry.who) == ("case updated", "new notes", "Reviewer One")
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("notes", "", "Seen by the GP")]


def test_a_block_that_raises_writes_nothing_and_keeps_the_cache() -> None:
    unit, vault = _unit()
    with pytest.raises(ValidationFailed), unit.change("CSPR-2026-001", "case updated") as case:
        case.notes = "half done"
        raise ValidationFailed("refused half way")
    assert vault.transactions == 0 and unit.audit_trail() == []
    assert (
        unit.get("CSPR-2026-001").notes == ""
        and vault.db.table(CASES_TABLE).all()[0]["notes"] == ""
    )


def test_what_the_vault_cannot_hold_is_refused_before_the_transaction() -> None:
    unit, vault = _unit()
    refused = pytest.raises(ValidationFailed, match="CSPR-2026-001: notes contains a character")
    with refused, unit.change("CSPR-2026-001", "case updated") as case:
        case.notes = "lone \ud800"
    assert vault.transactions == 0 and unit.audit_trail() == []


def test_also_runs_inside_the_same_transaction() -> None:
    unit, vault = _unit()

    def export_entry() -> None:
        audit.append_entry(vault.db, who="Reviewer One", action="exported x", ref="CSPR-2026-001")

    with unit.change("CSPR-2026-001", "agency report sent: Police", also=export_entry) as case:
        case.agencies.append("Police")
    assert vault.transactions == 1
    assert [e.action for e in unit.audit_trail()] == ["agency report sent: Police", "exported x"]
