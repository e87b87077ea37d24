"""The demo vault: every stage, overdue and on-time deadlines, 40+ recommendations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cspr_tui.domain.case import Rag, RecommendationStatus, Stage
from cspr_tui.domain.deadline import DeadlineStatus
from cspr_tui.domain.demo import CHILDREN, DEMO_PASSPHRASE, create_demo_vault
from cspr_tui.domain.integrity import check
from cspr_tui.domain.quarter import quarter_of
from cspr_tui.domain.rag import compute_rag
from cspr_tui.domain.store import CaseStore
from cspr_tui.domain.workflow import stage_label
from cspr_tui.errors import CsprError
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import open_vault

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaseStore]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSPR_KDF_PROFILE", "test")
        patch.setenv("CSPR_TEST_SUITE", "1")  # the suite marker the test profile needs
        path = tmp_path_factory.mktemp("demo") / "demo.vault"
        create_demo_vault(path, today=TODAY)
        vault = open_vault(path, DEMO_PASSPHRASE, readonly=True)
        yield CaseStore(vault, Settings(), load_forms(), clock=lambda: TODAY)
        vault.close()


def test_every_stage_is_shown(demo: CaseStore) -> None:
    cases = demo.list_cases()
    assert 12 <= len(cases) <= 15
    assert {c.stage for c in cases} == set(Stage)
    paused = next(c for c in cases if c.stage == Stage.PAUSED)
    assert paused.paused_from == Stage.REVIEW_IN_PROGRESS and paused.pauses[-1].reason
    assert stage_label(paused) == "Publication deferred pending proceedings"
    assert "(criminal trial)" in paused.pauses[-1].reason


def test_deadlines_are_overdue_due_soon_and_on_track(demo: CaseStore) -> None:
    statuses = Counter(d.status for d in demo.all_deadlines())
    for status in (
        DeadlineStatus.OVERDUE,
        DeadlineStatus.DUE_SOON,
        DeadlineStatus.ON_TRACK,
        DeadlineStatus.PAUSED,
    ):
        assert statuses[status] >= 1, statuses
    assert demo.query(overdue=True) and demo.query(overdue=False)


def test_recommendations_cover_every_status_and_rag(demo: CaseStore) -> None:
    recs = [r for c in demo.list_cases() for r in c.recommendations]
    assert len(recs) >= 40
    assert {r.status for r in recs} == set(RecommendationStatus)
    rags = {compute_rag(r, TODAY, quarter_of(TODAY)) for r in recs}
    assert rags == set(Rag)
    assert any(r.rag_override and r.rag_override_reason for r in recs)
    assert any(r.revisions >= 2 for r in recs)
    assert all(r.lead_agency and r.target_date and r.action for r in recs)
    assert len({r.lead_agency for r in recs}) >= 5
    closed = next(c for c in demo.list_cases() if c.stage == Stage.CLOSED)
    assert closed.recommendations


def test_data_obeys_every_rule(demo: CaseStore) -> None:
    assert check(demo.vault.db) == []
    for case in demo.list_cases():
        for form_id, record in case.records.items():
            finishing = record.status == "complete"
            errors = [
                i
                for i in demo.forms[form_id].validate(record.values, finishing=finishing)
                if i.severity == "error"
            ]
            assert errors == [], (case.ref, form_id, errors)
    assert {e.who for e in demo.audit_trail()} == {"Demo Reviewer (fictional)"}


def test_names_are_obviously_fictional(demo: CaseStore) -> None:
    surnames = {child.surname for child in CHILDREN}
    for case in demo.list_cases():
        for person in case.people:
            assert any(s in person.real_name for s in surnames), person.real_name
        assert case.pseudonym.startswith("Child ")


def test_refuses_to_overwrite_and_builds_for_today(tmp_path: Path) -> None:
    path = tmp_path / "demo.vault"
    create_demo_vault(path)  # today's date: the demo must build on any day
    with pytest.raises(CsprError):
        create_demo_vault(path)
    with open_vault(path, "demo", readonly=True) as vault:
        assert len(vault.db.table("cases")) >= 12


def _referral_agencies(case) -> set[str]:
    return {row["agency"] for row in case.value("referral", "agencies") or []}


def test_each_case_tells_one_story(demo: CaseStore) -> None:
    """Actions are owned by agencies the referral names; findings are the case's own."""
    cases = demo.list_cases()
    with_recs = [c for c in cases if c.recommendations]
    assert len(with_recs) >= 5
    for case in with_recs:
        involved = _referral_agencies(case)
        for rec in case.recommendations:
            assert rec.lead_agency in involved, (case.ref, rec.id, rec.lead_agency)
    findings = [tuple(f["finding"] for f in c.value("review", "findings") or []) for c in cases]
    drafted = [f for f in findings if f]
    assert len(drafted) >= 4 and len(set(drafted)) == len(drafted)
    episodes = [c.value("rapid_review", "key_practice_episodes") for c in cases]
    told = [e[0]["what_happened"] for e in episodes if e]
    assert len(told) >= 8 and len(set(told)) == len(told)


def test_no_recommendation_or_action_is_repeated(demo: CaseStore) -> None:
    texts: dict[str, str] = {}
    actions = []
    for case in demo.list_cases():
        numbers: dict[int, str] = {}
        for rec in case.recommendations:
            assert numbers.setdefault(rec.number, rec.text) == rec.text, rec.id
            owner = texts.setdefault(rec.text, case.ref)
            assert owner == case.ref, f"{rec.text!r} is in {owner} and {case.ref}"
            actions.append(rec.action)
        assert len(set(numbers.values())) == len(numbers), case.ref
    assert len(actions) == len(set(actions)) >= 40


def test_safe_sleep_advice_only_where_a_baby_died_or_was_harmed(demo: CaseStore) -> None:
    for case in demo.list_cases():
        child = case.value("referral", "children")[0]
        incident = date.fromisoformat(case.value("referral", "incident_date"))
        age_days = (incident - date.fromisoformat(child["dob"])).days
        texts = [f"{r.text} {r.action}" for r in case.recommendations]
        texts += [case.value("rapid_review", "learning", [{}])[0].get("point", "")]
        if any("safe sleep" in t.lower() for t in texts):
            assert age_days < 365, (case.ref, age_days)
    noah = next(c for c in demo.list_cases() if "Noah" in c.people[0].real_name)
    assert "sleep" in noah.value("referral", "incident_description")


def test_an_invented_area_and_partnership_everywhere(demo: CaseStore) -> None:
    import json

    from cspr_tui.domain.case_json import case_to_data
    from cspr_tui.domain.demo import DEMO_AREA, DEMO_PARTNERSHIP

    text = json.dumps([case_to_data(c) for c in demo.list_cases()])
    for real in ("Gateshead", "Newcastle", "Tyne", "Sunderland", "Durham", "Northumberland"):
        assert real not in text
        assert real not in json.dumps(vars(Settings()))
    assert DEMO_AREA in text and DEMO_PARTNERSHIP in text
    assert Settings().local_authority == DEMO_AREA
    notified = [c for c in demo.list_cases() if c.record("notification")]
    assert {c.value("notification", "lead_partnership") for c in notified} == {DEMO_PARTNERSHIP}


def test_the_demo_is_the_same_every_time(tmp_path: Path, demo: CaseStore) -> None:
    from cspr_tui.domain.case_json import case_to_data

    def stable(store: CaseStore) -> list:
        drop = {"created_at", "updated_at", "at"}

        def clean(value):
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items() if k not in drop}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        return [clean(case_to_data(c)) for c in store.list_cases()]

    path = tmp_path / "again.vault"
    create_demo_vault(path, today=TODAY)
    with open_vault(path, DEMO_PASSPHRASE, readonly=True) as vault:
        again = CaseStore(vault, Settings(), load_forms(), clock=lambda: TODAY)
        assert stable(again) == stable(demo)
