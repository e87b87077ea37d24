"""Recall and precision of redaction on the labelled corpus (tests/exports/redaction_corpus).

Recall: every `withhold` string is replaced (no part of it survives). Precision: every
replacement redaction makes overlaps something labelled `withhold`, and every `survive`
phrase comes out unchanged. `review` strings must be listed as findings. The numbers are
printed (run with -s) and asserted: 100% recall, no ordinary phrase changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cspr_tui.domain.case import Case
from cspr_tui.domain.case_json import _person
from cspr_tui.exports.redaction import Redactor

CORPUS = Path(__file__).parent / "redaction_corpus"


def _load() -> list[tuple[str, Redactor, list[dict]]]:
    cases = []
    for path in sorted(CORPUS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        people = [_person(p) for p in data["people"]]
        case = Case("CSPR-2026-900", data["pseudonym"], people=people)
        cases.append(
            (path.stem, Redactor.for_case(case, allow=data.get("allow", [])), data["texts"])
        )
    return cases


def _spans(text: str, needles: list[str]) -> list[tuple[int, int, str]]:
    spans = []
    for needle in needles:
        start = text.find(needle)
        assert start >= 0, f"label {needle!r} is not in {text!r}"
        while start >= 0:
            spans.append((start, start + len(needle), needle))
            start = text.find(needle, start + 1)
    return spans


def measure() -> dict[str, object]:
    expected = caught = replaced = correct = 0
    missed: list[str] = []
    wrong: list[str] = []
    changed: list[str] = []
    unreviewed: list[str] = []
    texts = 0
    for name, redactor, items in _load():
        for item in items:
            texts += 1
            text = item["text"]
            findings = redactor.scan(text)
            withheld = [f for f in findings if f.withheld]
            targets = _spans(text, item.get("withhold", []))
            for start, end, needle in targets:
                expected += 1
                covered = set()
                for f in withheld:
                    covered |= set(range(max(start, f.start), min(end, f.end)))
                letters = {i for i in range(start, end) if text[i].isalnum()}
                if letters <= covered:
                    caught += 1
                else:
                    missed.append(f"{name}: {needle!r} in {text!r}")
            for f in withheld:
                replaced += 1
                if any(f.start < end and start < f.end for start, end, _n in targets):
                    correct += 1
                else:
                    wrong.append(f"{name}: {f.hit!r} in {text!r}")
            output = redactor.redact(text)
            for phrase in item.get("survive", []):
                if phrase not in output:
                    changed.append(f"{name}: {phrase!r} -> {output!r}")
            for needle in item.get("review", []):
                if not any(f.hit == needle for f in findings):
                    unreviewed.append(f"{name}: {needle!r} in {text!r}")
    return {
        "texts": texts,
        "identifiers": expected,
        "recall": caught / expected if expected else 1.0,
        "precision": correct / replaced if replaced else 1.0,
        "missed": missed,
        "wrong": wrong,
        "changed": changed,
        "unreviewed": unreviewed,
    }


@pytest.fixture(scope="module")
def result() -> dict[str, object]:
    found = measure()
    print(
        f"\nredaction corpus: {found['texts']} texts, {found['identifiers']} identifiers; "
        f"recall {found['recall']:.1%}, precision {found['precision']:.1%}"
    )
    return found


def test_every_identifier_is_caught(result: dict) -> None:
    assert result["missed"] == []
    assert result["recall"] == 1.0


def test_no_ordinary_phrase_is_changed(result: dict) -> None:
    assert result["changed"] == []


def test_nothing_unlabelled_is_replaced(result: dict) -> None:
    assert result["wrong"] == []


def test_unregistered_names_are_listed_for_review(result: dict) -> None:
    assert result["unreviewed"] == []
