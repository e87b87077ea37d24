"""Financial-year quarters, the rhythm of the recommendations tracker (docs/deadlines.md).

The year in a quarter code is the year the financial year *starts*: "2026-Q3" is Q3 of
financial year 2026-27, October to December 2026, and "2026-Q4" is January to March 2027.
Q1 is April to June, Q2 July to September, Q3 October to December, Q4 January to March.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cspr_tui.errors import UsageError

_MONTH_NAMES = (
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
)

# Accepted spellings: "2026-Q3" (the stored code), "2026Q3", "2026-27 Q3", "Q3 2026-27".
_CODE = re.compile(r"^(?P<year>\d{4})\s*-?\s*Q(?P<q>[1-4])$", re.IGNORECASE)
_FY_FIRST = re.compile(r"^(?P<year>\d{4})[-/](?P<end>\d{2})\s+Q(?P<q>[1-4])$", re.IGNORECASE)
_Q_FIRST = re.compile(r"^Q(?P<q>[1-4])\s+(?P<year>\d{4})[-/](?P<end>\d{2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of a financial year; `year` is the year the financial year starts."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise UsageError(f"A quarter number is 1 to 4, not {self.number}.")
        if not 1900 <= self.year <= 9998:
            raise UsageError(f"The financial year {self.year} is out of range.")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read "2026-Q3" (also "2026-27 Q3" or "Q3 2026-27"); anything else is refused."""
        cleaned = str(text).strip()
        match = _CODE.match(cleaned)
        if match is None:
            match = _FY_FIRST.match(cleaned) or _Q_FIRST.match(cleaned)
            if match is not None:
                year = int(match["year"])
                if int(match["end"]) != (year + 1) % 100:
                    raise UsageError(
                        f"{cleaned!r} is not a financial year: it runs from April one year "
                        f"to March the next (e.g. {year}-{(year + 1) % 100:02d})."
                    )
        if match is None:
            raise UsageError(
                f"{cleaned!r} is not a quarter: use YYYY-QN, where YYYY is the year the "
                "financial year starts (2026-Q3 is October to December 2026)."
            )
        return cls(int(match["year"]), int(match["q"]))

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        if month > 12:
            return date(self.year + 1, month - 12, 1)
        return date(self.year, month, 1)

    @property
    def end(self) -> date:
        return date.fromordinal(self.next().start.toordinal() - 1)

    @property
    def code(self) -> str:
        """The stored form, as in `QuarterlyUpdate.quarter` and `--quarter`: "2026-Q3"."""
        return f"{self.year}-Q{self.number}"

    @property
    def financial_year(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """Financial year first, e.g. "2026-27 Q3": for file names and sorted lists."""
        return f"{self.financial_year} Q{self.number}"

    @property
    def title(self) -> str:
        """Quarter first, e.g. "Q3 2026-27": for headings, as partnership papers write it."""
        return f"Q{self.number} {self.financial_year}"

    @property
    def months_label(self) -> str:
        """What the quarter covers in plain words, e.g. "October to December 2026"."""
        start, end = self.start, self.end
        first = _MONTH_NAMES[start.month - 1]
        last = _MONTH_NAMES[end.month - 1]
        if start.year == end.year:
            return f"{first} to {last} {end.year}"
        return f"{first} {start.year} to {last} {end.year}"

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return self.code


def quarter_of(d: date) -> Quarter:
    """The financial-year quarter holding `d` (January to March belongs to the year before)."""
    if d.month >= 4:
        return Quarter(d.year, (d.month - 4) // 3 + 1)
    return Quarter(d.year - 1, 4)


def current_quarter(today: date) -> Quarter:
    return quarter_of(today)
