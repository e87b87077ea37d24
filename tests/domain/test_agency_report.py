"""The agency report request rules over a plain `Case`: no vault."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain import agency_report as rules
from cspr_tui.domain.agency_return import CONTEXT_FIELDS
from cspr_tui.domain.case import AgencyReportRequest, Case, Record, RecordStatus, ReportDepth
from cspr_tui.domain.case_json import case_from_data, case_to_data
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
        AgencyReportRequest(" Police ", requested_date=date(2026, 6, 1), due_date=date(2026, 6, 15),
                            depth="LCSPR"),
    )  # fmt: skip
    assert (made.agency, made.requested_date, made.due_date) == (
        "Police",
        date(2026, 6, 1),
        date(2026, 6, 15),
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
    assert (request.token, request.version, request.sent_date) == ("t1", 2, date(2026, 6, 3))
    assert request.requested_date == date(2026, 6, 2)


def test_the_form_and_the_request_share_one_map() -> None:
    request = AgencyReportRequest(
        "Police", author="DS Khan", due_date=date(2026, 6, 15), depth="lcspr"
    )
    answers = rules.answers_from_request(request)
    assert answers == {"agency": "Police", "author_name": "DS Khan", "due_date": "2026-06-15",
                       "depth": "LCSPR"}  # fmt: skip


def test_saving_a_report_hands_the_requests_facts_to_the_request_and_keeps_the_rest() -> None:
    case = _case()
    answers = {"agency": "Police", "author_name": "DS Khan", "author_role": "Detective sergeant",
               "date_requested": date(2026, 6, 1), "due_date": "2026-06-15", "depth": "LCSPR",
               "involvement_summary": "Two calls."}  # fmt: skip
    kept = rules.take_answers(case, answers)
    assert kept == {"agency": "Police", "involvement_summary": "Two calls."}
    (request,) = case.agency_reports  # an agency never asked gets its request
    assert (request.author, request.author_role, request.requested_date, request.due_date) == (
        "DS Khan", "Detective sergeant", date(2026, 6, 1), date(2026, 6, 15),
    )  # fmt: skip
    assert request.depth is ReportDepth.LCSPR and case.agencies == ["Police"]
    # an answer given blank clears its fact; one not given, or a blank depth, leaves it
    rules.take_answers(case, {"agency": "police", "author_name": "", "depth": ""})
    assert (request.author, request.author_role, request.depth) == (
        "", "Detective sergeant", ReportDepth.LCSPR,
    )  # fmt: skip
    rules.take_answers(case, {"agency": "Police", "due_date": "", "depth": "Rapid review"})
    assert request.due_date is None and request.depth is ReportDepth.RAPID_REVIEW
    with pytest.raises(ValidationFailed, match="Date due"):
        rules.take_answers(case, {"agency": "Police", "due_date": "31/02/2026"})
    assert rules.take_answers(case, {"agency": " ", "author_name": "X"}) == {"agency": " "}
    assert len(case.agency_reports) == 1


def test_a_report_reads_its_requests_facts_from_the_request() -> None:
    case = _case()
    assert rules.report_answers(case, "Police") == {}
    rules.request_report(case, AgencyReportRequest("Police", author="DS Khan", depth="LCSPR"))
    assert rules.report_answers(case, "police") == {
        "agency": "Police", "author_name": "DS Khan", "depth": "LCSPR",
    }  # fmt: skip
    own = {"agency": "Police", "staffing": "Short"}
    case.records["agency_report:Police"] = Record("agency_report", 2, own)
    rules.update_report(case, "Police", {"author": "DC Shah"})
    answers = rules.report_answers(case, "Police")
    assert answers["author_name"] == "DC Shah" and answers["staffing"] == "Short"
    assert "author_name" not in case.records["agency_report:Police"].values  # no copy kept


def test_an_old_report_holding_its_requests_facts_hands_them_over_when_read() -> None:
    old = {"agency": "Police", "author_name": "DS Khan", "author_role": "", "due_date":
           "2026-06-20", "depth": "LCSPR", "staffing": "Short"}  # fmt: skip
    case = _case()
    case.agency_reports.append(
        AgencyReportRequest("Police", author="Old name", author_role="Sergeant",
                            requested_date=date(2026, 6, 1), due_date=date(2026, 6, 15))
    )  # fmt: skip
    case.records["agency_report:Police"] = Record("agency_report", 2, dict(old))
    case.records["agency_report:Health visiting"] = Record(
        "agency_report", 2, {"agency": "Health visiting", "author_name": "HV Lead"}
    )
    data = case_to_data(case)
    read = case_from_data(data)
    police = rules.find(read, "Police")
    assert police is not None
    # the form's answer was the newer word (the store kept the request in step on each save)
    assert (police.author, police.author_role, police.requested_date, police.due_date) == (
        "DS Khan", "Sergeant", date(2026, 6, 1), date(2026, 6, 20),
    )  # fmt: skip
    assert police.depth is ReportDepth.LCSPR
    assert read.records["agency_report:Police"].values == {"agency": "Police", "staffing": "Short"}
    assert data["records"]["agency_report:Police"]["values"] == old  # the stored data untouched
    visiting = rules.find(read, "Health visiting")  # a report never asked gets its request
    assert visiting is not None and visiting.author == "HV Lead"
    assert read.agencies == ["Health visiting"]
    assert rules.report_answers(read, "Police") == {
        "agency": "Police", "author_name": "DS Khan", "author_role": "Sergeant",
        "date_requested": "2026-06-01", "due_date": "2026-06-20", "depth": "LCSPR",
        "staffing": "Short",
    }  # fmt: skip
    assert case_from_data(case_to_data(read)) == read  # stable from then on


def test_an_old_single_report_behind_a_newer_one_only_fills_the_requests_blanks() -> None:
    case = _case()
    case.agency_reports.append(AgencyReportRequest("Police", author="DS Khan"))
    case.records["agency_report:Police"] = Record("agency_report", 2, {"agency": "Police"})
    case.records["agency_report"] = Record(
        "agency_report", 1, {"agency": "Police", "author_name": "Older", "due_date": "2026-06-20"}
    )
    read = case_from_data(case_to_data(case))
    police = rules.find(read, "Police")
    assert police is not None and (police.author, police.due_date) == ("DS Khan", date(2026, 6, 20))
    assert read.records["agency_report"].values == {"agency": "Police"}


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
    assert case.agency_reports[0].received_date == date(2026, 6, 1)


def test_a_return_hands_the_agencys_author_to_its_request() -> None:
    case = _case()
    rules.request_report(case, AgencyReportRequest("Police", due_date=date(2026, 6, 15)))
    answers = {"agency": "Police", "author_name": "DS Khan", "author_role": "Sergeant",
               "due_date": "2026-06-15", "staffing": "Short"}  # fmt: skip
    rules.store_return(case, STAMP, "Police", "agency_report:Police", 3, answers, True, True)
    assert case.records["agency_report:Police"].values == {"agency": "Police", "staffing": "Short"}
    (request,) = case.agency_reports
    assert (request.author, request.author_role, request.due_date) == (
        "DS Khan", "Sergeant", date(2026, 6, 15),
    )  # fmt: skip
    assert rules.report_answers(case, "Police")["author_name"] == "DS Khan"
