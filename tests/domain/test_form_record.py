"""Saving form answers on a plain `Case`: where they go, how they are judged; no vault."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain import form_record as rules
from cspr_tui.domain.case import AgencyReportRequest, Case, Record, RecordStatus
from cspr_tui.domain.stamp import Stamp
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms import load_forms
from tests.domain import case_values as cv

STAMP = Stamp("Reviewer One", cv.TODAY, "2026-06-15T09:00:00+00:00")
FORMS = load_forms()


def _case() -> Case:
    return Case(ref="CSPR-2026-004", pseudonym="Child A")


def test_an_agency_report_is_keyed_by_its_agency_as_already_spelt() -> None:
    case = _case()
    case.records["agency_report:Police"] = Record("agency_report", 1, {"agency": "Police"})
    values = {"agency": "police"}
    assert rules.record_key(case, "agency_report", values, None) == "agency_report:Police"
    assert values["agency"] == "police"
    given: dict = {}
    assert rules.record_key(case, "agency_report", given, "Health") == "agency_report:Health"
    assert given["agency"] == "Health"
    with pytest.raises(ValidationFailed, match="Agency is 'Police', not 'Health'"):
        rules.record_key(case, "agency_report", {"agency": "Police"}, "Health")
    assert rules.record_key(case, "referral", {}, None) == "referral"


def test_impossible_answers_are_refused_with_structured_issues() -> None:
    form = FORMS["referral"]
    answers = {**cv.referral(), "referral_date": "2026-02-30"}
    with pytest.raises(ValidationFailed, match="cannot be saved: 1 problem;") as refused:
        rules.judge(form, _case(), "referral", answers, finish=False, today=cv.TODAY)
    (issue,) = refused.value.issues
    assert (issue.path, issue.code, issue.severity) == ("referral_date", "invalid", "error")
    assert len(refused.value.details) == 1 and issue.message in refused.value.details[0]


def test_finishing_refuses_missing_answers_and_a_draft_does_not() -> None:
    form = FORMS["referral"]
    version, warnings = rules.judge(form, _case(), "referral", {}, finish=False, today=cv.TODAY)
    assert version == form.version and warnings == []
    with pytest.raises(ValidationFailed, match="cannot be finished") as refused:
        rules.judge(form, _case(), "referral", {}, finish=True, today=cv.TODAY)
    assert refused.value.issues and {i.code for i in refused.value.issues} == {"required"}
    assert len(refused.value.issues) == len(refused.value.details)


def test_a_record_is_kept_and_an_agency_report_updates_its_request() -> None:
    case = _case()
    case.agency_reports.append(AgencyReportRequest("Police"))
    answers = {"agency": "Police", "author_name": "DS Khan", "due_date": "2026-07-01"}
    rules.put_record(case, STAMP, "agency_report:Police", "agency_report", 2, answers, True)
    record = case.records["agency_report:Police"]
    assert record.status is RecordStatus.COMPLETE and record.updated_at == STAMP.now
    assert case.agency_reports[0].author == "DS Khan"
    assert case.agency_reports[0].due_date == date(2026, 7, 1)


def test_answers_that_cannot_be_stored_are_named_as_the_reviewer_sees_them() -> None:
    form = FORMS["referral"]
    plain = rules.checked_answers(form, {"referral_date": date(2026, 6, 1)})
    assert plain == {"referral_date": "2026-06-01"}
    label = form.field("incident_description").label
    with pytest.raises(ValidationFailed, match=rf"the {form.title}'s answer '{label}' contains"):
        rules.checked_answers(form, {"incident_description": "bad \ud800"})


def test_finishing_an_agency_report_marks_its_request_received_once() -> None:
    """A report finished in the app is in: its request shows it received that day, so its
    due date stops counting on the dashboard; a draft does not, and a later edit does not
    move the date."""
    case = _case()
    case.agency_reports.append(AgencyReportRequest(agency="Police", due_date=date(2026, 6, 20)))
    rules.put_record(
        case, STAMP, "agency_report:Police", "agency_report", 2, {"agency": "Police"}, False
    )
    assert case.agency_reports[0].received_date in (None, "")
    rules.put_record(
        case, STAMP, "agency_report:Police", "agency_report", 2, {"agency": "Police"}, True
    )
    assert case.agency_reports[0].received_date == STAMP.today
    later = Stamp("Reviewer Two", date(2026, 7, 1), "2026-07-01T09:00:00+00:00")
    rules.put_record(
        case, later, "agency_report:Police", "agency_report", 2, {"agency": "Police"}, True
    )
    assert case.agency_reports[0].received_date == STAMP.today
