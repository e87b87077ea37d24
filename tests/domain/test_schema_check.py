"""The compiled case-schema check (domain/schema_check.py) never passes what jsonschema
refuses: an import trusts its "certainly valid" and words problems only through jsonschema."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from cspr_tui.domain import schema_check
from cspr_tui.domain.case_json import _CASE_FITS, CASE_SCHEMA, case_problems

STORED = orjson.loads(Path(__file__).with_name("stored_case.json").read_bytes())
VALIDATOR = Draft202012Validator(CASE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
# Values that break some keyword somewhere: wrong types, a bool for an int, a float that
# jsonschema counts as an integer, dates that are not dates, an empty string, a bad ref.
REPLACEMENTS: list[Any] = [
    None, 0, 1, 2.0, -3, True, False, "", "x", "2026-02-30", "2026-2-3", "01/02/2026",
    "CSPR-26-1", "complete", "monitoring", [], {}, ["x"], {"x": 1}, 10**40,
]  # fmt: skip


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _mutated(doc: dict[str, Any], path: tuple[Any, ...], how: Any) -> Any:
    out = copy.deepcopy(doc)
    if not path:
        return how
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how is _DELETE:
        del parent[last]
    elif how is _EXTRA:
        target = parent[last]
        if isinstance(target, dict):
            target["not_in_the_schema"] = "x"
        elif isinstance(target, list):
            target.append({"not_in_the_schema": 1})
        else:
            parent[last] = [target]
    else:
        parent[last] = how
    return out


_DELETE, _EXTRA = object(), object()


def test_the_stored_case_passes_both_checks() -> None:
    assert not list(VALIDATOR.iter_errors(STORED))
    assert _CASE_FITS(STORED)
    assert case_problems(STORED) == []


def test_every_mutation_it_passes_jsonschema_passes_too() -> None:
    rng = random.Random(13)
    paths = _paths(STORED)
    passed = refused = 0
    for path in paths:
        choices = [_DELETE, _EXTRA, *rng.sample(REPLACEMENTS, 6)] if path else REPLACEMENTS
        for how in choices:
            doc = _mutated(STORED, path, how)
            errors = list(VALIDATOR.iter_errors(doc))
            if _CASE_FITS(doc):
                assert not errors, (path, how, [e.message for e in errors])
                passed += 1
            else:
                refused += 1
                # "Not sure" hands over to jsonschema: a valid case still passes.
                assert bool(case_problems(doc)) == bool(errors), (path, how)
    assert passed > 100 and refused > 500  # both answers were really exercised


def test_what_jsonschema_refuses_is_worded_as_before() -> None:
    doc = _mutated(STORED, ("recommendations", 0, "number"), 0)
    assert not _CASE_FITS(doc)
    problems = case_problems(doc, "$.cases[3]")
    assert len(problems) == 1 and problems[0].startswith("$.cases[3].recommendations[0].number")


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "patternProperties": {"^x": {}}},
        {"anyOf": [{"type": "string"}]},
        {"$ref": "#/$defs/case"},
        {"items": [{"type": "string"}]},
        {"type": "string", "format": "email"},
        {"type": "uuid"},
    ],
)
def test_a_keyword_it_does_not_know_is_refused_at_compile_time(schema: dict[str, Any]) -> None:
    with pytest.raises(schema_check.Unsupported):
        schema_check.compile_check(schema, formats={})


def test_exact_types_are_stricter_than_jsonschema_never_looser() -> None:
    check = schema_check.compile_check({"type": "integer", "minimum": 1}, formats={})
    assert check(3) and not check(0)
    assert not check(True)  # jsonschema refuses a bool as well
    assert not check(2.0)  # jsonschema takes it as an integer: the slow path decides
    enum = schema_check.compile_check({"enum": ["a", None, 1]}, formats={})
    assert enum("a") and enum(None) and not enum("b") and not enum(1)
