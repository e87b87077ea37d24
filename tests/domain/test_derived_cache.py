"""The per-case cache gives exactly the domain's answers, and works out again only the cases
that changed (a save, a new day, other settings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bench.data import make_cases
from cspr_tui.domain.deadline import all_deadlines, case_deadlines, next_deadline
from cspr_tui.domain.derived_cache import DerivedCache
from cspr_tui.domain.quarter import current_quarter
from cspr_tui.domain.rag import compute_rag, is_overdue
from cspr_tui.domain.store import CaseStore
from tests.domain.case_values import TODAY, make_store


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    store = make_store(tmp_path)
    store.import_cases(make_cases(40), source="test data")
    return store


def test_deadlines_and_ratings_are_the_domains_own(store: CaseStore) -> None:
    cache = DerivedCache()
    settings, calendar = store.settings, store.calendar
    cases = store.list_cases()
    for case in cases:
        assert cache.deadlines(case, settings, TODAY, calendar) == case_deadlines(
            case, settings, TODAY, calendar
        )
        assert cache.next_deadline(case, settings, TODAY, calendar) == next_deadline(
            case, settings, TODAY, calendar
        )
        rated = cache.ratings(case, TODAY)
        assert [(r.ref, r.rec.id) for r in rated] == [
            (case.ref, r.id) for r in case.recommendations
        ]
        quarter = current_quarter(TODAY)
        assert [r.rag for r in rated] == [
            compute_rag(r, TODAY, quarter) for r in case.recommendations
        ]
        assert [r.overdue for r in rated] == [is_overdue(r, TODAY) for r in case.recommendations]
    assert cache.open_deadlines(cases, settings, TODAY, calendar) == all_deadlines(
        cases, settings, TODAY, calendar
    )
    assert any(case.recommendations for case in cases)  # the ratings were really compared
    assert cache.open_deadlines(cases, settings, TODAY, calendar)  # and deadlines


def test_only_a_changed_case_is_worked_out_again(store: CaseStore) -> None:
    cache = DerivedCache()
    settings, calendar = store.settings, store.calendar
    cache.open_deadlines(store.list_cases(), settings, TODAY, calendar)
    first = cache.worked_out
    assert first == len(store)

    cache.open_deadlines(store.list_cases(), settings, TODAY, calendar)
    assert cache.worked_out == first  # nothing changed: nothing worked out

    ref = store.list_cases()[3].ref
    store.update_case(ref, {"notes": "A note that changes the case."}, "a test note")
    after = cache.open_deadlines(store.list_cases(), settings, TODAY, calendar)
    assert cache.worked_out == first + 1
    assert after == all_deadlines(store.list_cases(), settings, TODAY, calendar)

    tomorrow = TODAY + timedelta(days=1)
    assert cache.open_deadlines(store.list_cases(), settings, tomorrow, calendar) == (
        all_deadlines(store.list_cases(), settings, tomorrow, calendar)
    )
    assert cache.worked_out == first + 1 + len(store)  # a new day: every case again

    other = replace(settings, due_soon_working_days=settings.due_soon_working_days + 3)
    cache.open_deadlines(store.list_cases(), other, tomorrow, calendar)
    assert cache.worked_out == first + 1 + 2 * len(store)


def test_clear_forgets_every_case(store: CaseStore) -> None:
    cache = DerivedCache()
    case = store.list_cases()[0]
    cache.deadlines(case, store.settings, TODAY, store.calendar)
    cache.ratings(case, TODAY)
    cache.clear()
    before = cache.worked_out
    cache.deadlines(case, store.settings, TODAY, store.calendar)
    cache.ratings(case, TODAY)
    assert cache.worked_out == before + 2


def test_each_cases_next_deadline_reads_the_settings_once_for_all_cases(
    store: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cspr_tui.settings import Settings

    cache = DerivedCache()
    settings, calendar = store.settings, store.calendar
    cases = store.list_cases()
    assert cache.next_deadlines(cases, settings, TODAY, calendar) == {
        case.ref: next_deadline(case, settings, TODAY, calendar) for case in cases
    }
    assert any(cache.next_deadlines(cases, settings, TODAY, calendar).values())

    reads: list[int] = []
    real = Settings.__repr__
    monkeypatch.setattr(Settings, "__repr__", lambda self: reads.append(1) or real(self))
    cache.next_deadlines(cases, settings, TODAY, calendar)
    cache.open_deadlines(cases, settings, TODAY, calendar)
    assert len(reads) == 2  # once a call, not once a case (40 cases)

    # the settings still count: changed, every case is worked out again for them
    before = cache.worked_out
    other = replace(settings, due_soon_working_days=settings.due_soon_working_days + 3)
    assert cache.next_deadlines(cases, other, TODAY, calendar) == {
        case.ref: next_deadline(case, other, TODAY, calendar) for case in cases
    }
    assert cache.worked_out == before + len(cases)
