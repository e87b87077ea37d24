"""The integrated chronology merged from plain rows: order, shared events, gaps, filters."""

from __future__ import annotations

from datetime import date

from cspr_tui.domain.case import Case, Person, Record, RecordStatus
from cspr_tui.domain.chronology import Gap, integrate, integrate_case

ROWS = {
    "Police": [
        {
            "date": "2026-01-10",
            "time": "21:40",
            "event": "Attended the home after a 999 call",
            "source": "CAD 4411",
            "significance": "Red",
            "who": "Response officer",
        },
        {"date": "2026-01-02", "time": "09:00", "event": "Neighbour reported shouting"},
        {"date": "2026-03-01", "event": "Strategy discussion"},
    ],
    "Health visiting": [
        {
            "date": "2026-01-10",
            "time": "10:00",
            "event": "Home visit after the 999 call at the home",
            "action": "Safeguarding referral",
            "outcome": "Accepted",
        },
        {"date": "2026-01-10", "event": "Weighed the baby at clinic"},
    ],
    "GP": [{"date": "not a date", "event": "Appointment"}],
}


def test_entries_are_sorted_by_date_and_time_across_agencies() -> None:
    merged = integrate(ROWS)
    assert [(e.when.isoformat(), e.agency) for e in merged.entries] == [
        ("2026-01-02", "Police"),
        ("2026-01-10", "Health visiting"),
        ("2026-01-10", "Police"),
        ("2026-01-10", "Health visiting"),  # no time: after the timed entries of that day
        ("2026-03-01", "Police"),
    ]
    assert merged.agencies == ["GP", "Health visiting", "Police"]
    assert merged.skipped == ["GP, row 1: no readable date"]
    assert "Action or decision: Safeguarding referral\nOutcome: Accepted" in merged.entries[1].what


def test_the_same_event_recorded_by_two_agencies_is_flagged_and_nothing_else() -> None:
    merged = integrate(ROWS)
    police = next(e for e in merged.entries if e.source == "CAD 4411")
    visit = next(e for e in merged.entries if e.what.startswith("Home visit"))
    clinic = next(e for e in merged.entries if "clinic" in e.what)
    assert police.same_event_as == ("Health visiting",) and visit.same_event_as == ("Police",)
    assert police.group == visit.group is not None
    assert clinic.same_event_as == () and clinic.group is None


def test_periods_with_no_contact_are_gaps() -> None:
    merged = integrate(ROWS, start=date(2025, 12, 1), end=date(2026, 3, 31))
    assert merged.gaps == [
        Gap(date(2025, 12, 1), date(2026, 1, 1), 32),
        Gap(date(2026, 1, 11), date(2026, 2, 28), 49),
        Gap(date(2026, 3, 2), date(2026, 3, 31), 30),
    ]
    rows = merged.rows()
    assert isinstance(rows[0], Gap) and isinstance(rows[-1], Gap)
    assert integrate(ROWS, gap_days=60).gaps == []


def test_filters_by_agency_and_period() -> None:
    only = integrate(ROWS, agencies=["police"], start=date(2026, 1, 5), end=date(2026, 1, 31))
    assert [e.what for e in only.entries] == ["Attended the home after a 999 call"]
    assert only.entries[0].same_event_as == ()  # the other agency is filtered out


def test_a_practitioners_name_is_replaced_by_their_role() -> None:
    case = Case(
        "CSPR-2026-004",
        "Child A",
        people=[Person("Quentin Madeup", "HV 1", "Health visitor", "practitioner")],
    )
    case.records["agency_report:Health visiting"] = Record(
        "agency_report",
        2,
        {
            "agency": "Health visiting",
            "chronology": [
                {"date": "2026-01-10", "event": "Quentin Madeup visited", "who": "quentin madeup"}
            ],
        },
        RecordStatus.COMPLETE,
    )
    entry = integrate_case(case).entries[0]
    assert entry.what == "Health visitor visited" and entry.who == "Health visitor"
