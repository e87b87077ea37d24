"""The append-only, hash-chained audit trail kept inside the vault.

Every change to a case appends one entry to the vault's `audit` table, inside the same vault
transaction as the change, so the change and its record are saved together or not at all.
Each entry holds the SHA-256 of the previous entry (canonical JSON), and the vault's `meta`
table holds the head of the chain (last seq and hash), so `verify_chain` detects an entry that
was edited, deleted (including the last ones), reordered or inserted.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from tinydb import Query, TinyDB

__all__ = [
    "AUDIT_TABLE",
    "GENESIS_HASH",
    "HEAD_KEY",
    "META_TABLE",
    "AuditEntry",
    "Change",
    "append_entries",
    "append_entry",
    "canonical_json",
    "chain_head",
    "diff_values",
    "entry_hash",
    "export_changes",
    "read_trail",
    "storable_text",
    "verify_chain",
]

AUDIT_TABLE = "audit"
META_TABLE = "meta"
HEAD_KEY = "audit_head"
GENESIS_HASH = "0" * 64

_ENTRY_KEYS = ("seq", "at", "who", "ref", "action", "changes", "reason", "prev_hash", "hash")


@dataclass(frozen=True)
class Change:
    """One field that changed: its dotted path, the value before and the value after."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class AuditEntry:
    """One line of the trail, as read back for display or export."""

    seq: int
    at: str  # ISO datetime, UTC
    who: str
    ref: str | None
    action: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    prev_hash: str = GENESIS_HASH
    hash: str = ""


def canonical_json(value: Any) -> bytes:
    """One byte string per value, whatever the key order: the input to every hash.

    The bytes are those of stdlib json (sorted keys, no spaces, UTF-8, no NaN): every hash
    already stored was made so. orjson writes the same bytes several times faster for a
    value made only of str keys, str, int, bool, None, dicts and lists (its string escapes
    and key order are stdlib's, a test checks every code point); anything else (a float,
    whose text differs, a subclass, a lone surrogate, a huge integer) goes to stdlib json.
    """
    if _plain_json(value):
        try:
            return orjson.dumps(value, option=_ORJSON_CANONICAL)
        except (orjson.JSONEncodeError, TypeError):
            pass  # a lone surrogate or an integer beyond 64 bits: stdlib words it as before
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


_ORJSON_CANONICAL = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_SCALARS = frozenset({str, int, bool, type(None)})


def _plain_json(value: Any) -> bool:
    """Is `value` made only of exact str/int/bool/None, lists and dicts with str keys?"""
    stack = [value]
    scalars = _SCALARS
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in scalars:
            continue
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        else:
            return False
    return True


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 over every field of the entry except its own hash."""
    body = {k: entry.get(k) for k in _ENTRY_KEYS if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def default_actor(reviewer_name: str = "") -> str:
    """The reviewer named in settings, else the OS user name, so every entry says who."""
    if reviewer_name.strip():
        return reviewer_name.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user database entry (containers)
        return "unknown user"


def head(db: TinyDB) -> tuple[int, str]:
    """The chain's head (last entry number and its hash): what `cspr verify` prints and
    each export records, so a history rewritten later shows against copies that left."""
    return _head(db)


def _head(db: TinyDB) -> tuple[int, str]:
    meta = db.table(META_TABLE, cache_size=0)
    head = meta.get(Query().key == HEAD_KEY)
    if head is not None:
        return int(head["seq"]), str(head["hash"])
    entries = db.table(AUDIT_TABLE, cache_size=0).all()
    if not entries:
        return 0, GENESIS_HASH
    last = max(entries, key=lambda e: e.doc_id)
    return int(last.get("seq", 0)), str(last.get("hash", GENESIS_HASH))


def chain_head(db: TinyDB) -> tuple[int, str]:
    """The last entry's number and hash: what an export records to pin the history it saw."""
    return _head(db)


def append_entry(
    db: TinyDB,
    *,
    who: str,
    action: str,
    ref: str | None = None,
    changes: Iterable[Change] = (),
    reason: str = "",
    at: datetime | None = None,
) -> dict[str, Any]:
    """Append one entry and move the chain's head; call it inside the change's transaction."""
    return append_entries(
        db, [{"who": who, "action": action, "ref": ref, "changes": changes, "reason": reason}], at
    )[0]


def append_entries(
    db: TinyDB, items: Iterable[Mapping[str, Any]], at: datetime | None = None
) -> list[dict[str, Any]]:
    """Append many entries in one table write (an import of thousands of cases).

    Each item holds `who`, `action` and optionally `ref`, `changes` (Change objects whose
    values are JSON data) and `reason`; the entries are chained in the order given.
    """
    seq, prev_hash = _head(db)
    when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    entries: list[dict[str, Any]] = []
    for item in items:
        seq += 1
        entry: dict[str, Any] = {
            "seq": seq,
            "at": when,
            "who": item["who"],
            "ref": item.get("ref"),
            "action": item["action"],
            "changes": [
                {"field": c.field, "old": c.old, "new": c.new} for c in item.get("changes", ())
            ],
            "reason": item.get("reason", ""),
            "prev_hash": prev_hash,
        }
        entry["hash"] = prev_hash = entry_hash(entry)
        entries.append(entry)
    if not entries:
        return entries
    db.table(AUDIT_TABLE, cache_size=0).insert_multiple(entries)
    db.table(META_TABLE, cache_size=0).upsert(
        {"key": HEAD_KEY, "seq": seq, "hash": prev_hash}, Query().key == HEAD_KEY
    )
    return entries


def _to_entry(doc: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(
        seq=int(doc.get("seq", 0)),
        at=str(doc.get("at", "")),
        who=str(doc.get("who", "")),
        ref=doc.get("ref"),
        action=str(doc.get("action", "")),
        changes=[
            Change(str(c.get("field", "")), c.get("old"), c.get("new"))
            for c in doc.get("changes") or []
            if isinstance(c, Mapping)
        ],
        reason=str(doc.get("reason", "")),
        prev_hash=str(doc.get("prev_hash", "")),
        hash=str(doc.get("hash", "")),
    )


def read_trail(db: TinyDB, ref: str | None = None) -> list[AuditEntry]:
    """Entries in the order they were written, for one case or (ref None) all of them."""
    docs = sorted(db.table(AUDIT_TABLE, cache_size=0).all(), key=lambda d: d.doc_id)
    return [_to_entry(d) for d in docs if ref is None or d.get("ref") == ref]


def verify_chain(db: TinyDB) -> list[str]:
    """Every break in the chain, in plain English; an empty list means the trail is intact."""
    problems: list[str] = []
    docs = sorted(db.table(AUDIT_TABLE, cache_size=0).all(), key=lambda d: d.doc_id)
    prev_hash = GENESIS_HASH
    for position, doc in enumerate(docs, start=1):
        seq = doc.get("seq")
        label = f"audit entry {seq if isinstance(seq, int) else f'at position {position}'}"
        if seq != position:
            problems.append(
                f"{label} is out of sequence (expected number {position}): "
                "an entry was deleted, inserted or moved."
            )
        if doc.get("prev_hash") != prev_hash:
            problems.append(
                f"{label} does not follow the entry before it: "
                "the history was edited, reordered or cut."
            )
        try:
            recomputed = entry_hash(doc)
        except (TypeError, ValueError):
            recomputed = ""
        if doc.get("hash") != recomputed:
            problems.append(f"{label} was edited after it was written (its hash does not match).")
        prev_hash = str(doc.get("hash", ""))
    meta = db.table(META_TABLE, cache_size=0).get(Query().key == HEAD_KEY)
    if meta is not None:
        expected_hash = prev_hash if docs else GENESIS_HASH
        if meta.get("seq") != len(docs) or meta.get("hash") != expected_hash:
            problems.append(
                f"the audit trail ends at entry {len(docs)} but the vault recorded "
                f"{meta.get('seq')} entries: recent entries were removed or altered."
            )
    elif docs:
        problems.append("the audit trail has no recorded head: it was rebuilt or tampered with.")
    return problems


def storable_text(text: str) -> str:
    """`text` with any lone surrogate written as its escape (\\udcff), for what is recorded
    rather than entered (a file name the file system allowed)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def export_changes(kind: str, path: str, redacted: bool, details: str = "") -> list[Change]:
    """What an export's audit entry records: its kind, file, whether redacted, details.

    The file is already written: a name the file system allows but UTF-8 cannot hold
    (undecodable bytes) is recorded escaped, not refused.
    """
    changes = [
        Change("export.kind", None, kind),
        Change("export.path", None, storable_text(str(path))),
        Change("export.redacted", None, bool(redacted)),
    ]
    if details:
        changes.append(Change("export.details", None, storable_text(details)))
    return changes


def diff_values(old: Any, new: Any, prefix: str = "") -> list[Change]:
    """The leaf fields that differ between two JSON-like values, with dotted paths.

    Equal values are passed over whole (one comparison in C, the same `==` the leaves
    use), so a one-field edit of a large case walks only the path to that field.
    """
    if old == new:
        return []
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[Change] = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            changes.extend(diff_values(old.get(key), new.get(key), path))
        return changes
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        changes = []
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            changes.extend(diff_values(before, after, f"{prefix}[{index}]"))
        return changes
    if old == new:
        return []
    return [Change(prefix or "(value)", old, new)]
