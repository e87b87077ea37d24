"""The store's read model and search: every case's document, and what is built from it.

Unlocking a large vault must not wait for thousands of `Case` objects, so the read model keeps
each case's vault document and builds what is asked for, once, on first use: the `Case`
(on `get`, `list_cases`, a deadline), its lower-case search text and its summary
(reference, pseudonym, stage, agencies; `summaries`). While the vault holds the stored views
(domain/stored_views.py) the case list reads the stored summaries and a text search the
stored word index (domain/word_index.py) and, for a phrase, the stored texts of the cases
holding its words, so neither parses a case; a vault without them (written before them,
and opened read-only) is searched through texts built from the documents, indexed in
memory over the first searches (domain/search_index.py). The store hands it each
committed document (`put`), so exactly what changed is rebuilt; a failed write never
reaches it, so the cache stays as it was.

Objects returned by `list_cases` and `query` are the cached ones: treat them as read-only
snapshots. `get` returns a private copy.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypedDict, Unpack

import orjson
from tinydb import TinyDB

from cspr_tui.domain import audit, integrity, stored_views, word_index
from cspr_tui.domain.calendar import WorkingCalendar, calendar_from_settings
from cspr_tui.domain.case import Case, Stage
from cspr_tui.domain.case_json import case_from_data
from cspr_tui.domain.deadline import (
    Deadline,
    DeadlineStatus,
    all_deadlines,
    case_deadlines,
    due_soon_days,
    earliest_open,
    in_order,
    next_deadline,
    plan_key,
    planned_open,
)
from cspr_tui.domain.integrity import CASES_TABLE
from cspr_tui.domain.search_index import SearchIndex, is_one_word, phrase_words
from cspr_tui.domain.stored_views import search_text
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
    it, else None. `stage_label`: the stage in the case list's words.
    """

    ref: str
    pseudonym: str
    stage: Stage
    review_type: str
    agencies: tuple[str, ...]
    next_deadline: Deadline | None = None
    # The stage as the case list words it (workflow.stage_label: a deferral is named).
    stage_label: str = ""
    # The stored deadline plan (stored_views.summary_doc), read by `ReadModel.dashboard`.
    plan: Any = field(default=None, compare=False, repr=False)


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
            self._summary = summary_of(self.doc)
        return self._summary


def summary_from_view(view: Mapping[str, Any]) -> CaseSummary:
    """A `CaseSummary` from a stored summary (stored_views.summary_doc)."""
    try:
        stage = _STAGES.get(view["stage"]) or Stage(view["stage"])
        return CaseSummary(
            ref=view["ref"],
            pseudonym=view["pseudonym"],
            stage=stage,
            review_type=view["review_type"],
            agencies=tuple(view["agencies"]),
            stage_label=view.get("stage_label") or stage.label,
            plan=view.get(stored_views.PLAN_FIELD),
        )
    except _BAD_DOCUMENT as exc:
        raise unreadable(exc) from None


def summary_of(doc: Mapping[str, Any]) -> CaseSummary:
    """A case document's summary: the same as its stored one."""
    try:
        view = stored_views.summary_doc(doc)
    except _BAD_DOCUMENT as exc:
        raise unreadable(exc) from None
    return summary_from_view(view)


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
        # The cases read one by one (`_single`) while the documents are not all read.
        self._singles: dict[str, CaseEntry] = {}
        self._sorted: list[str] | None = None  # the references in order, until one is added
        self._calendar: WorkingCalendar | None = None
        self._search = SearchIndex()  # word -> cases, built over the first text searches
        self._search_lock = threading.RLock()  # a save changes the index: not while it is read
        # The stored views (domain/stored_views.py), read instead of the cases while they
        # are there: None until first read (or when the vault has none yet).
        self._has_views: bool | None = None
        self._views: dict[str, CaseSummary] | None = None
        self._views_sorted: list[str] | None = None
        self._doc_ids: dict[str, int] = {}  # reference -> document id, for the stored views
        self._refs_of: dict[int, str] = {}  # and back
        self._texts: dict[str, str] = {}  # the stored search texts read so far, by reference
        # Per case: its open deadlines as of a day (`dashboard`), kept against its summary.
        self._open: dict[str, tuple[CaseSummary, tuple[object, ...], list[Deadline]]] = {}

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
            self._singles = {}
        return self._cache

    @property
    def cases_loaded(self) -> bool:
        """Have the case documents been read (`cases`) since the vault opened?"""
        return self._cache is not None

    def entry(self, ref: str) -> CaseEntry:
        """The case's entry; CaseNotFound (exit 2) when the reference is unknown. Before
        every document is read, only this case's is (`_single`)."""
        if self._cache is None:
            single = self._single(ref)
            if single is not None:
                return single
        entry = self.cases().get(ref)
        if entry is None:
            raise CaseNotFound(f"there is no case {ref} in this vault; 'cspr cases' lists them.")
        return entry

    def _single(self, ref: str) -> CaseEntry | None:
        """One case's entry from its document alone (`Vault.document`: the cases table is
        not parsed), found by the id its stored summary names: opening one case of
        thousands after unlock reads that case. None (read them all) without stored views,
        for a reference they do not name, or when the document is not that case's."""
        found = self._singles.get(ref)
        if found is not None or not self._stored():
            return found
        self._summary_map()
        doc_id = self._doc_ids.get(ref)
        read_one = getattr(self._db().storage, "document", None)
        if doc_id is None or read_one is None:
            return None
        doc = read_one(CASES_TABLE, doc_id)
        if not isinstance(doc, Mapping) or doc.get("ref") != ref:
            return None
        entry = self._singles[ref] = CaseEntry(doc_id, doc)
        return entry

    def put(self, ref: str, doc_id: int, doc: Mapping[str, Any]) -> None:
        """A committed document replaces (or adds) the case's entry, and its stored views
        (written in the same transaction) in what was read of them."""
        cases = self.cases()
        if ref not in cases:
            self._sorted = None
            self._views_sorted = None
        if ref in self._search.indexed:
            # Out of the index with the words it was indexed with: the text of the
            # document read before this save.
            with self._search_lock:
                self._search.discard(ref, cases[ref].search_text)
        cases[ref] = CaseEntry(doc_id, doc)
        self._texts.pop(ref, None)  # read again from the stored one this save wrote
        if self._views is not None:
            self._views[ref] = self._stored_summary(doc_id) or cases[ref].summary
            self._doc_ids[ref] = doc_id
            self._refs_of[doc_id] = ref
        if self._has_views is False:
            self._has_views = None  # the write may have added them (stored_views.ensure)

    def _stored_summary(self, doc_id: int) -> CaseSummary | None:
        """The summary the save just wrote beside the document (with its deadline plan),
        if the vault holds this version's."""
        if not self._stored():
            return None
        view = self._db().table(stored_views.SUMMARIES_TABLE, cache_size=0).get(doc_id=doc_id)
        if not isinstance(view, Mapping) or stored_views.UNREADABLE in view:
            return None
        return summary_from_view(view)

    def refresh(self) -> None:
        """Forget the cache (after the vault was changed by something other than the store)."""
        self._open = {}
        self._cache = None
        self._singles = {}
        self._sorted = None
        self._has_views = None
        self._views = None
        self._views_sorted = None
        self._doc_ids = {}
        self._refs_of = {}
        self._texts = {}
        with self._search_lock:
            self._search.clear()

    # -- the stored views ---------------------------------------------------------------
    def _stored(self) -> bool:
        """Does the vault hold this version's stored summaries and search texts?"""
        if self._has_views is None:
            self._has_views = stored_views.present(self._db())
        return self._has_views

    def _summary_map(self) -> dict[str, CaseSummary]:
        """Every case's summary by reference: the stored ones (no case parsed) when the
        vault has them, else built from the documents."""
        if self._views is None and self._stored():
            table = self._db().table(stored_views.SUMMARIES_TABLE, cache_size=0)
            with gc_paused():
                try:
                    views = {view["ref"]: (view.doc_id, summary_from_view(view)) for view in table}
                except _BAD_DOCUMENT as exc:  # a case document that cannot be summarised
                    raise unreadable(exc) from None
            self._views = {ref: summary for ref, (_, summary) in views.items()}
            self._doc_ids = {ref: doc_id for ref, (doc_id, _) in views.items()}
            self._refs_of = {doc_id: ref for ref, doc_id in self._doc_ids.items()}
            self._views_sorted = None
        if self._views is not None:
            return self._views
        return {ref: entry.summary for ref, entry in self.cases().items()}

    def _refs(self) -> list[str]:
        """Every reference, in order (kept until a case is added)."""
        views = self._summary_map()
        if views is self._views:
            if self._views_sorted is None or len(self._views_sorted) != len(views):
                self._views_sorted = sorted(views)
            return self._views_sorted
        return [entry.doc["ref"] for entry in self.entries()]

    def _text_of(self, ref: str) -> str:
        """A case's search text: the stored one (one text table parsed; kept once read, so
        a later phrase search does not read it again) when the vault has them, else built
        from its document."""
        if self._stored():
            text = self._texts.get(ref)
            if text is not None:
                return text
            self._summary_map()
            doc_id = self._doc_ids.get(ref)
            view = stored_views.stored_search(self._db(), doc_id) if doc_id is not None else None
            if view is None or stored_views.UNREADABLE in view:
                raise unreadable(KeyError(ref))
            text = self._texts[ref] = stored_views.text_of_view(view)
            return text
        return self.cases()[ref].search_text

    def _stored_hits(self, phrase: str, matches: Callable[[str], bool]) -> set[str]:
        """The references whose stored search text `matches` the phrase: the stored word
        index gives the cases holding every word of it (the rarest first, stopping at
        none), the matcher confirms them on their stored texts (not needed for one word);
        a phrase with no word at all is a scan of every stored text."""
        views = self._summary_map()
        wanted = phrase_words(phrase)
        if not wanted:
            return {ref for ref in views if matches(self._text_of(ref))}
        db = self._db()
        ids: set[int] | None = None
        for word in sorted(set(wanted), key=len, reverse=True):  # longer words: rarer
            found = word_index.postings(db, word)
            ids = found if ids is None else ids & found
            if not ids:
                return set()
        assert ids is not None
        refs_of = self._refs_of
        refs = {refs_of[doc_id] for doc_id in ids if doc_id in refs_of}
        if is_one_word(phrase):
            return refs
        return {ref for ref in refs if matches(self._text_of(ref))}

    def index_search(self, budget_s: float | None = None) -> bool:
        """Add cases to the in-memory text-search index for at most `budget_s` seconds
        (None: all); True when every case is in (then a text search costs the size of its
        answer). A vault with the stored word index needs none: True at once."""
        if self._stored():
            return True
        refs = self._summary_map()
        with self._search_lock:
            return self._search.extend(refs, self._text_of, budget_s)

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
        if not deadlines:
            views = self._summary_map()
            return [views[ref] for ref in self._refs()]
        entries = self.entries()
        day = today or self._clock()
        key = (day, repr(self.settings), id(self.calendar))
        result: list[CaseSummary] = []
        with gc_paused():
            for entry in entries:
                if entry.deadline is None or entry.deadline[0] != key:
                    entry.deadline = (key, self.next_deadline(entry.summary.ref, day))
                result.append(replace(entry.summary, next_deadline=entry.deadline[1]))
        return result

    def plan_context(self) -> stored_views.Deadlines:
        """What the stored deadline plans are worked out with: these settings, their
        calendar and today."""
        return stored_views.Deadlines(self.settings, self.calendar, self._clock())

    def dashboard(
        self, today: date | None = None
    ) -> tuple[list[CaseSummary], dict[str, Deadline | None], list[Deadline]]:
        """What the dashboard shows as of `today`: every summary (by reference), each
        case's next open deadline (domain.deadline.next_deadline) and every open deadline,
        overdue first (all_deadlines), from the stored deadline plans when the vault holds
        them for these settings: no case is read or built. A case without one (planned
        under other settings, a vault from before the plans, an open pause) is worked out
        from its document. Each case's answer is kept until its summary, the day or the
        settings change."""
        day = today or self._clock()
        summaries = self.summaries()
        settings, calendar = self.settings, self.calendar
        key = plan_key(settings)
        due_soon = due_soon_days(settings)
        kept_for = (day, repr(settings), id(calendar))
        next_due: dict[str, Deadline | None] = {}
        found: list[Deadline] = []
        kept = self._open
        with gc_paused():
            for summary in summaries:
                ref = summary.ref
                known = kept.get(ref)
                if known is None or known[0] is not summary or known[1] != kept_for:
                    known = (summary, kept_for, self._open_of(summary, key, day, due_soon))
                    kept[ref] = known
                open_ones = known[2]
                next_due[ref] = earliest_open(open_ones)
                found.extend(open_ones)
        return summaries, next_due, in_order(found, settings)

    def _open_of(self, summary: CaseSummary, key: str, day: date, due_soon: int) -> list[Deadline]:
        """One case's open deadlines as of `day` (see `dashboard`)."""
        plan = summary.plan
        try:
            if isinstance(plan, dict) and plan.get("k") == key:
                if plan.get("d") is not None:
                    return planned_open(summary.ref, plan["d"], day, self.calendar, due_soon)
                if isinstance(plan.get("c"), dict):
                    case = case_from_data(plan["c"])
                    found = case_deadlines(case, self.settings, day, self.calendar)
                    return [deadline for deadline in found if deadline.is_open]
        except _BAD_DOCUMENT as exc:
            raise unreadable(exc) from None
        found = case_deadlines(self.entry(summary.ref).case, self.settings, day, self.calendar)
        return [deadline for deadline in found if deadline.is_open]

    def query(self, **filters: Unpack[CaseFilters]) -> list[Case]:
        """Cases matching every filter given (`CaseFilters`), by reference, served from memory:
        "child a" finds Child A, not "child and adolescent"."""
        entries = self.matching(**filters)
        with gc_paused():
            return [entry.case for entry in entries]

    def query_summaries(self, **filters: Unpack[CaseFilters]) -> list[CaseSummary]:
        """The summaries of the cases `query` would return, in the same order. Filtering by
        stage, agency and text reads only the stored summaries and search texts (no case is
        parsed: a list filter or a first search stays quick just after unlock); `overdue`
        and `due_within` need each case's deadlines."""
        views = self._summary_map()
        return [views[ref] for ref in self._matching_refs(**filters)]

    def matching(self, **filters: Unpack[CaseFilters]) -> list[CaseEntry]:
        """The entries passing every filter given (`CaseFilters` says what each means)."""
        refs = self._matching_refs(**filters)
        cases = self.cases()
        return [cases[ref] for ref in refs]

    def _matching_refs(
        self,
        stage: Stage | str | None = None,
        agency: str | None = None,
        text: str | None = None,
        overdue: bool | None = None,
        due_within: int | None = None,
        today: date | None = None,
    ) -> list[str]:
        wanted_stage = Stage(stage) if stage else None
        phrase = " ".join((text or "").casefold().split())
        matches = phrase_matcher(phrase) if phrase else None
        agency_key = agency.casefold().strip() if agency else None
        by_deadline = overdue is not None or due_within is not None
        day = today or self._clock()
        views = self._summary_map()
        results: list[str] = []
        with gc_paused():
            refs = self._refs()
            if matches is not None:
                with self._search_lock:
                    if self._stored():
                        hits = self._stored_hits(phrase, matches)
                    else:
                        hits = self._search.hits(
                            phrase, matches, views, self._text_of, budget_s=SEARCH_INDEX_BUDGET_S
                        )
                refs = [ref for ref in refs if ref in hits]
            for ref in refs:
                summary = views[ref]
                if wanted_stage is not None and summary.stage != wanted_stage:
                    continue
                if agency_key is not None and not any(
                    a.casefold() == agency_key for a in summary.agencies
                ):
                    continue
                if by_deadline:
                    found = case_deadlines(self.entry(ref).case, self.settings, day, self.calendar)
                    open_ones = [d for d in found if d.is_open]
                    if overdue is not None and overdue != any(
                        d.status == DeadlineStatus.OVERDUE for d in open_ones
                    ):
                        continue
                    if due_within is not None and not any(
                        d.due is not None and (d.due - day).days <= due_within for d in open_ones
                    ):
                        continue
                results.append(ref)
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
