"""Working days for England: weekends, England and Wales bank holidays and closure days.

Statutory clocks (docs/deadlines.md) run in working days. The machines are offline,
so bank holidays come from the `holidays` package's table for England (`GB`, subdivision
`ENG`), which holds one-off days such as the Queen's state funeral (19/09/2022) and the
Coronation (08/05/2023) and leaves out Scotland- and Northern Ireland-only days. A
partnership adds its own closure days in settings.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import MAXYEAR, MINYEAR, date, timedelta
from typing import TYPE_CHECKING

from cspr_tui.errors import CsprError
from cspr_tui.forms.dates import DateFormatError, iso_date, months_after

if TYPE_CHECKING:
    from cspr_tui.settings import Settings

_ONE_DAY = timedelta(days=1)
_MAX_ORDINAL = date.max.toordinal()


def _weekdays_up_to(ordinal: int) -> int:
    """Mondays to Fridays with ordinals 1..`ordinal` (ordinal 1, 01/01/0001, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _first_with_weekdays(count: int) -> int:
    """The first ordinal with `count` Mondays to Fridays up to it (the inverse of
    `_weekdays_up_to`; always a weekday)."""
    weeks, rest = divmod(count - 1, 5)
    return 7 * weeks + rest + 1


class WorkingCalendar:
    """Counts working days: Monday to Friday, not a bank holiday in England, not a closure day.

    Day-counting follows docs/deadlines.md (Counting days): for "within N working days
    of X", X is day 0 and the due date is the Nth working day after X (when X is not a
    working day, day 1 is the next working day); for "no later than N working days before
    Y", it is the Nth working day before Y.
    """

    def __init__(self, closure_days: Iterable[date] = ()) -> None:
        import holidays  # here, not at the top: every `cspr` command imports this module

        self.closure_days: frozenset[date] = frozenset(closure_days)
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")
        self._cache: dict[date, bool] = {}
        # Counting works on ordinals: weekdays by arithmetic, minus the weekdays that are
        # bank holidays or closure days, kept sorted for bisect. Bank holidays are added a
        # year at a time; every counted date lies within the years loaded (`_years`).
        self._days_off: set[int] = {d.toordinal() for d in self.closure_days if d.weekday() < 5}
        self._days_off_sorted: list[int] = sorted(self._days_off)
        self._years: tuple[int, int] | None = None

    def bank_holiday_name(self, d: date) -> str | None:
        """The bank holiday's name on `d` in England, or None."""
        return self._bank_holidays.get(d)

    def is_working_day(self, d: date) -> bool:
        known = self._cache.get(d)
        if known is None:
            known = d.weekday() < 5 and d not in self._bank_holidays and d not in self.closure_days
            self._cache[d] = known
        return known

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before `d`."""
        d -= _ONE_DAY
        while not self.is_working_day(d):
            d -= _ONE_DAY
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """The Nth working day after `start` (day 0); a negative `n` counts backwards."""
        if n < 0:
            return self.subtract_working_days(start, -n)
        if n == 0:
            return start
        return self._first_reaching(start.toordinal(), n)

    def subtract_working_days(self, end: date, n: int) -> date:
        """The Nth working day before `end`: the latest date that is "N working days before"."""
        if n < 0:
            return self.add_working_days(end, -n)
        if n == 0:
            return end
        # The working day d with n working days in d..end-1 is the first date whose count
        # of working days up to it is (n - 1) less than the count up to end-1.
        origin = end.toordinal() - 1
        if origin < 1:
            raise OverflowError("date value out of range")
        return self._first_reaching(origin, -(n - 1))

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`.

        It is the inverse of `add_working_days`: for a working day `b`,
        `add_working_days(a, working_days_between(a, b)) == b`. Constant time (weekday
        arithmetic and a bisect over the days off), not a walk: the dashboard asks it about
        every case.
        """
        if b < a:
            return -self.working_days_between(b, a)
        self._load_years(a.year, b.year)
        return self._count_to(b.toordinal()) - self._count_to(a.toordinal())

    # -- counting by ordinal -------------------------------------------------------------

    def _load_years(self, first: int, last: int) -> None:
        """Make the days off cover the years `first`..`last`, kept as one unbroken range
        with those already loaded, so any two loaded dates have every day off between them."""
        if self._years is not None:
            if self._years[0] <= first and last <= self._years[1]:
                return
            first, last = min(first, self._years[0]), max(last, self._years[1])
        for year in range(first, last + 1):
            date(year, 1, 1) in self._bank_holidays  # noqa: B015 - fills in that year
        for d in self._bank_holidays:
            if d.weekday() < 5:
                self._days_off.add(d.toordinal())
        self._days_off_sorted = sorted(self._days_off)
        self._years = (first, last)

    def _count_to(self, ordinal: int) -> int:
        """Working days up to `ordinal`, from a base fixed by the loaded days off: only the
        difference of two counts means anything, and only for dates within loaded years."""
        return _weekdays_up_to(ordinal) - bisect_right(self._days_off_sorted, ordinal)

    def _first_reaching(self, origin: int, delta: int) -> date:
        """The first date x with count(x) - count(origin) >= delta: always a working day.

        Weekday arithmetic gives the first date that would reach the count if there were no
        more days off; each day off up to that date moves the count one further, so the same
        step is taken again from the days off seen so far until none is left out (two or
        three steps), each a bisect: no walk and no search, whatever the distance."""
        year = date.fromordinal(origin).year
        # Every date this can reach lies within these years (a year has at least 240
        # working days), so the counts below share one loaded set of days off.
        reach = abs(delta) // 240 + 1
        self._load_years(max(MINYEAR, year - reach), min(MAXYEAR, year + reach))
        wanted = self._count_to(origin) + delta
        days_off = self._days_off_sorted
        candidate = _first_with_weekdays(wanted)
        while True:
            if candidate < 1 or candidate > _MAX_ORDINAL:
                raise OverflowError("date value out of range")
            # Days off up to the candidate: it reaches the count only when none is missed.
            missed = wanted + bisect_right(days_off, candidate) - _weekdays_up_to(candidate)
            if missed <= 0:
                return date.fromordinal(candidate)
            candidate = _first_with_weekdays(_weekdays_up_to(candidate) + missed)

    def working_days_in(self, first: date, last: date) -> int:
        """Working days from `first` to `last`, both included (0 when `last` is before)."""
        if last < first:
            return 0
        return self.working_days_between(first - _ONE_DAY, last)


def add_months(d: date, n: int) -> date:
    """Add calendar months (forms.dates.months_after: a day the target month lacks becomes its
    last, 31/08 + 6 -> 28/02); a date outside the calendar is a clear error."""
    moved = months_after(d, n)
    if moved is None:
        raise CsprError(f"{d.isoformat()} plus {n} months is outside the calendar.")
    return moved


def parse_closure_days(values: Iterable[object]) -> list[date]:
    """Closure days from settings (ISO strings, read by the one reader of stored dates,
    `forms.dates.iso_date`); a bad entry is named, never skipped."""
    days: list[date] = []
    for value in values:
        try:
            days.append(iso_date(value))
        except DateFormatError:
            raise CsprError(
                f"Settings closure_days holds {value!r}, which is not a date (use YYYY-MM-DD)."
            ) from None
    return days


def calendar_from_settings(settings: Settings) -> WorkingCalendar:
    """The partnership's calendar: England bank holidays plus `Settings.closure_days`."""
    closure = settings.closure_days
    if not isinstance(closure, list | tuple):
        raise CsprError("Settings closure_days must be a list of dates (YYYY-MM-DD).")
    return WorkingCalendar(parse_closure_days(closure))
