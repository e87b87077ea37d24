"""The stored word index: word -> the case documents whose search text holds it, kept in the
vault beside the cases, so that the first search after unlock parses the postings of the
words asked for and nothing else.

The vault parses a table on its first use (vault/journal.py's segmented snapshot), so the
index is spread over `BUCKETS` tables by a stable hash of the word (`table_name`): a
one-word search parses one of them (about 1/1024 of the index). A word's postings are one
document per block of `BLOCK` consecutive document ids (of the cases table),
`{"w": word, "b": block, "<chunk>": "<ids>", ...}`: the ids holding it in chunks of `CHUNK`
consecutive ids, each a string of ids in ascending order. A save that adds or removes a
case from a word rewrites only that chunk (the change record patches top-level fields),
so a one-case save stays a few kilobytes however common the word, a save compares at most
BLOCK / CHUNK fields of a word's document, and the postings read back with `str.split`.
A word's block is stored under a document id computed from it (`_slot`, the next one
tried when taken by another), so a save finds it with one lookup; a block no case holds
any more becomes a tombstone (no word in it) where it was, so no lookup ever misses.

Words are `search_index.words` of the stored search texts (case-folded runs of word
characters, accents kept), so the index narrows a search exactly as the in-memory
`SearchIndex` does. It is derived from the stored search texts, never from anything else:
`stored_views.sync` writes both in the same save (the words that left or joined a case's
text), so they cannot disagree; `problems` (run by `cspr verify`) checks that they do not.
It holds case words, so it lives in the encrypted vault and goes with it at a lock.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from cspr_tui.domain.search_index import words

__all__ = [
    "BLOCK",
    "BUCKETS",
    "CHUNK",
    "Changes",
    "is_word_table",
    "note_change",
    "postings",
    "problems",
    "table_name",
    "write",
]

TABLE_PREFIX = "search_words_"
BUCKETS = 1024
CHUNK = 32
BLOCK = 1024
_WORD_FIELD = "w"
_BLOCK_FIELD = "b"
_FIELDS = (_WORD_FIELD, _BLOCK_FIELD)
_TABLE = re.compile(r"search_words_[0-9a-f]{3}")
_DIGITS = re.compile(r"[0-9]+")
_ID_LIST = re.compile(r"[0-9]+(?: [0-9]+)*")
_TOMBSTONE = {_WORD_FIELD: "", _BLOCK_FIELD: -1}
_MAX_TRIES = 64
SLOTS = 2**30  # document ids a word's block may take (a few hundred are used a table)


class Changes:
    """What a save does to the index: word -> the document ids that now hold it
    (`added`) and those that no longer do (`removed`). Lists, not sets: each entry is one
    pointer to the case's one id object (an import of thousands of cases notes millions)."""

    __slots__ = ("added", "removed")

    def __init__(self) -> None:
        self.added: defaultdict[str, list[int]] = defaultdict(list)
        self.removed: defaultdict[str, list[int]] = defaultdict(list)


def table_name(word: str) -> str:
    """The table a word's postings live in (crc32: the same in every process)."""
    key = zlib.crc32(word.encode("utf-8", "surrogatepass")) % BUCKETS
    return f"{TABLE_PREFIX}{key:03x}"


def is_word_table(name: str) -> bool:
    return _TABLE.fullmatch(name) is not None


def note_change(changes: Changes, doc_id: int, before: set[str], after: set[str]) -> None:
    """Record that a case's text went from the words `before` to `after` (once a case
    per save: the caller passes each document id once)."""
    added, removed = changes.added, changes.removed
    for word in after - before if before else after:
        added[word].append(doc_id)
    for word in before - after:
        removed[word].append(doc_id)


def _encode(ids: Iterable[int]) -> str:
    return " ".join(map(str, sorted(ids)))


def _ids_of(doc: Mapping[str, Any]) -> set[int]:
    """Every document id a word's stored document lists."""
    found: set[int] = set()
    for key, value in doc.items():
        if key not in _FIELDS:
            found.update(map(int, value.split()))
    return found


def _by_key(ids: Iterable[int], size: int) -> dict[int, list[int]]:
    """The ids in ascending order, grouped by `id // size`: cut where each group ends
    (a search per group, not a step per id: an import groups millions)."""
    ordered = sorted(ids)
    groups: dict[int, list[int]] = {}
    start, end = 0, len(ordered)
    while start < end:
        key = ordered[start] // size
        stop = bisect_left(ordered, (key + 1) * size, start)
        groups[key] = ordered[start:stop]
        start = stop
    return groups


def _word_doc(word: str, block: int, ids: Iterable[int]) -> dict[str, Any]:
    doc: dict[str, Any] = {_WORD_FIELD: word, _BLOCK_FIELD: block}
    for key, chunk in sorted(_by_key(ids, CHUNK).items()):
        doc[str(key)] = _encode(chunk)
    return doc


_Key = tuple[str, int]  # (word, block)


def _changer(changes: Mapping[_Key, tuple[list[int], list[int]]]) -> Callable[[Any], None]:
    """An updater that moves one stored word document's chunks by its changes; a document
    left with no chunk becomes a tombstone (the word gone from it, its place kept)."""

    def change(doc: MutableMapping[str, Any]) -> None:
        added, removed = changes[doc[_WORD_FIELD], doc[_BLOCK_FIELD]]
        adding, removing = _by_key(added, CHUNK), _by_key(removed, CHUNK)
        for number in adding.keys() | removing.keys():
            key = str(number)
            held = set(map(int, doc.get(key, "").split()))
            held.update(adding.get(number, ()))
            held.difference_update(removing.get(number, ()))
            if held:
                doc[key] = _encode(held)
            else:
                doc.pop(key, None)
        if len(doc) <= len(_FIELDS):
            doc.clear()
            doc.update(_TOMBSTONE)

    return change


def _slot(word: str, block: int, attempt: int) -> int:
    """The document id a word's block is stored under at the `attempt`-th try: found with
    one lookup, not by reading every document of the table (a save touches a few words)."""
    key = f"{attempt}:{block}:{word}".encode("utf-8", "surrogatepass")
    return zlib.crc32(key) % SLOTS + 1


def _find(table: Table, word: str, block: int, taken: Collection[int] = ()) -> tuple[bool, int]:
    """(True, its id) when the word's block is stored, else (False, the free id to store it
    under). Ids are tried in `_slot` order; a tombstone or another word's document is passed
    over, so nothing is ever moved and nothing is removed; `taken`: ids this save is about
    to use."""
    for attempt in range(_MAX_TRIES):
        doc_id = _slot(word, block, attempt)
        if doc_id in taken:
            continue
        doc = table.get(doc_id=doc_id)
        if doc is None:
            return False, doc_id
        if doc.get(_WORD_FIELD) == word and doc.get(_BLOCK_FIELD) == block:
            return True, doc_id
    raise ValueError("the search index has no free place for a word")  # (SLOTS ids)


def write(db: TinyDB, changes: Changes) -> None:
    """Apply word changes to the stored index, inside the caller's save: only the changed
    words' documents (of the changed blocks) read and written."""
    by_table: dict[str, dict[_Key, tuple[list[int], list[int]]]] = defaultdict(dict)
    for word, ids in changes.added.items():
        wanted = by_table[table_name(word)]
        for block, chunk in _by_key(ids, BLOCK).items():
            wanted[word, block] = (chunk, [])
    for word, ids in changes.removed.items():
        wanted = by_table[table_name(word)]
        for block, chunk in _by_key(ids, BLOCK).items():
            wanted.setdefault((word, block), ([], []))[1].extend(chunk)
    for name, wanted in by_table.items():
        table = db.table(name, cache_size=0)
        present: list[int] = []
        new: dict[int, Document] = {}
        for (word, block), (added, _removed) in wanted.items():
            stored, doc_id = _find(table, word, block, new)
            if stored:
                present.append(doc_id)
            elif added:
                new[doc_id] = Document(_word_doc(word, block, added), doc_id=doc_id)
        if present:
            table.update(_changer(wanted), doc_ids=present)
        if new:
            table.insert_multiple(new.values())


def postings(db: TinyDB, word: str) -> set[int]:
    """The document ids of the cases whose stored search text holds `word` (one table
    parsed, if it was not yet)."""
    found: set[int] = set()
    for doc in db.table(table_name(word), cache_size=0):
        if doc.get(_WORD_FIELD) == word:  # (a tombstone's word is "", never a word)
            found.update(_ids_of(doc))
    return found


def _checked_ids(name: str, doc: Document, table: Table) -> set[int] | None:
    """The ids a stored word document lists, or None unless it is readable, in the table
    its word hashes to and where a lookup finds it, and each id sits in its own block and
    chunk (each chunk checked whole: a pattern, then its least and greatest id)."""
    word, block = doc.get(_WORD_FIELD), doc.get(_BLOCK_FIELD)
    if not isinstance(word, str) or type(block) is not int or table_name(word) != name:
        return None
    if _find(table, word, block) != (True, doc.doc_id):
        return None
    found: set[int] = set()
    for key, value in doc.items():
        if key in _FIELDS:
            continue
        if not isinstance(value, str) or not _DIGITS.fullmatch(key):
            return None
        if not _ID_LIST.fullmatch(value):
            return None
        ids = list(map(int, value.split()))
        number = int(key)
        if min(ids) // CHUNK != number or max(ids) // CHUNK != number:
            return None
        if number * CHUNK // BLOCK != block:
            return None
        found.update(ids)
    return found


def problems(db: TinyDB, texts: Mapping[int, str], name_of: Callable[[int], str]) -> list[str]:
    """Where the stored index disagrees with the stored search texts (`texts`: document id
    -> text): each case listed under a word its text lacks, or missing from one it holds,
    is named once (by `name_of`; the words themselves are case data, so never printed)."""
    expected: dict[str, set[int]] = defaultdict(set)
    for doc_id, text in texts.items():
        for word in words(text):
            expected[word].add(doc_id)
    wrong: set[int] = set()
    misplaced = 0
    held: dict[str, set[int]] = defaultdict(set)
    seen: set[tuple[str, int]] = set()
    for name in sorted(name for name in db.tables() if is_word_table(name)):
        table = db.table(name, cache_size=0)
        for doc in table:
            if dict(doc) == _TOMBSTONE:
                continue
            key = (doc.get(_WORD_FIELD), doc.get(_BLOCK_FIELD))
            ids = _checked_ids(name, doc, table)
            if ids is None or key in seen:
                misplaced += 1
                continue
            seen.add(key)  # type: ignore[arg-type]  # (checked: a word and a block)
            held[doc[_WORD_FIELD]].update(ids)
    for word in expected.keys() | held.keys():
        wrong.update(held.get(word, set()) ^ expected.get(word, set()))
    found = [
        f"the stored search index does not match the search text of {name_of(doc_id)}; "
        "searches may miss it or list it wrongly. Restore a backup ('cspr backups' lists them)."
        for doc_id in sorted(wrong)
    ]
    if misplaced:
        found.append(
            f"the stored search index holds {misplaced} entr{'y' if misplaced == 1 else 'ies'} "
            "out of place or unreadable. Restore a backup ('cspr backups' lists them)."
        )
    return found
