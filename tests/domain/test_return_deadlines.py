"""A returned report's due date is a deadline like the others (domain/deadline.py)."""

from __future__ import annotations

from datetime import date

from cspr_tui.domain.case import AgencyReportRequest, Case
from cspr_tui.domain.deadline import DeadlineStatus, all_deadlines, case_deadlines
from cspr_tui.settings import Settings


def _returns(case: Case, today: date) -> dict[str, object]:
    return {d.label: d for d in case_deadlines(case, Settings(), today) if d.rule.startswith("AR")}


def test_each_request_with_a_due_date_is_a_deadline_with_its_status() -> None:
    case = Case(
        "CSPR-2026-004",
        "Child A",
        agency_reports=[
            AgencyReportRequest(
                "Police", requested_date=date(2026, 11, 2), due_date=date(2026, 11, 23)
            ),
            AgencyReportRequest("Health visiting", due_date=date(2026, 12, 31)),
            AgencyReportRequest(
                "GP", due_date=date(2026, 11, 20), received_date=date(2026, 11, 19)
            ),
            AgencyReportRequest(
                "Housing", due_date=date(2026, 11, 20), received_date=date(2026, 11, 24)
            ),
            AgencyReportRequest("School"),  # no due date: nothing to chase
        ],
    )
    found = _returns(case, date(2026, 11, 30))
    police = found["Information report from Police"]
    assert police.status is DeadlineStatus.OVERDUE and police.days_left < 0
    assert police.due == date(2026, 11, 23) and "chase Police" in police.note
    assert found["Information report from Health visiting"].status is DeadlineStatus.ON_TRACK
    assert found["Information report from GP"].status is DeadlineStatus.MET
    assert found["Information report from Housing"].status is DeadlineStatus.MET_LATE
    assert "Information report from School" not in found
    due_soon = _returns(case, date(2026, 12, 29))["Information report from Health visiting"]
    assert due_soon.status is DeadlineStatus.DUE_SOON


def test_an_overdue_return_comes_first_among_open_deadlines() -> None:
    case = Case(
        "CSPR-2026-004",
        "Child A",
        agency_reports=[AgencyReportRequest("Police", due_date=date(2026, 11, 23))],
    )
    first = all_deadlines([case], Settings(), date(2026, 11, 30))[0]
    assert first.label == "Information report from Police"
    assert first.status is DeadlineStatus.OVERDUE
