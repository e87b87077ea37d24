"""The recommendation rules over a plain `Case`: no vault, a fixed stamp."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain import recommendation as rules
from cspr_tui.domain.case import Case, Rag, RecommendationStatus, Scope
from cspr_tui.domain.stamp import Stamp
from cspr_tui.errors import UsageError, ValidationFailed

STAMP = Stamp("Reviewer One", date(2026, 6, 1), "2026-06-01T09:00:00+00:00")


def _case() -> Case:
    return Case(ref="CSPR-2026-004", pseudonym="Child A")


def test_actions_number_under_their_recommendation_and_join_the_lead_agency() -> None:
    case = _case()
    first = rules.add_recommendation(case, STAMP, text="Share information", lead_agency="Police")
    second = rules.add_recommendation(case, STAMP, text=" Share information ")
    third = rules.add_recommendation(case, STAMP, text="Train staff", target_date=date(2027, 1, 5))
    assert [r.id for r in case.recommendations] == [
        "CSPR-2026-004-R1-A1",
        "CSPR-2026-004-R1-A2",
        "CSPR-2026-004-R2-A1",
    ]
    assert (first, second, third) == tuple(case.recommendations)
    assert case.agencies == ["Police"]
    assert third.target_date == date(2027, 1, 5) and third.scope is Scope.MULTI_AGENCY
    assert first.created_date == date(2026, 6, 1) and first.last_updated_by == "Reviewer One"


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"text": "  "}, "needs its text"),
        (
            {"text": "T", "scope": "Everyone"},
            "Scope must be Single-agency, Multi-agency or Partnership, not 'Everyone'",
        ),
        ({"text": "T", "target_date": "31/02/2026"}, "Target date must be a real date"),
    ],
)
def test_a_bad_action_is_refused_and_the_case_is_unchanged(details: dict, message: str) -> None:
    case = _case()
    with pytest.raises(ValidationFailed, match=message):
        rules.add_recommendation(case, STAMP, **details)
    assert case.recommendations == []


def test_a_repeated_id_and_an_unknown_detail_are_refused() -> None:
    case = _case()
    rules.add_recommendation(case, STAMP, text="T", number=3, action_number=1)
    with pytest.raises(ValidationFailed, match="already exists"):
        rules.add_recommendation(case, STAMP, text="U", number=3, action_number=1)
    with pytest.raises(TypeError, match="colour"):
        rules.add_recommendation(case, STAMP, text="U", colour="red")  # type: ignore[call-arg]


def test_statuses_that_stop_an_action_need_a_reason() -> None:
    case = _case()
    rec = rules.add_recommendation(case, STAMP, text="T")
    with pytest.raises(ValidationFailed, match="needs a reason"):
        rules.apply_changes(rec, {"status": RecommendationStatus.PAUSED}, "", STAMP)
    assert rec.status is RecommendationStatus.NOT_STARTED
    rules.apply_changes(rec, {"status": "Paused"}, "Awaiting the trial", STAMP)
    assert rec.status is RecommendationStatus.PAUSED and rec.status_reason == "Awaiting the trial"
    with pytest.raises(ValidationFailed, match="not a recommendation status"):
        rules.apply_changes(rec, {"status": "Done-ish"}, "", STAMP)
    with pytest.raises(UsageError, match="no editable field id"):
        rules.apply_changes(rec, {"id": "X"}, "", STAMP)


def test_a_rag_override_and_a_revised_target_need_reasons_and_are_counted() -> None:
    rec = rules.add_recommendation(_case(), STAMP, text="T", target_date=date(2026, 9, 30))
    with pytest.raises(ValidationFailed, match="Overriding the RAG rating"):
        rules.apply_changes(rec, {"rag_override": "Red"}, "", STAMP)
    rules.apply_changes(rec, {"rag_override": "Red"}, "Board concern", STAMP)
    assert rec.rag_override is Rag.RED and rec.rag_override_reason == "Board concern"
    rules.apply_changes(rec, {"rag_override": None}, "", STAMP)
    assert rec.rag_override is None and rec.rag_override_reason == ""
    with pytest.raises(ValidationFailed, match="Revising the target date"):
        rules.apply_changes(rec, {"revised_target_date": "2026-12-31"}, "", STAMP)
    rules.apply_changes(rec, {"revised_target_date": date(2026, 12, 31)}, "Staff shortage", STAMP)
    rules.apply_changes(rec, {"revised_target_date": "2027-03-31"}, "Again", STAMP)
    assert rec.revised_target_date == date(2027, 3, 31) and rec.revisions == 2


def test_completion_needs_evidence_and_closing_needs_impact_evidence() -> None:
    rec = rules.add_recommendation(_case(), STAMP, text="T")
    with pytest.raises(ValidationFailed, match="Evidence of completion is required"):
        rules.apply_changes(rec, {"status": "Completed – evidence accepted"}, "", STAMP)
    rules.apply_changes(rec, {"status": "Completed – awaiting evidence"}, "", STAMP)
    assert rec.date_completed == date(2026, 6, 1)
    later = Stamp("Reviewer Two", date(2026, 7, 1), "2026-07-01T09:00:00+00:00")
    with pytest.raises(ValidationFailed, match="Impact evidence is required"):
        rules.apply_changes(
            rec, {"status": "Closed – impact evidenced", "evidence": "Audit"}, "", later
        )
    rules.apply_changes(
        rec,
        {"status": "Closed – impact evidenced", "evidence": "Audit", "impact_evidence": "Fewer"},
        "",
        later,
    )
    assert rec.date_completed == date(2026, 6, 1)  # the first completion date is kept
    assert rec.date_closed == date(2026, 7, 1) and rec.last_updated_by == "Reviewer Two"


def test_check_completion_dates_a_completed_action_once() -> None:
    rec = rules.add_recommendation(_case(), STAMP, text="T")
    rec.status = RecommendationStatus.COMPLETED_EVIDENCE_ACCEPTED
    rec.evidence = "Minutes"
    rules.check_completion(rec, date(2026, 8, 1))
    rules.check_completion(rec, date(2026, 9, 1))
    assert rec.date_completed == date(2026, 8, 1) and rec.date_closed is None


def test_a_quarterly_update_logs_the_move_and_its_day() -> None:
    rec = rules.add_recommendation(_case(), STAMP, text="T")
    with pytest.raises(ValidationFailed, match="narrative"):
        rules.add_quarterly_update(rec, STAMP, "2026-Q2", date(2026, 6, 20), " ", "In progress")
    rules.add_quarterly_update(
        rec, STAMP, "2026-Q2", date(2026, 6, 20), " Work begun ", "In progress", barrier="Yes"
    )
    (update,) = rec.updates
    assert (update.quarter, update.date, update.narrative) == (
        "2026-Q2",
        date(2026, 6, 20),
        "Work begun",
    )
    assert (update.status_before, update.status_after) == ("Not started", "In progress")
    assert rec.barrier is True and rec.last_updated == date(2026, 6, 20)


def test_find_names_a_missing_action() -> None:
    with pytest.raises(UsageError, match="CSPR-2026-004 has no recommendation X"):
        rules.find(_case(), "X")
