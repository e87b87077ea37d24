"""What the case list and the first search read instead of the cases: each case's summary,
its search text and the words of it, stored beside it and written in the same transaction.

Unlocking a large vault must not parse every case document (at 10,000 cases that is most
of the unlock), so each case's summary (reference, pseudonym, stage, review type,
agencies) is kept in the `summaries` table and its search text (`search_text`) in one of
`TEXT_BUCKETS` search-text tables (`search_table`, by document id), both under the case's
own document id, and the words of every text in the stored word index
(domain/word_index.py), all by `sync`, which the vault runs inside every save that
touched a case. The vault parses a table on first use (vault/journal.py's segmented
snapshot): the dashboard reads only `summaries`; the first text search reads the index
tables of its words and, for a phrase of several words, the text tables of the cases
holding them all. A vault written before these tables existed (or with another version
of them) gets them all at its first save of a case; until then the read model builds
what it needs from the cases. `problems` (run by `cspr verify`) checks them against the
documents.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from cspr_tui.domain import deadline, word_index, workflow
from cspr_tui.domain.calendar import WorkingCalendar
from cspr_tui.domain.case import Case, Stage
from cspr_tui.domain.case_json import case_from_data
from cspr_tui.domain.search_index import words
from cspr_tui.errors import CsprError
from cspr_tui.settings import Settings

__all__ = [
    "CASES_TABLE",
    "PLAN_FIELD",
    "SUMMARIES_TABLE",
    "TEXT_BUCKETS",
    "Deadlines",
    "is_text_table",
    "present",
    "problems",
    "search_doc",
    "search_parts",
    "search_table",
    "search_text",
    "stored_search",
    "summary_doc",
    "sync",
    "text_of_view",
]

CASES_TABLE = "cases"
SUMMARIES_TABLE = "summaries"
# The one search-text table of version 1 (dropped when a vault's views are written again).
LEGACY_SEARCH_TABLE = "search"
# The search texts are spread over this many tables by document id, so that reading one
# case's text parses about 1/TEXT_BUCKETS of them (a phrase's candidates are confirmed so).
TEXT_BUCKETS = 1024
_TEXT_PREFIX = "search_texts_"
_TEXT_TABLE = re.compile(r"search_texts_[0-9a-f]{3}")
# Bumped whenever what a summary, a search text or the word index holds changes: the
# tables of another version are not read, and are written again whole at the next write.
# 2: the search texts spread over TEXT_BUCKETS tables, and the stored word index.
# 3: each summary holds its case's deadline plan and its stage's label (the dashboard
# reads no case).
VIEWS_VERSION = 3
_VERSION_FIELD = "v"
# The field of the views of a case document that cannot be summarised (no ref, say).
UNREADABLE = "unreadable"
_MAX_LISTED = 20
# The summary's field holding its deadline plan (`summary_doc`).
PLAN_FIELD = "dl"
# How many cases between two reports of `sync`'s progress (when it is asked for).
_REPORT_EVERY = 100


def search_table(doc_id: int) -> str:
    """The table holding the stored search text of the case document `doc_id`."""
    return f"{_TEXT_PREFIX}{doc_id % TEXT_BUCKETS:03x}"


def is_text_table(name: str) -> bool:
    return _TEXT_TABLE.fullmatch(name) is not None


def _is_view_table(name: str) -> bool:
    return (
        name in (SUMMARIES_TABLE, LEGACY_SEARCH_TABLE)
        or is_text_table(name)
        or word_index.is_word_table(name)
    )


def stored_search(db: TinyDB, doc_id: int) -> Document | None:
    """One case's stored search view (one text table parsed, if it was not yet)."""
    found = db.table(search_table(doc_id), cache_size=0).get(doc_id=doc_id)
    return found if isinstance(found, Document) else None


def search_parts(doc: Mapping[str, Any]) -> dict[str, str]:
    """A case's search text in parts, lower-cased: the case itself (reference, pseudonym,
    notes), each form record's answers, the recommendations (text and action) and the
    agency reports' authors and roles (their request owns them). Stored as separate
    fields, so a save that changes one record rewrites that part only."""
    parts = {"p:case": _joined([doc["ref"], doc["pseudonym"], doc.get("notes", "")])}
    for record_id, record in (doc.get("records") or {}).items():
        parts[f"p:record:{record_id}"] = _joined(_answers(record.get("values") or {}))
    recommendations: list[str] = []
    for rec in doc.get("recommendations") or ():
        recommendations.append(rec["text"])
        recommendations.append(rec.get("action", ""))
    parts["p:recommendations"] = _joined(recommendations)
    reports: list[str] = []
    for report in doc.get("agency_reports") or ():  # a report's author answers live here
        reports.append(report.get("author") or "")
        reports.append(report.get("author_role") or "")
    parts["p:reports"] = _joined(reports)
    return parts


def _joined(parts: list[str]) -> str:
    return "\x00".join(parts).casefold()


def _answers(values: Any) -> list[str]:
    """Every answer of a record as text (lists and groups walked), for search."""
    found: list[str] = []
    stack: list[Any] = [values]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            found.append(value)
        elif kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif value is not None and not isinstance(value, bool):
            found.append(str(value))
    return found


def text_of_view(view: Mapping[str, Any]) -> str:
    """The whole search text of a stored search view (its parts, joined)."""
    return "\x00".join(value for key, value in view.items() if key.startswith("p:"))


def search_text(doc: Mapping[str, Any]) -> str:
    """Reference, pseudonym, notes, every form answer (an agency report's author and role
    from its request, which owns them) and every recommendation's text and action,
    lower-cased, for whole-word search; read from the document, so a search needs no
    `Case`.

    Parts are joined by a separator no one types. White space is left as it is (normalising
    it cost more than the rest together): `read_model.phrase_matcher` lets a space in the
    phrase match any run of white space, so a phrase still matches within one answer
    whatever its breaks.
    """
    return "\x00".join(search_parts(doc).values())


@dataclass(frozen=True)
class Deadlines:
    """What a stored summary's deadline plan is worked out with: the settings, their
    calendar and a day (which does not change a plan; domain.deadline.deadline_plan)."""

    settings: Settings
    calendar: WorkingCalendar
    today: date

    @property
    def key(self) -> str:
        return deadline.plan_key(self.settings)


def _light_case(doc: Mapping[str, Any]) -> Case:
    """The case without what neither its deadlines nor its stage's label read (its
    recommendations, people and redaction decisions: most of a case's building)."""
    return case_from_data({**doc, "recommendations": [], "people": [], "redaction_decisions": []})


# What a case's deadlines read of its form records (domain.deadline: the dates, and the
# review's answer to "statutory").
_DEADLINE_FIELDS: dict[str, set[str]] = defaultdict(set)
for _form_id, _field_id in [
    *(where for places in deadline.DATE_FIELDS.values() for where in places),
    ("review", "statutory"),
]:
    _DEADLINE_FIELDS[_form_id].add(_field_id)


def deadline_inputs(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a case document its deadlines are worked out from (and its stage's
    label): kept in the summary of a case whose plan changes every day (an open pause),
    so the dashboard works them out without reading the cases."""
    records = {}
    for key, record in (doc.get("records") or {}).items():
        wanted = _DEADLINE_FIELDS.get(key)
        if wanted is not None:
            values = record.get("values") or {}
            records[key] = {
                **{k: v for k, v in record.items() if k != "values"},
                "values": {k: v for k, v in values.items() if k in wanted},
            }
    keep = ("ref", "pseudonym", "stage", "review_type", "pauses", "overrides", "agency_reports")
    return {**{k: doc[k] for k in keep if k in doc}, "records": records}


def summary_doc(doc: Mapping[str, Any], deadlines: Deadlines | None = None) -> dict[str, Any]:
    """The case list's row of a case document (what `read_model.CaseSummary` holds): with
    `deadlines`, also its deadline plan (`PLAN_FIELD`: {"k": the settings' key, "d": the
    plan, or None while a pause is open or when the settings do not read, and then "c":
    `deadline_inputs`}; None without settings)."""
    stage = doc.get("stage", "referral_received")
    case: Case | None = None
    label = None
    if stage == Stage.PAUSED.value:  # "Publication deferred..." needs the case's pauses
        case = _light_case(doc)
        label = workflow.stage_label(case)
    plan: dict[str, Any] | None = None
    if deadlines is not None:
        try:
            planned = deadline.deadline_plan(
                case or _light_case(doc), deadlines.settings, deadlines.today, deadlines.calendar
            )
        except CsprError:
            planned = None  # bad settings: the read model works them out (and says so)
        plan = {"k": deadlines.key, "d": planned}
        if planned is None:  # worked out as of the day asked, from what they read
            plan["c"] = deadline_inputs(doc)
    return {
        "ref": doc["ref"],
        "pseudonym": doc["pseudonym"],
        "stage": stage,
        "review_type": doc.get("review_type", ""),
        "agencies": [
            *(doc.get("agencies") or ()),
            *(a["agency"] for a in doc.get("agency_reports") or ()),
        ],
        "stage_label": label,
        PLAN_FIELD: plan,
        _VERSION_FIELD: VIEWS_VERSION,
    }


def search_doc(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The stored search view: the reference and the text's parts (`search_parts`)."""
    return {"ref": doc["ref"], _VERSION_FIELD: VIEWS_VERSION, **search_parts(doc)}


def sync(
    db: TinyDB,
    doc_ids: Iterable[int],
    deadlines: Deadlines | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Bring the views of these case documents (ids a save touched: written, added or
    removed) up to date, inside that save: the vault runs it before every save that
    touched a case (`Vault.derive_on_save`, set up by the store), so the views cannot
    disagree with the cases whoever wrote them. The word index moves by the words that
    left or joined each case's stored text (read before it is replaced), so a one-field
    save rewrites only those words' chunks. A vault written before the views, or with
    another version of them, gets every case's views written now. A document that cannot
    be summarised gets views saying so (`UNREADABLE`), so the case list reports it as the
    documents would, rather than leaving it out; `cspr verify` names the case.

    With `deadlines`, each summary holds its case's deadline plan worked out with those
    settings; when the stored plans were worked out with other settings (or none), every
    case's summary is written again now (the search texts stay as they are)."""
    rebuild = not present(db)
    if rebuild:
        for name in [name for name in db.tables() if _is_view_table(name)]:
            db.drop_table(name)
        doc_ids = [doc.doc_id for doc in db.table(CASES_TABLE, cache_size=0)]
    doc_ids = list(dict.fromkeys(doc_ids))  # each once (the word index notes each once)
    cases = db.table(CASES_TABLE, cache_size=0)
    summaries: dict[int, dict[str, Any]] = {}
    texts: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    gone: list[int] = []
    changes = word_index.Changes()
    if not rebuild and deadlines is not None and plan_key_of(db) != deadlines.key:
        touched = set(doc_ids)
        for other in cases:  # planned with other settings: every summary again
            if other.doc_id not in touched:
                summaries[other.doc_id] = _summary_or_unreadable(other, deadlines)
    total = len(doc_ids)
    for done, doc_id in enumerate(doc_ids, 1):
        if progress is not None and (done % _REPORT_EVERY == 0 or done == total):
            progress(done, total)  # (told every hundred cases: an import's save)
        old = None if rebuild else stored_search(db, doc_id)
        doc = cases.get(doc_id=doc_id)
        if doc is None:
            gone.append(doc_id)
            before = words(text_of_view(old)) if old is not None else set()
            word_index.note_change(changes, doc_id, before, set())
            continue
        try:
            search = search_doc(doc)
        except _BAD_DOCUMENT:
            search = {UNREADABLE: True, _VERSION_FIELD: VIEWS_VERSION}
        summaries[doc_id] = _summary_or_unreadable(doc, deadlines)
        texts[search_table(doc_id)][doc_id] = search
        word_index.note_change(changes, doc_id, *_words_moved(old, search))
    _put(db.table(SUMMARIES_TABLE, cache_size=0), summaries, gone)
    for name in sorted({*texts, *(search_table(doc_id) for doc_id in gone)}):
        removed = [doc_id for doc_id in gone if search_table(doc_id) == name]
        _put(db.table(name, cache_size=0), texts.get(name, {}), removed)
    word_index.write(db, changes)


_BAD_DOCUMENT = (KeyError, TypeError, AttributeError, ValueError)


def _summary_or_unreadable(doc: Mapping[str, Any], deadlines: Deadlines | None) -> dict[str, Any]:
    try:
        return summary_doc(doc, deadlines)
    except _BAD_DOCUMENT:
        return {UNREADABLE: True, _VERSION_FIELD: VIEWS_VERSION}


def plan_key_of(db: TinyDB) -> str | None:
    """The settings key the stored deadline plans were worked out with (that of the first
    summary: every save writes them all with the same one), or None (none stored)."""
    if SUMMARIES_TABLE not in (db.storage.read() or {}):
        return None
    for view in db.table(SUMMARIES_TABLE, cache_size=0):
        if PLAN_FIELD in view:  # (not an unreadable case's)
            plan = view[PLAN_FIELD]
            return plan.get("k") if isinstance(plan, dict) else None
    return None


def _words_moved(
    old: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> tuple[set[str], set[str]]:
    """The words a save took out of a case's stored text and those it put in. Only the
    parts the save changed are split (a one-field save changes one part; no word spans
    two parts, whose separator is no word character); a word that left or joined them is
    then looked for in the parts left as they were, which may still hold it."""
    if old is None:
        return set(), words(text_of_view(new))
    same = [key for key, value in new.items() if key.startswith("p:") and old.get(key) == value]
    was = words("\x00".join(v for k, v in old.items() if k.startswith("p:") and k not in same))
    now = words("\x00".join(v for k, v in new.items() if k.startswith("p:") and k not in same))
    gone, came = was - now, now - was
    if gone or came:
        kept = "\x00".join(new[key] for key in same)
        held = {word for word in gone | came if _holds_word(kept, word)}
        gone -= held
        came -= held
    return gone, came


def _holds_word(text: str, word: str) -> bool:
    """Does `text` hold `word` as a whole run of word characters (as `words` splits)?"""
    size = len(word)
    found = text.find(word)
    while found >= 0:
        end = found + size
        if (found == 0 or not _is_word(text[found - 1])) and (
            end == len(text) or not _is_word(text[end])
        ):
            return True
        found = text.find(word, found + 1)
    return False


def _is_word(char: str) -> bool:
    """What `re` counts as a word character (`\\w`) in a str pattern."""
    return char.isalnum() or char == "_"


def _replacing(view: dict[str, Any]) -> Callable[[MutableMapping[Any, Any]], None]:
    def replace(doc: MutableMapping[Any, Any]) -> None:
        doc.clear()
        doc.update(view)

    return replace


def _put(table: Table, docs: dict[int, dict[str, Any]], gone: list[int]) -> None:
    """Write each view over the stored one of the same id (or add it); remove `gone`."""
    stale = [doc_id for doc_id in gone if table.contains(doc_id=doc_id)]
    if stale:
        table.remove(doc_ids=stale)
    present = [doc_id for doc_id in docs if table.contains(doc_id=doc_id)]
    for doc_id in present:  # replaced whole: a record's part may have gone
        table.update(_replacing(docs[doc_id]), doc_ids=[doc_id])
    kept = set(present)
    new = [Document(view, doc_id=doc_id) for doc_id, view in docs.items() if doc_id not in kept]
    if new:
        table.insert_multiple(new)


def present(db: TinyDB) -> bool:
    """Are the stored views there, and of this version? (Table names and one document:
    only the small summaries table is parsed; every save writes all of them together.)"""
    names = db.storage.read() or {}  # (tables by name: no set of thousands made per save)
    if CASES_TABLE not in names:
        return True  # no case yet: nothing to summarise
    if SUMMARIES_TABLE not in names:
        return False
    summaries = db.table(SUMMARIES_TABLE, cache_size=0)
    first = next(iter(summaries), None)
    return first is None or first.get(_VERSION_FIELD) == VIEWS_VERSION


def problems(
    db: TinyDB,
    docs: Iterable[Document],
    unreadable: Collection[int] = (),
    deadlines: Deadlines | None = None,
) -> list[str]:
    """Where the stored summaries, search texts and word index disagree with the case
    documents (a vault whose views are missing gets them at its next write: not a problem).
    Cases in `unreadable` (document ids) are reported as such by the caller, so not again
    here. A summary's deadline plan is checked when it was worked out with `deadlines`'
    settings (the only plans the read model uses with them); one worked out with other
    settings is never used with these, and is written again at the next save."""
    if not present(db):
        return []
    found: list[str] = []
    refs: dict[int, Any] = {}
    summaries = db.table(SUMMARIES_TABLE, cache_size=0)
    key = deadlines.key if deadlines is not None else None
    for doc in docs:
        refs[doc.doc_id] = doc.get("ref")
        if doc.doc_id in unreadable:
            continue
        summary: Mapping[str, Any] | None = summaries.get(doc_id=doc.doc_id)
        plan = summary.get(PLAN_FIELD) if isinstance(summary, Mapping) else None
        planned = isinstance(plan, dict) and plan.get("k") == key

        def make_summary(doc: Mapping[str, Any], planned: bool = planned) -> dict[str, Any]:
            return summary_doc(doc, deadlines if planned else None)

        if isinstance(summary, Mapping) and not planned:
            summary = {**summary, PLAN_FIELD: None}  # checked without its plan
        for what, make, stored in (
            ("summary", make_summary, summary),
            ("search text", search_doc, stored_search(db, doc.doc_id)),
        ):
            try:
                expected = make(doc)
            except (KeyError, TypeError, AttributeError):
                continue  # an unreadable case is reported as such
            if stored != expected:
                found.append(
                    f"the stored {what} of case {doc.get('ref')} does not match its document; "
                    "it is written again at the case's next save."
                )
    texts: dict[int, str] = {}
    for name in [SUMMARIES_TABLE, *sorted(n for n in db.tables() if is_text_table(n))]:
        what = "summaries table" if name == SUMMARIES_TABLE else "search texts"
        for view in db.table(name, cache_size=0):
            if name != SUMMARIES_TABLE:
                texts[view.doc_id] = text_of_view(view)
            if view.doc_id not in refs:
                found.append(
                    f"the {what} hold{'s' if name == SUMMARIES_TABLE else ''} document "
                    f"{view.doc_id} ({view.get('ref')}), which is no case."
                )
            elif name != SUMMARIES_TABLE and name != search_table(view.doc_id):
                found.append(f"the search text of case {refs[view.doc_id]} is out of place.")

    def name_of(doc_id: int) -> str:
        return f"case {refs[doc_id]}" if doc_id in refs else f"document {doc_id}"

    found.extend(word_index.problems(db, texts, name_of))
    if len(found) > _MAX_LISTED:
        found = [*found[:_MAX_LISTED], f"... and {len(found) - _MAX_LISTED} more like these."]
    return found
