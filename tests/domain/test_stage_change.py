"""Stage changes, decisions and stopped clocks over a plain `Case`: no vault."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain import stage_change as rules
from cspr_tui.domain.calendar import calendar_from_settings
from cspr_tui.domain.case import Case, Record, RecordStatus, ReviewType, Stage
from cspr_tui.domain.stamp import Stamp
from cspr_tui.domain.workflow import TransitionRefused, publication_deferral
from cspr_tui.errors import ValidationFailed
from cspr_tui.settings import Settings
from tests.domain import case_values as cv

STAMP = Stamp("Reviewer One", cv.TODAY, "2026-06-15T09:00:00+00:00")
SETTINGS = Settings()


def _at_decision(decision: str) -> Case:
    values = cv.rapid_review(decision=decision)
    record = Record("rapid_review", 1, values, RecordStatus.COMPLETE)
    return Case("CSPR-2026-001", "Child A", Stage.DECISION, records={"rapid_review": record})


def test_an_lcspr_decision_opens_the_review_record_with_its_decision_date() -> None:
    case = _at_decision("LCSPR recommended")
    target, reason = rules.advance(case, STAMP, SETTINGS, calendar_from_settings(SETTINGS), 4)
    assert target is Stage.REVIEW_IN_PROGRESS and case.stage is target and reason == ""
    assert case.review_type is ReviewType.LCSPR
    review = case.records["review"]
    assert review.template_version == 4 and review.updated_by == "Reviewer One"
    assert review.values == {
        "review_type": "LCSPR",
        "statutory": "Yes",
        "lcspr_decision_date": "2026-06-15",
    }
    change = case.history[-1]
    assert (change.from_stage, change.to_stage, change.at) == (Stage.DECISION, target, STAMP.now)


def test_no_further_review_opens_no_review_record() -> None:
    case = _at_decision("No LCSPR – learning captured by the rapid review")
    rules.apply_decision(case, STAMP, 1)
    assert case.review_type is ReviewType.NO_FURTHER_REVIEW and "review" not in case.records


def test_a_refused_step_names_what_is_missing_and_changes_nothing() -> None:
    case = Case("CSPR-2026-001", "Child A", Stage.SCREENING)
    with pytest.raises(TransitionRefused, match="cannot move to") as refused:
        rules.advance(case, STAMP, SETTINGS, calendar_from_settings(SETTINGS), 1)
    assert refused.value.details and case.stage is Stage.SCREENING and case.history == []


def test_pause_and_resume_return_to_the_stage_left() -> None:
    case = Case("CSPR-2026-001", "Child A", Stage.REVIEW_IN_PROGRESS)
    with pytest.raises(ValidationFailed, match="needs a reason"):
        rules.pause(case, STAMP, " ")
    rules.pause(case, STAMP, " Criminal trial ", date(2026, 6, 1))
    assert case.stage is Stage.PAUSED and case.paused_from is Stage.REVIEW_IN_PROGRESS
    assert (case.pauses[0].start, case.pauses[0].reason) == (date(2026, 6, 1), "Criminal trial")
    with pytest.raises(TransitionRefused, match="cannot be paused"):
        rules.pause(case, STAMP, "again")
    rules.resume(case, STAMP, "Trial over")
    assert case.stage is Stage.REVIEW_IN_PROGRESS and case.pauses[0].end == date(2026, 6, 15)
    with pytest.raises(TransitionRefused, match="not paused"):
        rules.resume(case, STAMP)


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [
        (Stage.REVIEW_IN_PROGRESS, True),
        (Stage.REPORT_DRAFTED, True),
        (Stage.DECISION, False),
        (Stage.PUBLISHED, False),
    ],
)
def test_publication_is_deferred_only_during_a_review(stage: Stage, allowed: bool) -> None:
    case = Case("CSPR-2026-001", "Child A", stage)
    if allowed:
        rules.check_deferrable(case)
    else:
        with pytest.raises(TransitionRefused, match="can be deferred only"):
            rules.check_deferrable(case)


def test_a_deferral_pause_reads_as_deferred() -> None:
    case = Case("CSPR-2026-001", "Child A", Stage.REPORT_DRAFTED)
    rules.pause(case, STAMP, "Publication deferred pending proceedings (inquest)")
    assert publication_deferral(case) is case.pauses[0]


def test_one_deadline_paused_resumed_and_overridden() -> None:
    case = Case("CSPR-2026-001", "Child A", Stage.REVIEW_IN_PROGRESS)
    rules.pause_deadline(case, STAMP, "T7", "Trial")
    with pytest.raises(ValidationFailed, match="already paused"):
        rules.pause_deadline(case, STAMP, "T7", "Trial")
    rules.resume_deadline(case, STAMP, "T7", date(2026, 6, 20))
    assert (case.pauses[0].deadline, case.pauses[0].end) == ("T7", date(2026, 6, 20))
    with pytest.raises(ValidationFailed, match="not paused"):
        rules.resume_deadline(case, STAMP, "T7")
    with pytest.raises(ValidationFailed, match="New due date must be a real date"):
        rules.override_deadline(case, STAMP, "T4", "2026-13-01", "Panel agreed")
    rules.override_deadline(case, STAMP, "T4", date(2026, 7, 1), "Panel agreed")
    rules.override_deadline(case, STAMP, "T4", "2026-07-08", "Panel agreed again")
    (override,) = case.overrides
    assert (override.due_date, override.reason, override.by) == (
        date(2026, 7, 8),
        "Panel agreed again",
        "Reviewer One",
    )
