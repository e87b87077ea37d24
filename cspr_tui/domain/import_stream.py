"""Checking an import file case by case, with progress, and saving it all or nothing.

`parse_case_file` checks a whole file in one go and says nothing until it is done, which
for thousands of cases is a long silence. Here the file's envelope (format, version) is
checked first, then each case on its own (the case schema, its records by their forms, a
repeated reference), reporting progress as it goes. A file with any problem is handed to
`parse_case_file`, so the refusal lists every problem exactly as it always has; a file
without one gives the same cases. The store then saves them in one transaction
(`CaseStore.import_cases`): nothing is written unless every case is good.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cspr_tui.domain.case import Case
from cspr_tui.domain.case_json import (
    case_from_data,
    case_problems,
    case_record_problems,
    parse_case_file,
)
from cspr_tui.domain.read_model import gc_paused

__all__ = ["ImportProgress", "ImportResult", "check_cases", "collector_paused", "import_cases"]

# (stage, done, total): stage is "checking" (cases checked so far), then "saving" (0 of the
# cases as the save starts, all of them once it is done) and, in between, the save's own
# steps: "preparing" (cases whose document and audit entry are built), "indexing" (cases
# whose summary and search text are written) and "writing" (bytes of a new snapshot sealed
# into the file, when the import is large enough to be saved as one).
ImportProgress = Callable[[str, int, int], None]
# How many cases between two progress reports while checking.
REPORT_EVERY = 100


@dataclass(frozen=True)
class ImportResult:
    cases: int
    added: int
    updated: int


# An import makes millions of dicts and lists (the parsed file, the cases, their stored
# documents) and keeps them all until the end: with the collector on, each collection walked
# every one still alive, again and again over a growing heap (at 5,000 cases, a third of the
# import's time). The read model's pause is the one place that switches it off.
collector_paused = gc_paused


def _case_fits(item: Any, index: int, forms: Any) -> bool:
    if not isinstance(item, Mapping):
        return False
    where = f"$.cases[{index}]"
    return not case_problems(item, where) and not case_record_problems(item, where, forms)


def _stand_in(ref: Any) -> dict[str, Any]:
    """What a case already checked and built leaves in the file: the least case the schema
    takes, with its reference, so a refusal later in the file words exactly the problems
    the whole file has (none of them in a checked case; a reference repeated later is still
    found)."""
    return {"ref": ref, "pseudonym": "Child A", "stage": "referral_received"}


def check_cases(
    data: Any,
    forms: Any = None,
    *,
    progress: ImportProgress | None = None,
    consume: bool = False,
) -> list[Case]:
    """The file's cases, checked one by one with progress; raises ValidationFailed listing
    every problem (through `parse_case_file`) if any case or the envelope is wrong.

    With `consume`, the parsed file is handed over: each case checked and built is
    replaced in `data` by a stand-in, so the parsed file and the built cases are never
    all alive at once (about 300 and 110 MiB for 5,000 cases). The refusal is the same."""
    items = data.get("cases") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        return parse_case_file(data, forms)
    parse_case_file({**data, "cases": []}, forms)  # the envelope: format, version, keys
    total = len(items)
    seen: set[Any] = set()
    cases: list[Case] = []
    for index, item in enumerate(items):
        ref = item.get("ref") if isinstance(item, Mapping) else None
        if not _case_fits(item, index, forms) or ref in seen:
            return parse_case_file(data, forms)  # every problem, worded as always
        seen.add(ref)
        cases.append(case_from_data(item))
        if consume:
            items[index] = _stand_in(ref)
        if progress is not None and ((index + 1) % REPORT_EVERY == 0 or index + 1 == total):
            progress("checking", index + 1, total)
    return cases


def _handed_over(cases: list[Case]) -> Iterator[Case]:
    """The cases, one pass, with the caller's list emptied first: the store's plan then
    holds the only references and lets each case go once its document is built, so the
    cases and their documents are not all alive together while the vault writes."""
    taken = cases.copy()
    cases.clear()
    yield from taken


def import_cases(
    store: Any,
    cases: list[Case],
    *,
    source: str = "",
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Save checked cases in one transaction of the store (all or nothing). The list is
    handed over: it is empty afterwards, whether the import was saved or refused.
    `progress` hears the save's steps too (see `ImportProgress`); they are told from
    inside the store's transaction, so it must not wait on anything that waits on the
    store (the app's screen thread, say)."""
    total = len(cases)
    if progress is not None:
        progress("saving", 0, total)
    added, updated = store.import_cases(_handed_over(cases), source=source, progress=progress)
    if progress is not None:
        progress("saving", total, total)
    return ImportResult(total, added, updated)
