"""The strict JSON reader's quick path (no second walk of a clean file) refuses exactly what
the full checks refuse: nesting, repeated keys and numbers, wherever they are."""

from __future__ import annotations

import json

import pytest

from cspr_tui.domain.json_reader import MAX_DEPTH, load_strict_json
from cspr_tui.errors import ValidationFailed


def _nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = {"a": "[" * 100 + '{"\\"[', "b": ["]]]}}}", {"c": "\\\\[[["}]}
    assert load_strict_json(json.dumps(text).encode(), "f.json") == text


def test_nesting_one_level_too_deep_is_refused_with_its_line() -> None:
    assert load_strict_json(_nested(MAX_DEPTH), "f.json") is not None
    with pytest.raises(ValidationFailed) as refused:
        load_strict_json(b'{"x":\n' + _nested(MAX_DEPTH) + b"}", "f.json")
    assert "line 2" in refused.value.details[0]
    assert f"nested more than {MAX_DEPTH} levels deep" in refused.value.details[0]


def test_a_repeated_key_deep_inside_is_named_and_the_rest_stays_plain() -> None:
    clean = load_strict_json(b'{"cases": [{"ref": "A", "v": {"k": 1}}]}', "f.json")
    assert type(clean["cases"][0]["v"]) is dict
    with pytest.raises(ValidationFailed) as refused:
        load_strict_json(b'{"cases": [{"ref": "A"}, {"ref": "B", "v": {"k": 1, "k": 2}}]}', "f")
    assert refused.value.details == ["$.cases[1].v.k: the key 'k' appears more than once."]


def test_numbers_the_app_cannot_take_are_named() -> None:
    with pytest.raises(ValidationFailed) as refused:
        load_strict_json(b'{"a": [1, NaN], "b": -' + b"9" * 40 + b"}", "f.json")
    assert refused.value.details[0].startswith("$.a[1]: NaN is not a JSON number")
    assert "(40 digits) is too large a number" in refused.value.details[1]
    assert load_strict_json(b'{"b": -' + b"9" * 30 + b"}", "f.json") == {"b": -int("9" * 30)}
