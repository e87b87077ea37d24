"""What an import of whole cases will write, worked out before anything is written.

`plan_import` checks every incoming case (no repeated reference, nothing the vault cannot
hold) and returns the new documents, the replacements and one audit entry per case: a new
case's entry keeps the SHA-256 of its canonical JSON, a replaced case's entry the
field-by-field diff. The store writes the plan in one transaction, so nothing is written
when anything fails.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cspr_tui.domain import audit
from cspr_tui.domain.case import Case
from cspr_tui.domain.case_json import case_to_data
from cspr_tui.domain.storable import require_storable
from cspr_tui.errors import ValidationFailed

__all__ = ["ImportPlan", "digest", "plan_import"]


def _named(ref: str, where: str) -> str:
    return f"{ref}: {where}"


def digest(data: Any) -> str:
    """The SHA-256 of a case's canonical JSON: what an imported case's audit entry keeps."""
    return hashlib.sha256(audit.canonical_json(data)).hexdigest()


@dataclass
class ImportPlan:
    new_docs: list[dict[str, Any]] = field(default_factory=list)
    replacements: dict[str, dict[str, Any]] = field(default_factory=dict)  # by reference
    entries: list[dict[str, Any]] = field(default_factory=list)  # for audit.append_entries


def plan_import(
    incoming: Iterable[Case],
    existing: Callable[[str], Case | None],
    *,
    who: str,
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
    every: int = 100,
) -> ImportPlan:
    """The plan for `incoming`; `existing(ref)` is the stored case of a reference already in
    the vault, else None (so only the cases the import replaces are built). Handed a
    one-pass iterator that holds the only references, each case is freed as it is planned.
    `progress(planned, total)` is told every `every` cases and at the end (a long import's
    save shows it)."""
    cases = list(incoming)
    total = len(cases)
    refs = [case.ref for case in cases]
    if len(set(refs)) != len(refs):
        raise ValidationFailed("the cases to import repeat a reference; nothing was imported.")
    why = f"imported from {source}" if source else "imported"
    require_storable(why, lambda _where: "the import's source name")
    plan = ImportPlan()
    cases.reverse()
    while cases:  # each case let go once its document is built: the two are not kept twice
        case = cases.pop()
        data = case_to_data(case)
        old = existing(case.ref)
        if old is None:
            # the digest's canonical JSON is the storable check too: text the vault cannot
            # hold (a lone surrogate) fails to encode, and only then is it looked for by name
            try:
                sha = digest(data)
            except UnicodeEncodeError:
                require_storable(data, functools.partial(_named, case.ref))
                raise
            plan.new_docs.append(data)
            changes = [audit.Change("case.sha256", None, sha)]
        else:
            require_storable(data, functools.partial(_named, case.ref))
            plan.replacements[case.ref] = data
            changes = audit.diff_values(case_to_data(old), data)
        action = "case imported" if old is None else "case updated by import"
        plan.entries.append(
            {"who": who, "action": action, "ref": case.ref, "changes": changes, "reason": why}
        )
        if progress is not None and (len(plan.entries) % every == 0 or not cases):
            progress(len(plan.entries), total)
    return plan
