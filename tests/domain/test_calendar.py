"""Working-day arithmetic over the real England bank-holiday calendar (docs/deadlines.md)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import holidays
import pytest

from cspr_tui.domain.calendar import WorkingCalendar, add_months, calendar_from_settings
from cspr_tui.errors import CsprError
from cspr_tui.settings import Settings

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2022, 9, 19), "State Funeral"),
        (date(2023, 5, 8), "Coronation"),
        (date(2022, 6, 3), "Platinum Jubilee"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 12, 28), "Boxing Day"),  # substitute day: 26/12/2026 is a Saturday
        (date(2027, 1, 1), "New Year"),
    ],
)
def test_england_bank_holidays_are_not_working_days(day: date, name: str) -> None:
    assert not CAL.is_working_day(day)
    assert name in (CAL.bank_holiday_name(day) or "")


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 2),  # 2 January: Scotland only
        date(2026, 8, 3),  # first Monday of August: Scotland's summer holiday
        date(2026, 11, 30),  # St Andrew's Day: Scotland only
        date(2026, 3, 17),  # St Patrick's Day: Northern Ireland only
        date(2023, 7, 12),  # Battle of the Boyne: Northern Ireland only
        date(2026, 12, 24),  # Christmas Eve is not a bank holiday
    ],
)
def test_days_off_elsewhere_in_the_uk_are_working_days_in_england(day: date) -> None:
    assert CAL.is_working_day(day)
    assert CAL.bank_holiday_name(day) is None


def test_weekends_are_not_working_days() -> None:
    assert not CAL.is_working_day(date(2026, 1, 10))  # Saturday
    assert not CAL.is_working_day(date(2026, 1, 11))  # Sunday
    assert CAL.is_working_day(date(2026, 1, 12))


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Christmas and New Year
        (date(2025, 12, 19), 5, date(2025, 12, 30)),
        (date(2025, 12, 24), 5, date(2026, 1, 5)),
        (date(2025, 12, 15), 15, date(2026, 1, 8)),
        (date(2026, 12, 23), 1, date(2026, 12, 24)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # Easter 2026: Good Friday 03/04 and Easter Monday 06/04
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 2), 5, date(2026, 4, 13)),
        (date(2026, 3, 30), 5, date(2026, 4, 8)),
        (date(2026, 4, 2), 15, date(2026, 4, 27)),
        (date(2026, 3, 30), 15, date(2026, 4, 22)),
        # One-off bank holidays
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        (date(2022, 9, 14), 5, date(2022, 9, 22)),
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
        (date(2023, 4, 28), 5, date(2023, 5, 9)),  # May Day 01/05 and the Coronation 08/05
        # Weekend and bank-holiday starts: day 1 is the next working day
        (date(2026, 1, 9), 5, date(2026, 1, 16)),  # Friday
        (date(2026, 1, 10), 5, date(2026, 1, 16)),  # Saturday
        (date(2026, 1, 11), 5, date(2026, 1, 16)),  # Sunday
        (date(2026, 1, 10), 1, date(2026, 1, 12)),
        (date(2026, 12, 25), 1, date(2026, 12, 29)),
        # Day 0 is the start itself
        (date(2026, 1, 10), 0, date(2026, 1, 10)),
        (date(2026, 1, 12), 0, date(2026, 1, 12)),
    ],
)
def test_add_working_days(start: date, n: int, due: date) -> None:
    assert CAL.add_working_days(start, n) == due


@pytest.mark.parametrize(
    ("end", "n", "latest"),
    [
        # Publication on the Tuesday after the Spring bank holiday (25/05/2026)
        (date(2026, 5, 26), 7, date(2026, 5, 14)),
        # Publication on the Tuesday after Easter Monday
        (date(2026, 4, 7), 7, date(2026, 3, 25)),
        # Publication in early January, back across New Year and Christmas
        (date(2026, 1, 6), 7, date(2025, 12, 23)),
        # After the Coronation and May Day 2023
        (date(2023, 5, 10), 7, date(2023, 4, 27)),
        (date(2026, 1, 10), 1, date(2026, 1, 9)),  # from a Saturday
        (date(2026, 1, 12), 0, date(2026, 1, 12)),
    ],
)
def test_subtract_working_days(end: date, n: int, latest: date) -> None:
    assert CAL.subtract_working_days(end, n) == latest


def test_negative_counts_go_the_other_way() -> None:
    assert CAL.add_working_days(date(2026, 5, 26), -7) == date(2026, 5, 14)
    assert CAL.subtract_working_days(date(2026, 4, 2), -1) == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        (date(2026, 4, 2), date(2026, 4, 8), 2),  # Easter in between
        (date(2026, 4, 8), date(2026, 4, 2), -2),
        (date(2026, 1, 9), date(2026, 1, 10), 0),  # Friday to Saturday
        (date(2026, 1, 10), date(2026, 1, 12), 1),  # Saturday to Monday
        (date(2026, 1, 12), date(2026, 1, 12), 0),
        (date(2025, 12, 19), date(2025, 12, 30), 5),
    ],
)
def test_working_days_between(a: date, b: date, count: int) -> None:
    assert CAL.working_days_between(a, b) == count


def test_working_days_between_undoes_add_working_days() -> None:
    start = date(2025, 12, 1)
    for offset in range(0, 150, 3):
        a = start + timedelta(days=offset)
        for n in range(21):
            due = CAL.add_working_days(a, n)
            assert CAL.working_days_between(a, due) == n
            if CAL.is_working_day(a):
                assert CAL.subtract_working_days(due, n) == a


def test_working_days_in_counts_both_ends() -> None:
    assert CAL.working_days_in(date(2026, 4, 13), date(2026, 4, 17)) == 5
    assert CAL.working_days_in(date(2026, 4, 3), date(2026, 4, 6)) == 0
    assert CAL.working_days_in(date(2026, 4, 17), date(2026, 4, 13)) == 0


def test_closure_days_are_not_working_days() -> None:
    cal = WorkingCalendar([date(2026, 12, 24), date(2026, 12, 29)])
    assert not cal.is_working_day(date(2026, 12, 24))
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 30)
    assert CAL.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)


def test_calendar_from_settings_reads_closure_days() -> None:
    cal = calendar_from_settings(Settings(closure_days=["2026-12-24", "2026-12-31"]))
    assert cal.closure_days == {date(2026, 12, 24), date(2026, 12, 31)}
    assert cal.add_working_days(date(2026, 12, 23), 3) == date(2027, 1, 4)


@pytest.mark.parametrize("bad", [["24/12/2026"], ["2026-02-30"], [""], "2026-12-24"])
def test_bad_closure_days_are_named(bad: object) -> None:
    with pytest.raises(CsprError, match="closure_days"):
        calendar_from_settings(Settings(closure_days=bad))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "n", "result"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 10, 31), -1, date(2026, 9, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, n: int, result: date) -> None:
    assert add_months(start, n) == result


def test_add_months_outside_the_calendar_is_a_clear_error() -> None:
    with pytest.raises(CsprError, match="outside the calendar"):
        add_months(date(9999, 12, 1), 1)


# -- the constant-time counting against a day-by-day reference ------------------------------


class _DayByDay:
    """The obvious walk, one day at a time, over the same `is_working_day`."""

    def __init__(self, cal: WorkingCalendar) -> None:
        self.cal = cal

    def between(self, a: date, b: date) -> int:
        if b < a:
            return -self.between(b, a)
        return sum(
            self.cal.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1)
        )

    def add(self, start: date, n: int) -> date:
        d = start
        for _ in range(n):
            d += timedelta(days=1)
            while not self.cal.is_working_day(d):
                d += timedelta(days=1)
        return d

    def subtract(self, end: date, n: int) -> date:
        d = end
        for _ in range(n):
            d -= timedelta(days=1)
            while not self.cal.is_working_day(d):
                d -= timedelta(days=1)
        return d


def _random_closure_days(rng: random.Random) -> list[date]:
    """Closure days the way a partnership sets them: Christmas week, some on bank holidays
    or weekends, and a scatter of odd days."""
    days = [date(y, 12, d) for y in range(2019, 2031) for d in (24, 27, 29, 30, 31)]
    days += [date(2026, 4, 3), date(2026, 1, 10)]  # Good Friday, a Saturday
    base = date(2019, 1, 1)
    days += [base + timedelta(days=rng.randrange(4383)) for _ in range(60)]
    return days


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_counting_matches_a_day_by_day_walk(seed: int) -> None:
    rng = random.Random(seed)
    # A fresh calendar per seed, so the years load in a different order each time.
    cal = WorkingCalendar(_random_closure_days(rng) if seed != 1 else ())
    ref = _DayByDay(cal)
    base = date(2019, 1, 1)
    span = (date(2030, 12, 31) - base).days
    for i in range(1000):  # 3,000 pairs over the three seeds
        a = base + timedelta(days=rng.randrange(span + 1))
        # Mostly near pairs (the statutory clocks), some across years.
        far = i % 8 == 0
        b = a + timedelta(days=rng.randint(-span, span) if far else rng.randint(-120, 120))
        b = min(max(b, base), date(2030, 12, 31))
        assert cal.working_days_between(a, b) == ref.between(a, b), (a, b)
        n = rng.randint(0, 400 if far else 40)
        assert cal.add_working_days(a, n) == ref.add(a, n), (a, n)
        assert cal.subtract_working_days(a, n) == ref.subtract(a, n), (a, n)
        assert cal.working_days_in(a, b) == max(0, ref.between(a - timedelta(days=1), b))


def test_fast_counting_covers_every_bank_holiday_and_closure_day() -> None:
    """Each day off in 2019-2030, approached from both sides, one day at a time."""
    closures = [date(2024, 12, 24), date(2025, 5, 5), date(2027, 3, 3)]  # one is May Day
    cal = WorkingCalendar(closures)
    ref = _DayByDay(cal)
    days_off = sorted(
        {
            d
            for y in range(2019, 2031)
            for d in holidays.country_holidays("GB", subdiv="ENG", years=y)
        }
        | set(closures)
    )
    assert date(2022, 9, 19) in days_off and date(2023, 5, 8) in days_off
    for day in days_off:
        for offset in range(-4, 5):
            a = day + timedelta(days=offset)
            for n in range(0, 6):
                assert cal.add_working_days(a, n) == ref.add(a, n), (a, n)
                assert cal.subtract_working_days(a, n) == ref.subtract(a, n), (a, n)
            for other in (day - timedelta(days=9), day, day + timedelta(days=9)):
                assert cal.working_days_between(a, other) == ref.between(a, other), (a, other)


def test_counting_is_not_a_walk() -> None:
    """Ten years apart costs about what two days apart costs (a walk is 1,800x slower)."""
    cal = WorkingCalendar()
    a, b = date(2020, 1, 6), date(2030, 1, 7)
    assert cal.working_days_between(a, b) == _DayByDay(cal).between(a, b)
    assert cal.add_working_days(a, 2500) == _DayByDay(cal).add(a, 2500)
    calls = 0
    original = cal.is_working_day

    def counting(d: date) -> bool:
        nonlocal calls
        calls += 1
        return original(d)

    cal.is_working_day = counting  # type: ignore[method-assign]
    cal.working_days_between(a, b)
    cal.add_working_days(a, 2500)
    cal.subtract_working_days(b, 2500)
    assert calls == 0
