"""The rules for returned agency reports, on plain data: no files, no vault."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain.agency_return import (
    DocumentId,
    RawReturn,
    RawRow,
    ReturnStatus,
    check_return,
    match_request,
    new_token,
    read_written_date,
    request_status,
)
from cspr_tui.domain.case import AgencyReportRequest, Case
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms import load_forms

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("03/04/2025", date(2025, 4, 3)),
        ("3.4.25", date(2025, 4, 3)),
        ("3-4-2025", date(2025, 4, 3)),
        ("3 April 2025", date(2025, 4, 3)),
        ("3rd Apr 2025", date(2025, 4, 3)),
        ("Thursday 3 April 2025", date(2025, 4, 3)),
        ("April 3, 2025", date(2025, 4, 3)),
        ("2025-04-03", date(2025, 4, 3)),
        ("\u00a0 3 / 4 / 2025 ", date(2025, 4, 3)),
        ("1.1.99", date(1999, 1, 1)),  # two digits: not in the future
        ("5 Sept 2025", date(2025, 9, 5)),
    ],
)
def test_dates_are_read_as_people_write_them(written: str, meant: date) -> None:
    assert read_written_date(written, TODAY) == meant


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("31/02/2025", "February 2025 has 28 days"),
        ("3/13/2025", "the month must be 1 to 12"),
        ("soon", "is not a date"),
        ("3 Octember 2025", "is not a date"),
        ("01/01/1850", "the year must be 1900 to 2100"),
    ],
)
def test_impossible_dates_say_why(written: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        read_written_date(written, TODAY)


def test_document_id_round_trips_and_rejects_anything_else() -> None:
    token = new_token()
    doc_id = DocumentId("CSPR-2026-004", "Police", 3, 2, token)
    assert DocumentId.parse(str(doc_id)) == doc_id
    assert new_token() != token
    for bad in ("", "cspr-return|x", str(doc_id).replace(token, "zz"), "other|a|b|v1|form1|t"):
        assert DocumentId.parse(bad) is None


def test_a_return_matches_only_its_own_request() -> None:
    token = new_token()
    case = Case(
        "CSPR-2026-004", "Child A", agency_reports=[AgencyReportRequest("Police", token=token)]
    )
    ours = DocumentId(case.ref, "police", 1, 2, token)
    assert match_request(case, ours).agency == "Police"
    with pytest.raises(ValidationFailed, match="another vault or copy"):
        match_request(case, DocumentId(case.ref, "Police", 1, 2, new_token()))
    with pytest.raises(ValidationFailed, match="no request to Housing"):
        match_request(case, DocumentId(case.ref, "Housing", 1, 2, token))
    with pytest.raises(ValidationFailed, match="not in this vault"):
        match_request(None, ours)
    with pytest.raises(ValidationFailed, match="no document id"):
        match_request(case, None)
    untokened = Case("CSPR-2026-005", "Child B", agency_reports=[AgencyReportRequest("Police")])
    with pytest.raises(ValidationFailed):
        match_request(untokened, DocumentId(untokened.ref, "Police", 1, 2, token))


def test_request_status_requested_sent_returned_overdue() -> None:
    request = AgencyReportRequest("Police", due_date=date(2026, 12, 10))
    assert request_status(request, TODAY) is ReturnStatus.REQUESTED
    request.sent_date = date(2026, 11, 20)
    assert request_status(request, TODAY) is ReturnStatus.SENT
    assert request_status(request, date(2026, 12, 11)) is ReturnStatus.OVERDUE
    request.received_date = date(2026, 12, 12)
    assert request_status(request, date(2026, 12, 20)) is ReturnStatus.RETURNED


def test_check_return_places_problems_and_keeps_the_vaults_context() -> None:
    form = load_forms()["agency_report"]
    raw = RawReturn(
        None,
        answers={"author_name": "DS X", "due_date": "01/01/2030", "signoff_date": "31/04/2026"},
        rows={
            "chronology": [
                RawRow(1, {"date": "12/05/2025", "event": "Later"}),
                RawRow(2, {"date": "03/04/2025", "event": "Earlier", "significance": "Purple"}),
                RawRow(3, {}),
            ]
        },
    )
    context = {
        "agency": "Police",
        "due_date": "2026-11-23",
        "period_from": "2025-01-01",
        "period_to": "2025-04-30",
        "date_requested": "2026-11-02",
        "depth": "LCSPR",
    }
    result = check_return(form, raw, context, today=TODAY)
    assert result.values["due_date"] == "2026-11-23"  # the file cannot move its due date
    assert not result.accepted
    shown = [str(p) for p in result.problems]
    assert "5. Chronology, row 2, Significance: 'Purple' is not one of the choices." in shown
    assert any(s.startswith("15. Sign-off, Date signed off: '31/04/2026'") for s in shown)
    assert any("row 1, Date: 12/05/2025 is outside the period" in s for s in shown)
    assert any("not in date order" in s for s in shown)
    assert [r["event"] for r in result.values["chronology"]] == ["Earlier", "Later"]


def test_a_version_1_report_still_reads_under_version_2() -> None:
    form = load_forms()["agency_report"]
    assert form.version == 2
    v1 = {  # a finished report captured before organisational context and procedures
        "agency": "Police",
        "author_name": "DS X",
        "author_role": "DS",
        "date_requested": "2026-01-05",
        "due_date": "2026-01-26",
        "depth": "Rapid review",
        "period_from": "2025-01-01",
        "period_to": "2025-12-31",
        "records_examined": ["Police systems"],
        "involved": "Yes",
        "involvement_summary": "Two calls.",
        "lived_experience": "Quiet.",
        "equality": "None.",
        "signoff_name": "Ch Supt",
        "signoff_role": "Head",
        "signoff_date": "2026-01-20",
        "signoff_confirmed": "Yes",
        "chronology": [{"date": "2025-03-01", "event": "Call"}],
    }
    # A draft of it saves as before; only finishing it again asks for the two answers that
    # version 2 made required.
    assert [
        i
        for i in form.validate(v1, finishing=False, template_version=1, today=TODAY)
        if i.severity == "error"
    ] == []
    lenient = form.validate(v1, finishing=True, template_version=1, today=TODAY)
    assert sorted(i.path for i in lenient if i.severity == "error") == [
        "author_completed_date",
        "procedures_followed",
    ]
    from cspr_tui.domain.case import Record, RecordStatus
    from cspr_tui.domain.chronology import integrate_case

    case = Case("CSPR-2026-004", "Child A")
    case.records["agency_report:Police"] = Record("agency_report", 1, v1, RecordStatus.COMPLETE)
    assert [e.what for e in integrate_case(case).entries] == ["Call"]


def test_the_depth_asked_follows_the_stage_for_the_cover_and_the_answers_alike() -> None:
    from cspr_tui.domain.agency_return import context_values, depth_asked
    from cspr_tui.domain.case import AgencyReportRequest, Case, ReportDepth, Stage

    request = AgencyReportRequest("Police", depth="rapid_review")
    early = Case("CSPR-2026-001", "Child A", Stage.RAPID_REVIEW)
    late = Case("CSPR-2026-001", "Child A", Stage.REVIEW_IN_PROGRESS)
    assert depth_asked(early, request) is ReportDepth.RAPID_REVIEW
    assert depth_asked(late, request) is ReportDepth.LCSPR
    assert context_values(early, request, TODAY, marking="OFFICIAL")["depth"] == "Rapid review"
    assert context_values(late, request, TODAY, marking="OFFICIAL")["depth"] == "LCSPR"


@pytest.mark.parametrize("marking", ["OFFICIAL", "OFFICIAL-SENSITIVE", " OFFICIAL "])
def test_the_protective_marking_answer_is_the_partnerships_own(marking: str) -> None:
    from cspr_tui.domain.agency_return import context_values
    from cspr_tui.domain.case import AgencyReportRequest, Case

    case, request = Case("CSPR-2026-001", "Child A"), AgencyReportRequest("Police")
    values = context_values(case, request, TODAY, marking=marking)
    assert values["protective_marking"] == marking.strip()


def test_no_protective_marking_leaves_the_answer_out() -> None:
    from cspr_tui.domain.agency_return import context_values
    from cspr_tui.domain.case import AgencyReportRequest, Case

    values = context_values(
        Case("CSPR-2026-001", "Child A"), AgencyReportRequest("P"), TODAY, marking=""
    )
    assert "protective_marking" not in values
