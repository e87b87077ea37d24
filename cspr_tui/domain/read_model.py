"""The store's read model and search: every case's document, and what is built from it.

Unlocking a large vault must not wait for thousands of `Case` objects, so the read model keeps
each case's vault document and builds what is asked for, once, on first use: the `Case`
(on `get`, `list_cases`, a deadline), its lower-case search text (on the first text query;
domain.search_index indexes its words over the first searches) and its summary (reference,
pseudonym, stage, agencies; `summaries`). The store hands it each committed document (`put`),
so exactly what changed is rebuilt; a failed write never reaches it, so the cache stays as
it was.

Objects returned by `list_cases` and `query` are the cached ones: treat them as read-only
snapshots. `get` returns a private copy.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypedDict, Unpack

import orjson
from tinydb import TinyDB

from cspr_tui.domain import audit, integrity
from cspr_tui.domain.calendar import WorkingCalendar, calendar_from_settings
from cspr_tui.domain.case import Case, Stage
from cspr_tui.domain.case_json import case_from_data
from cspr_tui.domain.deadline import (
    Deadline,
    DeadlineStatus,
    all_deadlines,
    case_deadlines,
    next_deadline,
)
from cspr_tui.domain.integrity import CASES_TABLE
from cspr_tui.domain.search_index import SearchIndex
from cspr_tui.domain.workflow import TransitionCheck, check_transition
from cspr_tui.errors import CsprError, UsageError
from cspr_tui.settings import Settings

__all__ = [
    "CaseEntry",
    "CaseFilters",
    "CaseNotFound",
    "CaseSummary",
    "ReadModel",
    "gc_paused",
    "phrase_matcher",
    "search_text",
]

_STAGES: dict[Any, Stage] = {stage.value: stage for stage in Stage}
# How long one text search may spend adding cases to the search index (the rest are
# scanned): the index grows over the first searches instead of stalling one of them.
SEARCH_INDEX_BUDGET_S = 0.1


class CaseFilters(TypedDict, total=False):
    """What `query` may filter on; every filter given must hold.

    `text`: the phrase appears as whole words (any case, any white space between words) in
    the reference, pseudonym, notes, a form answer or a recommendation: "child a" finds
    Child A, not "child and adolescent". `agency`: named among the case's agencies or
    agency reports (any case). `overdue`: has (True) or has no (False) overdue deadline.
    `due_within`: an open deadline falls due within that many calendar days of `today`
    (overdue ones included).
    """

    stage: Stage | str | None
    agency: str | None
    text: str | None
    overdue: bool | None
    due_within: int | None
    today: date | None


class CaseNotFound(UsageError):
    """A case reference that is not in this vault."""


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What a case list shows, read straight from the vault document (no `Case` built).

    `agencies`: the case's agencies, then those asked for an agency report. `next_deadline`:
    the earliest open deadline (domain.deadline) when `summaries(deadlines=True)` asked for
    it, else None.
    """

    ref: str
    pseudonym: str
    stage: Stage
    review_type: str
    agencies: tuple[str, ...]
    next_deadline: Deadline | None = None


def unreadable(exc: BaseException) -> CsprError:
    """The one line for a vault document that does not read as a case."""
    return CsprError(
        f"a case document in the vault cannot be read ({exc.__class__.__name__});"
        " run 'cspr verify' and restore a backup if it reports damage."
    )


_BAD_DOCUMENT = (KeyError, TypeError, ValueError, AttributeError)


def _private(data: Any) -> Any:
    """A deep copy of plain JSON data (an orjson round trip: ten times faster than deepcopy)."""
    return orjson.loads(orjson.dumps(data))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Build many objects without the collector rescanning the whole heap every few
    hundred allocations (nothing built here is cyclic garbage)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CaseEntry:
    """One case as the read model holds it: the vault document, and what was built from it.

    The document is never changed in place (a write makes a new entry), so everything
    derived from it stays valid for the entry's life.
    """

    __slots__ = ("_case", "_summary", "_text", "deadline", "doc", "doc_id")

    def __init__(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        self.doc_id = doc_id
        self.doc = doc
        self._case: Case | None = None
        self._text: str | None = None
        self._summary: CaseSummary | None = None
        self.deadline: tuple[Any, Deadline | None] | None = None  # (key, next deadline)

    @property
    def case(self) -> Case:
        """The case (a shared read-only snapshot), built on first use."""
        if self._case is None:
            try:
                self._case = case_from_data(self.doc)
            except _BAD_DOCUMENT as exc:
                raise unreadable(exc) from None
        return self._case

    def private_case(self) -> Case:
        """A case no one else holds (for `get` and for building a change)."""
        try:
            return case_from_data(_private(self.doc))
        except _BAD_DOCUMENT as exc:
            raise unreadable(exc) from None

    @property
    def search_text(self) -> str:
        """Built on the first text search, so opening a large vault stays quick."""
        if self._text is None:
            try:
                self._text = search_text(self.doc)
            except _BAD_DOCUMENT as exc:
                raise unreadable(exc) from None
        return self._text

    @property
    def summary(self) -> CaseSummary:
        if self._summary is None:
            doc = self.doc
            try:
                self._summary = CaseSummary(
                    ref=doc["ref"],
                    pseudonym=doc["pseudonym"],
                    stage=_STAGES.get(doc.get("stage", "referral_received")) or Stage(doc["stage"]),
                    review_type=doc.get("review_type", ""),
                    agencies=(
                        *(doc.get("agencies") or ()),
                        *(a["agency"] for a in doc.get("agency_reports") or ()),
                    ),
                )
            except _BAD_DOCUMENT as exc:
                raise unreadable(exc) from None
        return self._summary


def search_text(doc: Mapping[str, Any]) -> str:
    """Reference, pseudonym, notes, every form answer and every recommendation's text and
    action, lower-cased, for whole-word search; read from the document, so a search needs no
    `Case`.

    Parts are joined by a separator no one types. White space is left as it is (normalising
    it cost more than the rest together): `phrase_matcher` lets a space in the phrase match
    any run of white space, so a phrase still matches within one answer whatever its breaks.
    """
    parts: list[str] = [doc["ref"], doc["pseudonym"], doc.get("notes", "")]
    stack: list[Any] = [r.get("values") or {} for r in (doc.get("records") or {}).values()]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            parts.append(value)
        elif kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif value is not None and not isinstance(value, bool):
            parts.append(str(value))
    for rec in doc.get("recommendations") or ():
        parts.append(rec["text"])
        parts.append(rec.get("action", ""))
    return "\x00".join(parts).casefold()


def phrase_matcher(phrase: str) -> Callable[[str], bool]:
    """Does a search text hold `phrase` (already lower-cased, single-spaced) as whole words?
    "child a" must not match "child and adolescent...". The phrase starts and ends on a word
    boundary (where its first or last character is a letter or digit), a space in it matches
    any run of white space, and accents count as letters (no folding).

    The start is checked by hand on each hit: a look-behind at the front of the pattern
    would stop `re` from scanning for the literal first word (forty times slower).
    """
    words = phrase.split(" ")
    tail = r"(?!\w)" if _is_word(phrase[-1]) else ""
    search = re.compile(r"\s+".join(re.escape(word) for word in words) + tail).search
    check_head = _is_word(phrase[0])

    def matches(text: str) -> bool:
        found = search(text)
        while found is not None:
            start = found.start()
            if not check_head or start == 0 or not _is_word(text[start - 1]):
                return True
            found = search(text, start + 1)
        return False

    return matches


def _is_word(char: str) -> bool:
    """What `re` counts as a word character (`\\w`) in a str pattern."""
    return char.isalnum() or char == "_"


class ReadModel:
    """Every case of one vault by reference, served from memory once read: the read side of
    `CaseStore`, which adds the write path. Needs only the vault's TinyDB, the settings
    (deadlines) and a clock."""

    def __init__(self, db: Callable[[], TinyDB], settings: Settings, clock: Callable[[], date]):
        self._db = db
        self.settings = settings
        self._clock = clock
        self._cache: dict[str, CaseEntry] | None = None
        self._sorted: list[str] | None = None  # the references in order, until one is added
        self._calendar: WorkingCalendar | None = None
        self._search = SearchIndex()  # word -> cases, built over the first text searches
        self._search_lock = threading.RLock()  # a save changes the index: not while it is read

    def today(self) -> date:
        return self._clock()

    # -- the documents ------------------------------------------------------------------
    def cases(self) -> dict[str, CaseEntry]:
        """Every case's entry by reference: the documents only, nothing built yet."""
        if self._cache is None:
            cache: dict[str, CaseEntry] = {}
            with gc_paused():
                docs = self._db().table(CASES_TABLE, cache_size=0).all()
            for doc in docs:
                ref = doc.get("ref")
                if not isinstance(ref, str):
                    raise unreadable(KeyError("ref"))
                cache[ref] = CaseEntry(doc.doc_id, doc)
            with self._search_lock:
                self._search.clear()
            self._cache = cache
            self._sorted = None
        return self._cache

    def entry(self, ref: str) -> CaseEntry:
        """The case's entry; CaseNotFound (exit 2) when the reference is unknown."""
        entry = self.cases().get(ref)
        if entry is None:
            raise CaseNotFound(f"there is no case {ref} in this vault; 'cspr cases' lists them.")
        return entry

    def put(self, ref: str, doc_id: int, doc: Mapping[str, Any]) -> None:
        """A committed document replaces (or adds) the case's entry."""
        cases = self.cases()
        if ref not in cases:
            self._sorted = None
        elif ref in self._search.indexed:
            with self._search_lock:  # out of the index with its old words
                self._search.discard(ref, cases[ref].search_text)
        cases[ref] = CaseEntry(doc_id, doc)

    def refresh(self) -> None:
        """Forget the cache (after the vault was changed by something other than the store)."""
        self._cache = None
        self._sorted = None
        with self._search_lock:
            self._search.clear()

    def index_search(self, budget_s: float | None = None) -> bool:
        """Add cases to the text-search index for at most `budget_s` seconds (None: all);
        True when every case is in (then a text search costs the size of its answer)."""
        cases = self.cases()
        with self._search_lock:
            return self._search.extend(cases, lambda ref: cases[ref].search_text, budget_s)

    def entries(self) -> list[CaseEntry]:
        """Every entry, by reference (the order is kept until a case is added)."""
        cases = self.cases()
        if self._sorted is None or len(self._sorted) != len(cases):
            self._sorted = sorted(cases)
        return [cases[ref] for ref in self._sorted]

    def __len__(self) -> int:
        return len(self.cases())

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and ref in self.cases()

    # -- cases and summaries --------------------------------------------------------------
    def get(self, ref: str) -> Case:
        """A private copy of one case; CaseNotFound (exit 2) when the reference is unknown."""
        return self.entry(ref).private_case()

    def list_cases(self) -> list[Case]:
        """Every case, by reference (shared read-only snapshots). Builds every `Case` not yet
        built; a list view needs only `summaries`."""
        entries = self.entries()
        with gc_paused():
            return [entry.case for entry in entries]

    def summaries(self, *, deadlines: bool = False, today: date | None = None) -> list[CaseSummary]:
        """Every case's reference, pseudonym, stage, review type and agencies, by reference,
        read from the documents: quick at unlock, whatever the number of cases.

        With `deadlines`, each summary also carries its next open deadline as of `today`; that
        needs each `Case` and its deadlines (about half a millisecond a case the first time),
        kept until the case changes, the day changes or the settings change.
        """
        entries = self.entries()
        if not deadlines:
            return [entry.summary for entry in entries]
        day = today or self._clock()
        key = (day, repr(self.settings), id(self.calendar))
        result: list[CaseSummary] = []
        with gc_paused():
            for entry in entries:
                if entry.deadline is None or entry.deadline[0] != key:
                    entry.deadline = (key, self.next_deadline(entry.summary.ref, day))
                result.append(replace(entry.summary, next_deadline=entry.deadline[1]))
        return result

    def query(self, **filters: Unpack[CaseFilters]) -> list[Case]:
        """Cases matching every filter given (`CaseFilters`), by reference, served from memory:
        "child a" finds Child A, not "child and adolescent"."""
        entries = self.matching(**filters)
        with gc_paused():
            return [entry.case for entry in entries]

    def query_summaries(self, **filters: Unpack[CaseFilters]) -> list[CaseSummary]:
        """The summaries of the cases `query` would return, in the same order. Filtering by
        stage, agency and text builds no `Case` (a list filter stays quick just after
        unlock); `overdue` and `due_within` need each case's deadlines."""
        return [entry.summary for entry in self.matching(**filters)]

    def matching(
        self,
        stage: Stage | str | None = None,
        agency: str | None = None,
        text: str | None = None,
        overdue: bool | None = None,
        due_within: int | None = None,
        today: date | None = None,
    ) -> list[CaseEntry]:
        """The entries passing every filter given (`CaseFilters` says what each means)."""
        wanted_stage = Stage(stage) if stage else None
        phrase = " ".join((text or "").casefold().split())
        matches = phrase_matcher(phrase) if phrase else None
        agency_key = agency.casefold().strip() if agency else None
        by_deadline = overdue is not None or due_within is not None
        day = today or self._clock()
        results: list[CaseEntry] = []
        with gc_paused():
            if matches is None:
                entries = self.entries()
            else:
                cases = self.cases()
                with self._search_lock:
                    hits = self._search.hits(
                        phrase,
                        matches,
                        cases,
                        lambda ref: cases[ref].search_text,
                        budget_s=SEARCH_INDEX_BUDGET_S,
                    )
                entries = [entry for entry in self.entries() if entry.doc["ref"] in hits]
            for entry in entries:
                if wanted_stage is not None and entry.summary.stage != wanted_stage:
                    continue
                if agency_key is not None and not any(
                    a.casefold() == agency_key for a in entry.summary.agencies
                ):
                    continue
                if by_deadline:
                    found = case_deadlines(entry.case, self.settings, day, self.calendar)
                    open_ones = [d for d in found if d.is_open]
                    if overdue is not None and overdue != any(
                        d.status == DeadlineStatus.OVERDUE for d in open_ones
                    ):
                        continue
                    if due_within is not None and not any(
                        d.due is not None and (d.due - day).days <= due_within for d in open_ones
                    ):
                        continue
                results.append(entry)
        return results

    # -- deadlines and the workflow ---------------------------------------------------------
    @property
    def calendar(self) -> WorkingCalendar:
        """The partnership's working-day calendar, built once (bank holidays are costly)."""
        if self._calendar is None:
            self._calendar = calendar_from_settings(self.settings)
        return self._calendar

    def case_deadlines(self, ref: str, today: date | None = None) -> list[Deadline]:
        """Every deadline of one case (domain.deadline), with its status as of today."""
        day = today or self._clock()
        return case_deadlines(self.entry(ref).case, self.settings, day, self.calendar)

    def all_deadlines(self, today: date | None = None) -> list[Deadline]:
        """Every deadline of every case, overdue first, then by due date."""
        day = today or self._clock()
        return all_deadlines(self.list_cases(), self.settings, day, self.calendar)

    def next_deadline(self, ref: str, today: date | None = None) -> Deadline | None:
        """The case's earliest open deadline, or None."""
        day = today or self._clock()
        return next_deadline(self.entry(ref).case, self.settings, day, self.calendar)

    def transition_check(self, case: Case | str, *, override: bool = False) -> TransitionCheck:
        """What is missing before the case's next step (for the TUI's stage bar)."""
        subject = self.entry(case).case if isinstance(case, str) else case
        return check_transition(
            subject, self.settings, self._clock(), override=override, calendar=self.calendar
        )

    # -- the audit trail and the vault's own checks -----------------------------------------
    def audit_trail(self, ref: str | None = None) -> list[audit.AuditEntry]:
        """The audit entries of one case (or all), oldest first."""
        return audit.read_trail(self._db(), ref)

    def audit_head(self) -> tuple[int, str]:
        """The audit trail's head (entry number, hash), recorded in every export's properties."""
        return audit.chain_head(self._db())

    def verify(self) -> list[str]:
        """Problems in the vault's contents (broken audit chain, unreadable cases...)."""
        return integrity.check(self._db())

    # -- what a new case is called ----------------------------------------------------------
    def next_ref(self, year: int | None = None) -> str:
        """The next free reference for the year, CSPR-YYYY-NNN."""
        year = year or self._clock().year
        prefix = f"CSPR-{year:04d}-"
        numbers = [int(r[len(prefix) :]) for r in self.cases() if r.startswith(prefix)]
        return f"{prefix}{max(numbers, default=0) + 1:03d}"

    def next_pseudonym(self) -> str:
        """ "Child A", "Child B"... the first not used by any case ("Child AA" after Z)."""
        used = {c.summary.pseudonym for c in self.cases().values()}
        index = 0
        while True:
            name, n = "", index
            while True:
                name = chr(ord("A") + n % 26) + name
                n = n // 26 - 1
                if n < 0:
                    break
            if f"Child {name}" not in used:
                return f"Child {name}"
            index += 1
