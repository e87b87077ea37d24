"""The case store over a real encrypted vault: create, read, query, records, audit."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tinydb import Query

from cspr_tui.domain import audit
from cspr_tui.domain.case import (
    AgencyReportRequest,
    Person,
    Rag,
    RecommendationStatus,
    RecordStatus,
    Stage,
)
from cspr_tui.domain.case_json import case_to_data
from cspr_tui.domain.form_mapping import (
    agency_records,
    recommendation_from_form,
    recommendation_to_form,
    report_answers,
)
from cspr_tui.domain.store import CaseNotFound, CaseStore
from cspr_tui.errors import CsprError, UsageError, ValidationFailed
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import open_vault
from tests.domain import case_values as cv

PASS = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    return cv.make_store(tmp_path)


def reopen(store: CaseStore, *, readonly: bool = False) -> CaseStore:
    path = store.vault.path
    store.vault.close()
    vault = open_vault(path, PASS, readonly=readonly)
    return CaseStore(vault, store.settings, store.forms, clock=lambda: cv.TODAY)


def test_references_and_pseudonyms_are_generated(store: CaseStore) -> None:
    first = store.create_case()
    second = store.create_case(pseudonym="Baby O")
    third = store.create_case()
    assert [first.ref, second.ref, third.ref] == [
        "CSPR-2026-001",
        "CSPR-2026-002",
        "CSPR-2026-003",
    ]
    assert [first.pseudonym, second.pseudonym, third.pseudonym] == ["Child A", "Baby O", "Child B"]
    assert first.stage == Stage.REFERRAL_RECEIVED and first.history[0].by == "Reviewer One"
    assert store.create_case(year=2025).ref == "CSPR-2025-001"
    with pytest.raises(ValidationFailed, match="already exists"):
        store.create_case(ref="CSPR-2026-002")
    with pytest.raises(ValidationFailed, match="not a case reference"):
        store.create_case(ref="2026/2")


def test_pseudonyms_continue_past_z(store: CaseStore) -> None:
    for _ in range(27):
        last = store.create_case()
    assert last.pseudonym == "Child AA"


def test_cases_survive_reopening_and_get_returns_a_copy(store: CaseStore) -> None:
    ref = store.create_case(agencies=["Police", "Police", " Health visiting "]).ref
    store.save_record(ref, "referral", cv.referral(), finish=True)
    again = reopen(store, readonly=True)
    case = again.get(ref)
    assert case.agencies == ["Police", "Health visiting"]
    record = case.records["referral"]
    assert record.status == RecordStatus.COMPLETE
    assert record.template_version == again.forms["referral"].version
    assert record.updated_by == "Reviewer One"
    case.pseudonym = "changed in memory only"
    assert again.get(ref).pseudonym == "Child A"
    with pytest.raises(CaseNotFound, match="no case CSPR-2026-999") as caught:
        again.get("CSPR-2026-999")
    assert caught.value.exit_code == 2


def test_draft_may_be_incomplete_but_not_impossible(store: CaseStore) -> None:
    ref = store.create_case().ref
    warnings = store.save_record(
        ref, "referral", {"referrer_name": "Sam"}, current_section="referrer"
    )
    assert warnings == []
    record = store.get(ref).records["referral"]
    assert record.status == RecordStatus.DRAFT and record.current_section == "referrer"
    entries = len(store.audit_trail())
    with pytest.raises(ValidationFailed) as caught:
        store.save_record(ref, "referral", {"incident_date": "2026-02-31"})
    assert "cannot be saved" in caught.value.message
    assert any("real date" in d for d in caught.value.details)
    assert store.get(ref).records["referral"].values == {"referrer_name": "Sam"}
    assert len(store.audit_trail()) == entries


def test_finishing_lists_every_missing_field(store: CaseStore) -> None:
    ref = store.create_case().ref
    with pytest.raises(ValidationFailed) as caught:
        store.save_record(ref, "referral", {"referrer_name": "Sam"}, finish=True)
    details = caught.value.details
    assert len(details) >= 10
    assert any("Date of referral is required" in d for d in details)
    assert "referral" not in store.get(ref).records
    with pytest.raises(UsageError, match="no form called"):
        store.save_record(ref, "nonsense", {})


def test_warnings_do_not_block(store: CaseStore) -> None:
    ref = store.create_case().ref
    values = cv.referral(abuse_neglect="Not suspected")
    warnings = store.save_record(ref, "referral", values, finish=True)
    assert store.get(ref).records["referral"].status == RecordStatus.COMPLETE
    assert all(w.severity == "warning" for w in warnings)


def test_every_change_is_audited_with_old_and_new_values(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.update_case(ref, {"pseudonym": "Child Z"}, reason="Family chose the name")
    entry = store.audit_trail(ref)[-1]
    assert entry.action == "case updated" and entry.who == "Reviewer One"
    assert entry.reason == "Family chose the name"
    assert audit.Change("pseudonym", "Child A", "Child Z") in entry.changes
    assert store.verify() == []
    with pytest.raises(ValidationFailed):
        store.update_case(ref, {"pseudonym": " "})
    with pytest.raises(UsageError):
        store.update_case(ref, {"stage": "closed"})


def test_failed_write_changes_nothing(store: CaseStore) -> None:
    store.create_case()
    readonly = reopen(store, readonly=True)
    with pytest.raises(CsprError):
        readonly.create_case()
    assert [c.ref for c in readonly.list_cases()] == ["CSPR-2026-001"]
    assert len(readonly.audit_trail()) == 1


def test_reviewer_name_falls_back_to_the_os_user(tmp_path: Path) -> None:
    store = cv.make_store(tmp_path, reviewer_name="")
    assert store.reviewer_name == audit.default_actor("") != ""
    explicit = CaseStore(store.vault, Settings(), load_forms(), "Agency Lead")
    assert explicit.reviewer_name == "Agency Lead"


def test_query_by_stage_agency_and_text(store: CaseStore) -> None:
    a = cv.case_at_stage(store, "screening")
    b = store.create_case(agencies=["Police"]).ref
    c = store.create_case(notes="Sibling of an earlier case").ref
    store.save_record(b, "referral", {"incident_description": "Found in a CAR park at night"})
    assert [x.ref for x in store.query(stage=Stage.SCREENING)] == [a]
    assert [x.ref for x in store.query(stage="referral_received")] == [b, c]
    assert [x.ref for x in store.query(agency="police")] == [b]
    assert [x.ref for x in store.query(text="car PARK")] == [b]
    assert [x.ref for x in store.query(text="poppy example")] == [a]  # a repeat-group answer
    assert [x.ref for x in store.query(text="sibling")] == [c]
    assert [x.ref for x in store.query(text="child b")] == [b]
    assert [x.ref for x in store.query(text=c)] == [c]
    assert store.query(text="car sibling") == []
    assert [x.ref for x in store.query(text="  car\n park ")] == [b]
    assert [x.ref for x in store.query(text="park", stage="screening")] == []


def test_query_is_refreshed_after_writes(store: CaseStore) -> None:
    ref = store.create_case().ref
    assert store.query(text="lantern") == []
    store.update_case(ref, {"notes": "Lantern Street"})
    assert [c.ref for c in store.query(text="lantern")] == [ref]


def test_query_by_deadline(tmp_path: Path) -> None:
    store = cv.make_store(tmp_path, today=date(2026, 3, 20))
    overdue = store.create_case().ref  # notification made, no rapid review yet
    store.save_record(overdue, "notification", cv.notification())
    fresh = store.create_case().ref
    store.save_record(
        fresh, "notification", cv.notification(la_aware_date="2026-03-19", sin_submitted_date="")
    )
    quiet = store.create_case().ref
    assert [c.ref for c in store.query(overdue=True)] == [overdue]
    assert [c.ref for c in store.query(overdue=False)] == [fresh, quiet]
    assert [c.ref for c in store.query(due_within=14)] == [overdue, fresh]
    assert [c.ref for c in store.query(due_within=14, overdue=False)] == [fresh]


def test_people_key(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.add_person(ref, Person("Poppy Example", "Child A", "Subject child", "child"))
    store.add_person(ref, Person("Jade Example", "Mother", "Mother"))
    with pytest.raises(ValidationFailed, match="already used"):
        store.add_person(ref, Person("Someone Else", "Mother", "Aunt"))
    store.update_person(ref, 1, Person("Jade Example", "Parent 1", "Mother"))
    with pytest.raises(ValidationFailed, match="needs a reason"):
        store.remove_person(ref, 0, "")
    store.remove_person(ref, 0, "Entered on the wrong case")
    assert [p.pseudonym for p in store.get(ref).people] == ["Parent 1"]
    with pytest.raises(UsageError):
        store.update_person(ref, 5, Person("X", "Y", "Z"))


def test_agency_reports(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.request_agency_report(
        ref,
        AgencyReportRequest("Police", requested_date=date(2026, 3, 6), due_date=date(2026, 3, 18)),
    )
    with pytest.raises(ValidationFailed, match="already asked"):
        store.request_agency_report(ref, AgencyReportRequest("police"))
    with pytest.raises(ValidationFailed, match="real date"):
        store.request_agency_report(ref, AgencyReportRequest("GP", due_date="2026-02-30"))
    store.update_agency_report(ref, "POLICE", {"received_date": date(2026, 3, 17)})
    case = store.get(ref)
    assert case.agency_reports[0].received_date == date(2026, 3, 17)
    assert case.agencies == ["Police"]
    assert [c.ref for c in store.query(agency="Police")] == [ref]


def test_lead_officer_role_and_name_are_kept_and_older_records_load(store: CaseStore) -> None:
    from cspr_tui.domain.case_json import case_from_data

    ref = store.create_case().ref
    rec = store.add_recommendation(
        ref, text="Share information.", lead_officer=" Head of audit ", lead_officer_name="Quinn"
    )
    assert (rec.lead_officer, rec.lead_officer_name) == ("Head of audit", "Quinn")
    stored = store.get(ref).recommendations[0]
    assert (stored.lead_officer, stored.lead_officer_name) == ("Head of audit", "Quinn")
    store.update_recommendation(ref, rec.id, {"lead_officer_name": "Robin"})
    assert store.get(ref).recommendations[0].lead_officer_name == "Robin"
    data = case_to_data(store.get(ref))
    del data["recommendations"][0]["lead_officer_name"]  # saved before the field existed
    old = case_from_data(data).recommendations[0]
    assert (old.lead_officer, old.lead_officer_name) == ("Head of audit", "")


def test_recommendation_rules(store: CaseStore) -> None:
    ref = store.create_case().ref
    one = store.add_recommendation(
        ref,
        text="Share information.",
        action="Audit",
        lead_agency="Police",
        target_date=date(2026, 9, 30),
    )
    two = store.add_recommendation(ref, text="Share information.", action="Train staff")
    three = store.add_recommendation(ref, text="Hear the child.")
    assert [one.id, two.id, three.id] == [
        "CSPR-2026-001-R1-A1",
        "CSPR-2026-001-R1-A2",
        "CSPR-2026-001-R2-A1",
    ]
    for changes, what in (
        ({"status": "Paused"}, "Changing"),
        ({"status": "Not accepted by partners"}, "Changing"),
        ({"status": "Superseded/merged"}, "Changing"),
        ({"rag_override": "Red"}, "Overriding the RAG"),
        ({"revised_target_date": "2026-12-31"}, "Revising the target date"),
    ):
        with pytest.raises(ValidationFailed, match=what):
            store.update_recommendation(ref, one.id, changes)
    assert store.get(ref).recommendations[0].status == RecommendationStatus.NOT_STARTED
    updated = store.update_recommendation(
        ref, one.id, {"revised_target_date": "2026-12-31"}, reason="Staff shortage"
    )
    assert (updated.revisions, updated.revision_reason) == (1, "Staff shortage")
    updated = store.update_recommendation(ref, one.id, {"rag_override": "Red"}, reason="Slipping")
    assert updated.rag_override == Rag.RED and updated.rag_override_reason == "Slipping"
    updated = store.update_recommendation(ref, one.id, {"status": "Paused"}, reason="Awaiting")
    assert updated.status == RecommendationStatus.PAUSED and updated.status_reason == "Awaiting"
    with pytest.raises(ValidationFailed, match="Evidence of completion"):
        store.update_recommendation(ref, two.id, {"status": "Completed – evidence accepted"})
    with pytest.raises(ValidationFailed, match="not a recommendation status"):
        store.update_recommendation(ref, two.id, {"status": "Done"})
    with pytest.raises(UsageError, match="no editable field"):
        store.update_recommendation(ref, two.id, {"id": "x"})
    with pytest.raises(UsageError, match="no recommendation"):
        store.update_recommendation(ref, "nope", {})


def test_quarterly_updates_log_status_changes(store: CaseStore) -> None:
    ref = store.create_case().ref
    rec = store.add_recommendation(ref, text="Share information.", target_date=date(2026, 9, 30))
    store.add_quarterly_update(ref, rec.id, "Started the audit.", "In progress")
    with pytest.raises(ValidationFailed, match="needs a reason"):
        store.add_quarterly_update(ref, rec.id, "Stopped.", "Paused")
    done = store.add_quarterly_update(
        ref,
        rec.id,
        "Procedure live.",
        RecommendationStatus.COMPLETED_EVIDENCE_ACCEPTED,
        quarter="2026-Q2",
        on=date(2026, 7, 1),
        evidence="Procedure v2",
    )
    assert [(u.quarter, u.status_before, u.status_after) for u in done.updates] == [
        ("2026-Q1", "Not started", "In progress"),
        ("2026-Q2", "In progress", "Completed – evidence accepted"),
    ]
    assert done.date_completed == cv.TODAY and done.last_updated == date(2026, 7, 1)
    with pytest.raises(CsprError):
        store.add_quarterly_update(ref, rec.id, "x", "In progress", quarter="2026-Q9")


def test_deadline_overrides_and_pauses_need_reasons(store: CaseStore) -> None:
    ref = store.create_case().ref
    with pytest.raises(ValidationFailed, match="needs a reason"):
        store.override_deadline(ref, "T7", "2026-12-31", "")
    case = store.override_deadline(ref, "T7", date(2026, 12, 31), "Inquest in November")
    assert (case.overrides[0].due_date, case.overrides[0].by) == (
        date(2026, 12, 31),
        "Reviewer One",
    )
    with pytest.raises(ValidationFailed, match="real date"):
        store.override_deadline(ref, "T7", "31/12/2026", "x")
    with pytest.raises(ValidationFailed, match="needs a reason"):
        store.pause_deadline(ref, "T4", "")
    store.pause_deadline(ref, "T4", "Trial", start=cv.TODAY - timedelta(days=10))
    with pytest.raises(ValidationFailed, match="already paused"):
        store.pause_deadline(ref, "T4", "Trial")
    case = store.resume_deadline(ref, "T4")
    assert case.pauses[0].deadline == "T4" and case.pauses[0].end == cv.TODAY
    with pytest.raises(ValidationFailed, match="not paused"):
        store.resume_deadline(ref, "T4")


def test_record_export_is_audited(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.record_export("agency-report", ref, "/tmp/x.docx", True, "Police")
    entry = store.audit_trail(ref)[-1]
    assert entry.action == "exported agency-report"
    assert audit.Change("export.redacted", None, True) in entry.changes
    assert store.verify() == []


def test_import_adds_and_updates_in_one_go(store: CaseStore) -> None:
    ref = store.create_case().ref
    existing = store.get(ref)
    existing.notes = "Updated by import"
    new = store.get(ref)
    new.ref, new.pseudonym = "CSPR-2025-007", "Child Q"
    assert store.import_cases([existing, new], source="batch.json") == (1, 1)
    again = reopen(store)
    assert again.get(ref).notes == "Updated by import"
    assert again.get("CSPR-2025-007").pseudonym == "Child Q"
    trail = again.audit_trail()
    assert [e.action for e in trail[-2:]] == ["case updated by import", "case imported"]
    assert trail[-1].reason == "imported from batch.json"
    assert again.verify() == []


def test_concurrent_workers_do_not_lose_changes(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.list_cases()

    def add(prefix: str) -> None:
        for i in range(10):
            store.add_recommendation(ref, text=f"{prefix} recommendation {i}")

    workers = [threading.Thread(target=add, args=(name,)) for name in ("First", "Second")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(store.get(ref).recommendations) == 20
    assert len(reopen(store).get(ref).recommendations) == 20


# -- follow-ups: template version and clock, per-agency reports, form values ---------------
def test_template_rules_use_the_store_clock(tmp_path: Path) -> None:
    """`today()` in a template rule is the store's clock, not the machine's date."""
    store = cv.make_store(tmp_path / "now")
    ref = store.create_case().ref
    after_today = (cv.TODAY + timedelta(days=10)).isoformat()
    with pytest.raises(ValidationFailed) as caught:
        store.save_record(
            ref, "screening", cv.screening(date_received=after_today, date_considered=after_today)
        )
    assert any("cannot be in the future" in d for d in caught.value.details)
    future = cv.make_store(tmp_path / "future", today=date(2099, 1, 5))
    ref = future.create_case().ref
    future.save_record(
        ref, "screening", cv.screening(date_received="2099-01-04", date_considered="2099-01-05")
    )
    assert future.get(ref).records["screening"].values["date_received"] == "2099-01-04"


def _notification_v2(folder: Path) -> Any:
    """The shipped forms with a workspace notification form at version 2 whose list of
    resident local authorities no longer holds Examplebury."""
    shipped = (
        Path(__file__).resolve().parents[2] / "form_templates" / "notification.yaml"
    ).read_text(encoding="utf-8")
    old = "label: Local authority where the child lives\n        choices: local_authorities"
    assert old in shipped and "\nversion: 1\n" in shipped
    text = shipped.replace("\nversion: 1\n", "\nversion: 2\n", 1).replace(
        old,
        "label: Local authority where the child lives\n"
        "        choices: [Sampleford, Specimen Vale]",
    )
    folder.mkdir()
    (folder / "notification.yaml").write_text(text, encoding="utf-8")
    forms = load_forms(folder)
    assert forms["notification"].version == 2 and not forms.problems
    return forms


def test_older_records_are_judged_leniently_and_keep_their_version(
    store: CaseStore, tmp_path: Path
) -> None:
    ref = store.create_case().ref
    store.save_record(ref, "notification", cv.notification(), finish=True)
    assert store.get(ref).records["notification"].template_version == 1
    newer = CaseStore(
        store.vault, store.settings, _notification_v2(tmp_path / "templates"), clock=store._clock
    )
    warnings = newer.save_record(ref, "notification", cv.notification(), finish=True)
    assert any("changed since" in w.message for w in warnings)
    record = newer.get(ref).records["notification"]
    assert record.template_version == 1 and record.values["resident_la"] == "Examplebury"
    newer.save_record(
        ref, "notification", cv.notification(resident_la="Specimen Vale"), finish=True
    )
    assert newer.get(ref).records["notification"].template_version == 2
    fresh = newer.create_case().ref  # a new record gets no leniency
    with pytest.raises(ValidationFailed):
        newer.save_record(fresh, "notification", cv.notification(), finish=True)


def _agency_answers(agency: str | None, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "author_name": f"{agency or 'An'} Author",
        "author_role": "Safeguarding lead",
        "date_requested": "2026-03-06",
        "due_date": "2026-03-18",
        "depth": "LCSPR",
    }
    if agency is not None:
        values["agency"] = agency
    values.update(changes)
    return values


def test_agency_reports_are_kept_one_per_agency(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.request_agency_report(ref, AgencyReportRequest("Police", depth="Rapid review"))
    store.save_record(ref, "agency_report", _agency_answers("Police"))
    store.save_record(ref, "agency_report", _agency_answers(None), agency="Health visiting")
    store.save_record(ref, "agency_report", _agency_answers("Police", author_name="New"))
    store = reopen(store)
    case = store.get(ref)
    assert sorted(k for k in case.records if k.startswith("agency_report")) == [
        "agency_report:Health visiting",
        "agency_report:Police",
    ]
    reports = agency_records(case)
    assert report_answers(case, "Police")["author_name"] == "New"  # its request holds it
    assert "author_name" not in reports["Police"].values
    assert reports["Police"].form_id == "agency_report"
    assert reports["Health visiting"].values["agency"] == "Health visiting"
    depths = {r.agency: r.depth for r in case.agency_reports}
    assert depths == {"Police": "lcspr", "Health visiting": "lcspr"}
    trail = [e.action for e in store.audit_trail(ref)]
    assert "agency_report:Health visiting draft saved" in trail


def test_agency_report_needs_one_agency(store: CaseStore) -> None:
    ref = store.create_case().ref
    with pytest.raises(ValidationFailed, match="needs the agency's name"):
        store.save_record(ref, "agency_report", _agency_answers(None))
    with pytest.raises(ValidationFailed, match="not 'Midwifery'"):
        store.save_record(ref, "agency_report", _agency_answers("Police"), agency="Midwifery")
    with pytest.raises(ValidationFailed, match="only agency reports"):
        store.save_record(ref, "referral", cv.referral(), agency="Police")
    assert store.get(ref).records == {}


def test_an_old_single_agency_report_is_read_and_replaced(store: CaseStore) -> None:
    ref = store.create_case().ref
    data = case_to_data(store.get(ref))
    data["records"] = {
        "agency_report": {
            "form_id": "agency_report",
            "template_version": 1,
            "values": _agency_answers("Police"),
            "status": "draft",
        }
    }
    table = store.db.table("cases", cache_size=0)
    with store.vault.transaction():
        table.update(lambda doc: doc.update(data), doc_ids=[table.all()[0].doc_id])
    again = reopen(store)
    assert again.verify() == []  # an old vault's document is not damage
    case = again.get(ref)
    assert list(case.records) == ["agency_report:Police"]
    again.save_record(ref, "agency_report", _agency_answers("Police", author_name="Newer"))
    case = again.get(ref)
    assert list(case.records) == ["agency_report:Police"]
    assert report_answers(case, "Police")["author_name"] == "Newer"
    assert "author_name" not in case.records["agency_report:Police"].values


def test_an_old_vaults_report_holding_its_requests_facts_reads_the_same(
    store: CaseStore,
) -> None:
    """A vault written when a report's record also kept its request's facts opens, reads
    the same answers, is not damage, and loses the copy (not the facts) on its next save."""
    ref = store.create_case().ref
    store.request_agency_report(ref, AgencyReportRequest("Police", requested_date=date(2026, 3, 1)))
    data = case_to_data(store.get(ref))
    old = {**_agency_answers("Police"), "involvement_summary": "Two calls."}
    data["records"] = {
        "agency_report:Police": {
            "form_id": "agency_report",
            "template_version": 2,
            "values": old,
            "status": "draft",
        }
    }
    table = store.db.table("cases", cache_size=0)
    with store.vault.transaction():
        table.update(lambda doc: doc.update(data), doc_ids=[table.all()[0].doc_id])
    again = reopen(store)
    assert again.verify() == []
    read = report_answers(again.get(ref), "Police")
    assert read == {**old, "depth": "LCSPR"}  # every answer as it was
    again.update_case(ref, {"notes": "Saved again."})
    stored = again.db.table("cases", cache_size=0).all()[0]
    assert stored["records"]["agency_report:Police"]["values"] == {
        "agency": "Police",
        "involvement_summary": "Two calls.",
    }
    (request,) = stored["agency_reports"]
    assert (request["author"], request["requested_date"], request["depth"]) == (
        "Police Author",
        "2026-03-06",
        "lcspr",
    )
    assert report_answers(reopen(again).get(ref), "Police") == read


def test_depth_and_barrier_accept_the_forms_answers(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.request_agency_report(ref, AgencyReportRequest("Police", depth="LCSPR"))
    store.update_agency_report(ref, "Police", {"depth": "Rapid review"})
    assert store.get(ref).agency_reports[0].depth == "rapid_review"
    with pytest.raises(ValidationFailed, match="Depth of report"):
        store.update_agency_report(ref, "Police", {"depth": "Deep"})
    rec = store.add_recommendation(ref, text="Share information.")
    assert store.update_recommendation(ref, rec.id, {"barrier": "Yes"}).barrier is True
    updated = store.add_quarterly_update(ref, rec.id, "Progress.", "In progress", barrier="No")
    assert updated.barrier is False
    with pytest.raises(ValidationFailed, match="Yes or No"):
        store.update_recommendation(ref, rec.id, {"barrier": "Perhaps"})
    changes = recommendation_from_form(recommendation_to_form(store.get(ref).recommendations[0]))
    changes["barrier"] = "Yes"
    assert store.update_recommendation(ref, rec.id, recommendation_from_form(changes)).barrier


# -- what the store builds lazily, and what a write invalidates -------------------------------


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the `Case` objects the store builds from vault documents."""
    from cspr_tui.domain import read_model as store_module

    built: list[str] = []
    real = store_module.case_from_data

    def counting(data: Any) -> Any:
        built.append(data["ref"])
        return real(data)

    monkeypatch.setattr(store_module, "case_from_data", counting)
    return built


def test_unlock_lists_and_searches_without_building_cases(
    store: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = [store.create_case(notes=f"Note {n}", agencies=["Police"]).ref for n in range(4)]
    store.save_record(refs[2], "referral", {"incident_description": "Seen near Kiln Lane"})
    fresh = reopen(store)
    built = _counting_builds(monkeypatch)
    summaries = fresh.summaries()
    assert [s.ref for s in summaries] == refs
    assert [s.pseudonym for s in summaries] == ["Child A", "Child B", "Child C", "Child D"]
    assert {s.stage for s in summaries} == {Stage.REFERRAL_RECEIVED}
    assert summaries[0].agencies == ("Police",) and summaries[0].next_deadline is None
    assert fresh.next_ref() == "CSPR-2026-005" and fresh.next_pseudonym() == "Child E"
    assert [s.ref for s in fresh.query_summaries(text="KILN  lane")] == [refs[2]]
    assert [s.ref for s in fresh.query_summaries(agency="police", stage="screening")] == []
    assert built == []
    assert [c.ref for c in fresh.query(text="kiln lane")] == [refs[2]]
    assert built == [refs[2]]  # only the hit became a Case
    assert len(fresh.list_cases()) == 4 and sorted(built) == sorted(refs)
    assert fresh.list_cases()[0] is fresh.list_cases()[0]  # built once, then kept


def test_a_write_invalidates_that_cases_summary_and_text(store: CaseStore) -> None:
    a = store.create_case(notes="Harbour road").ref
    b = store.create_case().ref
    assert [s.pseudonym for s in store.summaries()] == ["Child A", "Child B"]
    assert [c.ref for c in store.query(text="harbour")] == [a]
    store.update_case(a, {"pseudonym": "Baby Q", "notes": "Orchard close", "agencies": ["NHS"]})
    summary = store.summaries()[0]
    assert (summary.pseudonym, summary.agencies) == ("Baby Q", ("NHS",))
    assert store.query(text="harbour") == []
    assert [c.ref for c in store.query(text="orchard")] == [a]
    assert [c.ref for c in store.query(agency="nhs")] == [a]
    store.pause(b, "Pending a criminal trial")
    assert [s.stage for s in store.summaries()] == [Stage.REFERRAL_RECEIVED, Stage.PAUSED]
    assert [c.ref for c in store.query(stage=Stage.PAUSED)] == [b]
    assert [x.ref for x in store.query_summaries(stage=Stage.PAUSED)] == [b]


def test_get_after_a_write_sees_the_change_and_stays_private(store: CaseStore) -> None:
    ref = store.create_case().ref
    before = store.get(ref)
    store.save_record(ref, "referral", {"incident_description": "First account"})
    assert store.get(ref).records["referral"].values["incident_description"] == "First account"
    assert "referral" not in before.records
    mine = store.get(ref)
    mine.records["referral"].values["incident_description"] = "Changed only here"
    mine.agencies.append("Nowhere")
    assert store.get(ref).records["referral"].values["incident_description"] == "First account"
    assert store.list_cases()[0].agencies == []
    assert store.query(text="changed only here") == []


def test_a_text_query_finds_a_just_saved_answer(store: CaseStore) -> None:
    ref = store.create_case().ref
    other = store.create_case().ref
    assert store.query(text="quayside") == []  # search texts now built for both
    store.save_record(ref, "referral", {"incident_description": "Found at the\n\n  QUAYSIDE steps"})
    assert [c.ref for c in store.query(text="quayside")] == [ref]
    assert [c.ref for c in store.query(text="the quayside steps")] == [ref]  # any white space
    assert store.query(text="quayside  steps found") == []
    rec = store.add_recommendation(other, text="Audit the lighthouse protocol")
    assert [c.ref for c in store.query(text="lighthouse")] == [other]
    store.update_recommendation(other, rec.id, {"text": "Audit the beacon protocol"})
    assert store.query(text="lighthouse") == []
    assert [c.ref for c in reopen(store).query(text="beacon")] == [other]


def test_an_import_replaces_what_the_store_had_built(store: CaseStore) -> None:
    ref = store.create_case(notes="Old words").ref
    assert [c.ref for c in store.query(text="old words")] == [ref]
    case = store.get(ref)
    case.notes = "Imported words"
    case.pseudonym = "Child Z"
    assert store.import_cases([case], source="test") == (0, 1)
    assert store.query(text="old words") == []
    assert [c.ref for c in store.query(text="imported words")] == [ref]
    assert store.summaries()[0].pseudonym == "Child Z" == store.get(ref).pseudonym


def test_summary_deadlines_follow_writes_and_the_day(store: CaseStore) -> None:
    ref = cv.case_at_stage(store, "screening")
    first = store.summaries(deadlines=True)[0].next_deadline
    assert first is not None and first == store.next_deadline(ref)
    later = cv.TODAY + timedelta(days=40)
    assert store.summaries(deadlines=True, today=later)[0].next_deadline == store.next_deadline(
        ref, later
    )
    store.pause(ref, "Pending proceedings")
    assert store.summaries(deadlines=True)[0].next_deadline == store.next_deadline(ref)
    assert store.summaries()[0].next_deadline is None


def test_a_failed_write_leaves_the_cache_as_it_was(store: CaseStore) -> None:
    ref = store.create_case(notes="Kept words").ref
    readonly = reopen(store, readonly=True)
    assert [c.ref for c in readonly.query(text="kept words")] == [ref]
    with pytest.raises(CsprError):
        readonly.update_case(ref, {"notes": "Lost words", "pseudonym": "Child Q"})
    assert readonly.query(text="lost words") == []
    assert readonly.summaries()[0].pseudonym == "Child A"
    assert readonly.get(ref).notes == "Kept words"


def test_a_damaged_document_is_one_clear_error_when_used(store: CaseStore) -> None:
    ref = store.create_case().ref
    table = store.db.table("cases", cache_size=0)
    with store.vault.transaction():
        table.update({"stage": "nowhere"}, Query().ref == ref)
    store.refresh()
    with pytest.raises(CsprError, match="cannot be read"):
        store.summaries()
    with pytest.raises(CsprError, match="cannot be read"):
        store.get(ref)


# -- text that cannot be stored: lone surrogates ------------------------------------------

LONE = "Seen by \ud800 the GP"  # a lone surrogate: valid Python, not UTF-8


def _vault_bytes(store: CaseStore) -> bytes:
    return store.vault.path.read_bytes()


def test_a_lone_surrogate_in_a_form_answer_is_refused_naming_the_field(store: CaseStore) -> None:
    ref = store.create_case().ref
    store.save_record(ref, "referral", cv.referral(), finish=False)
    before, trail = _vault_bytes(store), len(store.audit_trail(ref))
    with pytest.raises(ValidationFailed) as refused:
        store.save_record(ref, "referral", cv.referral(rationale=LONE), finish=False)
    message = str(refused.value)
    assert "\n" not in message and "cannot be stored" in message
    field = store.forms["referral"].field("rationale")
    assert field is not None and field.label in message
    assert _vault_bytes(store) == before and len(store.audit_trail(ref)) == trail
    assert store.get(ref).records["referral"].values == cv.referral()
    # Inside a repeat row too, and in a draft as much as in a finished record.
    with pytest.raises(ValidationFailed, match="cannot be stored"):
        store.save_record(
            ref, "referral", cv.referral(children=[{**cv.referral()["children"][0], "name": LONE}])
        )
    assert reopen(store).get(ref).records["referral"].values == cv.referral()


@pytest.mark.parametrize(
    ("changes", "reason", "named"),
    [
        ({"action": LONE}, "", "action"),
        ({"status": "Not accepted", "status_reason": LONE}, "", "status reason"),
        ({"status": "Not accepted"}, LONE, "reason"),
    ],
)
def test_a_lone_surrogate_in_a_recommendation_is_refused(
    store: CaseStore, changes: dict[str, Any], reason: str, named: str
) -> None:
    ref = cv.case_at_stage(store, "monitoring")
    rec = store.get(ref).recommendations[0]
    before, trail = _vault_bytes(store), len(store.audit_trail(ref))
    with pytest.raises(ValidationFailed) as refused:
        store.update_recommendation(ref, rec.id, changes, reason=reason)
    message = str(refused.value)
    assert message.startswith(f"{rec.id}: {named} contains a character that cannot be stored")
    assert "\n" not in message
    assert _vault_bytes(store) == before and len(store.audit_trail(ref)) == trail
    assert store.get(ref).recommendations[0] == rec


def test_every_other_way_in_refuses_a_lone_surrogate(store: CaseStore) -> None:
    ref = store.create_case().ref
    before = _vault_bytes(store)
    with pytest.raises(ValidationFailed, match=f"^{ref}: notes contains a character"):
        store.update_case(ref, {"notes": LONE})
    with pytest.raises(ValidationFailed, match=r"^CSPR-2026-002: pseudonym contains"):
        store.create_case(pseudonym=LONE)
    case = store.get(ref)
    case.people.append(Person(real_name=LONE, pseudonym="Adult B", role="Uncle"))
    with pytest.raises(ValidationFailed, match=rf"^{ref}: people\[1\]\.real_name contains"):
        store.import_cases([case])
    assert _vault_bytes(store) == before and len(store) == 1
    # Ordinary non-ASCII text is fine: accents, Welsh, emoji.
    store.update_case(ref, {"notes": "Siân met Zoë at the café 👍"})
    assert reopen(store).get(ref).notes == "Siân met Zoë at the café 👍"


def test_an_export_to_a_file_name_utf8_cannot_hold_is_recorded_escaped(store: CaseStore) -> None:
    """Linux allows undecodable bytes in names (Python gives them as lone surrogates); the
    file is already written, so the audit records the name escaped instead of failing."""
    store.record_export("tracker", None, "/tmp/b\udcffd.xlsx", redacted=True)
    entry = store.audit_trail()[-1]
    path = next(c.new for c in entry.changes if c.field == "export.path")
    assert path == "/tmp/b\\udcffd.xlsx"
    assert store.verify() == []


def test_cspr_import_of_escaped_lone_surrogates_exits_6_and_changes_nothing(
    tmp_path: Path, workspace: Path
) -> None:
    """The file is valid JSON ("\\ud800" escapes), so only the store can turn it away."""
    import json
    import os
    import subprocess
    import sys

    from cspr_tui.domain.case_json import dump_cases

    store = cv.make_store(workspace / "vault")
    ref = store.create_case(notes="kept as it was").ref
    case = store.get(ref)
    store.vault.close()
    vault_file = workspace / "vault" / "cases.vault"
    data = dump_cases([case])
    data["cases"][0]["notes"] = "see \ud800 below"
    source = tmp_path / "with-surrogate.json"
    source.write_text(json.dumps(data), encoding="utf-8")  # ensure_ascii: "\ud800" escapes
    assert "\\ud800" in source.read_text(encoding="utf-8")
    before = {p.name: p.read_bytes() for p in vault_file.parent.iterdir() if p.is_file()}
    done = subprocess.run(
        [sys.executable, "-m", "cspr_tui", "--vault", str(vault_file), "import", str(source)],
        capture_output=True,
        text=True,
        env={**os.environ, "CSPR_PASSPHRASE": PASS},
        timeout=120,
        check=False,
    )
    assert done.returncode == 6, (done.stdout, done.stderr)
    assert done.stderr.startswith(f"cspr: {ref}: notes contains a character that cannot be stored")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    after = {p.name: p.read_bytes() for p in vault_file.parent.iterdir() if p.is_file()}
    assert after == before


def test_text_query_matches_whole_words_only(store: CaseStore) -> None:
    """A pseudonym like "Child A" must not find every case that mentions child services."""
    camhs = store.create_case(pseudonym="Child H").ref
    store.save_record(
        camhs,
        "referral",
        {"incident_description": "Seen by Child and adolescent mental health services"},
    )
    child_a = store.create_case(pseudonym="Child A").ref
    accented = store.create_case(notes=f"Zoë's school (year 6)\nwrote about {camhs}0").ref
    assert [c.ref for c in store.query(text="Child A")] == [child_a]
    assert [c.ref for c in store.query(text="child a")] == [child_a]
    assert [c.ref for c in store.query(text="CHILD  and\tadolescent")] == [camhs]
    assert store.query(text="adolescen") == []  # not a word on its own
    assert store.query(text="hild h") == []
    assert [c.ref for c in store.query(text="zoë")] == [accented]
    assert store.query(text="zoe") == []  # accents are kept as they are
    assert [c.ref for c in store.query(text="(year 6)")] == [accented]  # punctuation ends
    assert [c.ref for c in store.query(text="year 6)")] == [accented]
    assert [c.ref for c in store.query(text=camhs)] == [camhs]  # not the longer one
    assert [c.ref for c in store.query(text=f"{camhs}0")] == [accented]


# -- the unit of work on the real vault --------------------------------------------------------


def test_change_commits_on_exit_and_leaves_the_vault_file_untouched_when_the_block_raises(
    store: CaseStore,
) -> None:
    ref = store.create_case().ref
    path = store.vault.path
    before = path.read_bytes()
    with pytest.raises(ValidationFailed), store.change(ref, "case updated") as case:
        case.notes = "never saved"
        raise ValidationFailed("refused inside the block")
    assert path.read_bytes() == before and store.get(ref).notes == ""
    with store.change(ref, "case updated", "a reason") as case:
        case.notes = "saved with its entry"
    again = reopen(store, readonly=True)
    assert again.get(ref).notes == "saved with its entry"
    last = again.audit_trail(ref)[-1]
    assert (last.action, last.reason) == ("case updated", "a reason")
    assert [(c.field, c.new) for c in last.changes] == [("notes", "saved with its entry")]
