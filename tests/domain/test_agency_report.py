"""The agency report request rules over a plain `Case`: no vault."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain import agency_report as rules
from cspr_tui.domain.agency_return import CONTEXT_FIELDS
from cspr_tui.domain.case import AgencyReportRequest, Case, RecordStatus, ReportDepth
from cspr_tui.domain.stamp import Stamp
from cspr_tui.errors import UsageError, ValidationFailed
from cspr_tui.forms import load_forms

STAMP = Stamp("Reviewer One", date(2026, 6, 1), "2026-06-01T09:00:00+00:00")


def _case() -> Case:
    return Case(ref="CSPR-2026-004", pseudonym="Child A")


def test_one_request_per_agency_with_its_dates_and_depth_read_once() -> None:
    case = _case()
    made = rules.request_report(
        case,
        AgencyReportRequest(" Police ", requested_date=date(2026, 6, 1), due_date="2026-06-15",
                            depth="LCSPR"),
    )  # fmt: skip
    assert (made.agency, made.requested_date, made.due_date) == (
        "Police",
        "2026-06-01",
        "2026-06-15",
    )
    assert made.depth is ReportDepth.LCSPR and case.agencies == ["Police"]
    with pytest.raises(ValidationFailed, match="already asked"):
        rules.request_report(case, AgencyReportRequest("police"))
    with pytest.raises(ValidationFailed, match="needs the agency's name"):
        rules.request_report(case, AgencyReportRequest("  "))
    with pytest.raises(ValidationFailed, match="Date due must be a real date"):
        rules.request_report(case, AgencyReportRequest("Health", due_date="2026-02-30"))
    assert [r.agency for r in case.agency_reports] == ["Police"]


def test_an_update_keeps_the_agency_and_checks_what_changes() -> None:
    case = _case()
    rules.request_report(case, AgencyReportRequest("Police"))
    rules.update_report(case, "POLICE", {"author": "DS Khan", "depth": "lcspr"})
    (request,) = case.agency_reports
    assert (request.agency, request.author, request.depth) == (
        "Police",
        "DS Khan",
        ReportDepth.LCSPR,
    )
    with pytest.raises(UsageError, match="no field agency"):
        rules.update_report(case, "Police", {"agency": "Health"})
    with pytest.raises(UsageError, match="has not been asked"):
        rules.update_report(case, "Health", {"author": "X"})


def test_sending_records_token_version_and_day_and_keeps_the_first_token() -> None:
    case = _case()
    name = rules.mark_sent(case, " GP practice ", token="t1", version=0, day=date(2026, 6, 2))
    assert name == "GP practice" and case.agencies == ["GP practice"]
    rules.mark_sent(case, "gp practice", token="t2", version=2, day=date(2026, 6, 3))
    (request,) = case.agency_reports
    assert (request.token, request.version, request.sent_date) == ("t1", 2, "2026-06-03")
    assert request.requested_date == "2026-06-02"


def test_the_form_and_the_request_share_one_map() -> None:
    request = AgencyReportRequest("Police", author="DS Khan", due_date="2026-06-15", depth="lcspr")
    answers = rules.answers_from_request(request)
    assert answers == {"agency": "Police", "author_name": "DS Khan", "due_date": "2026-06-15",
                       "depth": "LCSPR"}  # fmt: skip
    case = _case()
    rules.sync_from_form(case, {**answers, "author_role": "Detective sergeant"})
    (synced,) = case.agency_reports
    assert (synced.author, synced.author_role, synced.due_date, synced.depth) == (
        "DS Khan", "Detective sergeant", "2026-06-15", ReportDepth.LCSPR,
    )  # fmt: skip
    rules.sync_from_form(case, {"agency": "police", "author_name": "", "depth": "Rapid review"})
    assert synced.author == "DS Khan" and synced.depth is ReportDepth.RAPID_REVIEW
    assert case.agencies == ["Police"]
    rules.sync_from_form(case, {"agency": " "})
    assert len(case.agency_reports) == 1


def test_a_return_is_judged_by_the_template_and_stored_with_its_request_received() -> None:
    form = load_forms()["agency_report"]
    with pytest.raises(ValidationFailed, match="the return from Police cannot be stored") as err:
        rules.judge_return(form, {"agency": "Police", "date_requested": "2026-02-30"},
                           agency="Police", complete=True, today=STAMP.today)  # fmt: skip
    assert err.value.issues and all(i.severity == "error" for i in err.value.issues)
    # The review team's own answers (here an impossible request date) never refuse a return.
    assert all(i.path.split("[")[0].split(".")[0] not in CONTEXT_FIELDS for i in err.value.issues)
    assert any(i.code == "required" for i in err.value.issues)
    case = _case()
    rules.request_report(case, AgencyReportRequest("Police"))
    rules.store_return(case, STAMP, "Police", "agency_report:Police", 3, {"agency": "Police"},
                       False, True)  # fmt: skip
    record = case.records["agency_report:Police"]
    assert record.status is RecordStatus.DRAFT and record.template_version == 3
    assert case.agency_reports[0].received_date == "2026-06-01"
