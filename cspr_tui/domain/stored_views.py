"""What the case list and the first search read instead of the cases: each case's summary
and search text, stored beside it and written in the same transaction.

Unlocking a large vault must not parse every case document (at 10,000 cases that is most
of the unlock), so each case's summary (reference, pseudonym, stage, review type,
agencies) is kept in the `summaries` table and its search text (`search_text`) in the
`search` table, both under the case's own document id, by `sync`, which the vault runs
inside every save that touched a case. The vault parses a table on first use
(vault/journal.py's segmented snapshot): the dashboard reads only `summaries`, the first
text search only `search`. A vault written before these tables existed gets them at its
first save of a case; until then the read model builds them from the cases. `problems`
(run by `cspr verify`) checks them against the documents.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

__all__ = [
    "CASES_TABLE",
    "SEARCH_TABLE",
    "SUMMARIES_TABLE",
    "present",
    "problems",
    "search_doc",
    "search_parts",
    "search_text",
    "summary_doc",
    "sync",
    "text_of_view",
]

CASES_TABLE = "cases"
SUMMARIES_TABLE = "summaries"
SEARCH_TABLE = "search"
# Bumped whenever what a summary or a search text holds changes: the tables of another
# version are not read, and are written again whole at the next write.
VIEWS_VERSION = 1
_VERSION_FIELD = "v"
# The field of the views of a case document that cannot be summarised (no ref, say).
UNREADABLE = "unreadable"
_VIEWS = (SUMMARIES_TABLE, SEARCH_TABLE)
_MAX_LISTED = 20


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


def summary_doc(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The case list's row of a case document (what `read_model.CaseSummary` holds)."""
    return {
        "ref": doc["ref"],
        "pseudonym": doc["pseudonym"],
        "stage": doc.get("stage", "referral_received"),
        "review_type": doc.get("review_type", ""),
        "agencies": [
            *(doc.get("agencies") or ()),
            *(a["agency"] for a in doc.get("agency_reports") or ()),
        ],
        _VERSION_FIELD: VIEWS_VERSION,
    }


def search_doc(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The stored search view: the reference and the text's parts (`search_parts`)."""
    return {"ref": doc["ref"], _VERSION_FIELD: VIEWS_VERSION, **search_parts(doc)}


_MAKERS = ((SUMMARIES_TABLE, summary_doc), (SEARCH_TABLE, search_doc))


def sync(db: TinyDB, doc_ids: Iterable[int]) -> None:
    """Bring the views of these case documents (ids a save touched: written, added or
    removed) up to date, inside that save: the vault runs it before every save that
    touched a case (`Vault.derive_on_save`, set up by the store), so the views cannot
    disagree with the cases whoever wrote them. A vault written before the views, or with
    another version of them, gets every case's views written now. A document that cannot
    be summarised gets views saying so (`UNREADABLE`), so the case list reports it as the
    documents would, rather than leaving it out; `cspr verify` names the case."""
    if not present(db):
        for name in _VIEWS:
            db.drop_table(name)
        doc_ids = [doc.doc_id for doc in db.table(CASES_TABLE, cache_size=0)]
    cases = db.table(CASES_TABLE, cache_size=0)
    made: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in _VIEWS}
    gone: list[int] = []
    for doc_id in doc_ids:
        doc = cases.get(doc_id=doc_id)
        if doc is None:
            gone.append(doc_id)
            continue
        try:
            views = [(name, make(doc)) for name, make in _MAKERS]
        except (KeyError, TypeError, AttributeError, ValueError):
            views = [(name, {UNREADABLE: True, _VERSION_FIELD: VIEWS_VERSION}) for name in _VIEWS]
        for name, view in views:
            made[name][doc_id] = view
    for name in _VIEWS:
        _put(db.table(name, cache_size=0), made[name], gone)


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
    only the small summaries table is parsed.)"""
    names = db.tables()
    if CASES_TABLE not in names:
        return True  # no case yet: nothing to summarise
    if not all(name in names for name in _VIEWS):
        return False
    summaries = db.table(SUMMARIES_TABLE, cache_size=0)
    first = next(iter(summaries), None)
    return first is None or first.get(_VERSION_FIELD) == VIEWS_VERSION


def problems(db: TinyDB, docs: Iterable[Document], unreadable: Collection[int] = ()) -> list[str]:
    """Where the stored summaries and search texts disagree with the case documents (a
    vault whose views are missing gets them at its next write: not a problem). Cases in
    `unreadable` (document ids) are reported as such by the caller, so not again here."""
    if not present(db):
        return []
    found: list[str] = []
    ids: set[int] = set()
    for doc in docs:
        ids.add(doc.doc_id)
        if doc.doc_id in unreadable:
            continue
        for name, make in _MAKERS:
            try:
                expected = make(doc)
            except (KeyError, TypeError, AttributeError):
                continue  # an unreadable case is reported as such
            stored = db.table(name, cache_size=0).get(doc_id=doc.doc_id)
            if stored != expected:
                what = "summary" if name == SUMMARIES_TABLE else "search text"
                found.append(
                    f"the stored {what} of case {doc.get('ref')} does not match its document; "
                    "it is written again at the case's next save."
                )
    for name in _VIEWS:
        for view in db.table(name, cache_size=0):
            if view.doc_id not in ids:
                found.append(
                    f"the {name} table holds document {view.doc_id} ({view.get('ref')}), "
                    "which is no case."
                )
    if len(found) > _MAX_LISTED:
        found = [*found[:_MAX_LISTED], f"... and {len(found) - _MAX_LISTED} more like these."]
    return found
