"""Each case's deadlines and recommendation ratings, worked out once and kept per case.

Why: the dashboard lists every case's next deadline and the most urgent deadlines of all
cases, and the recommendations screen rates every recommendation (RAG, overdue). Working
those out takes about half a millisecond a case, so redoing it for 1,000 cases each time a
screen comes back costs a third of a second. The store hands out the same shared `Case`
object until that case is saved again, so a result is kept against that object (and the day
and the settings) and only the cases that changed are worked out again.

The rules stay in `domain.deadline` and `domain.rag`: this module only remembers their
answers. It holds case data, so its owner empties it when the vault locks (`clear`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case, Rag, Recommendation
from cspr_tui.domain.deadline import Deadline, case_deadlines, earliest_open, in_order
from cspr_tui.domain.quarter import current_quarter
from cspr_tui.domain.rag import compute_rag, is_overdue
from cspr_tui.settings import Settings


@dataclass(frozen=True, slots=True)
class RatedRecommendation:
    """One recommendation of a case with its rating as of a day."""

    ref: str
    rec: Recommendation
    rag: Rag
    overdue: bool


class DerivedCache:
    """Per case: its deadlines and its rated recommendations, until the case changes."""

    def __init__(self) -> None:
        self._deadlines: dict[str, tuple[Case, tuple, list[Deadline]]] = {}
        self._ratings: dict[str, tuple[Case, date, list[RatedRecommendation]]] = {}
        self.worked_out = 0  # cases whose deadlines or ratings were computed (for tests)

    def clear(self) -> None:
        """Forget everything (the vault locked)."""
        self._deadlines.clear()
        self._ratings.clear()

    def deadlines(
        self, case: Case, settings: Settings, today: date, calendar: Any = None
    ) -> list[Deadline]:
        """Every deadline of `case` as of `today` (domain.deadline.case_deadlines)."""
        key = (today, repr(settings), id(calendar))
        kept = self._deadlines.get(case.ref)
        if kept is None or kept[0] is not case or kept[1] != key:
            kept = (case, key, case_deadlines(case, settings, today, calendar))
            self._deadlines[case.ref] = kept
            self.worked_out += 1
        return kept[2]

    def next_deadline(
        self, case: Case, settings: Settings, today: date, calendar: Any = None
    ) -> Deadline | None:
        """The case's earliest open deadline (domain.deadline.next_deadline)."""
        return earliest_open(self.deadlines(case, settings, today, calendar))

    def open_deadlines(
        self, cases: Iterable[Case], settings: Settings, today: date, calendar: Any = None
    ) -> list[Deadline]:
        """The open deadlines of all `cases`, overdue first (domain.deadline.all_deadlines)."""
        found = [
            deadline
            for case in cases
            for deadline in self.deadlines(case, settings, today, calendar)
            if deadline.is_open
        ]
        return in_order(found, settings)

    def ratings(self, case: Case, today: date) -> list[RatedRecommendation]:
        """The case's recommendations with their RAG and whether each is overdue."""
        kept = self._ratings.get(case.ref)
        if kept is None or kept[0] is not case or kept[1] != today:
            quarter = current_quarter(today)
            rated = [
                RatedRecommendation(
                    case.ref, rec, compute_rag(rec, today, quarter), is_overdue(rec, today)
                )
                for rec in case.recommendations
            ]
            kept = (case, today, rated)
            self._ratings[case.ref] = kept
            self.worked_out += 1
        return kept[2]
