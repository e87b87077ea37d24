"""Dates as reviewers type them (DD/MM/YYYY) and as records hold them (ISO YYYY-MM-DD).

One parser for every front door, so "31/02/2026" gets the same clear answer on a form, in
an import and in a template default. Two-digit years are refused rather than guessed: a
wrong century on a date of birth would silently break every age and deadline rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

__all__ = [
    "DateFormatError",
    "forget_read_dates",
    "format_date",
    "iso_date",
    "months_after",
    "optional_iso_date",
    "parse_date",
    "parse_iso_date",
]

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

_UK = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_STORED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_READ: dict[str, dt.date] = {}  # iso_date's memo
_READ_LIMIT = 20_000
_MONTHS = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class DateFormatError(ValueError):
    """A date the reviewer typed that is not a real date; the message says how to fix it."""


def _build(year: int, month: int, day: int, shown: str) -> dt.date:
    if not 1 <= month <= 12:
        raise DateFormatError(f"{shown} is not a real date: the month must be 1 to 12.")
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateFormatError(
            f"{shown} is not a likely date: the year must be {EARLIEST_YEAR} to {LATEST_YEAR}."
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise DateFormatError(
            f"{shown} is not a real date: {_MONTHS[month]} {year} has {days} days."
        )
    return dt.date(year, month, day)


def parse_date(text: str) -> dt.date:
    """Read DD/MM/YYYY (also with '-' or '.', or ISO YYYY-MM-DD); raise DateFormatError."""
    shown = (text or "").strip()
    if not shown:
        raise DateFormatError("Enter a date as DD/MM/YYYY, for example 07/03/2026.")
    iso = _ISO.fullmatch(shown)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return _build(year, month, day, shown)
    uk = _UK.fullmatch(shown)
    if uk is None:
        raise DateFormatError(
            f"{shown} is not a date: enter it as DD/MM/YYYY, for example 07/03/2026."
        )
    day_text, month_text, year_text = uk.groups()
    if len(year_text) != 4:
        raise DateFormatError(
            f"{shown}: enter the year in full (four digits), for example "
            f"{int(day_text):02d}/{int(month_text):02d}/20{year_text[-2:].zfill(2)}."
        )
    return _build(int(year_text), int(month_text), int(day_text), shown)


def iso_date(value: object, *, remember: bool = True) -> dt.date:
    """The one reader of a stored date (vault documents, case files, settings, returned
    reports): exactly ISO YYYY-MM-DD and a real day, any year the calendar has. A `date`
    passes as it is. Anything else raises DateFormatError (a ValueError) naming the value;
    nothing is guessed, trimmed or cut, so what reads back is what was written.

    Loading a vault reads hundreds of thousands of these, few of them different: each text
    is checked once and its day remembered (a bounded memo of immutable dates).
    `remember=False` for a date that identifies a person (a date of birth), which must not
    outlive the vault's lock in a memo.
    """
    if type(value) is str:
        known = _READ.get(value)
        if known is not None:
            return known
        if (
            len(value) == 10
            and value.isascii()
            and value[4] == "-"
            and value[7] == "-"
            and (value[:4] + value[5:7] + value[8:]).isdigit()
        ):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise DateFormatError(f"{value!r} is not a real date.") from None
            if remember:
                if len(_READ) >= _READ_LIMIT:
                    _READ.clear()
                _READ[value] = day
            return day
    elif type(value) is dt.date:
        return value
    raise DateFormatError(f"{value!r} is not a date in the form YYYY-MM-DD.")


def forget_read_dates() -> None:
    """Empty `iso_date`'s memo: the lock calls it, so no stored date outlives the session."""
    _READ.clear()


def optional_iso_date(value: object, *, remember: bool = True) -> dt.date | None:
    """`iso_date` for a field that may hold no date (None in JSON)."""
    return None if value is None else iso_date(value, remember=remember)


def parse_iso_date(value: str) -> dt.date:
    """A stored form answer: the stored form (`iso_date`'s) in the years a form takes, with
    the form's words for a day the month lacks."""
    if not isinstance(value, str) or not _STORED.fullmatch(value):
        raise DateFormatError(f"{value!r} is not a date in the form YYYY-MM-DD.")
    return _build(int(value[:4]), int(value[5:7]), int(value[8:]), value)


def format_date(value: dt.date | str | None) -> str:
    """DD/MM/YYYY for display; empty for no date; a stored value that is not a date as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    try:
        return parse_iso_date(value).strftime("%d/%m/%Y")
    except DateFormatError:
        return str(value)


def months_after(day: dt.date, months: int) -> dt.date | None:
    """`months` calendar months on (or back); a day the target month lacks becomes its last
    (31/08 + 6 -> 28/02); None outside years 1-9999. The one month rule: the deadlines
    (domain.calendar.add_months) and the templates' add_months() both use it."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        return None
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last_day))
