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
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case, Rag, Recommendation
from cspr_tui.domain.deadline import Deadline, case_deadlines, earliest_open, in_order
from cspr_tui.domain.quarter import Quarter, current_quarter
from cspr_tui.domain.rag import compute_rag, is_overdue
from cspr_tui.domain.read_model import gc_paused
from cspr_tui.settings import Settings


class RatedRecommendation:
    """One recommendation of a case with its rating as of a day, each worked out the first
    time it is asked for: a list of 10,000 shows a page of 100, and only the RAG and
    "overdue" filters need every rating."""

    __slots__ = ("_overdue", "_rag", "as_of", "quarter", "rec", "ref")

    def __init__(self, ref: str, rec: Recommendation, as_of: date, quarter: Quarter) -> None:
        self.ref = ref
        self.rec = rec
        self.as_of = as_of
        self.quarter = quarter
        self._rag: Rag | None = None
        self._overdue: bool | None = None

    @property
    def rag(self) -> Rag:
        """domain.rag.compute_rag as of the day."""
        if self._rag is None:
            self._rag = compute_rag(self.rec, self.as_of, self.quarter)
        return self._rag

    @property
    def overdue(self) -> bool:
        """domain.rag.is_overdue as of the day."""
        if self._overdue is None:
            self._overdue = is_overdue(self.rec, self.as_of)
        return self._overdue


class DerivedCache:
    """Per case: its deadlines and its rated recommendations, until the case changes."""

    def __init__(self) -> None:
        self._deadlines: dict[str, tuple[Case, tuple[object, ...], list[Deadline]]] = {}
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
        with gc_paused():
            found = [
                deadline
                for case in cases
                for deadline in self.deadlines(case, settings, today, calendar)
                if deadline.is_open
            ]
        return in_order(found, settings)

    def all_ratings(self, cases: Iterable[Case], today: date) -> list[RatedRecommendation]:
        """Every recommendation of `cases`, in order, each with its (lazy) rating."""
        rows: list[RatedRecommendation] = []
        with gc_paused():
            for case in cases:
                rows.extend(self.ratings(case, today))
        return rows

    def ratings(self, case: Case, today: date) -> list[RatedRecommendation]:
        """The case's recommendations with their RAG and whether each is overdue."""
        kept = self._ratings.get(case.ref)
        if kept is None or kept[0] is not case or kept[1] != today:
            quarter = current_quarter(today)
            rated = [
                RatedRecommendation(case.ref, rec, today, quarter) for rec in case.recommendations
            ]
            kept = (case, today, rated)
            self._ratings[case.ref] = kept
            self.worked_out += 1
        return kept[2]
