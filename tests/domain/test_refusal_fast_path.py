"""A refused import file lists exactly the problems it always did, worded the same and in
the same order, although jsonschema now words only the cases that might be wrong (every
case that certainly fits is stood in for by a small case that fits): compared with the
full walk on hundreds of randomly broken files."""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from cspr_tui.domain import case_json
from cspr_tui.domain.case_json import dump_cases, parse_case_file
from cspr_tui.errors import ValidationFailed
from tests.domain.test_schema_check import _paths

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _problems(data: Any) -> list[str] | None:
    try:
        parse_case_file(data)
    except ValidationFailed as exc:
        return list(exc.details)
    return None


BROKEN = [None, 7, -1, 2.5, True, "", "not a date", "2026-02-30", [], {}, ["x"], {"k": 1}]


def _break(data: dict[str, Any], rng: random.Random) -> None:
    """One random change somewhere in the file: a value replaced, a key dropped or added."""
    path = rng.choice(_paths(data)[1:])
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    roll = rng.random()
    if roll < 0.2 and isinstance(parent, dict):
        del parent[last]
    elif roll < 0.3 and isinstance(parent, dict):
        parent["unexpected_field"] = "x"
    else:
        parent[last] = copy.deepcopy(rng.choice(BROKEN))


@pytest.fixture(scope="module")
def clean() -> dict[str, Any]:
    from bench.data import make_cases

    return dump_cases(make_cases(6, seed=11))


def test_the_stand_in_fits_the_case_schema() -> None:
    assert case_json._CASE_FITS(case_json._STAND_IN)
    assert list(case_json._CASE_VALIDATOR.iter_errors(case_json._STAND_IN)) == []


def test_broken_files_are_refused_with_exactly_the_problems_of_the_full_walk(
    clean: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random("refusals")
    refused = 0
    for _ in range(160):
        data = copy.deepcopy(clean)
        for _ in range(rng.randint(1, 3)):
            _break(data, rng)
        mine = _problems(data)
        with monkeypatch.context() as patched:
            patched.setattr(case_json, "_with_stand_ins", lambda value: value)
            theirs = _problems(data)
        assert mine == theirs
        refused += mine is not None
    assert refused > 100  # the changes broke most files, so the refusals were compared


def test_a_clean_file_still_reads_whole(clean: dict[str, Any]) -> None:
    cases = parse_case_file(clean)
    assert [case.ref for case in cases] == [item["ref"] for item in clean["cases"]]
