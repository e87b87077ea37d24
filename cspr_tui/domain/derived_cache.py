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

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case, Rag, Recommendation, RecommendationStatus
from cspr_tui.domain.case_json import recommendation_from_data
from cspr_tui.domain.deadline import Deadline, case_deadlines, earliest_open, in_order
from cspr_tui.domain.quarter import Quarter, current_quarter
from cspr_tui.domain.rag import compute_rag, is_overdue, is_overdue_data
from cspr_tui.domain.read_model import CaseEntry, gc_paused, unreadable
from cspr_tui.settings import Settings


class RatedRecommendation:
    """One recommendation of a case with its rating as of a day, each worked out the first
    time it is asked for: a list of 10,000 shows a page of 100, and only the RAG and
    "overdue" filters need every rating. Made from a case document's recommendation
    (`from_data`), the `Recommendation` itself is built on first use too: the id, lead
    agency, status and "overdue" are read from the document."""

    __slots__ = ("_data", "_overdue", "_rag", "_rec", "as_of", "quarter", "ref")

    def __init__(self, ref: str, rec: Recommendation | None, as_of: date, quarter: Quarter) -> None:
        self.ref = ref
        self._rec = rec
        self._data: Mapping[str, Any] | None = None
        self.as_of = as_of
        self.quarter = quarter
        self._rag: Rag | None = None
        self._overdue: bool | None = None

    @classmethod
    def from_data(
        cls, ref: str, data: Mapping[str, Any], as_of: date, quarter: Quarter
    ) -> RatedRecommendation:
        row = cls(ref, None, as_of, quarter)
        row._data = data
        return row

    @property
    def rec(self) -> Recommendation:
        """The recommendation (a shared read-only snapshot), built on first use."""
        if self._rec is None:
            assert self._data is not None
            try:
                self._rec = recommendation_from_data(self._data)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise unreadable(exc) from None
        return self._rec

    @property
    def id(self) -> str:
        data = self._data
        return self.rec.id if data is None else data["id"]

    @property
    def lead_agency(self) -> str:
        data = self._data
        return self.rec.lead_agency if data is None else data.get("lead_agency", "")

    @property
    def status(self) -> str:
        """The status as text (a `RecommendationStatus` value)."""
        data = self._data
        if data is None:
            return str(self.rec.status)
        return str(data.get("status", RecommendationStatus.NOT_STARTED.value))

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
            data = self._data
            if data is None or self._rec is not None:
                self._overdue = is_overdue(self.rec, self.as_of)
            else:
                try:
                    self._overdue = is_overdue_data(data, self.as_of)
                except (TypeError, ValueError, AttributeError) as exc:
                    raise unreadable(exc) from None
        return self._overdue


def _key(settings: Settings, today: date, calendar: Any) -> tuple[object, ...]:
    """What a case's deadlines depend on besides the case. The settings are mutable, so
    they are compared by their text, read once per call over many cases: reading it is
    about 12 microseconds, 25 ms for the dashboard's two passes over 1,000 cases."""
    return (today, repr(settings), id(calendar))


class DerivedCache:
    """Per case: its deadlines and its rated recommendations, until the case changes."""

    def __init__(self) -> None:
        self._deadlines: dict[str, tuple[Case, tuple[object, ...], list[Deadline]]] = {}
        self._ratings: dict[str, tuple[Case, date, list[RatedRecommendation]]] = {}
        self._rated_docs: dict[str, tuple[object, date, list[RatedRecommendation]]] = {}
        self.worked_out = 0  # cases whose deadlines or ratings were computed (for tests)

    def clear(self) -> None:
        """Forget everything (the vault locked)."""
        self._deadlines.clear()
        self._ratings.clear()
        self._rated_docs.clear()

    def deadlines(
        self, case: Case, settings: Settings, today: date, calendar: Any = None
    ) -> list[Deadline]:
        """Every deadline of `case` as of `today` (domain.deadline.case_deadlines)."""
        return self._deadlines_of(case, settings, today, calendar, _key(settings, today, calendar))

    def _deadlines_of(
        self, case: Case, settings: Settings, today: date, calendar: Any, key: tuple[object, ...]
    ) -> list[Deadline]:
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

    def next_deadlines(
        self, cases: Iterable[Case], settings: Settings, today: date, calendar: Any = None
    ) -> dict[str, Deadline | None]:
        """Each case's earliest open deadline, by reference (`next_deadline` of each, with
        the settings read once: the dashboard asks this for every case)."""
        key = _key(settings, today, calendar)
        with gc_paused():
            return {
                case.ref: earliest_open(self._deadlines_of(case, settings, today, calendar, key))
                for case in cases
            }

    def open_deadlines(
        self, cases: Iterable[Case], settings: Settings, today: date, calendar: Any = None
    ) -> list[Deadline]:
        """The open deadlines of all `cases`, overdue first (domain.deadline.all_deadlines)."""
        key = _key(settings, today, calendar)
        with gc_paused():
            found = [
                deadline
                for case in cases
                for deadline in self._deadlines_of(case, settings, today, calendar, key)
                if deadline.is_open
            ]
        return in_order(found, settings)

    def all_ratings_of(
        self, entries: Iterable[CaseEntry], today: date
    ) -> list[RatedRecommendation]:
        """`all_ratings` from the cases' documents: no `Case` is built (each row builds its
        recommendation when it is shown or rated), kept per case until its document
        changes."""
        rows: list[RatedRecommendation] = []
        quarter = current_quarter(today)
        kept = self._rated_docs
        with gc_paused():
            for entry in entries:
                doc = entry.doc
                ref = doc["ref"]
                known = kept.get(ref)
                if known is None or known[0] is not doc or known[1] != today:
                    rated = [
                        RatedRecommendation.from_data(ref, data, today, quarter)
                        for data in doc.get("recommendations") or ()
                    ]
                    known = (doc, today, rated)
                    kept[ref] = known
                    self.worked_out += 1
                rows.extend(known[2])
        return rows

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
