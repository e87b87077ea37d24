"""The dashboard's stored deadline plans (domain/stored_views.py, domain/deadline.py
`deadline_plan`/`planned_open`, `ReadModel.dashboard`) on real vault files: after random
cases and edits through the store, a fresh store reading only the stored summaries gives,
on any day, exactly what working out every case in full gives; it reads no case to do it;
plans from other settings are not used; `cspr verify`'s check finds a tampered plan."""

from __future__ import annotations

import tempfile
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspr_tui.domain import integrity, stored_views
from cspr_tui.domain.case import AgencyReportRequest, Case, DeadlineOverride, Pause, Record, Stage
from cspr_tui.domain.deadline import DATE_FIELDS, Deadline, all_deadlines, case_deadlines
from cspr_tui.domain.store import CaseStore
from cspr_tui.domain.workflow import DEFERRAL_PREFIX, stage_label
from cspr_tui.errors import CsprError
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault, open_vault

BASE = date(2026, 1, 5)
days = st.integers(0, 400).map(lambda n: BASE + timedelta(days=n))
RULES = ["T1", "T2", "T4", "T5", "T6", "T7", "T8", "T9"]
FIELDS = sorted({where for places in DATE_FIELDS.values() for where in places})


@st.composite
def cases(draw: st.DrawFn, n: int) -> Case:
    records: dict[str, dict[str, Any]] = {}
    for form_id, field_id in draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True)):
        records.setdefault(form_id, {})[field_id] = draw(days).isoformat()
    if draw(st.booleans()):
        records.setdefault("review", {})["statutory"] = draw(st.sampled_from(["Yes", "No", ""]))
    pauses = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(days)
        # Mostly ended (an open pause is worked out from the case), often the whole case's.
        ends = st.integers(-3, 60).map(lambda k, start=start: start + timedelta(k))
        end = draw(st.one_of(st.none(), ends, ends, ends))
        reason = draw(st.sampled_from(["Police enquiry", f"{DEFERRAL_PREFIX}: trial"]))
        pauses.append(Pause(start, reason, end, draw(st.sampled_from([None] * 4 + RULES))))
    overrides = [
        DeadlineOverride(draw(st.sampled_from(RULES)), draw(days), "Agreed", "R", f"2026-0{k}")
        for k in range(1, draw(st.integers(0, 2)) + 1)
    ]
    reports = [
        AgencyReportRequest(
            agency=f"Agency {k}",
            requested_date=BASE,
            due_date=draw(st.one_of(st.none(), days)),
            received_date=draw(st.one_of(st.none(), days)),
        )
        for k in range(draw(st.integers(0, 2)))
    ]
    return Case(
        ref=f"CSPR-2026-{n:03d}",
        pseudonym=f"Child {n}",
        stage=draw(st.sampled_from([Stage.REFERRAL_RECEIVED, Stage.PAUSED])),
        paused_from=Stage.REFERRAL_RECEIVED,
        records={
            form: Record(form_id=form, template_version=1, values=values)
            for form, values in records.items()
        },
        pauses=pauses,
        overrides=overrides,
        agency_reports=reports,
    )


def shown(found: list[Deadline]) -> list[tuple[Any, ...]]:
    """What the dashboard shows of a deadline."""
    return [(d.case_ref, d.rule, d.label, d.due, d.status, d.days_left) for d in found]


def check_dashboard(store: CaseStore, on: date) -> None:
    """The stored plans, finished as of `on`, against every case worked out in full."""
    summaries, next_due, panel = store.dashboard(on)
    full = store.list_cases()
    assert [s.ref for s in summaries] == [c.ref for c in full]
    for summary, case in zip(summaries, full, strict=True):
        open_ones = [d for d in case_deadlines(case, store.settings, on) if d.is_open]
        expected = min(open_ones, key=lambda d: d.due or date.max, default=None)
        assert shown([next_due[case.ref]] if next_due[case.ref] else []) == shown(
            [expected] if expected else []
        ), (case.ref, on)
        assert summary.stage_label == stage_label(case)
    assert shown(panel) == shown(all_deadlines(full, store.settings, on))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_stored_plans_give_what_the_cases_give_through_edits(data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 5))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.vault"
        clock = lambda: BASE  # noqa: E731
        with create_vault(path, "pw", backups=0) as vault:
            store = CaseStore(vault, Settings(), {}, "Tester", clock=clock)
            store.import_cases([data.draw(cases(n)) for n in range(1, count + 1)])
            for _ in range(data.draw(st.integers(0, 4))):  # edits through the store
                ref = f"CSPR-2026-{data.draw(st.integers(1, count)):03d}"
                what = data.draw(st.sampled_from(["override", "pause", "resume", "replace"]))
                rule = data.draw(st.sampled_from(RULES))
                with suppress(CsprError):  # a refused edit writes nothing
                    if what == "override":
                        store.override_deadline(ref, rule, data.draw(days), "Agreed")
                    elif what == "pause":
                        store.pause_deadline(ref, rule, "Trial", start=data.draw(days))
                    elif what == "resume":
                        store.resume_deadline(ref, rule, end=data.draw(days))
                    else:
                        store.import_cases([data.draw(cases(int(ref[-3:])))])
            check_dashboard(store, data.draw(days))
            docs = vault.db.table("cases").all()
            assert stored_views.problems(vault.db, docs, (), store.plan_context()) == []
        with open_vault(path, "pw", readonly=True) as vault:  # read from the stored views
            fresh = CaseStore(vault, Settings(), {}, "Tester", clock=clock)
            # Random days, and the days a pause starts and ends (where statuses turn).
            turns = sorted(
                {
                    day
                    for case in fresh.list_cases()
                    for p in case.pauses
                    for day in (p.start, p.end)
                }
                - {None}
            )
            for on in [data.draw(days), data.draw(days), *turns[:6]]:
                check_dashboard(fresh, on)


def _vault_of(folder: Path, settings: Settings) -> Path:
    path = folder / "cases.vault"
    with create_vault(path, "pw", backups=0) as vault:
        store = CaseStore(vault, settings, {}, "Tester", clock=lambda: BASE)
        store.import_cases(
            Case(
                ref=f"CSPR-2026-{n:03d}",
                pseudonym=f"Child {n}",
                records={
                    "notification": Record(
                        form_id="notification",
                        template_version=1,
                        values={"la_aware_date": (BASE + timedelta(n)).isoformat()},
                    )
                },
            )
            for n in range(1, 6)
        )
        vault.compact()  # the tables in the snapshot's segments, as a big vault's are
    return path


def test_the_dashboard_reads_no_case(tmp_path: Path) -> None:
    """Unlock to dashboard: only the stored summaries are parsed, no case document."""
    path = _vault_of(tmp_path, Settings())
    with open_vault(path, "pw", readonly=True) as vault:
        store = CaseStore(vault, Settings(), {}, "Tester", clock=lambda: BASE)
        summaries, next_due, panel = store.dashboard(BASE)
        assert len(summaries) == 5 and all(next_due.values()) and panel
        assert "cases" not in vault.parsed_tables()


def test_plans_made_under_other_settings_are_not_used_and_are_made_again(
    tmp_path: Path,
) -> None:
    """T1 moved from 5 to 20 working days: the stored plans (5 days) are not used; the
    next save writes every case's plan again with the new settings."""
    path = _vault_of(tmp_path, Settings())
    longer = Settings(time_limits={"T1": {"amount": 20}})
    with open_vault(path, "pw") as vault:
        store = CaseStore(vault, longer, {}, "Tester", clock=lambda: BASE)
        check_dashboard(store, BASE)
        store.override_deadline("CSPR-2026-001", "T2", BASE, "Agreed")
        vault.compact()
        docs = vault.db.table("cases").all()
        assert stored_views.plan_key_of(vault.db) == store.plan_context().key
        assert stored_views.problems(vault.db, docs, (), store.plan_context()) == []
    with open_vault(path, "pw", readonly=True) as vault:
        fresh = CaseStore(vault, longer, {}, "Tester", clock=lambda: BASE)
        fresh.dashboard(BASE + timedelta(days=9))
        assert "cases" not in vault.parsed_tables()  # the new plans are used
        check_dashboard(fresh, BASE + timedelta(days=9))


def test_verify_finds_a_tampered_plan(tmp_path: Path) -> None:
    path = _vault_of(tmp_path, Settings())
    with open_vault(path, "pw") as vault:
        store = CaseStore(vault, Settings(), {}, "Tester", clock=lambda: BASE)
        context = store.plan_context()
        assert integrity.check(vault.db, context) == []
        summaries = vault.db.table(stored_views.SUMMARIES_TABLE)
        view = summaries.get(doc_id=2)
        assert view is not None
        plan = view[stored_views.PLAN_FIELD]
        plan["d"][0][2] = "2030-01-01"  # a later due date: nothing overdue
        summaries.update({stored_views.PLAN_FIELD: plan}, doc_ids=[2])
        found = integrity.check(vault.db, context)
        assert any("stored summary of case CSPR-2026-002" in p for p in found), found
