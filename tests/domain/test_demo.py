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
