"""A case's own details (reference, pseudonym, review method, agencies, notes), as pure rules.

`new_case` makes a case at "Referral received" once its reference and pseudonym are chosen;
`apply_details` changes what a reviewer may change directly (everything else moves through
the workflow). The store calls them and commits the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cspr_tui.domain.case import Case, Stage, StageChange
from cspr_tui.domain.case_json import REF_PATTERN
from cspr_tui.domain.stamp import Stamp
from cspr_tui.errors import UsageError, ValidationFailed

__all__ = [
    "EDITABLE_DETAILS",
    "apply_details",
    "check_detail_names",
    "check_new_ref",
    "new_case",
    "unique",
]

EDITABLE_DETAILS = frozenset({"pseudonym", "review_method", "agencies", "notes"})
_REF_RE = re.compile(REF_PATTERN)


def unique(items: Iterable[str]) -> list[str]:
    """The items trimmed, blanks and repeats left out, first spelling kept, in order."""
    seen: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def check_new_ref(ref: str, taken: Iterable[str]) -> None:
    """Refuse a chosen reference that is not CSPR-YYYY-NNN or is already in `taken`."""
    if not _REF_RE.match(ref):
        raise ValidationFailed(f"{ref!r} is not a case reference like CSPR-2026-004.")
    if ref in taken:
        raise ValidationFailed(f"a case {ref} already exists; choose another reference.")


def new_case(
    ref: str, pseudonym: str, stamp: Stamp, *, agencies: Iterable[str] = (), notes: str = ""
) -> Case:
    """A new case at "Referral received", its history starting with its creation."""
    return Case(
        ref=ref,
        pseudonym=pseudonym,
        created_at=stamp.now,
        agencies=unique(agencies),
        notes=notes,
        history=[StageChange(None, Stage.REFERRAL_RECEIVED, stamp.now, stamp.who, "case created")],
    )


def check_detail_names(changes: Mapping[str, Any]) -> None:
    """Refuse a change to anything but `EDITABLE_DETAILS` (UsageError, exit 2)."""
    unknown = sorted(set(changes) - EDITABLE_DETAILS)
    if unknown:
        raise UsageError(f"cannot change {', '.join(unknown)} here; use the workflow instead.")


def apply_details(case: Case, changes: Mapping[str, Any]) -> None:
    """Change the pseudonym (never to blank), review method, agencies or notes."""
    check_detail_names(changes)
    if "pseudonym" in changes:
        pseudonym = str(changes["pseudonym"] or "").strip()
        if not pseudonym:
            raise ValidationFailed('the case pseudonym cannot be empty (e.g. "Child A").')
        case.pseudonym = pseudonym
    if "review_method" in changes:
        case.review_method = str(changes["review_method"] or "")
    if "agencies" in changes:
        case.agencies = unique(changes["agencies"])
    if "notes" in changes:
        case.notes = str(changes["notes"] or "")
