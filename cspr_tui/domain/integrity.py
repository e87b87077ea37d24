"""What `cspr verify` checks inside a decrypted vault, beyond the file's own authentication.

The vault's AEAD proves the file came from someone holding the key; these checks prove the
content still makes sense as a case vault: the audit chain is whole, every case document
reads back as a Case, references are unique and the schema version is one we know.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from tinydb import Query, TinyDB

from cspr_tui.domain import stored_views
from cspr_tui.domain.audit import META_TABLE, verify_chain
from cspr_tui.domain.case import RECOMMENDATION_DATE_FIELDS
from cspr_tui.domain.case_json import REF_PATTERN, case_from_data, case_problems, case_to_data
from cspr_tui.forms.dates import DateFormatError, iso_date

__all__ = ["CASES_TABLE", "SCHEMA_KEY", "SCHEMA_VERSION", "check", "stamp_schema"]

CASES_TABLE = stored_views.CASES_TABLE
SCHEMA_KEY = "schema_version"
SCHEMA_VERSION = 1
_MAX_LISTED = 20  # per kind of problem, so a wrecked vault still prints a readable report


def stamp_schema(db: TinyDB) -> None:
    """Record the case schema version on a vault's first write (inside its transaction), so
    a later cspr can tell what it reads."""
    meta = db.table(META_TABLE, cache_size=0)
    if meta.get(Query().key == SCHEMA_KEY) is None:
        meta.insert({"key": SCHEMA_KEY, "value": SCHEMA_VERSION})


def check(db: TinyDB, deadlines: stored_views.Deadlines | None = None) -> list[str]:
    """Every problem found in the vault's contents, in plain English; empty when sound.
    With `deadlines` (the settings in use), the stored deadline plans worked out with
    those settings are checked too (stored_views.problems)."""
    problems: list[str] = []
    meta = db.table(META_TABLE, cache_size=0).get(Query().key == SCHEMA_KEY)
    if meta is not None and meta.get("value") != SCHEMA_VERSION:
        problems.append(
            f"the vault's case schema version {meta.get('value')!r} is not one this version "
            f"of cspr knows (expected {SCHEMA_VERSION}); use a newer cspr."
        )
    problems.extend(_limit(verify_chain(db), "audit"))

    docs = db.table(CASES_TABLE, cache_size=0).all()
    refs = Counter(d.get("ref") for d in docs if isinstance(d.get("ref"), str))
    problems.extend(
        f"the case reference {ref} is used by {count} case documents."
        for ref, count in refs.items()
        if count > 1
    )
    unreadable: list[str] = []
    unreadable_ids: set[int] = set()
    for doc in docs:
        name = (
            f"case {doc.get('ref')}"
            if isinstance(doc.get("ref"), str)
            else f"case document {doc.doc_id}"
        )
        if _reads_back(doc):
            continue
        found = case_problems(dict(doc), "$")
        if not found:
            try:
                case_from_data(doc)
            except (KeyError, TypeError, ValueError) as exc:
                found = [f"$: {exc.__class__.__name__}: {exc}"]
        unreadable.extend(f"{name} does not read back as a case: {p}" for p in found[:3])
        if found:
            unreadable_ids.add(doc.doc_id)
    problems.extend(_limit(unreadable, "case"))
    problems.extend(stored_views.problems(db, docs, unreadable_ids, deadlines))
    return problems


_TEXT_FIELDS = ("ref", "pseudonym", "created_at", "review_type", "review_method", "notes")


def _reads_back(doc: Mapping[str, Any]) -> bool:
    """A fast sufficient test (a tenth of the schema's cost): the document rebuilds into a
    Case that serialises back to exactly the same data, with real dates and text fields.

    Anything it does not vouch for goes through the full schema for precise messages.
    """
    try:
        data = case_to_data(case_from_data(doc))
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    if data != doc or not all(isinstance(doc[name], str) for name in _TEXT_FIELDS):
        return False
    if not _REF.match(doc["ref"]) or not doc["pseudonym"]:
        return False
    return all(_is_date(value) for value in _dates(data))


def _dates(data: Mapping[str, Any]) -> list[Any]:
    found: list[Any] = []
    for pause in data["pauses"]:
        found.extend([pause["start"], pause["end"]])
    found.extend(o["due_date"] for o in data["overrides"])
    for report in data["agency_reports"]:
        found.extend([report["requested_date"], report["due_date"], report["received_date"]])
        found.append(report.get("sent_date"))
    for rec in data["recommendations"]:
        found.extend(rec[name] for name in RECOMMENDATION_DATE_FIELDS)
        found.extend(u["date"] for u in rec["updates"])
    return [value for value in found if value is not None]


_REF = re.compile(REF_PATTERN)


def _is_date(value: Any) -> bool:
    """Stored as the one reader of stored dates reads it (`forms.dates.iso_date`)."""
    if not isinstance(value, str):
        return False
    try:
        iso_date(value)
    except DateFormatError:
        return False
    return True


def _limit(problems: list[str], kind: str) -> list[str]:
    if len(problems) <= _MAX_LISTED:
        return problems
    hidden = len(problems) - _MAX_LISTED
    return [*problems[:_MAX_LISTED], f"... and {hidden} more {kind} problems."]
