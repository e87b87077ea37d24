"""Guarded transitions: each refusal names what is missing; every step is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cspr_tui.domain import deadline, workflow
from cspr_tui.domain.case import AgencyReportRequest, Case, Record, RecordStatus, Stage
from cspr_tui.domain.store import CaseStore
from cspr_tui.domain.workflow import (
    TransitionRefused,
    check_transition,
    classify_decision,
    screening_route,
)
from cspr_tui.errors import ValidationFailed
from cspr_tui.settings import Settings
from tests.domain import case_values as cv


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    return cv.make_store(tmp_path)


def refused(store: CaseStore, ref: str, *needles: str, **kwargs) -> TransitionRefused:
    stage_before = store.get(ref).stage
    audit_before = len(store.audit_trail())
    with pytest.raises(TransitionRefused) as caught:
        store.advance(ref, **kwargs)
    err = caught.value
    assert err.exit_code == 6
    for needle in needles:
        assert needle in err.message, err.message
    assert err.details and all(d in err.message for d in err.details)
    assert store.get(ref).stage == stage_before  # nothing changed
    assert len(store.audit_trail()) == audit_before
    return err


def test_full_route_to_closed_with_history_and_audit(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "monitoring")
    case = store.get(ref)
    assert case.review_type == "LCSPR"
    assert case.records["review"].values["lcspr_decision_date"] == "2026-04-01"
    rec = case.recommendations[0]
    refused(store, ref, "1 recommendation(s) not yet closed", rec.id)
    store.update_recommendation(ref, rec.id, {"status": "Superseded/merged"}, reason="Merged")
    assert store.advance(ref).stage == Stage.CLOSED
    stages = [h.to_stage for h in store.get(ref).history]
    assert stages[0] == Stage.REFERRAL_RECEIVED and stages[-1] == Stage.CLOSED
    assert len(stages) == 10
    actions = [e.action for e in store.audit_trail(ref)]
    assert "stage: Monitoring -> Closed" not in actions  # labels are used, not values
    assert "stage: Recommendations monitoring -> Closed" in actions
    refused(store, ref, "the case is closed")


def test_referral_must_be_finished(store: CaseStore) -> None:
    ref = store.create_case().ref
    refused(store, ref, "cannot move to Screening", "the referral form, finished")
    store.save_record(ref, "referral", cv.referral(rationale=""))  # a draft is fine
    refused(store, ref, "the referral form, finished")


def test_screening_needs_decision_and_notification(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "screening")
    refused(store, ref, "screening: Decision", "screening: Rationale")
    store.save_record(ref, "screening", cv.screening(), finish=True)
    err = refused(store, ref, "notification: Date the serious incident notification")
    assert "Notified to the Panel" in err.message
    store.save_record(ref, "notification", cv.notification(), finish=True)
    assert store.advance(ref).stage == Stage.NOTIFIED


@pytest.mark.parametrize(
    ("decision", "route"),
    [
        ("Refer to the local authority to consider a serious incident notification", "notified"),
        ("Rapid review (after notification)", "notified"),
        ("Other learning review", "decision"),
        ("Single-agency review", "decision"),
        ("Share learning only", "closed"),
        ("No further action", "closed"),
        ("Criteria not met", "closed"),
    ],
)
def test_screening_decisions_route_the_case(decision: str, route: str) -> None:
    assert screening_route(decision) == Stage(route)


def test_other_learning_review_skips_notification(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "screening")
    store.save_record(ref, "screening", cv.screening("Other learning review"), finish=True)
    assert store.advance(ref).stage == Stage.DECISION
    case = store.advance(ref)
    assert case.stage == Stage.REVIEW_IN_PROGRESS
    assert case.review_type == "Other learning review"
    assert case.records["review"].values["statutory"] == "No"
    assert "lcspr_decision_date" not in case.records["review"].values


def test_rapid_review_needs_three_signoffs_and_panel_date(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "rapid_review")
    refused(store, ref, "the rapid review form, finished", "sign-off by the police")
    values = cv.rapid_review(signoffs=cv.SIGNOFFS[:2])
    values.pop("rr_sent_to_panel_date")
    store.save_record(ref, "rapid_review", values, finish=True)
    err = refused(
        store, ref, "sign-off by the integrated care board (ICB)", "rapid review: Date sent"
    )
    assert "local authority" not in err.message
    store.save_record(ref, "rapid_review", cv.rapid_review(), finish=True)
    assert store.advance(ref).stage == Stage.DECISION


def test_rapid_review_must_link_to_a_notification() -> None:
    case = Case(
        "CSPR-2026-001",
        "Child A",
        Stage.RAPID_REVIEW,
        records={
            "rapid_review": Record("rapid_review", 1, cv.rapid_review(), RecordStatus.COMPLETE)
        },
    )
    check = check_transition(case, Settings(), cv.TODAY)
    assert not check.allowed and check.next_stage == Stage.DECISION
    assert check.missing == [
        "a serious incident notification for this case: a rapid review must link to a SIN"
    ]


def test_decision_needs_decision_and_rationale() -> None:
    values = cv.rapid_review(decision_rationale="")
    case = Case(
        "CSPR-2026-001",
        "Child A",
        Stage.DECISION,
        records={"rapid_review": Record("rapid_review", 1, values, RecordStatus.COMPLETE)},
    )
    check = check_transition(case, Settings(), cv.TODAY)
    assert check.missing == ["rapid review: Rationale for the decision"]


@pytest.mark.parametrize(
    ("decision", "review_type"),
    [
        ("LCSPR recommended", "LCSPR"),
        ("No LCSPR – learning captured by the rapid review", "No further review"),
        ("Other learning review", "Other learning review"),
        ("Single-agency learning review", "Other learning review"),
        ("May be of national importance – for the Panel to consider", "National review"),
        ("Joint review with another statutory review", "Other learning review"),
        ("Closed – notification criteria not met", "No further review"),
    ],
)
def test_decisions_map_to_review_types(decision: str, review_type: str) -> None:
    assert classify_decision(decision) == review_type


def test_no_further_review_closes_or_monitors(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "rapid_review")
    decision = "No LCSPR – learning captured by the rapid review"
    store.save_record(ref, "rapid_review", cv.rapid_review(decision), finish=True)
    store.advance(ref)
    assert store.transition_check(ref).next_stage == Stage.CLOSED
    store.add_recommendation(ref, text="Share learning from the rapid review.")
    case = store.advance(ref)
    assert case.stage == Stage.MONITORING and case.review_type == "No further review"
    assert "review" not in case.records


def test_report_needs_reviewer_summary_and_analysis(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "review_in_progress")
    refused(
        store,
        ref,
        "review: Reviewer name",
        "review: Summary of recommended improvements",
        "review: Analysis of systemic or underlying reasons",
    )
    store.save_record(ref, "review", cv.review(**cv.REPORT))
    assert store.advance(ref).stage == Stage.REPORT_DRAFTED


def test_publication_rules(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "report_drafted")
    refused(store, ref, "review: Publication decision", "review: Date published")
    late_copy = {**cv.PUBLICATION, "panel_sos_copy_sent_date": "2026-06-08"}
    store.save_record(ref, "review", cv.review(**cv.REPORT, **late_copy), finish=True)
    err = refused(store, ref, "sent on 08/06/2026", "by 03/06/2026")
    assert "override" in err.message
    with pytest.raises(ValidationFailed, match="needs a reason"):
        store.advance(ref, override=True)
    case = store.advance(ref, "Panel agreed a shorter notice by email", override=True)
    assert case.stage == Stage.PUBLISHED
    assert store.audit_trail(ref)[-1].reason == "Panel agreed a shorter notice by email"


def _drafted(**values) -> Case:
    record = Record("review", 1, cv.review(**cv.REPORT, **values), RecordStatus.COMPLETE)
    return Case("CSPR-2026-001", "Child A", Stage.REPORT_DRAFTED, records={"review": record})


def test_reasons_needed_when_not_full_report() -> None:
    case = _drafted(**{**cv.PUBLICATION, "publication_decision": "Improvements information only"})
    check = check_transition(case, Settings(), cv.TODAY)
    assert check.missing == ["review: Reasons for not publishing the full report"]
    case = _drafted(publication_decision="Not published", publication_reasons="Risk to sibling")
    assert check_transition(case, Settings(), cv.TODAY).allowed


def test_late_publication_needs_a_reason() -> None:
    late = {
        **cv.PUBLICATION,
        "published_date": "2026-10-12",
        "planned_publication_date": "2026-10-12",
        "panel_sos_copy_sent_date": "2026-09-01",
    }
    check = check_transition(_drafted(**late), Settings(), cv.TODAY)
    assert len(check.missing) == 1
    assert "Reason for late publication" in check.missing[0]
    assert "01/04/2026" in check.missing[0]
    assert check_transition(_drafted(**late, late_reason="Trial"), Settings(), cv.TODAY).allowed


def test_copy_rule_follows_the_time_limit_setting() -> None:
    copy = {**cv.PUBLICATION, "panel_sos_copy_sent_date": "2026-06-08"}
    strict = check_transition(_drafted(**copy), Settings(), cv.TODAY)
    relaxed = check_transition(
        _drafted(**copy), Settings(time_limits={"T8": {"amount": 3}}), cv.TODAY
    )
    assert strict.overridable and not strict.allowed
    assert relaxed.allowed


def test_pause_and_resume(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "review_in_progress")
    with pytest.raises(ValidationFailed, match="needs a reason"):
        store.pause(ref, "  ")
    case = store.pause(ref, "Criminal trial")
    assert case.stage == Stage.PAUSED and case.paused_from == Stage.REVIEW_IN_PROGRESS
    assert case.pauses[-1].reason == "Criminal trial" and case.pauses[-1].end is None
    refused(store, ref, "the case is paused: resume it")
    with pytest.raises(TransitionRefused, match="cannot be paused"):
        store.pause(ref, "again")
    case = store.resume(ref, "Trial concluded")
    assert case.stage == Stage.REVIEW_IN_PROGRESS and case.paused_from is None
    assert case.pauses[-1].end == cv.TODAY
    with pytest.raises(TransitionRefused, match="not paused"):
        store.resume(ref)
    assert [e.reason for e in store.audit_trail(ref)[-2:]] == ["Criminal trial", "Trial concluded"]


def test_transition_check_reports_without_changing(store: CaseStore) -> None:
    ref = store.create_case().ref
    check = store.transition_check(ref)
    assert (check.allowed, check.next_stage) == (False, Stage.SCREENING)
    assert check.missing == ["the referral form, finished with every required field"]
    assert len(store.audit_trail(ref)) == 1


# -- follow-ups: one statutory rule, LCSPR decision, deferral, rapid review warning ---------
def test_one_statutory_rule_for_workflow_and_deadlines() -> None:
    assert workflow.is_statutory is deadline.is_statutory


@pytest.mark.parametrize(
    ("answer", "review_type", "expected"),
    [
        ("Yes", "", True),
        ("yes", "Other learning review", True),
        ("No", "LCSPR", False),  # an explicit No wins over the review type
        ("No", "", False),
        ("Unknown", "LCSPR", True),  # undecided: the review type decides
        ("Unknown", "Other learning review", False),
        ("Unknown", "", None),
        (None, "LCSPR", True),
        (None, "No further review", False),
        (None, "", None),
        (True, "", True),
        (False, "LCSPR", False),
    ],
)
def test_statutory_table(answer: object, review_type: str, expected: bool | None) -> None:
    values = {} if answer is None else {"statutory": answer}
    case = Case("CSPR-2026-001", "Child A", review_type=review_type)
    case.records["review"] = Record("review", 1, values)
    assert workflow.is_statutory(case) is expected


def test_an_explicit_no_drops_the_statutory_publication_rules() -> None:
    late_copy = {**cv.PUBLICATION, "panel_sos_copy_sent_date": "2026-06-08"}
    case = _drafted(**late_copy, statutory="No", review_type="Other learning review")
    case.review_type = "LCSPR"
    assert check_transition(case, Settings(), cv.TODAY).allowed
    rules = {d.rule for d in deadline.case_deadlines(case, Settings(), cv.TODAY)}
    assert "T8" not in rules and "T7" not in rules
    case.records["review"].values["statutory"] = "Unknown"
    assert not check_transition(case, Settings(), cv.TODAY).allowed  # the copy rule is back


def test_lcspr_decision_creates_the_review_record_with_its_date(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "decision")
    assert "review" not in store.get(ref).records
    case = store.advance(ref)
    assert case.stage == Stage.REVIEW_IN_PROGRESS and case.review_type == "LCSPR"
    record = case.records["review"]
    assert record.values["lcspr_decision_date"] == cv.TODAY.isoformat()
    assert record.values["statutory"] == "Yes" and record.values["review_type"] == "LCSPR"
    assert record.template_version == store.forms["review"].version
    errors = store.forms["review"].validate(record.values, finishing=False, today=cv.TODAY)
    assert [i for i in errors if i.severity == "error"] == []
    t7 = next(d for d in store.case_deadlines(ref) if d.rule == "T7")
    assert t7.anchor_date == cv.TODAY


def test_publication_deferred_pending_proceedings(store: CaseStore) -> None:
    early = store.create_case().ref
    with pytest.raises(TransitionRefused, match="only while a review is in progress"):
        store.defer_publication(early, "Criminal trial")
    ref = cv.case_at_stage(store, "review_in_progress")
    with pytest.raises(ValidationFailed, match="Proceedings must be one of"):
        store.defer_publication(ref, "Holiday")
    with pytest.raises(ValidationFailed, match="needs details"):
        store.defer_publication(ref, "Other proceedings")
    case = store.defer_publication(ref, "criminal trial", "trial listed for next spring")
    assert case.stage == Stage.PAUSED and case.paused_from == Stage.REVIEW_IN_PROGRESS
    assert workflow.stage_label(case) == "Publication deferred pending proceedings"
    assert case.pauses[-1].reason == (
        "Publication deferred pending proceedings (criminal trial): trial listed for next spring"
    )
    refused(store, ref, "publication is deferred pending proceedings")
    case = store.resume(ref, "Trial concluded")
    assert case.stage == Stage.REVIEW_IN_PROGRESS and workflow.stage_label(case) == (
        "Review in progress"
    )
    plain = store.pause(ref, "Reviewer on leave")
    assert workflow.stage_label(plain) == "Paused / deferred"


def test_a_deferred_publication_clock_blocks_publishing(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "report_drafted")
    store.save_record(ref, "review", cv.review(**cv.REPORT, **cv.PUBLICATION), finish=True)
    assert store.transition_check(ref).allowed
    store.pause_deadline(ref, "T7", workflow.deferral_reason("Inquest", "inquest in May"))
    err = refused(store, ref, "the end of the deferral", "inquest in May", "deadline T7")
    assert "15/06/2026" in err.message
    store.resume_deadline(ref, "T7", "Inquest concluded")
    assert store.advance(ref).stage == Stage.PUBLISHED


def _rr_store(folder: Path, today: date) -> tuple[CaseStore, str]:
    store = cv.make_store(folder, today=today)
    ref = cv.case_at_stage(store, "rapid_review")
    store.request_agency_report(ref, AgencyReportRequest("Police", received_date=date(2026, 3, 12)))
    store.request_agency_report(ref, AgencyReportRequest("Health visiting"))
    store.request_agency_report(ref, AgencyReportRequest("Midwifery"))
    return store, ref


def test_warning_when_rapid_review_is_near_and_reports_are_missing(tmp_path: Path) -> None:
    store, ref = _rr_store(tmp_path / "near", date(2026, 3, 23))
    t4 = next(d for d in store.case_deadlines(ref) if d.rule == "T4")
    assert (t4.due, t4.days_left) == (date(2026, 3, 26), 3)
    assert store.transition_check(ref).warnings == [
        "The rapid review is due on 26/03/2026 (3 working days left), and 2 of 3 requested "
        "agency reports are not in: Health visiting, Midwifery."
    ]
    store.update_agency_report(ref, "Midwifery", {"received_date": "2026-03-20"})
    store.save_record(
        ref,
        "agency_report",
        {"agency": "Health visiting", "author_name": "HV Author", "author_role": "Lead"},
    )
    assert "Health visiting" in store.transition_check(ref).warnings[0]  # a draft is not in
    store.update_agency_report(ref, "Health visiting", {"received_date": "2026-03-23"})
    assert store.transition_check(ref).warnings == []


def test_a_finished_agency_report_form_counts_as_in() -> None:
    case = Case(
        "CSPR-2026-001",
        "Child A",
        agency_reports=[AgencyReportRequest("Police"), AgencyReportRequest("Midwifery")],
    )
    case.records["agency_report:police"] = Record(
        "agency_report", 1, {"agency": "Police"}, RecordStatus.COMPLETE
    )
    case.records["agency_report:Midwifery"] = Record("agency_report", 1, {"agency": "Midwifery"})
    assert workflow.outstanding_agency_reports(case) == ["Midwifery"]


def test_no_warning_when_rapid_review_is_not_yet_near(tmp_path: Path) -> None:
    store, ref = _rr_store(tmp_path / "far", date(2026, 3, 20))
    assert next(d for d in store.case_deadlines(ref) if d.rule == "T4").days_left == 4
    assert store.transition_check(ref).warnings == []
    late, late_ref = _rr_store(tmp_path / "late", date(2026, 4, 1))
    assert late.transition_check(late_ref).warnings == [
        "The rapid review was due on 26/03/2026 and is overdue, and 2 of 3 requested agency "
        "reports are not in: Health visiting, Midwifery."
    ]
