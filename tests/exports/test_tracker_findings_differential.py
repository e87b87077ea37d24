"""The tracker's findings and cells, fixed: a speed change must not move one of them.

Two checks over the benchmark's generated cases (bench/data.py) and hostile ones (the
redaction corpus's families, every family's texts in every family's tracker, and the bench
cases' own names written as initials, handles, in lower case, with apostrophes, beside
their postcode, address, date of birth and phone):

- against a record of what the code gave before the tracker's speed work of session 12
  (`tracker_findings_expected.json`: a digest per case of every finding, every redacted
  text and the gate's answer, and one of every written cell): the engine's own path;
- against the engine as it was before that work, run here beside the export's path: each
  case's tracker redactor made fresh on its own (no memo shared between the cases of an
  export), every finding compared field by field.

Regenerate the record only for a deliberate change of the findings (or of bench/data.py):
`python -m tests.exports.test_tracker_findings_differential`, and say why in the commit.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.data import make_cases
from cspr_tui.domain.case import (
    Case,
    QuarterlyUpdate,
    Recommendation,
    RedactionOutcome,
)
from cspr_tui.domain.case_json import _person
from cspr_tui.domain.quarter import Quarter
from cspr_tui.exports import write_tracker, xlsx_tracker
from cspr_tui.exports.redaction.engine import decision, open_findings
from cspr_tui.exports.redaction.review import (
    accepting,
    case_redactor,
    tracker_findings,
    tracker_open,
    tracker_texts,
)
from cspr_tui.settings import Settings

EXPECTED = Path(__file__).with_name("tracker_findings_expected.json")
CORPUS = Path(__file__).parent / "redaction_corpus"
QUARTER = Quarter.parse("2026-Q3")
TODAY = date(2026, 11, 20)
SETTINGS = Settings()
BENCH_CASES = 150


def _corpus() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.json"))]


def _rec(ref: str, index: int, texts: list[str], by: str = "") -> Recommendation:
    """A recommendation carrying `texts` in the tracker's free-text fields and updates."""
    fields = ["text", "action", "lead_officer", "evidence", "impact_measure", "status_reason"]
    values = {name: texts[i] for i, name in enumerate(fields) if i < len(texts)}
    rest = texts[len(fields) :]
    updates = [
        QuarterlyUpdate("2026-Q2", date(2026, 9, 18), text, "Not started", "In progress", by)
        for text in rest
    ]
    return Recommendation(
        id=f"{ref}-R9-A{index}",
        number=9,
        action_number=index,
        updates=updates,
        last_updated=date(2026, 9, 18) if updates else None,
        last_updated_by=by,
        target_date=date(2026, 12, 1),
        **values,
    )


def _hostile_texts(case: Case) -> list[str]:
    """A case's own people written the ways that slip past a naive matcher."""
    out: list[str] = []
    for person in case.people:
        first, *_middle, last = person.real_name.split()
        out += [
            f"{first[0]}. {last} agreed the plan; {first[0]}{last[0]} to lead it.",
            f"Messages from @{first[0].lower()}{last.lower()} were seen; {first.lower()} said so.",
            f"{first}'s mum and the {last}s; {last.upper()}, {first.upper()} signed.",
            f"Mr {last[0]} and {first} {last[0]}. met O'{last} at {first}{last}'s flat.",
            f"#JusticeFor{first} was posted; {' '.join(first)} was spelled out.",
            f"{last}, {first} moved to NE9 4QX; phone 0191 496 0000 or {first} on 07700 900461.",
        ]
    return out


def _cases() -> list[Case]:
    cases = make_cases(BENCH_CASES)
    rng = random.Random(12)
    for number, case in enumerate(cases[::10]):
        other = cases[(number * 10 + 37) % len(cases)]  # a neighbour's names: not this key's
        street = case.records["referral"].values["family"][0]["address"]
        texts = [
            *_hostile_texts(case),
            *_hostile_texts(other)[:3],
            f"Seen at {street}, {case.records['referral'].values['children'][0]['address']}.",
            "Date of birth 12/05/1994, also written 12 May 1994.",
        ]
        rng.shuffle(texts)
        for at in range(0, len(texts), 9):
            case.recommendations.append(
                _rec(case.ref, at // 9 + 1, texts[at : at + 9], by=other.people[0].real_name)
            )
    every_text = [item["text"] for data in _corpus() for item in data["texts"]]
    for number, data in enumerate(_corpus()):
        ref = f"CSPR-2026-{900 + number}"
        case = Case(
            ref,
            data["pseudonym"],
            people=[_person(p) for p in data["people"]],
            agencies=["Police", "Education"],
        )
        texts = every_text[number:] + every_text[:number]
        case.recommendations = [
            _rec(ref, at // 9 + 1, texts[at : at + 9], by=data["people"][-1]["real_name"])
            for at in range(0, len(texts), 9)
        ]
        cases.append(case)
    return cases


def _decide(cases: list[Case], *, which: Any) -> None:
    """Of the cases `which(index)` picks: a third with every finding accepted, a third
    rejected (with a reason), and a third left open."""
    for index, case in enumerate(cases):
        if not which(index) or index % 3 == 0:
            continue
        found = tracker_findings(case_redactor(case, SETTINGS), case)
        outcome = RedactionOutcome.REJECTED if index % 3 == 2 else RedactionOutcome.ACCEPTED
        reason = "not a name" if outcome is RedactionOutcome.REJECTED else ""
        case.redaction_decisions = [decision(f, outcome, reason) for f in open_findings(found)]


def _accept_the_rest(cases: list[Case]) -> list[Case]:
    """Copies of `cases` with every finding still open accepted (the workbook's gate)."""
    out = copy.deepcopy(cases)
    for case in out:
        found = tracker_findings(case_redactor(case, SETTINGS), case)
        case.redaction_decisions = [*case.redaction_decisions, *accepting(found)]
    return out


def _record(redactors: dict[str, Any], cases: list[Case]) -> dict[str, Any]:
    """Per case: every finding of its tracker texts (every field), the gate's answer and
    every text as the workbook writes it."""
    out: dict[str, Any] = {}
    for case in cases:
        redactor = redactors[case.ref]
        texts = tracker_texts(case)
        out[case.ref] = {
            "findings": [
                {k: str(v) for k, v in dataclasses.asdict(f).items()}
                for f in tracker_findings(redactor, case, texts)
            ],
            "open": tracker_open(redactor, case, texts),
            "redacted": [redactor.redact(text) for _path, text in texts],
        }
    return out


def _fresh(cases: list[Case]) -> dict[str, Any]:
    """Each case's redactor made on its own, as before session 12 (nothing shared)."""
    return {case.ref: case_redactor(case, SETTINGS) for case in cases}


def _export(cases: list[Case]) -> dict[str, Any]:
    """The redactors the tracker export uses, built and prepared the way it builds them."""
    rows = xlsx_tracker._collect(cases, QUARTER, TODAY)
    redaction = xlsx_tracker._Redaction(rows, SETTINGS)
    return {ref: redaction._redactors[ref] for ref in redaction._cases}


def _digest(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _cells(path: Path) -> list[Any]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [[ws.title, [list(r) for r in ws.iter_rows(values_only=True)]] for ws in wb]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def open_cases() -> list[Case]:
    cases = _cases()
    _decide(cases, which=lambda _index: True)
    return cases


@pytest.fixture(scope="module")
def fresh(open_cases: list[Case]) -> dict[str, Any]:
    return _record(_fresh(open_cases), open_cases)


@pytest.fixture(scope="module")
def export(open_cases: list[Case]) -> dict[str, Any]:
    return _record(_export(open_cases), open_cases)


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_the_export_finds_what_each_case_alone_finds(
    fresh: dict[str, Any], export: dict[str, Any]
) -> None:
    assert list(export) == list(fresh)
    for ref in fresh:
        assert export[ref] == fresh[ref], ref


def test_findings_are_those_recorded(
    fresh: dict[str, Any], export: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert {ref: _digest(v) for ref, v in fresh.items()} == expected["cases"]
    assert {ref: _digest(v) for ref, v in export.items()} == expected["cases"]


def test_hostile_texts_are_found(open_cases: list[Case], export: dict[str, Any]) -> None:
    """The harness's own hostile texts reach the engine: each case's names are withheld."""
    hostile = [c for c in open_cases if any(r.number == 9 for r in c.recommendations)]
    assert len(hostile) == BENCH_CASES // 10 + len(_corpus())
    rejected = {c.ref for i, c in enumerate(open_cases) if i % 3 == 2}
    for case in [c for c in hostile[: BENCH_CASES // 10] if c.ref not in rejected]:
        written = " ".join(export[case.ref]["redacted"])
        for person in case.people:
            for part in person.real_name.split():
                assert f" {part} " not in f" {written} ", (case.ref, part)


def test_the_workbook_cells_are_those_recorded(
    open_cases: list[Case], expected: dict[str, Any], tmp_path: Path
) -> None:
    decided = _accept_the_rest(open_cases)
    path = write_tracker(
        decided, tmp_path / "t.xlsx", quarter=QUARTER, today=TODAY, settings=SETTINGS
    )
    assert _digest(_cells(path)) == expected["cells"]


def _regenerate() -> None:
    import os
    import tempfile

    os.environ["CSPR_HOME"] = tempfile.mkdtemp()  # no workspace's own lists or settings
    open_ = _cases()
    _decide(open_, which=lambda _index: True)
    decided = _accept_the_rest(open_)
    record = _record(_fresh(open_), open_)
    with tempfile.TemporaryDirectory() as folder:
        path = write_tracker(
            decided, Path(folder) / "t.xlsx", quarter=QUARTER, today=TODAY, settings=SETTINGS
        )
        cells = _digest(_cells(path))
    value = {"cases": {ref: _digest(v) for ref, v in record.items()}, "cells": cells}
    EXPECTED.write_text(json.dumps(value, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED} ({len(record)} cases)", file=sys.stderr)


if __name__ == "__main__":
    _regenerate()
