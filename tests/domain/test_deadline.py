"""Statutory deadlines of a case (docs/deadlines.md) over the real England calendar.

Reference dates used throughout (Easter 2026 is 03/04 and 06/04, May Day 04/05):
LA aware Mon 30/03/2026 -> T1/T2 due Wed 08/04; SIN Thu 02/04 -> T4/T5 due Mon 27/04
(from awareness: Wed 22/04); RR sent 27/04 -> T6 expected Thu 07/05; LCSPR decision
15/01/2026 -> T7 due 15/07/2026; publication Tue 26/05 (after the Spring bank holiday)
-> T8 copy due Thu 14/05.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cspr_tui.domain.calendar import WorkingCalendar
from cspr_tui.domain.case import Case, DeadlineOverride, Pause, Record
from cspr_tui.domain.case_json import case_from_data, case_to_data
from cspr_tui.domain.deadline import (
    DEFAULT_TIME_LIMITS,
    Deadline,
    DeadlineStatus,
    TimeLimit,
    all_deadlines,
    case_deadlines,
    next_deadline,
    time_limits,
)
from cspr_tui.errors import CsprError
from cspr_tui.settings import Settings

CAL = WorkingCalendar()
St = DeadlineStatus
DOCS = Path(__file__).resolve().parents[2] / "docs" / "deadlines.md"

SIN = {"notification": {"la_aware_date": "2026-03-30", "sin_submitted_date": "2026-04-02"}}


def make_case(
    records: dict[str, dict[str, Any]] | None = None, ref: str = "CSPR-2026-001", **extra: Any
) -> Case:
    built = {
        form_id: Record(form_id=form_id, template_version=1, values=dict(values))
        for form_id, values in (records or {}).items()
    }
    return Case(ref=ref, pseudonym="Child A", records=built, **extra)


def merged(*parts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for part in parts:
        for form_id, values in part.items():
            out.setdefault(form_id, {}).update(values)
    return out


def deadline(case: Case, rule: str, today: date, settings: Settings | None = None) -> Deadline:
    found = {d.rule: d for d in case_deadlines(case, settings or Settings(), today)}
    return found[rule]


# rule, anchor records, due, (form, field) of the completion date, a day it is on track
RULES = [
    ("T1", {"notification": {"la_aware_date": "2026-03-30"}}, date(2026, 4, 8),
     ("notification", "sin_submitted_date"), date(2026, 3, 30)),
    ("T2", {"notification": {"la_aware_date": "2026-03-30"}}, date(2026, 4, 8),
     ("rapid_review", "partners_aware_date"), date(2026, 3, 30)),
    ("T4", SIN, date(2026, 4, 27), ("rapid_review", "rr_completed_date"), date(2026, 4, 2)),
    ("T5", SIN, date(2026, 4, 27), ("rapid_review", "rr_sent_to_panel_date"), date(2026, 4, 2)),
    ("T6", {"rapid_review": {"rr_sent_to_panel_date": "2026-04-27"}}, date(2026, 5, 7),
     ("rapid_review", "panel_response_date"), date(2026, 4, 27)),
    ("T7", {"review": {"statutory": "Yes", "lcspr_decision_date": "2026-01-15"}},
     date(2026, 7, 15), ("review", "published_date"), date(2026, 2, 1)),
    ("T8", {"review": {"statutory": True, "planned_publication_date": "2026-05-26"}},
     date(2026, 5, 14), ("review", "panel_sos_copy_sent_date"), date(2026, 4, 20)),
]  # fmt: skip
RULE_IDS = [row[0] for row in RULES]


@pytest.mark.parametrize(("rule", "records", "due", "done", "calm"), RULES, ids=RULE_IDS)
def test_on_track(rule: str, records: dict, due: date, done: tuple, calm: date) -> None:
    found = deadline(make_case(records), rule, calm)
    assert (found.due, found.status) == (due, St.ON_TRACK)
    assert found.days_left == CAL.working_days_between(calm, due)
    assert found.days_left > 3


@pytest.mark.parametrize(("rule", "records", "due", "done", "calm"), RULES, ids=RULE_IDS)
def test_due_soon(rule: str, records: dict, due: date, done: tuple, calm: date) -> None:
    on_the_day = deadline(make_case(records), rule, due)
    assert (on_the_day.status, on_the_day.days_left) == (St.DUE_SOON, 0)
    three_before = deadline(make_case(records), rule, CAL.subtract_working_days(due, 3))
    assert (three_before.status, three_before.days_left) == (St.DUE_SOON, 3)
    four_before = deadline(make_case(records), rule, CAL.subtract_working_days(due, 4))
    assert four_before.status is St.ON_TRACK


@pytest.mark.parametrize(("rule", "records", "due", "done", "calm"), RULES, ids=RULE_IDS)
def test_overdue(rule: str, records: dict, due: date, done: tuple, calm: date) -> None:
    found = deadline(make_case(records), rule, CAL.add_working_days(due, 2))
    # The Panel's reply (T6) binds the Panel, not the partnership: it is awaited, not overdue.
    expected = St.AWAITED if rule == "T6" else St.OVERDUE
    assert (found.due, found.status, found.days_left) == (due, expected, -2)


def test_a_late_panel_reply_is_awaited_open_and_sorted_after_partnership_overdue_work() -> None:
    today = date(2026, 5, 20)
    late_reply = make_case({"rapid_review": {"rr_sent_to_panel_date": "2026-04-27"}})
    late_reply.ref = "CSPR-2026-001"
    late_rr = make_case(SIN)
    late_rr.ref = "CSPR-2026-002"
    found = deadline(late_reply, "T6", today)
    assert found.status is St.AWAITED and found.is_open
    assert "chase" in found.note
    ordered = all_deadlines([late_reply, late_rr], Settings(), today)
    statuses = [d.status for d in ordered]
    assert statuses.index(St.OVERDUE) < statuses.index(St.AWAITED)


@pytest.mark.parametrize(("rule", "records", "due", "done", "calm"), RULES, ids=RULE_IDS)
def test_met_on_the_due_date(rule: str, records: dict, due: date, done: tuple, calm: date) -> None:
    form_id, field_id = done
    case = make_case(merged(records, {form_id: {field_id: due.isoformat()}}))
    found = deadline(case, rule, due + timedelta(days=60))
    assert (found.status, found.met_on, found.days_left) == (St.MET, due, None)


@pytest.mark.parametrize(("rule", "records", "due", "done", "calm"), RULES, ids=RULE_IDS)
def test_met_late(rule: str, records: dict, due: date, done: tuple, calm: date) -> None:
    form_id, field_id = done
    late = due + timedelta(days=1)
    case = make_case(merged(records, {form_id: {field_id: late.isoformat()}}))
    found = deadline(case, rule, due + timedelta(days=60))
    assert (found.status, found.met_on) == (St.MET_LATE, late)


@pytest.mark.parametrize(("rule", "records", "due", "done", "calm"), RULES, ids=RULE_IDS)
def test_paused(rule: str, records: dict, due: date, done: tuple, calm: date) -> None:
    pause = Pause(start=calm, reason="Criminal trial", deadline=rule)
    found = deadline(make_case(records, pauses=[pause]), rule, due + timedelta(days=40))
    assert found.status is St.PAUSED
    assert f"Paused since {calm:%d/%m/%Y}: Criminal trial" in found.note
    unpaused = deadline(make_case(records), rule, due + timedelta(days=40))
    assert unpaused.status is (St.AWAITED if rule == "T6" else St.OVERDUE)


@pytest.mark.parametrize(("rule", "records", "due", "done", "calm"), RULES, ids=RULE_IDS)
def test_not_started_without_its_anchor(
    rule: str, records: dict, due: date, done: tuple, calm: date
) -> None:
    found = deadline(make_case({"review": {"statutory": True}}), rule, calm)
    assert (found.status, found.due, found.days_left) == (St.NOT_STARTED, None, None)
    assert found.note.startswith("Starts when")


def test_minimum_publication_period() -> None:
    case = make_case({"review": {"published_date": "2026-05-26"}})
    during = deadline(case, "T9", date(2026, 6, 1))
    assert (during.status, during.due) == (St.ON_TRACK, date(2027, 5, 26))
    assert "until at least 26/05/2027" in during.note
    after = deadline(case, "T9", date(2027, 5, 26))
    assert (after.status, after.met_on) == (St.MET, date(2027, 5, 26))
    clamped = make_case({"review": {"published_date": "2024-02-29"}})
    assert deadline(clamped, "T9", date(2024, 3, 1)).due == date(2025, 2, 28)


def test_lcspr_clock_clamps_to_month_end() -> None:
    case = make_case({"review": {"statutory": True, "lcspr_decision_date": "2025-08-31"}})
    assert deadline(case, "T7", date(2025, 9, 1)).due == date(2026, 2, 28)


def test_late_publication_asks_for_a_reason() -> None:
    review = {
        "statutory": True,
        "lcspr_decision_date": "2026-01-15",
        "published_date": "2026-09-01",
    }
    case = make_case({"review": review})
    found = deadline(case, "T7", date(2026, 9, 2))
    assert found.status is St.MET_LATE
    assert "record why" in found.note


# --- the rapid-review anchor --------------------------------------------------------------


def test_rapid_review_counted_from_the_sin_by_default() -> None:
    found = deadline(make_case(SIN), "T4", date(2026, 4, 2))
    assert (found.due, found.anchor_date) == (date(2026, 4, 27), date(2026, 4, 2))
    assert found.alternative_due == date(2026, 4, 22)
    assert "22/04/2026" in found.note


def test_rapid_review_counted_from_awareness_when_set() -> None:
    settings = Settings(rapid_review_anchor="la_aware_date")
    found = deadline(make_case(SIN), "T4", date(2026, 4, 2), settings)
    assert (found.due, found.anchor_date) == (date(2026, 4, 22), date(2026, 3, 30))
    assert found.alternative_due == date(2026, 4, 27)
    assert deadline(make_case(SIN), "T5", date(2026, 4, 2), settings).due == date(2026, 4, 22)


def test_no_alternative_when_both_anchors_give_the_same_date() -> None:
    same_day = {"notification": {"la_aware_date": "2026-04-02", "sin_submitted_date": "2026-04-02"}}
    found = deadline(make_case(same_day), "T4", date(2026, 4, 2))
    assert found.alternative_due is None
    assert "would be due" not in found.note


def test_rapid_review_waiting_for_the_sin_still_shows_the_awareness_date() -> None:
    case = make_case({"notification": {"la_aware_date": "2026-03-30"}})
    found = deadline(case, "T4", date(2026, 3, 31))
    assert (found.status, found.alternative_due) == (St.NOT_STARTED, date(2026, 4, 22))
    assert deadline(case, "T5", date(2026, 3, 31)).status is St.NOT_STARTED


def test_referral_awareness_stands_in_until_the_notification_has_one() -> None:
    referral_only = make_case({"referral": {"aware_date": "2026-03-30"}})
    found = deadline(referral_only, "T1", date(2026, 3, 31))
    assert found.due == date(2026, 4, 8)
    assert "referral" in found.note
    both = make_case(merged({"referral": {"aware_date": "2026-03-20"}}, SIN))
    assert deadline(both, "T1", date(2026, 3, 31)).due == date(2026, 4, 8)


# --- settings -----------------------------------------------------------------------------


def test_defaults_match_domain_table() -> None:
    expected = {
        "T1": (5, "working_days", "la_aware_date", "after"),
        "T2": (5, "working_days", "la_aware_date", "after"),
        "T4": (15, "working_days", "sin_submitted_date", "after"),
        "T5": (0, "working_days", "T4", "after"),
        "T6": (10, "calendar_days", "rr_sent_to_panel_date", "after"),
        "T7": (6, "months", "lcspr_decision_date", "after"),
        "T8": (7, "working_days", "planned_publication_date", "before"),
        "T9": (12, "months", "published_date", "after"),
    }
    got = {k: (v.amount, v.unit, v.anchor, v.direction) for k, v in DEFAULT_TIME_LIMITS.items()}
    assert got == expected
    assert all(limit.source for limit in DEFAULT_TIME_LIMITS.values())
    described = {rule: limit.describe for rule, limit in DEFAULT_TIME_LIMITS.items()}
    assert described["T1"] == "within 5 working days of the date the LA became aware"
    assert described["T5"] == "by the T4 due date"
    assert described["T8"] == "no later than 7 working days before the planned publication date"
    assert described["T9"] == "at least 12 months from the publication date"


def test_amount_override_moves_the_rapid_review_and_its_sending() -> None:
    settings = Settings(time_limits={"T4": {"amount": 20}})
    assert time_limits(settings)["T4"].amount == 20
    assert deadline(make_case(SIN), "T4", date(2026, 4, 2), settings).due == date(2026, 5, 5)
    assert deadline(make_case(SIN), "T5", date(2026, 4, 2), settings).due == date(2026, 5, 5)
    assert DEFAULT_TIME_LIMITS["T4"].amount == 15


def test_unit_label_and_enabled_overrides() -> None:
    settings = Settings(
        time_limits={
            "T6": {"unit": "working_days", "label": "Panel reply"},
            "T9": {"enabled": False},
        }
    )
    case = make_case({"rapid_review": {"rr_sent_to_panel_date": "2026-04-27"}})
    found = {d.rule: d for d in case_deadlines(case, settings, date(2026, 4, 28))}
    assert (found["T6"].due, found["T6"].label) == (date(2026, 5, 12), "Panel reply")
    assert "T9" not in found


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"T99": {"amount": 5}}, "time_limits.T99"),
        ({"T3": {"amount": 5}}, "time_limits.T3"),
        ({"T4": {"amount": -1}}, "time_limits.T4.amount"),
        ({"T4": {"amount": "20"}}, "time_limits.T4.amount"),
        ({"T4": {"amount": True}}, "time_limits.T4.amount"),
        ({"T4": {"amount": 2.5}}, "time_limits.T4.amount"),
        ({"T4": {"unit": "weeks"}}, "time_limits.T4.unit"),
        ({"T4": {"anchor": "incident_date"}}, "time_limits.T4.anchor"),
        ({"T4": {"enabled": "no"}}, "time_limits.T4.enabled"),
        ({"T4": {"label": "  "}}, "time_limits.T4.label"),
        ({"T4": 20}, "time_limits.T4"),
    ],
)
def test_bad_time_limit_overrides_are_named(overrides: dict, named: str) -> None:
    with pytest.raises(CsprError, match=named.replace(".", r"\.")) as caught:
        case_deadlines(make_case(SIN), Settings(time_limits=overrides), date(2026, 4, 2))
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (Settings(rapid_review_anchor="partners_aware_date"), "rapid_review_anchor"),
        (Settings(due_soon_working_days=-1), "due_soon_working_days"),
        (Settings(due_soon_working_days="3"), "due_soon_working_days"),  # type: ignore[arg-type]
        (Settings(time_limits=[]), "time_limits"),  # type: ignore[arg-type]
        (Settings(closure_days=["next Friday"]), "closure_days"),
    ],
)
def test_bad_settings_are_named(settings: Settings, named: str) -> None:
    with pytest.raises(CsprError, match=named):
        case_deadlines(make_case(SIN), settings, date(2026, 4, 2))


def test_due_soon_window_comes_from_settings() -> None:
    settings = Settings(due_soon_working_days=0)
    case = make_case(SIN)
    assert deadline(case, "T4", date(2026, 4, 27), settings).status is St.DUE_SOON
    assert deadline(case, "T4", date(2026, 4, 24), settings).status is St.ON_TRACK
    wide = Settings(due_soon_working_days=10)
    assert deadline(case, "T4", date(2026, 4, 13), wide).status is St.DUE_SOON


def test_closure_days_from_settings_move_due_dates() -> None:
    settings = Settings(closure_days=["2026-04-07"])
    assert deadline(make_case(SIN), "T1", date(2026, 3, 31), settings).due == date(2026, 4, 9)


# --- overrides of a due date --------------------------------------------------------------


def override(due: date, at: str, by: str = "A. Reviewer", rule: str = "T4") -> DeadlineOverride:
    return DeadlineOverride(
        deadline=rule, due_date=due, reason="Panel agreed an extension", by=by, at=at
    )


def test_an_override_replaces_the_due_date_and_says_who_and_why() -> None:
    case = make_case(SIN, overrides=[override(date(2026, 5, 20), "2026-04-20T10:00:00+00:00")])
    found = deadline(case, "T4", date(2026, 5, 1))
    assert (found.due, found.status) == (date(2026, 5, 20), St.ON_TRACK)
    assert found.override is case.overrides[0]
    assert "A. Reviewer" in found.note and "Panel agreed an extension" in found.note
    assert deadline(case, "T5", date(2026, 5, 1)).due == date(2026, 5, 20)
    assert deadline(case, "T1", date(2026, 5, 1)).due == date(2026, 4, 8)


def test_the_latest_override_wins_and_an_unreadable_one_is_refused_where_it_is_read() -> None:
    overrides = [
        override(date(2026, 5, 27), "2026-04-25T09:00:00+00:00", by="B. Manager"),
        override(date(2026, 5, 20), "2026-04-20T10:00:00+00:00"),
    ]
    case = make_case(SIN, overrides=overrides)
    found = deadline(case, "T4", date(2026, 5, 1))
    assert found.due == date(2026, 5, 27)
    assert "B. Manager" in found.note
    # A due date that is not a date cannot reach the rules: the one reader refuses it.
    stored = case_to_data(case)
    stored["overrides"].append({**stored["overrides"][0], "due_date": "27/06/2026"})
    with pytest.raises(ValueError, match="'27/06/2026' is not a date"):
        case_from_data(stored)


def test_an_override_can_make_a_met_deadline_late() -> None:
    records = merged(SIN, {"rapid_review": {"rr_completed_date": "2026-04-24"}})
    case = make_case(records, overrides=[override(date(2026, 4, 20), "2026-04-10T10:00:00+00:00")])
    assert deadline(case, "T4", date(2026, 5, 1)).status is St.MET_LATE


# --- pauses -------------------------------------------------------------------------------


def pause(start: date, end: date | None, rule: str | None = None) -> Pause:
    return Pause(start=start, end=end, reason="Police investigation", deadline=rule)


def test_a_closed_case_pause_extends_open_deadlines_by_paused_working_days() -> None:
    # Clock stopped Mon 13/04, ran again Mon 20/04: five working days.
    case = make_case(SIN, pauses=[pause(date(2026, 4, 13), date(2026, 4, 20))])
    t4 = deadline(case, "T4", date(2026, 4, 21))
    assert (t4.due, t4.paused_days, t4.status) == (date(2026, 5, 5), 5, St.ON_TRACK)
    assert "5 working days later" in t4.note
    assert deadline(case, "T5", date(2026, 4, 21)).due == date(2026, 5, 5)  # counted once
    t1 = deadline(case, "T1", date(2026, 4, 21))
    assert (t1.due, t1.status) == (date(2026, 4, 8), St.MET)  # done before the pause


def test_a_pause_after_the_due_date_does_not_rescue_an_overdue_deadline() -> None:
    case = make_case(SIN, pauses=[pause(date(2026, 4, 13), date(2026, 4, 20))])
    t2 = deadline(case, "T2", date(2026, 4, 21))
    assert (t2.due, t2.status, t2.paused_days) == (date(2026, 4, 8), St.OVERDUE, 0)


def test_a_pause_of_one_deadline_moves_only_that_one() -> None:
    case = make_case(SIN, pauses=[pause(date(2026, 4, 6), date(2026, 4, 9), rule="T2")])
    assert deadline(case, "T2", date(2026, 4, 9)).due == date(2026, 4, 10)  # 07/04, 08/04
    assert deadline(case, "T4", date(2026, 4, 9)).due == date(2026, 4, 27)
    t5_only = make_case(SIN, pauses=[pause(date(2026, 4, 27), date(2026, 4, 30), rule="T5")])
    assert deadline(t5_only, "T5", date(2026, 5, 1)).due == date(2026, 4, 29)
    assert deadline(t5_only, "T4", date(2026, 5, 1)).due == date(2026, 4, 27)


def test_overlapping_pauses_count_once() -> None:
    pauses = [
        pause(date(2026, 4, 13), date(2026, 4, 20)),
        pause(date(2026, 4, 15), date(2026, 4, 22), rule="T4"),
    ]
    found = deadline(make_case(SIN, pauses=pauses), "T4", date(2026, 4, 23))
    assert (found.paused_days, found.due) == (7, date(2026, 5, 7))


def test_only_paused_days_after_the_anchor_count() -> None:
    before = make_case(SIN, pauses=[pause(date(2026, 3, 2), date(2026, 3, 9))])
    assert deadline(before, "T4", date(2026, 4, 3)).due == date(2026, 4, 27)
    across = make_case(SIN, pauses=[pause(date(2026, 4, 1), date(2026, 4, 8))])  # only 07/04 counts
    assert deadline(across, "T4", date(2026, 4, 9)).due == date(2026, 4, 28)


def test_an_open_pause_shows_paused_and_counts_up_to_today() -> None:
    case = make_case(SIN, pauses=[pause(date(2026, 4, 13), None)])
    found = deadline(case, "T4", date(2026, 4, 16))
    assert (found.status, found.paused_days, found.due) == (St.PAUSED, 3, date(2026, 4, 30))
    assert found.days_left == CAL.working_days_between(date(2026, 4, 16), date(2026, 4, 30))
    assert deadline(case, "T5", date(2026, 4, 16)).status is St.PAUSED  # case-wide
    assert deadline(case, "T1", date(2026, 4, 16)).status is St.MET


def test_a_pause_not_yet_begun_changes_nothing() -> None:
    case = make_case(SIN, pauses=[pause(date(2026, 4, 20), None)])
    found = deadline(case, "T4", date(2026, 4, 14))
    assert (found.status, found.due) == (St.ON_TRACK, date(2026, 4, 27))


def test_work_done_during_a_pause_stops_the_count() -> None:
    records = merged(SIN, {"rapid_review": {"rr_completed_date": "2026-04-15"}})
    case = make_case(records, pauses=[pause(date(2026, 4, 13), date(2026, 4, 20))])
    found = deadline(case, "T4", date(2026, 5, 1))
    assert (found.status, found.paused_days, found.due) == (St.MET, 2, date(2026, 4, 29))


def test_month_limits_move_by_paused_calendar_days() -> None:
    records = {"review": {"statutory": True, "lcspr_decision_date": "2026-01-15"}}
    case = make_case(records, pauses=[pause(date(2026, 3, 1), date(2026, 3, 31))])
    found = deadline(case, "T7", date(2026, 4, 1))
    assert (found.due, found.paused_days) == (date(2026, 8, 14), 30)
    assert "30 days later" in found.note


def test_a_pause_does_not_move_the_pre_publication_copy() -> None:
    records = {"review": {"statutory": True, "planned_publication_date": "2026-05-26"}}
    case = make_case(records, pauses=[pause(date(2026, 5, 1), None)])
    found = deadline(case, "T8", date(2026, 5, 6))
    assert (found.status, found.due) == (St.PAUSED, date(2026, 5, 14))
    assert "publication date" in found.note


@pytest.mark.parametrize(
    "bad",
    [Pause(start=date(2026, 4, 13), end=date(2026, 4, 1), reason="x")],
)
def test_impossible_pauses_are_noted_and_ignored(bad: Pause) -> None:
    found = deadline(make_case(SIN, pauses=[bad]), "T4", date(2026, 4, 14))
    assert (found.status, found.due) == (St.ON_TRACK, date(2026, 4, 27))
    assert "pause" in found.note


def test_a_pause_whose_start_is_not_a_date_is_refused_where_it_is_read() -> None:
    stored = case_to_data(make_case(SIN))
    stored["pauses"] = [{"start": "soon", "reason": "x", "end": None, "deadline": None}]
    with pytest.raises(ValueError, match="'soon' is not a date"):
        case_from_data(stored)


# --- which limits apply ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "review_type", "has_lcspr_limits"),
    [
        ({"review": {"statutory": "No", "lcspr_decision_date": "2026-01-15"}}, "", False),
        ({"review": {"statutory": False}}, "LCSPR", False),
        ({"review": {"lcspr_decision_date": "2026-01-15"}}, "Other learning review", False),
        ({"review": {"lcspr_decision_date": "2026-01-15"}}, "LCSPR", True),
        ({"review": {"statutory": "Yes"}}, "", True),
        ({}, "", True),  # not decided yet: shown as not started
        ({"review": {"statutory": "Unknown"}}, "", True),
        ({"review": {"statutory": "Unknown"}}, "Other learning review", False),
    ],
)
def test_lcspr_limits_apply_to_statutory_reviews_only(
    records: dict, review_type: str, has_lcspr_limits: bool
) -> None:
    case = make_case(records, review_type=review_type)
    rules = {d.rule for d in case_deadlines(case, Settings(), date(2026, 2, 1))}
    assert ({"T7", "T8"} <= rules) is has_lcspr_limits
    assert {"T1", "T2", "T4", "T5", "T6", "T9"} <= rules


def test_a_value_that_is_not_a_date_is_noted_not_used() -> None:
    case = make_case({"notification": {"la_aware_date": "30/03/2026"}})
    found = deadline(case, "T1", date(2026, 4, 1))
    assert found.status is St.NOT_STARTED
    assert "'30/03/2026'" in found.note


def test_days_left_is_negative_from_the_day_after_a_friday_deadline() -> None:
    case = make_case({"notification": {"la_aware_date": "2026-01-02"}})  # due Fri 09/01
    assert deadline(case, "T1", date(2026, 1, 9)).days_left == 0
    for today, left in [(date(2026, 1, 10), -1), (date(2026, 1, 12), -1), (date(2026, 1, 13), -2)]:
        found = deadline(case, "T1", today)
        assert (found.status, found.days_left) == (St.OVERDUE, left)


def test_weekend_awareness_starts_the_clock_on_monday() -> None:
    case = make_case({"notification": {"la_aware_date": "2026-01-10"}})  # a Saturday
    assert deadline(case, "T1", date(2026, 1, 12)).due == date(2026, 1, 16)


def test_a_window_across_christmas() -> None:
    case = make_case({"notification": {"la_aware_date": "2025-12-19"}})
    assert deadline(case, "T1", date(2025, 12, 22)).due == date(2025, 12, 30)


def test_the_queens_funeral_and_the_coronation_are_not_counted() -> None:
    funeral = make_case({"notification": {"la_aware_date": "2022-09-14"}})
    assert deadline(funeral, "T1", date(2022, 9, 15)).due == date(2022, 9, 22)
    coronation = make_case({"notification": {"la_aware_date": "2023-04-28"}})
    assert deadline(coronation, "T1", date(2023, 5, 2)).due == date(2023, 5, 9)


# --- across cases ---------------------------------------------------------------------------


def test_next_deadline_is_the_earliest_open_one() -> None:
    case = make_case(SIN)
    nxt = next_deadline(case, Settings(), date(2026, 4, 3))
    assert nxt is not None and (nxt.rule, nxt.due) == ("T2", date(2026, 4, 8))
    finished = make_case({"review": {"statutory": "No", "published_date": "2024-01-10"}})
    assert next_deadline(finished, Settings(), date(2026, 4, 3)) is None


def test_all_deadlines_overdue_first_then_by_due_date() -> None:
    late = make_case({"notification": {"la_aware_date": "2026-03-02"}}, ref="CSPR-2026-003")
    later = make_case({"notification": {"la_aware_date": "2026-03-23"}}, ref="CSPR-2026-002")
    fresh = make_case(SIN, ref="CSPR-2026-001")
    today = date(2026, 4, 7)
    listed = all_deadlines([fresh, later, late], Settings(), today)
    statuses = [d.status for d in listed]
    assert statuses[:4] == [St.OVERDUE] * 4
    assert [(d.case_ref, d.rule) for d in listed[:4]] == [
        ("CSPR-2026-003", "T1"),
        ("CSPR-2026-003", "T2"),
        ("CSPR-2026-002", "T1"),
        ("CSPR-2026-002", "T2"),
    ]
    rest = listed[4:]
    assert all(d.is_open and d.status is not St.OVERDUE for d in rest)
    assert [d.due for d in rest] == sorted(d.due for d in rest)
    assert ("CSPR-2026-001", "T1") not in [(d.case_ref, d.rule) for d in listed]  # met
    everything = all_deadlines([fresh, later, late], Settings(), today, include_closed=True)
    assert len(everything) > len(listed)
    assert {d.status for d in everything[len(listed) :]} <= {St.MET, St.NOT_STARTED}


def test_status_labels_read_well() -> None:
    assert St.MET_LATE.label == "Met late"
    assert [s.value for s in St] == [
        "on track", "due soon", "overdue", "met", "met late", "paused", "not started",
        "awaited",
    ]  # fmt: skip


def test_docs_describe_every_rule() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for limit in DEFAULT_TIME_LIMITS.values():
        assert isinstance(limit, TimeLimit)
        row = next(line for line in text.splitlines() if line.startswith(f"| {limit.id} |"))
        assert str(limit.amount) in row and limit.anchor in row


def test_the_rules_do_not_import_the_user_interface() -> None:
    code = (
        "import sys\n"
        "import cspr_tui.domain.calendar, cspr_tui.domain.deadline\n"
        "import cspr_tui.domain.quarter, cspr_tui.domain.rag\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual'\n"
        "       or m.startswith(('cspr_tui.tui', 'cspr_tui.exports', 'cspr_tui.cli'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("2026-04-02", date(2026, 4, 2)),
        (" 2026-04-02 ", date(2026, 4, 2)),
        (date(2026, 4, 2), date(2026, 4, 2)),
        ("", None),
        (None, None),
        ("02/04/2026", None),
        ("20260402", None),  # date.fromisoformat reads this; the one reader does not
        ("2026-02-30", None),
    ],
)
def test_a_forms_stored_answer_is_read_by_the_one_reader(answer: object, expected: object) -> None:
    from cspr_tui.domain.deadline import stored_date

    assert stored_date(answer) == expected
