"""What an import will write, worked out with no vault."""

from __future__ import annotations

import pytest

from cspr_tui.domain.case import Case
from cspr_tui.domain.case_json import case_to_data
from cspr_tui.domain.import_plan import digest, plan_import
from cspr_tui.errors import ValidationFailed


def test_new_cases_keep_a_digest_and_replaced_ones_a_diff() -> None:
    stored = Case("CSPR-2026-001", "Child A", notes="old")
    incoming = [Case("CSPR-2026-001", "Child A", notes="new"), Case("CSPR-2026-002", "Child B")]
    plan = plan_import(incoming, {stored.ref: stored}.get, who="Reviewer One", source="cases.json")
    assert [d["ref"] for d in plan.new_docs] == ["CSPR-2026-002"]
    assert list(plan.replacements) == ["CSPR-2026-001"]
    replaced, added = plan.entries
    assert replaced["action"] == "case updated by import"
    assert [(c.field, c.old, c.new) for c in replaced["changes"]] == [("notes", "old", "new")]
    assert added["action"] == "case imported" and added["reason"] == "imported from cases.json"
    (sha,) = added["changes"]
    assert sha.new == digest(case_to_data(incoming[1])) and len(sha.new) == 64


def test_a_repeated_reference_or_unstorable_text_refuses_the_whole_import() -> None:
    with pytest.raises(ValidationFailed, match="repeat a reference"):
        plan_import([Case("CSPR-2026-001", "A"), Case("CSPR-2026-001", "B")], {}.get, who="R")
    with pytest.raises(ValidationFailed, match="CSPR-2026-002: notes contains a character"):
        plan_import(
            [Case("CSPR-2026-001", "A"), Case("CSPR-2026-002", "B", notes="\udcff")],
            {}.get,
            who="R",
        )


def test_unstorable_text_is_named_in_a_new_case_and_in_a_replacement_alike() -> None:
    """A new case's check rides on its digest, a replaced case's on its own pass: both name
    the field, and neither lets the other cases through."""
    stored = {"CSPR-2026-001": Case("CSPR-2026-001", "A")}
    for incoming in (
        [Case("CSPR-2026-003", "C"), Case("CSPR-2026-001", "A", notes="bad \ud800 text")],
        [Case("CSPR-2026-001", "A"), Case("CSPR-2026-004", "D", notes="\ud800")],
    ):
        ref = incoming[1].ref
        with pytest.raises(ValidationFailed, match=f"{ref}: notes contains a character"):
            plan_import(incoming, stored.get, who="R")
