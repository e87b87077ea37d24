"""The completion checks over a plain `Recommendation`: no vault."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain.case import Recommendation, RecommendationStatus
from cspr_tui.domain.completion import check_completion
from cspr_tui.errors import ValidationFailed

DAY = date(2026, 8, 1)
S = RecommendationStatus


def _rec(status: RecommendationStatus, evidence: str = "", impact: str = "") -> Recommendation:
    return Recommendation(
        "CSPR-2026-004-R1-A1", 1, "T", status=status, evidence=evidence, impact_evidence=impact
    )


@pytest.mark.parametrize(
    ("status", "evidence", "impact", "completed", "closed"),
    [
        (S.NOT_STARTED, "", "", None, None),
        (S.IN_PROGRESS, "", "", None, None),
        (S.PAUSED, "", "", None, None),
        (S.COMPLETED_AWAITING_EVIDENCE, "", "", date(2026, 8, 1), None),
        (S.COMPLETED_EVIDENCE_ACCEPTED, "Minutes", "", date(2026, 8, 1), None),
        (
            S.CLOSED_IMPACT_EVIDENCED,
            "Minutes",
            "Fewer repeat referrals",
            date(2026, 8, 1),
            date(2026, 8, 1),
        ),
    ],
)
def test_statuses_that_complete_or_close_are_dated(
    status: RecommendationStatus,
    evidence: str,
    impact: str,
    completed: str | None,
    closed: str | None,
) -> None:
    rec = _rec(status, evidence, impact)
    check_completion(rec, DAY)
    assert (rec.date_completed, rec.date_closed) == (completed, closed)


@pytest.mark.parametrize(
    ("status", "evidence", "impact", "message"),
    [
        (S.COMPLETED_EVIDENCE_ACCEPTED, " ", "", "Evidence of completion is required"),
        (S.CLOSED_IMPACT_EVIDENCED, "", "Fewer", "Evidence of completion is required"),
        (S.CLOSED_IMPACT_EVIDENCED, "Minutes", "  ", "Impact evidence is required"),
    ],
)
def test_completing_without_its_evidence_is_refused(
    status: RecommendationStatus, evidence: str, impact: str, message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        check_completion(_rec(status, evidence, impact), DAY)


def test_an_earlier_completion_date_is_kept() -> None:
    rec = _rec(S.COMPLETED_EVIDENCE_ACCEPTED, "Minutes")
    rec.date_completed = date(2026, 5, 1)
    check_completion(rec, DAY)
    assert rec.date_completed == date(2026, 5, 1)
