"""Tests for bugs a planted-bug review found the suite let through (issue 16, last section).

Each was a one-line change that passed every test: the rapid-review gate checking that the
record exists instead of that it is finished, `import_cases` committing case by case, and
(caught only by luck) the Red rating of an overdue action with evidence and a fresh update.
The audit hash's link to the previous entry is in test_audit_links.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cspr_tui.domain.case import (
    Case,
    QuarterlyUpdate,
    Rag,
    Recommendation,
    RecommendationStatus,
    Stage,
)
from cspr_tui.domain.quarter import Quarter
from cspr_tui.domain.rag import compute_rag, explain_rag
from cspr_tui.domain.store import CaseStore
from cspr_tui.domain.workflow import TransitionRefused
from cspr_tui.errors import CsprError
from tests.domain import case_values as cv


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    return cv.make_store(tmp_path)


def test_advancing_with_a_draft_rapid_review_is_refused(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "rapid_review")
    # Every answer the finished form would have, signed off and dated, but still a draft.
    store.save_record(ref, "rapid_review", cv.rapid_review(), finish=False)
    assert store.get(ref).record("rapid_review") is not None
    audit_before = len(store.audit_trail())
    with pytest.raises(TransitionRefused) as caught:
        store.advance(ref)
    assert "the rapid review form, finished" in caught.value.message
    assert store.get(ref).stage == Stage.RAPID_REVIEW
    assert len(store.audit_trail()) == audit_before
    store.save_record(ref, "rapid_review", cv.rapid_review(), finish=True)
    assert store.advance(ref).stage == Stage.DECISION


def _two_cases(second_notes: str) -> list[Case]:
    return [
        Case("CSPR-2026-101", "Child A", Stage.REFERRAL_RECEIVED, notes="first"),
        Case("CSPR-2026-102", "Child B", Stage.REFERRAL_RECEIVED, notes=second_notes),
    ]


def test_an_import_whose_second_case_fails_at_save_leaves_the_vault_unchanged(
    store: CaseStore,
) -> None:
    store.create_case()
    path = store.vault.path
    before = path.read_bytes()
    with pytest.raises(CsprError):
        store.import_cases(_two_cases("a lone surrogate \ud800 cannot be stored"))
    assert path.read_bytes() == before
    assert [c.ref for c in store.list_cases()] == ["CSPR-2026-001"]


def test_an_import_is_saved_once(store: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = type(store.vault._storage)
    saves: list[int] = []
    commit = storage._commit

    def counted(self, *args, **kwargs):
        saves.append(1)
        return commit(self, *args, **kwargs)

    monkeypatch.setattr(storage, "_commit", counted)
    added, updated = store.import_cases(_two_cases("second"))
    assert (added, updated) == (2, 0)
    assert len(saves) == 1, f"the import was saved {len(saves)} times"


Q3 = Quarter.parse("2026-Q3")


def test_an_overdue_action_in_progress_is_red_despite_evidence_and_a_fresh_update() -> None:
    rec = Recommendation(
        id="CSPR-2026-004-R1-A1",
        number=1,
        text="Partners should strengthen information sharing at strategy discussions.",
        action="Revise the strategy discussion template and audit its use.",
        lead_agency="Children's social care",
        target_date=date(2026, 11, 30),  # passed by the quarter end
        status=RecommendationStatus.IN_PROGRESS,
        evidence="Template revised; audit of 20 strategy meetings under way.",
        updates=[
            QuarterlyUpdate(
                quarter="2026-Q3",
                date=date(2026, 12, 10),
                narrative="Audit half done.",
                status_before="In progress",
                status_after="In progress",
                updated_by="Business manager",
            )
        ],
    )
    assert compute_rag(rec, Q3.end, Q3) is Rag.RED
    rating, reason = explain_rag(rec, Q3.end, Q3)
    assert rating is Rag.RED and "Past its target date (30/11/2026)" in reason
