"""Financial-year quarters: "2026-Q3" is October to December 2026 (FY 2026-27)."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain.quarter import Quarter, current_quarter, quarter_of
from cspr_tui.errors import CsprError


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026-Q1", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q2", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q3", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-Q4", date(2027, 1, 1), date(2027, 3, 31)),
        ("2027-Q4", date(2028, 1, 1), date(2028, 3, 31)),
        ("1999-Q2", date(1999, 7, 1), date(1999, 9, 30)),
    ],
)
def test_quarter_dates(code: str, start: date, end: date) -> None:
    quarter = Quarter.parse(code)
    assert (quarter.start, quarter.end) == (start, end)
    assert quarter.code == str(quarter) == code


@pytest.mark.parametrize(
    ("code", "label", "title", "months"),
    [
        ("2026-Q1", "2026-27 Q1", "Q1 2026-27", "April to June 2026"),
        ("2026-Q2", "2026-27 Q2", "Q2 2026-27", "July to September 2026"),
        ("2026-Q3", "2026-27 Q3", "Q3 2026-27", "October to December 2026"),
        ("2026-Q4", "2026-27 Q4", "Q4 2026-27", "January to March 2027"),
        ("1999-Q2", "1999-00 Q2", "Q2 1999-00", "July to September 1999"),
    ],
)
def test_quarter_labels(code: str, label: str, title: str, months: str) -> None:
    quarter = Quarter.parse(code)
    assert quarter.label == label
    assert quarter.title == title
    assert quarter.months_label == months
    assert quarter.financial_year == label.split()[0]


@pytest.mark.parametrize(
    "text", ["2026-Q3", "2026Q3", "2026-q3", " 2026-Q3 ", "2026-27 Q3", "Q3 2026-27", "q3 2026/27"]
)
def test_parse_accepts_the_usual_spellings(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2026, 3)


@pytest.mark.parametrize(
    "text",
    ["2026-Q5", "2026-Q0", "Q3", "2026", "", "26-Q3", "2026-28 Q3", "Q3 2026-26", "2026-Q3x", "🙂"],
)
def test_parse_refuses_bad_input_with_one_clear_line(text: str) -> None:
    with pytest.raises(CsprError) as caught:
        Quarter.parse(text)
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message
    assert "quarter" in caught.value.message or "financial year" in caught.value.message


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2026, 3, 31), "2025-Q4"),
        (date(2026, 4, 1), "2026-Q1"),
        (date(2026, 6, 30), "2026-Q1"),
        (date(2026, 7, 1), "2026-Q2"),
        (date(2026, 9, 30), "2026-Q2"),
        (date(2026, 10, 1), "2026-Q3"),
        (date(2026, 12, 31), "2026-Q3"),
        (date(2027, 1, 1), "2026-Q4"),
        (date(2027, 2, 28), "2026-Q4"),
    ],
)
def test_quarter_of(day: date, code: str) -> None:
    assert quarter_of(day).code == code
    assert current_quarter(day) == quarter_of(day)
    assert quarter_of(day).contains(day)


def test_next_and_previous_cross_the_financial_year() -> None:
    q4 = Quarter.parse("2026-Q4")
    assert q4.next() == Quarter(2027, 1)
    assert q4.next().previous() == q4
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 2).next() == Quarter(2026, 3)
    quarter = Quarter(2020, 1)
    for _ in range(40):
        following = quarter.next()
        assert following.start.toordinal() == quarter.end.toordinal() + 1
        quarter = following


def test_quarters_sort_in_time_order() -> None:
    codes = ["2027-Q1", "2026-Q4", "2026-Q1", "2025-Q4"]
    assert [q.code for q in sorted(Quarter.parse(c) for c in codes)] == sorted(codes)
