"""The case store: the one API both front doors use to read and change cases.

Every change runs in one vault transaction that writes the case document AND appends its
audit entry, so a change is never saved without its record (or the reverse).

Unlocking a large vault must not wait for thousands of `Case` objects, so the store keeps
each case's vault document and builds what is asked for, once, on first use: the `Case`
(on `get`, `list_cases`, a deadline), its lower-case search text (on the first text query;
domain.search_index indexes its words over the first searches) and its summary
(reference, pseudonym, stage, agencies; `summaries`). A committed write replaces that
case's entry, so exactly what changed is rebuilt; a failed write leaves the cache untouched.

Objects returned by `list_cases` and `query` are the cached ones: treat them as read-only
snapshots. `get` returns a private copy. Change cases only through the store's methods.
"""

from __future__ import annotations

import copy
import functools
import gc
import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

import orjson
from tinydb import Query, TinyDB

from cspr_tui.domain import audit, form_mapping, people, workflow
from cspr_tui.domain.agency_return import CONTEXT_FIELDS
from cspr_tui.domain.case import (
    RECOMMENDATION_DATE_FIELDS,
    AgencyReportRequest,
    Case,
    DeadlineOverride,
    Pause,
    Person,
    QuarterlyUpdate,
    Rag,
    Recommendation,
    RecommendationStatus,
    Record,
    RecordStatus,
    RedactionDecision,
    Stage,
    StageChange,
)
from cspr_tui.domain.case_json import REF_PATTERN, case_from_data, case_to_data, plain_json
from cspr_tui.domain.integrity import CASES_TABLE, SCHEMA_KEY, SCHEMA_VERSION
from cspr_tui.domain.people import redaction_decisions_merged
from cspr_tui.domain.search_index import SearchIndex
from cspr_tui.domain.workflow import TransitionCheck, TransitionRefused, parse_iso_date
from cspr_tui.errors import CsprError, UsageError, ValidationFailed
from cspr_tui.settings import Settings

__all__ = ["CaseNotFound", "CaseStore", "CaseSummary", "VaultLike"]

_REF_RE = re.compile(REF_PATTERN)
_T = TypeVar("_T")
_STAGES: dict[Any, Stage] = {stage.value: stage for stage in Stage}
# How long one text search may spend adding cases to the search index (the rest are
# scanned): the index grows over the first searches instead of stalling one of them.
SEARCH_INDEX_BUDGET_S = 0.1

# Recommendation fields a caller may change with `update_recommendation`.
_EDITABLE_RECOMMENDATION_FIELDS = frozenset(
    f.name for f in fields(Recommendation) if f.name not in {"id", "updates", "revisions"}
)


class VaultLike(Protocol):
    """What the store needs from a vault: its TinyDB and a transaction (one durable save)."""

    db: TinyDB

    def transaction(self) -> Any: ...


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
    next_deadline: Any = None


def _unreadable(exc: BaseException) -> CsprError:
    return CsprError(
        f"a case document in the vault cannot be read ({exc.__class__.__name__});"
        " run 'cspr verify' and restore a backup if it reports damage."
    )


def _private(data: Any) -> Any:
    """A deep copy of plain JSON data (an orjson round trip: ten times faster than deepcopy)."""
    return orjson.loads(orjson.dumps(data))


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Build many objects without the collector rescanning the whole heap every few
    hundred allocations (nothing built here is cyclic garbage)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Entry:
    """One case as the store holds it: the vault document, and what was built from it.

    The document is never changed in place (a write makes a new entry), so everything
    derived from it stays valid for the entry's life.
    """

    __slots__ = ("_case", "_deadline", "_summary", "_text", "doc", "doc_id")

    def __init__(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        self.doc_id = doc_id
        self.doc = doc
        self._case: Case | None = None
        self._text: str | None = None
        self._summary: CaseSummary | None = None
        self._deadline: tuple[Any, Any] | None = None  # (key, next deadline)

    @property
    def case(self) -> Case:
        """The case (a shared read-only snapshot), built on first use."""
        if self._case is None:
            try:
                self._case = case_from_data(self.doc)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _unreadable(exc) from None
        return self._case

    def private_case(self) -> Case:
        """A case no one else holds (for `get` and for building a change)."""
        try:
            return case_from_data(_private(self.doc))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _unreadable(exc) from None

    @property
    def search_text(self) -> str:
        """Built on the first text search, so opening a large vault stays quick."""
        if self._text is None:
            try:
                self._text = _search_text(self.doc)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _unreadable(exc) from None
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
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _unreadable(exc) from None
        return self._summary


def _search_text(doc: Mapping[str, Any]) -> str:
    """Reference, pseudonym, notes, every form answer and every recommendation's text and
    action, lower-cased, for whole-word search; read from the document, so a search needs no
    `Case`.

    Parts are joined by a separator no one types. White space is left as it is (normalising
    it cost more than the rest together): `_matcher` lets a space in the phrase match any run
    of white space, so a phrase still matches within one answer whatever its line breaks.
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


def _matcher(phrase: str) -> Callable[[str], bool]:
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


def _digest(data: Any) -> str:
    """The SHA-256 of a case's canonical JSON: what an imported case's audit entry keeps."""
    return hashlib.sha256(audit.canonical_json(data)).hexdigest()


def _unstorable_path(value: Any, path: str) -> str | None:
    """Where in `value` a string (or key) holds a lone surrogate (e.g. "\\ud800"), or None.

    Such a string is valid Python but not UTF-8: the vault and the audit hash refuse it, so
    it must be turned away before anything changes."""
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "a value"
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _unstorable_path(key, "") is not None:
                return (path + " (a name in it)") if path else "a field name"
            found = _unstorable_path(item, where)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _unstorable_path(item, f"{path}[{index + 1}]")
            if found is not None:
                return found
    return None


def _storable_text(text: str) -> str:
    """`text` with any lone surrogate written as its escape (\\udcff), for what is recorded
    rather than entered."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _unstorable(what: str) -> ValidationFailed:
    return ValidationFailed(
        f"{what} contains a character that cannot be stored (a lone surrogate such as "
        "U+D800, not a real character); nothing was saved."
    )


def _require_storable(value: Any, describe: Callable[[str], str]) -> None:
    """Refuse lone surrogates anywhere in `value`; orjson finds them in one fast pass and
    only a refusal walks the data to name the field."""
    try:
        orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        where = _unstorable_path(value, "")
        if where is not None:
            raise _unstorable(describe(where)) from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: Any, label: str) -> str | None:
    """A date given as `date` or ISO text, checked; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    parsed = parse_iso_date(value)
    if parsed is None or len(str(value).strip()) != 10:
        raise ValidationFailed(f"{label} must be a real date (YYYY-MM-DD), not {value!r}.")
    return parsed.isoformat()


def _need_reason(reason: str, what: str) -> str:
    if not reason or not reason.strip():
        raise ValidationFailed(f"{what} needs a reason; give one and try again.")
    return reason.strip()


def _serialised(method: Callable[..., _T]) -> Callable[..., _T]:
    """One change at a time: read, check, write and re-cache under the store's lock, so
    two workers (Textual threads) never build changes on the same stale case."""

    @functools.wraps(method)
    def locked(self: CaseStore, *args: Any, **kwargs: Any) -> _T:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


class CaseStore:
    """Cases in an open vault, with every rule of the workflow and an audit entry per change."""

    def __init__(
        self,
        vault: VaultLike,
        settings: Settings,
        forms: Any,
        actor: str = "",
        *,
        clock: Callable[[], date] | None = None,
    ) -> None:
        self.vault = vault
        self.settings = settings
        self.forms = forms
        self.actor = actor.strip() or audit.default_actor(settings.reviewer_name)
        self._clock = clock or date.today
        self._cache: dict[str, _Entry] | None = None
        self._sorted: list[str] | None = None  # the references in order, until one is added
        self._calendar: Any = None
        self._lock = threading.RLock()
        self._search = SearchIndex()  # word -> cases, built over the first text searches

    # -- reading ----------------------------------------------------------------------
    @property
    def db(self) -> TinyDB:
        return self.vault.db

    @property
    def reviewer_name(self) -> str:
        """Who the audit trail names: settings' reviewer name, else the OS user name."""
        return self.actor

    def today(self) -> date:
        return self._clock()

    def _cases(self) -> dict[str, _Entry]:
        """Every case's entry by reference: the documents only, nothing built yet."""
        if self._cache is None:
            cache: dict[str, _Entry] = {}
            with _gc_paused():
                docs = self.db.table(CASES_TABLE, cache_size=0).all()
            for doc in docs:
                ref = doc.get("ref")
                if not isinstance(ref, str):
                    raise _unreadable(KeyError("ref"))
                cache[ref] = _Entry(doc.doc_id, doc)
            self._cache = cache
            self._sorted = None
            self._search.clear()
        return self._cache

    def _refs(self) -> list[str]:
        """The references in order (kept until a case is added)."""
        cases = self._cases()
        if self._sorted is None or len(self._sorted) != len(cases):
            self._sorted = sorted(cases)
        return self._sorted

    def _entries(self) -> list[_Entry]:
        cases = self._cases()
        return [cases[ref] for ref in self._refs()]

    def refresh(self) -> None:
        """Forget the cache (after the vault was changed by something other than this store)."""
        self._cache = None
        self._sorted = None
        self._search.clear()

    def index_search(self, budget_s: float | None = None) -> bool:
        """Add cases to the text-search index for at most `budget_s` seconds (None: all);
        True when every case is in (then a text search costs the size of its answer)."""
        with self._lock:
            cases = self._cases()
            return self._search.extend(cases, lambda ref: cases[ref].search_text, budget_s)

    def _forget_text(self, ref: str) -> None:
        """A case is about to change: out of the search index (its old words with it)."""
        entry = self._cache.get(ref) if self._cache is not None else None
        if entry is not None and ref in self._search.indexed:
            self._search.discard(ref, entry.search_text)

    def __len__(self) -> int:
        return len(self._cases())

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and ref in self._cases()

    def get(self, ref: str) -> Case:
        """A private copy of one case; CaseNotFound (exit 2) when the reference is unknown."""
        return self._cached(ref).private_case()

    def _cached(self, ref: str) -> _Entry:
        entry = self._cases().get(ref)
        if entry is None:
            raise CaseNotFound(f"there is no case {ref} in this vault; 'cspr cases' lists them.")
        return entry

    def list_cases(self) -> list[Case]:
        """Every case, by reference (shared read-only snapshots). Builds every `Case` not yet
        built; a list view needs only `summaries`."""
        entries = self._entries()
        with _gc_paused():
            return [entry.case for entry in entries]

    def summaries(self, *, deadlines: bool = False, today: date | None = None) -> list[CaseSummary]:
        """Every case's reference, pseudonym, stage, review type and agencies, by reference,
        read from the documents: quick at unlock, whatever the number of cases.

        With `deadlines`, each summary also carries its next open deadline as of `today`; that
        needs each `Case` and its deadlines (about half a millisecond a case the first time),
        kept until the case changes, the day changes or the settings change.
        """
        entries = self._entries()
        if not deadlines:
            return [entry.summary for entry in entries]
        day = today or self.today()
        key = (day, repr(self.settings), id(self.calendar))
        result: list[CaseSummary] = []
        with _gc_paused():
            for entry in entries:
                if entry._deadline is None or entry._deadline[0] != key:
                    entry._deadline = (key, self.next_deadline(entry.summary.ref, day))
                result.append(replace(entry.summary, next_deadline=entry._deadline[1]))
        return result

    def query(
        self,
        *,
        stage: Stage | str | None = None,
        agency: str | None = None,
        text: str | None = None,
        overdue: bool | None = None,
        due_within: int | None = None,
        today: date | None = None,
    ) -> list[Case]:
        """Cases matching every filter given, by reference, served from memory.

        `text`: the phrase appears as whole words (any case, any white space between words)
        in the reference, pseudonym, notes, a form answer or a recommendation: "child a"
        finds Child A, not "child and adolescent". `agency`: named among the
        case's agencies or agency reports (any case). `overdue`: has (True) or has no
        (False) overdue deadline.
        `due_within`: an open deadline falls due within that many calendar days of today
        (overdue ones included).
        """
        entries = self._matching(stage, agency, text, overdue, due_within, today)
        with _gc_paused():
            return [entry.case for entry in entries]

    def query_summaries(
        self,
        *,
        stage: Stage | str | None = None,
        agency: str | None = None,
        text: str | None = None,
        overdue: bool | None = None,
        due_within: int | None = None,
        today: date | None = None,
    ) -> list[CaseSummary]:
        """The summaries of the cases `query` would return, in the same order. Filtering by
        stage, agency and text builds no `Case` (a list filter stays quick just after
        unlock); `overdue` and `due_within` need each case's deadlines."""
        entries = self._matching(stage, agency, text, overdue, due_within, today)
        return [entry.summary for entry in entries]

    def _matching(
        self,
        stage: Stage | str | None,
        agency: str | None,
        text: str | None,
        overdue: bool | None,
        due_within: int | None,
        today: date | None,
    ) -> list[_Entry]:
        wanted_stage = Stage(stage) if stage else None
        phrase = " ".join((text or "").casefold().split())
        matches = _matcher(phrase) if phrase else None
        agency_key = agency.casefold().strip() if agency else None
        by_deadline = overdue is not None or due_within is not None
        day = today or self.today()
        results: list[_Entry] = []
        with _gc_paused():
            if matches is None:
                entries = self._entries()
            else:
                with self._lock:  # a save changes the index: not while it is read
                    cases = self._cases()
                    hits = self._search.hits(
                        phrase,
                        matches,
                        cases,
                        lambda ref: cases[ref].search_text,
                        budget_s=SEARCH_INDEX_BUDGET_S,
                    )
                    entries = [cases[ref] for ref in self._refs() if ref in hits]
            for entry in entries:
                if wanted_stage is not None and entry.summary.stage != wanted_stage:
                    continue
                if agency_key is not None and not any(
                    a.casefold() == agency_key for a in entry.summary.agencies
                ):
                    continue
                if by_deadline:
                    deadlines = self._open_deadlines(entry.case, day)
                    if overdue is not None and overdue != any(
                        d.status == "overdue" for d in deadlines
                    ):
                        continue
                    if due_within is not None and not any(
                        d.due is not None and (d.due - day).days <= due_within for d in deadlines
                    ):
                        continue
                results.append(entry)
        return results

    @property
    def calendar(self) -> Any:
        """The partnership's working-day calendar, built once (bank holidays are costly)."""
        if self._calendar is None:
            from cspr_tui.domain.calendar import calendar_from_settings

            self._calendar = calendar_from_settings(self.settings)
        return self._calendar

    def _open_deadlines(self, case: Case, today: date) -> list[Any]:
        from cspr_tui.domain.deadline import case_deadlines

        found = case_deadlines(case, self.settings, today, self.calendar)
        return [d for d in found if d.is_open]

    def case_deadlines(self, ref: str, today: date | None = None) -> list[Any]:
        """Every deadline of one case (domain.deadline), with its status as of today."""
        from cspr_tui.domain.deadline import case_deadlines

        return case_deadlines(
            self._cached(ref).case, self.settings, today or self.today(), self.calendar
        )

    def all_deadlines(self, today: date | None = None) -> list[Any]:
        """Every deadline of every case, overdue first, then by due date."""
        from cspr_tui.domain.deadline import all_deadlines

        return all_deadlines(self.list_cases(), self.settings, today or self.today(), self.calendar)

    def next_deadline(self, ref: str, today: date | None = None) -> Any:
        """The case's earliest open deadline, or None."""
        from cspr_tui.domain.deadline import next_deadline

        return next_deadline(
            self._cached(ref).case, self.settings, today or self.today(), self.calendar
        )

    def audit_trail(self, ref: str | None = None) -> list[audit.AuditEntry]:
        """The audit entries of one case (or all), oldest first."""
        return audit.read_trail(self.db, ref)

    def audit_head(self) -> tuple[int, str]:
        """The audit trail's head (entry number, hash), recorded in every export's properties."""
        return audit.chain_head(self.db)

    def verify(self) -> list[str]:
        """Problems in the vault's contents (broken audit chain, unreadable cases...)."""
        from cspr_tui.domain.integrity import check

        return check(self.db)

    def transition_check(self, case: Case | str, *, override: bool = False) -> TransitionCheck:
        """What is missing before the case's next step (for the TUI's stage bar)."""
        subject = self._cached(case).case if isinstance(case, str) else case
        return workflow.check_transition(
            subject, self.settings, self.today(), override=override, calendar=self.calendar
        )

    # -- writing: the one path every change takes ------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self.vault.transaction():
            meta = self.db.table(audit.META_TABLE, cache_size=0)
            if meta.get(Query().key == SCHEMA_KEY) is None:
                meta.insert({"key": SCHEMA_KEY, "value": SCHEMA_VERSION})
            yield

    def _commit(
        self,
        action: str,
        before: Case | None,
        after: Case,
        reason: str = "",
        *,
        also: Callable[[], None] | None = None,
    ) -> Case:
        """Write one case and its audit entry in one transaction, then replace its cache entry.

        `also` runs inside the same transaction (a further audit entry that must go with it).

        Returns `after` itself: callers pass the private copy `_edit` gave them.
        """
        new_data = case_to_data(after)
        _require_storable(
            {"case": new_data, "reason": reason, "who": self.actor},
            lambda where: f"{after.ref}: {where.removeprefix('case.')}",
        )
        old_data = case_to_data(before) if before is not None else {}
        changes = audit.diff_values(old_data, new_data)
        table = self.db.table(CASES_TABLE, cache_size=0)
        entry = self._cases().get(after.ref)
        with self._transaction():
            if entry is None:
                doc_id = table.insert(new_data)
                self._sorted = None
            else:
                doc_id = entry.doc_id

                def replace_doc(doc: dict[str, Any]) -> None:
                    doc.clear()
                    doc.update(new_data)

                table.update(replace_doc, doc_ids=[doc_id])
            audit.append_entry(
                self.db,
                who=self.actor,
                action=action,
                ref=after.ref,
                changes=changes,
                reason=reason,
            )
            if also is not None:
                also()
        self._forget_text(after.ref)
        self._cases()[after.ref] = _Entry(doc_id, new_data)
        return after

    def _edit(self, ref: str) -> tuple[Case, Case]:
        """The cached case and a private copy to change."""
        entry = self._cached(ref)
        return entry.case, entry.private_case()

    # -- cases ------------------------------------------------------------------------
    def next_ref(self, year: int | None = None) -> str:
        """The next free reference for the year, CSPR-YYYY-NNN."""
        year = year or self.today().year
        prefix = f"CSPR-{year:04d}-"
        numbers = [int(r[len(prefix) :]) for r in self._cases() if r.startswith(prefix)]
        return f"{prefix}{max(numbers, default=0) + 1:03d}"

    def next_pseudonym(self) -> str:
        """ "Child A", "Child B"... the first not used by any case ("Child AA" after Z)."""
        used = {c.summary.pseudonym for c in self._cases().values()}
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

    @_serialised
    def create_case(
        self,
        *,
        pseudonym: str | None = None,
        ref: str | None = None,
        agencies: Iterable[str] = (),
        notes: str = "",
        year: int | None = None,
    ) -> Case:
        """A new case at "Referral received", with a generated reference and pseudonym."""
        if ref is not None:
            if not _REF_RE.match(ref):
                raise ValidationFailed(f"{ref!r} is not a case reference like CSPR-2026-004.")
            if ref in self._cases():
                raise ValidationFailed(f"a case {ref} already exists; choose another reference.")
        pseudonym = (pseudonym or "").strip() or self.next_pseudonym()
        now = _now()
        case = Case(
            ref=ref or self.next_ref(year),
            pseudonym=pseudonym,
            created_at=now,
            agencies=_unique(agencies),
            notes=notes,
            history=[StageChange(None, Stage.REFERRAL_RECEIVED, now, self.actor, "case created")],
        )
        return self._commit("case created", None, case)

    @_serialised
    def update_case(self, ref: str, changes: Mapping[str, Any], reason: str = "") -> Case:
        """Change the pseudonym, review method, agencies or notes of a case."""
        allowed = {"pseudonym", "review_method", "agencies", "notes"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise UsageError(f"cannot change {', '.join(unknown)} here; use the workflow instead.")
        before, case = self._edit(ref)
        if "pseudonym" in changes:
            pseudonym = str(changes["pseudonym"] or "").strip()
            if not pseudonym:
                raise ValidationFailed('the case pseudonym cannot be empty (e.g. "Child A").')
            case.pseudonym = pseudonym
        if "review_method" in changes:
            case.review_method = str(changes["review_method"] or "")
        if "agencies" in changes:
            case.agencies = _unique(changes["agencies"])
        if "notes" in changes:
            case.notes = str(changes["notes"] or "")
        return self._commit("case updated", before, case, reason)

    @_serialised
    def save_record(
        self,
        ref: str,
        form_id: str,
        values: Mapping[str, Any],
        *,
        finish: bool = False,
        current_section: str | None = None,
        agency: str | None = None,
    ) -> list[Any]:
        """Save a form's answers as a draft (may be incomplete) or finished record.

        Impossible answers (a 31/02 date, an unknown choice) are refused even in a draft;
        finishing also refuses missing required answers, listing every problem at once.
        Returns the warnings (which never block). Records the template id and version: a
        record captured with an older template is judged by that version's leniency and
        keeps its version unless the answers now pass the current template in full.
        `today()` in the template's rules is the store's clock. Agency reports are kept one
        per agency: `agency` (or the answers' own Agency) says whose report it is.
        """
        try:
            form = self.forms[form_id]
        except KeyError:
            raise UsageError(f"there is no form called {form_id!r}.") from None
        plain = plain_json(dict(values))
        _require_storable(plain, lambda where: _answer_named(form, where))
        key = self._record_key(ref, form_id, plain, agency)
        cached = self._cached(ref).case
        existing = (
            form_mapping.agency_record(cached, plain["agency"])
            if key != form_id
            else cached.records.get(key)
        )
        version = int(form.version)
        older = existing.template_version if existing is not None else None
        older = older if older is not None and older < version else None
        issues = form.validate(plain, finishing=finish, template_version=older, today=self.today())
        if older is not None:
            strict = form.validate(plain, finishing=finish, today=self.today())
            if any(i.severity == "error" for i in strict):
                version = older
            else:
                issues = strict
        errors = [i for i in issues if i.severity == "error"]
        if errors:
            raise ValidationFailed(
                f"the {form.title} cannot be {'finished' if finish else 'saved'}: "
                f"{len(errors)} problem{'s' if len(errors) != 1 else ''}; nothing was saved.",
                details=[
                    f"{i.label}: {i.message}" if i.label not in i.message else i.message
                    for i in errors
                ],
            )
        before, case = self._edit(ref)
        legacy = case.records.get(form_id) if key != form_id else None
        if legacy is not None and (
            str(legacy.values.get("agency") or "").strip().casefold()
            == str(plain["agency"]).strip().casefold()
        ):
            del case.records[form_id]  # this agency's report from before per-agency keys
        case.records[key] = Record(
            form_id=form_id,
            template_version=version,
            values=plain,
            status=RecordStatus.COMPLETE if finish else RecordStatus.DRAFT,
            updated_at=_now(),
            updated_by=self.actor,
            current_section=current_section,
        )
        if key != form_id:
            _sync_agency_report(case, plain)
        self._commit(f"{key} {'finished' if finish else 'draft saved'}", before, case)
        return [i for i in issues if i.severity != "error"]

    def _record_key(
        self, ref: str, form_id: str, values: dict[str, Any], agency: str | None
    ) -> str:
        """Where a record goes; an agency report takes its agency's name as already known."""
        if form_id != form_mapping.AGENCY_REPORT_FORM:
            return form_mapping.record_key(form_id, agency)
        named = str(values.get("agency") or "").strip()
        given = (agency or "").strip()
        if given and named and given.casefold() != named.casefold():
            raise ValidationFailed(
                f"the agency report's Agency is {named!r}, not {given!r}; nothing was saved."
            )
        name = given or named
        saved = form_mapping.agency_records(self._cached(ref).case)
        name = next((k for k in saved if k.casefold() == name.casefold()), name)
        key = form_mapping.record_key(form_id, name)
        values["agency"] = named or name
        return key

    # -- workflow ---------------------------------------------------------------------
    @_serialised
    def advance(self, ref: str, reason: str = "", *, override: bool = False) -> Case:
        """Move the case to its next stage, or raise TransitionRefused naming what is missing.

        `override` accepts a late Panel/SoS copy (T8) and needs a reason, recorded in the
        audit trail.
        """
        before, case = self._edit(ref)
        check = workflow.check_transition(
            case, self.settings, self.today(), override=override, calendar=self.calendar
        )
        if not check.allowed or check.next_stage is None:
            goal = check.next_stage.label if check.next_stage else "another stage"
            raise TransitionRefused(
                f"{case.ref} cannot move to {goal}; missing: {'; '.join(check.missing)}.",
                details=check.missing,
            )
        if (
            override
            and workflow.check_transition(
                case, self.settings, self.today(), calendar=self.calendar
            ).overridable
        ):
            reason = _need_reason(reason, "Overriding the Panel and Secretary of State copy rule")
        target = check.next_stage
        if case.stage == Stage.DECISION:
            self._apply_decision(case)
        now = _now()
        case.history.append(StageChange(case.stage, target, now, self.actor, reason))
        case.stage = target
        return self._commit(f"stage: {before.stage.label} -> {target.label}", before, case, reason)

    def _apply_decision(self, case: Case) -> None:
        """Decision "LCSPR" opens the review record with its decision date (T7 clock)."""
        _form_id, decision, _rationale = workflow.decision_of(case)
        review_type = workflow.classify_decision(decision)
        case.review_type = review_type
        if review_type == "No further review":
            return
        record = case.records.get("review")
        if record is None:
            record = Record(
                form_id="review",
                template_version=int(self.forms["review"].version),
                values={},
                updated_at=_now(),
                updated_by=self.actor,
            )
            case.records["review"] = record
        record.values.setdefault("review_type", review_type)
        record.values.setdefault("statutory", "Yes" if review_type == "LCSPR" else "No")
        if review_type == "LCSPR" and not record.values.get("lcspr_decision_date"):
            record.values["lcspr_decision_date"] = self.today().isoformat()

    @_serialised
    def pause(self, ref: str, reason: str, *, start: date | None = None) -> Case:
        """Pause or defer the whole case (every clock stops), from any open stage."""
        reason = _need_reason(reason, "Pausing a case")
        before, case = self._edit(ref)
        if case.stage in (Stage.PAUSED, Stage.CLOSED):
            raise TransitionRefused(f"{ref} is {case.stage.label.lower()}; it cannot be paused.")
        day = (start or self.today()).isoformat()
        case.pauses.append(Pause(start=day, reason=reason))
        case.history.append(StageChange(case.stage, Stage.PAUSED, _now(), self.actor, reason))
        case.paused_from = case.stage
        case.stage = Stage.PAUSED
        return self._commit("case paused", before, case, reason)

    @_serialised
    def defer_publication(
        self, ref: str, proceedings: str, details: str = "", *, start: date | None = None
    ) -> Case:
        """Pause a review while parallel proceedings (a criminal trial, an inquest, family
        court) run: every clock stops and the case reads "Publication deferred pending
        proceedings" until `resume`."""
        reason = workflow.deferral_reason(proceedings, details)
        stage = self._cached(ref).case.stage
        if stage not in (Stage.REVIEW_IN_PROGRESS, Stage.REPORT_DRAFTED):
            raise TransitionRefused(
                f"{ref} is at {stage.label.lower()}; publication can be deferred only while "
                "a review is in progress or its report is drafted."
            )
        return self.pause(ref, reason, start=start)

    @_serialised
    def resume(self, ref: str, reason: str = "", *, end: date | None = None) -> Case:
        """End the case's pause and return it to the stage it left."""
        before, case = self._edit(ref)
        if case.stage != Stage.PAUSED or case.paused_from is None:
            raise TransitionRefused(f"{ref} is not paused, so it cannot be resumed.")
        day = (end or self.today()).isoformat()
        for pause in case.pauses:
            if pause.deadline is None and pause.end is None:
                pause.end = day
        target = case.paused_from
        case.history.append(StageChange(Stage.PAUSED, target, _now(), self.actor, reason))
        case.stage = target
        case.paused_from = None
        return self._commit("case resumed", before, case, reason)

    # -- people (pseudonym key) -----------------------------------------------------------
    @_serialised
    def add_person(self, ref: str, person: Person) -> Case:
        """Add a line to the pseudonym key (real name and the pseudonym replacing it)."""
        before, case = self._edit(ref)
        _check_person(case, person, None)
        case.people.append(person)
        return self._commit("pseudonym key: person added", before, case)

    @_serialised
    def update_person(self, ref: str, index: int, person: Person, reason: str = "") -> Case:
        before, case = self._edit(ref)
        if not 0 <= index < len(case.people):
            raise UsageError(f"{ref} has no person number {index + 1} in its pseudonym key.")
        _check_person(case, person, index)
        case.people[index] = person
        return self._commit("pseudonym key: person changed", before, case, reason)

    @_serialised
    def remove_person(self, ref: str, index: int, reason: str) -> Case:
        reason = _need_reason(reason, "Removing a person from the pseudonym key")
        before, case = self._edit(ref)
        if not 0 <= index < len(case.people):
            raise UsageError(f"{ref} has no person number {index + 1} in its pseudonym key.")
        del case.people[index]
        return self._commit("pseudonym key: person removed", before, case, reason)

    @_serialised
    def record_redaction_decisions(self, ref: str, decisions: list[RedactionDecision]) -> Case:
        """Keep reviewers' decisions on redaction findings (a later one replaces an earlier
        one for the same finding), all in one audited change."""
        before, case = self._edit(ref)
        stamped = [replace(d, by=d.by or self.actor, at=d.at or _now()) for d in decisions]
        case.redaction_decisions = redaction_decisions_merged(case.redaction_decisions, stamped)
        summary = "; ".join(f"{d.outcome.value} {d.finding_id}" for d in stamped)
        return self._commit("redaction decisions recorded", before, case, summary)

    # -- agency information reports ----------------------------------------------------
    @_serialised
    def request_agency_report(self, ref: str, request: AgencyReportRequest) -> Case:
        """Record that an agency was asked for its information report (one per agency)."""
        agency = request.agency.strip()
        if not agency:
            raise ValidationFailed("an agency report request needs the agency's name.")
        before, case = self._edit(ref)
        if any(r.agency.casefold() == agency.casefold() for r in case.agency_reports):
            raise ValidationFailed(f"{agency} was already asked for a report on {ref}.")
        request = replace(
            request,
            agency=agency,
            depth=form_mapping.depth_from_form(request.depth),
            requested_date=_iso(request.requested_date, "Date requested"),
            due_date=_iso(request.due_date, "Date due"),
            received_date=_iso(request.received_date, "Date received"),
        )
        case.agency_reports.append(request)
        if agency not in case.agencies:
            case.agencies.append(agency)
        return self._commit(f"agency report requested: {agency}", before, case)

    @_serialised
    def update_agency_report(
        self, ref: str, agency: str, changes: Mapping[str, Any], reason: str = ""
    ) -> Case:
        before, case = self._edit(ref)
        for index, item in enumerate(case.agency_reports):
            if item.agency.casefold() == agency.casefold():
                allowed = {f.name for f in fields(AgencyReportRequest)} - {"agency"}
                unknown = sorted(set(changes) - allowed)
                if unknown:
                    raise UsageError(f"an agency report has no field {', '.join(unknown)}.")
                updated = replace(item, **dict(changes))
                for name in ("requested_date", "due_date", "received_date"):
                    setattr(updated, name, _iso(getattr(updated, name), name.replace("_", " ")))
                updated.depth = form_mapping.depth_from_form(updated.depth)
                case.agency_reports[index] = updated
                return self._commit(f"agency report updated: {item.agency}", before, case, reason)
        raise UsageError(f"{agency} has not been asked for a report on {ref}.")

    def _report_sent(
        self, ref: str, agency: str, token: str, version: int, sent: date | None
    ) -> tuple[Case, Case, str]:
        """The case with its request marked sent (token, version, date): (before, after, name).

        An agency named on the case but never formally asked gets its request here.
        """
        before, case = self._edit(ref)
        request = next(
            (r for r in case.agency_reports if r.agency.casefold() == agency.casefold()), None
        )
        if request is None:
            request = AgencyReportRequest(
                agency=agency.strip(), requested_date=(sent or self.today()).isoformat()
            )
            case.agency_reports.append(request)
            if request.agency not in case.agencies:
                case.agencies.append(request.agency)
        request.token = request.token or token
        request.version = max(1, int(version))
        request.sent_date = (sent or self.today()).isoformat()
        return before, case, request.agency

    @_serialised
    def record_agency_report_sent(
        self, ref: str, agency: str, *, token: str, version: int, sent: date | None = None
    ) -> Case:
        """The fillable report went out: its token, version and date, kept with the request."""
        before, case, name = self._report_sent(ref, agency, token, version, sent)
        return self._commit(f"agency report sent: {name}", before, case)

    @_serialised
    def receive_agency_return(
        self,
        ref: str,
        agency: str,
        values: Mapping[str, Any],
        *,
        source: str = "",
        complete: bool = True,
    ) -> Case:
        """Store a completed return as the agency's report (the previous one stays in the
        audit trail's old values) and mark the request returned, in one audited change.

        The answers must pass the agency report template in full: the rules that judged the
        document (domain/agency_return.py) are checked again here, so nothing else can
        store a return that the template refuses. `complete=False` is a part return (the
        Excel chronology on its own): it is judged as a draft and the request stays open.
        """
        form = self.forms[form_mapping.AGENCY_REPORT_FORM]
        plain = plain_json(dict(values))
        _require_storable(plain, lambda where: _answer_named(form, where))
        issues = form.validate(plain, finishing=True, today=self.today())
        finished = not any(i.severity == "error" for i in issues)
        if not complete:
            issues = form.validate(plain, finishing=False, today=self.today())
        # The review team's own answers (scope, dates) missing do not refuse a return: it
        # is stored as a draft until the case has them.
        errors = [
            i
            for i in issues
            if i.severity == "error"
            and i.path.split(".", 1)[0].split("[", 1)[0] not in CONTEXT_FIELDS
        ]
        if errors:
            raise ValidationFailed(
                f"the return from {agency} cannot be stored: {len(errors)} problem(s); "
                "nothing was saved.",
                details=[i.message for i in errors],
            )
        key = self._record_key(ref, form_mapping.AGENCY_REPORT_FORM, plain, agency)
        before, case = self._edit(ref)
        case.records[key] = Record(
            form_id=form_mapping.AGENCY_REPORT_FORM,
            template_version=int(form.version),
            values=plain,
            status=RecordStatus.COMPLETE if finished else RecordStatus.DRAFT,
            updated_at=_now(),
            updated_by=self.actor,
        )
        for request in case.agency_reports:
            if complete and request.agency.casefold() == agency.casefold():
                request.received_date = self.today().isoformat()
        why = f"returned report read from {source}" if source else "returned report"
        return self._commit(f"agency report returned: {agency}", before, case, why)

    # -- recommendations ----------------------------------------------------------------
    @_serialised
    def add_recommendation(
        self,
        ref: str,
        *,
        text: str,
        action: str = "",
        number: int | None = None,
        action_number: int | None = None,
        lead_agency: str = "",
        lead_officer: str = "",
        lead_officer_name: str = "",
        target_date: date | str | None = None,
        scope: str = "Multi-agency",
        theme_tags: Iterable[str] = (),
        impact_measure: str = "",
    ) -> Recommendation:
        """Add one action under a recommendation; its id is <ref>-R<number>-A<action>."""
        if not text.strip():
            raise ValidationFailed("a recommendation needs its text.")
        if scope not in ("Single-agency", "Multi-agency", "Partnership"):
            raise ValidationFailed(
                f"Scope must be Single-agency, Multi-agency or Partnership, not {scope!r}."
            )
        before, case = self._edit(ref)
        if number is None:
            same = [r.number for r in case.recommendations if r.text.strip() == text.strip()]
            number = (
                same[0] if same else max((r.number for r in case.recommendations), default=0) + 1
            )
        if action_number is None:
            action_number = (
                max(
                    (r.action_number for r in case.recommendations if r.number == number), default=0
                )
                + 1
            )
        rec_id = f"{case.ref}-R{number}-A{action_number}"
        if any(r.id == rec_id for r in case.recommendations):
            raise ValidationFailed(f"{rec_id} already exists on {ref}.")
        rec = Recommendation(
            id=rec_id,
            number=number,
            text=text.strip(),
            action_number=action_number,
            action=action.strip(),
            scope=scope,
            lead_agency=lead_agency.strip(),
            lead_officer=lead_officer.strip(),
            lead_officer_name=lead_officer_name.strip(),
            target_date=_iso(target_date, "Target date"),
            theme_tags=list(theme_tags),
            impact_measure=impact_measure,
            created_date=self.today().isoformat(),
            last_updated=self.today().isoformat(),
            last_updated_by=self.actor,
        )
        case.recommendations.append(rec)
        if rec.lead_agency and rec.lead_agency not in case.agencies:
            case.agencies.append(rec.lead_agency)
        self._commit(f"recommendation added: {rec_id}", before, case)
        return copy.deepcopy(rec)

    @_serialised
    def update_recommendation(
        self, ref: str, rec_id: str, changes: Mapping[str, Any], reason: str = ""
    ) -> Recommendation:
        """Change a recommendation; pausing, not accepting, superseding, overriding the RAG
        and revising the target date each need a reason (refused without)."""
        unknown = sorted(set(changes) - _EDITABLE_RECOMMENDATION_FIELDS)
        if unknown:
            raise UsageError(f"a recommendation has no editable field {', '.join(unknown)}.")
        _require_storable(
            plain_json({**changes, "reason": reason}),
            lambda where: f"{rec_id}: {where.replace('_', ' ')}",
        )
        before, case = self._edit(ref)
        rec = _find_recommendation(case, rec_id)
        self._apply_recommendation_changes(rec, changes, reason)
        self._commit(f"recommendation updated: {rec_id}", before, case, reason)
        return copy.deepcopy(rec)

    def _apply_recommendation_changes(
        self, rec: Recommendation, changes: Mapping[str, Any], reason: str
    ) -> None:
        updates = dict(changes)
        if "barrier" in updates:
            updates["barrier"] = form_mapping.barrier_from_form(updates["barrier"])
        for name in RECOMMENDATION_DATE_FIELDS:
            if name in updates:
                updates[name] = _iso(updates[name], name.replace("_", " ").capitalize())
        if "status" in updates:
            try:
                status = RecommendationStatus(updates["status"])
            except ValueError:
                allowed = ", ".join(s.value for s in RecommendationStatus)
                raise ValidationFailed(
                    f"{updates['status']!r} is not a recommendation status ({allowed})."
                ) from None
            updates["status"] = status
            if status != rec.status and status in workflow.REASON_REQUIRED_STATUSES:
                updates["status_reason"] = _need_reason(
                    str(updates.get("status_reason") or reason),
                    f"Changing {rec.id} to {status.value}",
                )
        if "rag_override" in updates:
            value = updates["rag_override"]
            try:
                rag = Rag(value) if value else None
            except ValueError:
                raise ValidationFailed(f"{value!r} is not a RAG rating.") from None
            updates["rag_override"] = rag
            if rag != rec.rag_override:
                updates["rag_override_reason"] = (
                    _need_reason(
                        str(updates.get("rag_override_reason") or reason),
                        f"Overriding the RAG rating of {rec.id}",
                    )
                    if rag is not None
                    else ""
                )
        revised = updates.get("revised_target_date", rec.revised_target_date)
        if revised is not None and revised != rec.revised_target_date:
            updates["revision_reason"] = _need_reason(
                str(updates.get("revision_reason") or reason),
                f"Revising the target date of {rec.id}",
            )
            updates["revisions"] = rec.revisions + 1
        if "scope" in updates and updates["scope"] not in (
            "Single-agency",
            "Multi-agency",
            "Partnership",
        ):
            raise ValidationFailed("Scope must be Single-agency, Multi-agency or Partnership.")
        for name, value in updates.items():
            setattr(rec, name, value)
        _check_completion(rec, self.today())
        rec.last_updated = self.today().isoformat()
        rec.last_updated_by = self.actor

    @_serialised
    def add_quarterly_update(
        self,
        ref: str,
        rec_id: str,
        narrative: str,
        status_after: RecommendationStatus | str,
        *,
        quarter: str | None = None,
        on: date | None = None,
        barrier: bool | str = False,
        reason: str = "",
        evidence: str | None = None,
        impact_evidence: str | None = None,
    ) -> Recommendation:
        """Append this quarter's update to the log and move the status (reason rules apply)."""
        from cspr_tui.domain.quarter import Quarter, quarter_of

        if not narrative.strip():
            raise ValidationFailed("a quarterly update needs its narrative.")
        day = on or self.today()
        code = Quarter.parse(quarter).code if quarter else quarter_of(day).code
        before, case = self._edit(ref)
        rec = _find_recommendation(case, rec_id)
        status_before = rec.status
        changes: dict[str, Any] = {"status": status_after, "barrier": barrier}
        if evidence is not None:
            changes["evidence"] = evidence
        if impact_evidence is not None:
            changes["impact_evidence"] = impact_evidence
        self._apply_recommendation_changes(rec, changes, reason)
        rec.updates.append(
            QuarterlyUpdate(
                quarter=code,
                date=day.isoformat(),
                narrative=narrative.strip(),
                status_before=status_before.value,
                status_after=rec.status.value,
                updated_by=self.actor,
            )
        )
        rec.last_updated = day.isoformat()
        self._commit(f"quarterly update {code}: {rec_id}", before, case, reason)
        return copy.deepcopy(rec)

    # -- deadlines ------------------------------------------------------------------------
    @_serialised
    def override_deadline(self, ref: str, rule: str, due_date: date | str, reason: str) -> Case:
        """Replace one deadline's due date, recording who and why."""
        reason = _need_reason(reason, f"Overriding deadline {rule}")
        due = _iso(due_date, "New due date")
        if due is None:
            raise ValidationFailed("an override needs the new due date.")
        before, case = self._edit(ref)
        case.overrides = [o for o in case.overrides if o.deadline != rule]
        case.overrides.append(DeadlineOverride(rule, due, reason, self.actor, _now()))
        return self._commit(f"deadline {rule} overridden", before, case, reason)

    @_serialised
    def pause_deadline(
        self, ref: str, rule: str, reason: str, *, start: date | None = None
    ) -> Case:
        """Stop one deadline's clock (e.g. pending a criminal trial), with its reason."""
        reason = _need_reason(reason, f"Pausing deadline {rule}")
        before, case = self._edit(ref)
        if any(p.deadline == rule and p.end is None for p in case.pauses):
            raise ValidationFailed(f"deadline {rule} of {ref} is already paused.")
        case.pauses.append(Pause((start or self.today()).isoformat(), reason, None, rule))
        return self._commit(f"deadline {rule} paused", before, case, reason)

    @_serialised
    def resume_deadline(
        self, ref: str, rule: str, reason: str = "", *, end: date | None = None
    ) -> Case:
        before, case = self._edit(ref)
        open_pauses = [p for p in case.pauses if p.deadline == rule and p.end is None]
        if not open_pauses:
            raise ValidationFailed(f"deadline {rule} of {ref} is not paused.")
        for pause in open_pauses:
            pause.end = (end or self.today()).isoformat()
        return self._commit(f"deadline {rule} resumed", before, case, reason)

    # -- exports and imports ---------------------------------------------------------------
    @_serialised
    def record_export(
        self,
        kind: str,
        ref: str | None,
        path: str,
        redacted: bool,
        details: str = "",
        *,
        sent: Mapping[str, Any] | None = None,
    ) -> None:
        """Put an export (a plaintext file leaving the vault) in the audit trail.

        `sent` (agency, token, version) also marks that agency's request as sent, in the
        same transaction: a fillable report and the token that matches its return are
        recorded together or not at all.
        """
        changes = [
            audit.Change("export.kind", None, kind),
            # The file is already written: a name the file system allows but UTF-8 cannot
            # hold (undecodable bytes) is recorded escaped, not refused.
            audit.Change("export.path", None, _storable_text(str(path))),
            audit.Change("export.redacted", None, bool(redacted)),
        ]
        if details:
            changes.append(audit.Change("export.details", None, _storable_text(details)))

        def entry() -> None:
            audit.append_entry(
                self.db, who=self.actor, action=f"exported {kind}", ref=ref, changes=changes
            )

        if sent is not None and ref is not None:
            before, case, name = self._report_sent(
                ref, str(sent["agency"]), str(sent["token"]), int(sent["version"]), None
            )
            self._commit(f"agency report sent: {name}", before, case, also=entry)
            return
        with self._transaction():
            entry()

    @_serialised
    def import_cases(self, cases: Iterable[Case], *, source: str = "") -> tuple[int, int]:
        """Add new cases and replace existing ones, all in one transaction (audited).

        Returns (added, updated). Nothing is written when anything fails. Cases and audit
        entries are written in bulk, so importing thousands of cases stays quick.
        """
        cached = self._cases()
        incoming = list(cases)
        refs = [case.ref for case in incoming]
        if len(set(refs)) != len(refs):
            raise ValidationFailed("the cases to import repeat a reference; nothing was imported.")
        why = f"imported from {source}" if source else "imported"
        _require_storable(why, lambda _where: "the import's source name")
        new_docs: list[dict[str, Any]] = []
        replacements: dict[str, dict[str, Any]] = {}
        entries: list[dict[str, Any]] = []
        for case in incoming:
            data = case_to_data(case)
            _require_storable(data, lambda where, ref=case.ref: f"{ref}: {where}")
            old = cached.get(case.ref)
            if old is None:
                new_docs.append(data)
            else:
                replacements[case.ref] = data
            entries.append(
                {
                    "who": self.actor,
                    "action": "case imported" if old is None else "case updated by import",
                    "ref": case.ref,
                    "changes": (
                        audit.diff_values(case_to_data(old.case), data)
                        if old
                        else [audit.Change("case.sha256", None, _digest(data))]
                    ),
                    "reason": why,
                }
            )
        table = self.db.table(CASES_TABLE, cache_size=0)

        def replace_doc(doc: dict[str, Any]) -> None:
            fresh = replacements[doc["ref"]]
            doc.clear()
            doc.update(fresh)

        with self._transaction():
            new_ids = table.insert_multiple(new_docs) if new_docs else []
            if replacements:
                ids = [cached[ref].doc_id for ref in replacements]
                table.update(replace_doc, doc_ids=ids)
            audit.append_entries(self.db, entries)
        if new_docs:
            self._sorted = None
        for doc_id, data in zip(new_ids, new_docs, strict=True):
            cached[data["ref"]] = _Entry(doc_id, data)
        for ref, data in replacements.items():
            self._forget_text(ref)
            cached[ref] = _Entry(cached[ref].doc_id, data)
        return len(new_docs), len(replacements)


def _answer_named(form: Any, where: str) -> str:
    """A form answer's place as the reviewer sees it: the form's title and the field label."""
    top = where.split(".", 1)[0].split("[", 1)[0]
    field = form.field(top)
    label = field.label if field is not None else top
    return f"the {form.title}'s answer {label!r}"


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def _check_person(case: Case, person: Person, index: int | None) -> None:
    people.check_person(case, person, index)


def _find_recommendation(case: Case, rec_id: str) -> Recommendation:
    for rec in case.recommendations:
        if rec.id == rec_id:
            return rec
    raise UsageError(f"{case.ref} has no recommendation {rec_id}.")


def _check_completion(rec: Recommendation, today: date) -> None:
    """Completed needs evidence; closed with impact needs the impact evidence (domain.md 7.1)."""
    if rec.status in (
        RecommendationStatus.COMPLETED_AWAITING_EVIDENCE,
        RecommendationStatus.COMPLETED_EVIDENCE_ACCEPTED,
        RecommendationStatus.CLOSED_IMPACT_EVIDENCED,
    ):
        if rec.status != RecommendationStatus.COMPLETED_AWAITING_EVIDENCE and not (
            rec.evidence.strip()
        ):
            raise ValidationFailed(f"{rec.id}: Evidence of completion is required for this status.")
        rec.date_completed = rec.date_completed or today.isoformat()
    if rec.status == RecommendationStatus.CLOSED_IMPACT_EVIDENCED:
        if not rec.impact_evidence.strip():
            raise ValidationFailed(f"{rec.id}: Impact evidence is required to close it.")
        rec.date_closed = rec.date_closed or today.isoformat()


def _sync_agency_report(case: Case, values: Mapping[str, Any]) -> None:
    """An agency report form also keeps the case's request list in step (the form's
    answers are the newer word on author, dates and depth)."""
    agency = str(values.get("agency") or "").strip()
    if not agency:
        return
    requested = _iso(values.get("date_requested"), "Date requested")
    due = _iso(values.get("due_date"), "Date due")
    depth = values.get("depth")
    for item in case.agency_reports:
        if item.agency.casefold() == agency.casefold():
            item.author = str(values.get("author_name") or item.author)
            item.author_role = str(values.get("author_role") or item.author_role)
            item.requested_date = requested or item.requested_date
            item.due_date = due or item.due_date
            if depth:
                item.depth = form_mapping.depth_from_form(depth)
            return
    case.agency_reports.append(
        AgencyReportRequest(
            agency=agency,
            author=str(values.get("author_name") or ""),
            author_role=str(values.get("author_role") or ""),
            requested_date=requested,
            due_date=due,
            depth=form_mapping.depth_from_form(depth),
        )
    )
    if agency not in case.agencies:
        case.agencies.append(agency)
