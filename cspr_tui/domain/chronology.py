"""The integrated multi-agency chronology: every agency's returned chronology in one table.

Business support used to merge these by hand. Here each agency report's chronology rows
become entries (date, time, agency, source, what happened, significance, the role of who
was involved), sorted; entries from different agencies on the same day that describe the
same event (similar words, by rapidfuzz's token-set ratio) are flagged so the reviewer
reads them together; and stretches with no contact from any agency are shown as gaps,
because what nobody saw matters as much as what was seen. Practitioners appear by role:
a practitioner's name in the case's key is replaced by their role. Pure and vault-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby, pairwise
from typing import Any

from rapidfuzz import fuzz

from cspr_tui.domain.case import Case
from cspr_tui.domain.form_mapping import agency_records
from cspr_tui.forms.dates import iso_date

__all__ = [
    "DEFAULT_GAP_DAYS",
    "SAME_EVENT_SCORE",
    "ChronologyEntry",
    "Gap",
    "IntegratedChronology",
    "agency_chronologies",
    "integrate",
    "integrate_case",
]

DEFAULT_GAP_DAYS = 28
SAME_EVENT_SCORE = 70.0  # token-set ratio at or above which two entries read as one event


@dataclass(frozen=True)
class ChronologyEntry:
    """One thing that happened, as one agency recorded it."""

    when: date
    time: str
    agency: str
    source: str
    what: str  # the event, with the action or decision and outcome when given
    significance: str
    who: str = ""  # a role ("health visitor"), never a name
    same_event_as: tuple[str, ...] = ()  # other agencies recording the same event that day
    group: int | None = None  # entries of one event share a group number

    @property
    def sort_key(self) -> tuple[date, str, str]:
        return (self.when, _time_key(self.time), self.agency.casefold())


@dataclass(frozen=True)
class Gap:
    """A stretch with no contact recorded by any agency."""

    start: date  # the day after the last entry before it
    end: date  # the day before the next entry
    days: int


@dataclass
class IntegratedChronology:
    entries: list[ChronologyEntry]
    gaps: list[Gap]
    agencies: list[str]  # every agency that returned a chronology, filters or not
    skipped: list[str] = field(default_factory=list)  # rows that could not be placed

    def rows(self) -> list[ChronologyEntry | Gap]:
        """Entries and gaps interleaved in date order, for a table."""
        merged: list[Any] = [*self.entries, *self.gaps]
        return sorted(
            merged,
            key=lambda r: (r.when, "") if isinstance(r, ChronologyEntry) else (r.start, "~"),
        )


def _time_key(text: str) -> str:
    found = re.search(r"(\d{1,2})[:.](\d{2})", text or "")
    return f"{int(found[1]):02d}:{found[2]}" if found else "99:99"


def _describe(row: Mapping[str, Any]) -> str:
    parts = [str(row.get("event") or "").strip()]
    for key, label in (("action", "Action or decision"), ("outcome", "Outcome")):
        text = str(row.get(key) or "").strip()
        if text:
            parts.append(f"{label}: {text}")
    return "\n".join(p for p in parts if p)


def agency_chronologies(case: Case) -> dict[str, list[Mapping[str, Any]]]:
    """Each agency's stored chronology rows (agency report records), by agency."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    for agency, record in agency_records(case).items():
        rows = record.values.get("chronology")
        if isinstance(rows, list) and rows:
            found[agency] = [r for r in rows if isinstance(r, Mapping)]
    return found


def _names_to_roles(case: Case | None) -> list[tuple[re.Pattern[str], str]]:
    if case is None:
        return []
    pairs = []
    for person in case.people:
        if person.kind == "practitioner" and person.real_name.strip():
            role = person.role or person.pseudonym or "practitioner"
            pattern = re.compile(rf"(?<!\w){re.escape(person.real_name.strip())}(?!\w)", re.I)
            pairs.append((pattern, role))
    return pairs


def integrate(
    chronologies: Mapping[str, Iterable[Mapping[str, Any]]],
    *,
    agencies: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    gap_days: int = DEFAULT_GAP_DAYS,
    same_event_score: float = SAME_EVENT_SCORE,
    roles_for_names: list[tuple[re.Pattern[str], str]] | None = None,
) -> IntegratedChronology:
    """Merge agencies' rows into one sorted chronology, flag shared events, show gaps.

    `agencies`, `start` and `end` filter what is shown (a period includes both ends);
    gaps are judged on what is shown, so a filtered view shows that view's silences.
    """
    wanted = {a.casefold() for a in agencies} if agencies is not None else None
    roles = roles_for_names or []
    entries: list[ChronologyEntry] = []
    skipped: list[str] = []
    for agency, rows in chronologies.items():
        if wanted is not None and agency.casefold() not in wanted:
            continue
        for number, row in enumerate(rows, 1):
            try:
                when = iso_date(str(row.get("date") or ""))  # the one reader (a ValueError)
            except ValueError:
                skipped.append(f"{agency}, row {number}: no readable date")
                continue
            if (start and when < start) or (end and when > end):
                continue
            what, who = _describe(row), str(row.get("who") or "").strip()
            for pattern, role in roles:
                what, who = pattern.sub(role, what), pattern.sub(role, who)
            entries.append(
                ChronologyEntry(
                    when=when,
                    time=str(row.get("time") or "").strip(),
                    agency=agency,
                    source=str(row.get("source") or "").strip(),
                    what=what,
                    significance=str(row.get("significance") or "").strip(),
                    who=who,
                )
            )
    entries.sort(key=lambda e: e.sort_key)
    entries = _flag_same_events(entries, same_event_score)
    return IntegratedChronology(
        entries=entries,
        gaps=_gaps(entries, start, end, gap_days),
        agencies=sorted(chronologies, key=str.casefold),
        skipped=skipped,
    )


def _flag_same_events(entries: list[ChronologyEntry], threshold: float) -> list[ChronologyEntry]:
    """Same day, different agencies, similar words: one event seen from several sides."""
    result: list[ChronologyEntry] = []
    group_number = 0
    for _day, same_day in groupby(entries, key=lambda e: e.when):
        day = list(same_day)
        groups: list[int | None] = [None] * len(day)
        for i, first in enumerate(day):
            for j in range(i + 1, len(day)):
                second = day[j]
                if first.agency.casefold() == second.agency.casefold():
                    continue
                score = fuzz.token_set_ratio(first.what.casefold(), second.what.casefold())
                if score < threshold:
                    continue
                if groups[i] is None and groups[j] is None:
                    group_number += 1
                    groups[i] = groups[j] = group_number
                elif groups[i] is None:
                    groups[i] = groups[j]
                else:
                    groups[j] = groups[i]
        for index, entry in enumerate(day):
            if groups[index] is None:
                result.append(entry)
                continue
            others = sorted(
                {
                    other.agency
                    for k, other in enumerate(day)
                    if groups[k] == groups[index] and other.agency != entry.agency
                },
                key=str.casefold,
            )
            result.append(_with(entry, tuple(others), groups[index]))
    return result


def _with(entry: ChronologyEntry, others: tuple[str, ...], group: int | None) -> ChronologyEntry:
    from dataclasses import replace

    return replace(entry, same_event_as=others, group=group)


def _gaps(
    entries: list[ChronologyEntry], start: date | None, end: date | None, gap_days: int
) -> list[Gap]:
    days = sorted({e.when for e in entries})
    if not days:
        return []
    found = []
    edges = []
    if start is not None and start < days[0]:
        edges.append((start, days[0], True))
    edges.extend((a, b, False) for a, b in pairwise(days))
    if end is not None and end > days[-1]:
        edges.append((days[-1], end, True))
    for first, second, inclusive in edges:
        silent = (second - first).days - (0 if inclusive else 1)
        if silent >= gap_days:
            begin = first if inclusive and first == start else _next_day(first)
            finish = second if inclusive and second == end else _previous_day(second)
            found.append(Gap(begin, finish, (finish - begin).days + 1))
    return found


def _next_day(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


def _previous_day(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def integrate_case(
    case: Case,
    *,
    agencies: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    gap_days: int = DEFAULT_GAP_DAYS,
) -> IntegratedChronology:
    """The case's integrated chronology from its stored agency reports."""
    return integrate(
        agency_chronologies(case),
        agencies=agencies,
        start=start,
        end=end,
        gap_days=gap_days,
        roles_for_names=_names_to_roles(case),
    )
