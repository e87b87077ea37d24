"""Dates in (DD/MM/YYYY, or ISO) and out (DD/MM/YYYY), with clear refusals."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cspr_tui.forms import DateFormatError, format_date, parse_date, parse_iso_date
from cspr_tui.forms.dates import iso_date, optional_iso_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07/03/2026", dt.date(2026, 3, 7)),
        ("7/3/2026", dt.date(2026, 3, 7)),
        (" 29/02/2024 ", dt.date(2024, 2, 29)),
        ("31-12-2025", dt.date(2025, 12, 31)),
        ("01.02.2026", dt.date(2026, 2, 1)),
        ("2026-03-07", dt.date(2026, 3, 7)),
    ],
)
def test_parses_british_and_iso_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("31/02/2026", "31/02/2026 is not a real date: February 2026 has 28 days."),
        ("2026-02-31", "2026-02-31 is not a real date: February 2026 has 28 days."),
        ("29/02/2025", "February 2025 has 28 days"),
        ("31/04/2026", "April 2026 has 30 days"),
        ("12/13/2026", "the month must be 1 to 12"),
        ("1/2/26", "enter the year in full (four digits), for example 01/02/2026"),
        ("", "Enter a date as DD/MM/YYYY"),
        ("   ", "Enter a date as DD/MM/YYYY"),
        ("next Tuesday", "is not a date: enter it as DD/MM/YYYY"),
        ("03/07/1850", "the year must be 1900 to 2100"),
        ("2026/03/07", "is not a date"),
    ],
)
def test_refuses_impossible_dates_with_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(DateFormatError) as caught:
        parse_date(text)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-03-07", "07/03/2026"),
        (dt.date(2026, 12, 1), "01/12/2026"),
        (None, ""),
        ("", ""),
        ("not a date", "not a date"),
    ],
)
def test_formats_for_display(value: object, shown: str) -> None:
    assert format_date(value) == shown  # type: ignore[arg-type]


def test_round_trip() -> None:
    assert format_date(parse_date("05/11/2026").isoformat()) == "05/11/2026"


@pytest.mark.parametrize("value", ["07/03/2026", "2026-3-7", "2026-02-30", 20260307])
def test_stored_values_must_be_exact_iso(value: object) -> None:
    with pytest.raises(DateFormatError):
        parse_iso_date(value)  # type: ignore[arg-type]


def test_months_after_clamps_to_the_month_end_and_stops_at_the_calendar_edge() -> None:
    from cspr_tui.forms.dates import months_after

    assert months_after(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_after(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert months_after(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert months_after(dt.date(9999, 12, 1), 1) is None


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("2026-03-07", dt.date(2026, 3, 7)),
        ("1850-01-01", dt.date(1850, 1, 1)),  # any year the calendar has: stored as given
        ("2150-12-31", dt.date(2150, 12, 31)),
        (dt.date(2026, 3, 7), dt.date(2026, 3, 7)),
    ],
)
def test_the_one_reader_of_stored_dates_reads_exact_iso(stored: object, expected: dt.date) -> None:
    assert iso_date(stored) == expected


@pytest.mark.parametrize(
    "stored",
    [
        "2026-02-29",  # not a leap year
        "07/03/2026",
        "2026-3-7",
        "20260307",  # date.fromisoformat takes these three since Python 3.11
        "2026-W10-6",
        "2026-03-07T10:00:00",
        " 2026-03-07",
        "",
        None,
        20260307,
        dt.datetime(2026, 3, 7, 10, 0),  # a moment is not a day
    ],
)
def test_the_one_reader_refuses_anything_else_by_its_value(stored: object) -> None:
    with pytest.raises(DateFormatError, match=re.escape(repr(stored))):
        iso_date(stored)


def test_an_optional_stored_date_may_be_none() -> None:
    assert optional_iso_date(None) is None
    assert optional_iso_date("2026-03-07") == dt.date(2026, 3, 7)
    with pytest.raises(DateFormatError):
        optional_iso_date("")


def test_a_date_that_identifies_a_person_is_not_remembered() -> None:
    from cspr_tui.forms import dates

    born = "2011-07-19"
    assert iso_date(born, remember=False) == dt.date(2011, 7, 19)
    assert born not in dates._READ  # nothing of it outlives the vault's lock
    assert iso_date("2026-07-19") == dt.date(2026, 7, 19)
    assert "2026-07-19" in dates._READ  # an ordinary stored date is read once


def test_parse_iso_date_reads_every_day_as_the_careful_reader_does() -> None:
    """Its quick path (Python's own reader) gives the same date, or the same words of
    refusal, as the careful reader for every month and day written, in and out of range."""
    from cspr_tui.forms.dates import _build

    for year in (1899, 1900, 2000, 2024, 2026, 2100, 2101):
        for month in range(14):
            for day in range(33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    expected: object = _build(year, month, day, text)
                except DateFormatError as exc:
                    expected = str(exc)
                try:
                    got: object = parse_iso_date(text)
                except DateFormatError as exc:
                    got = str(exc)
                assert got == expected, text
