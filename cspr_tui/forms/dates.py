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
    "read_written_date",
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
    if EARLIEST_YEAR <= int(value[:4]) <= LATEST_YEAR:
        try:  # a real day in the years a form takes: Python's reader, in C
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # worded below
    return _build(int(value[:4]), int(value[5:7]), int(value[8:]), value)


def format_date(value: dt.date | str | None) -> str:
    """DD/MM/YYYY for display; empty for no date; a stored value that is not a date as is."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.date):
        try:
            value = parse_iso_date(value)
        except DateFormatError:
            return str(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # faster than strftime, per cell


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


# -- dates as people write them -------------------------------------------------------
_WRITTEN_MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_WRITTEN_MONTHS["sept"] = 9
_WRITTEN_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})")
_WRITTEN_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:T.*)?")
_WRITTEN_WORDS = re.compile(
    r"(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?([A-Za-z]+)\.?,?\s*(\d{2}|\d{4})",
    re.IGNORECASE,
)
_WRITTEN_US = re.compile(
    r"(?:[A-Za-z]+,?\s+)?([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.IGNORECASE
)


def _written_year(text: str, today: dt.date) -> int:
    if len(text) == 4:
        return int(text)
    # Two digits: this century unless that would be in the future (a 1990s history).
    year = 2000 + int(text)
    return year if year <= today.year else year - 100


def read_written_date(text: str, today: dt.date) -> dt.date:
    """A date as an agency writes it: 03/04/2025, 3.4.25, 3-4-2025, 3 April 2025, 3rd Apr 25.

    More forgiving than `parse_date` (what a reviewer types into the app): a returned Word
    document is read as the agency wrote it, two-digit years included.

    Day first, as in England. Raises ValueError with a message saying what was not a date.
    """
    shown = " ".join((text or "").replace("\u00a0", " ").split())
    if not shown:
        raise ValueError("no date given")
    day = month = year = None
    if found := _WRITTEN_ISO.fullmatch(shown):
        year, month, day = (int(g) for g in found.groups())
    elif found := _WRITTEN_NUMERIC.fullmatch(shown):
        day, month, year = int(found[1]), int(found[2]), _written_year(found[3], today)
    elif (found := _WRITTEN_WORDS.fullmatch(shown)) and found[2].casefold() in _WRITTEN_MONTHS:
        day, month, year = (
            int(found[1]),
            _WRITTEN_MONTHS[found[2].casefold()],
            _written_year(found[3], today),
        )
    elif (found := _WRITTEN_US.fullmatch(shown)) and found[1].casefold() in _WRITTEN_MONTHS:
        month, day, year = _WRITTEN_MONTHS[found[1].casefold()], int(found[2]), int(found[3])
    else:
        raise ValueError(f"{shown!r} is not a date; write it as DD/MM/YYYY, e.g. 03/04/2025")
    if not 1 <= month <= 12:
        raise ValueError(f"{shown!r} is not a real date: the month must be 1 to 12")
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"{shown!r} is not a likely date: the year must be 1900 to 2100")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            f"{shown!r} is not a real date: {calendar.month_name[month]} {year} has {last} days"
        )
    return dt.date(year, month, day)
