"""A case's stored document is the same data, in the same key order, as the converter
before its speed-ups gave (kept verbatim below as the reference): for generated cases and
for every kind of value it meets (enums, dates, tuples, mappings, classes as values)."""

from __future__ import annotations

import datetime as dt
import sys
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, is_dataclass
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from cspr_tui.domain.case import ReviewType, Stage
from cspr_tui.domain.case_json import _plain, case_to_data

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_SCALARS = frozenset({str, int, float, bool, type(None)})


def reference_plain(value: Any) -> Any:
    """`case_json._plain` as it was in session 4."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        return {str(k): reference_plain(v) for k, v in value.items()}
    if kind is list:
        return [reference_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value):
        return {k: reference_plain(v) for k, v in vars(value).items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): reference_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [reference_plain(v) for v in value]
    return value


def _same(mine: Any, theirs: Any) -> bool:
    """Equal, with the same types and key order all the way down."""
    if type(mine) is not type(theirs):
        return False
    if type(mine) is dict:
        return list(mine) == list(theirs) and all(_same(mine[k], theirs[k]) for k in mine)
    if type(mine) is list:
        return len(mine) == len(theirs) and all(map(_same, mine, theirs))
    return bool(mine == theirs) or (mine != mine and theirs != theirs)  # NaN is NaN


def test_generated_cases_give_the_same_documents() -> None:
    from bench.data import make_cases

    for case in make_cases(60, seed=5):
        mine, theirs = case_to_data(case), reference_plain(case)
        assert _same(mine, theirs)
        assert orjson.dumps(mine) == orjson.dumps(theirs)


class Colour(Enum):
    RED = "red"


@dataclass
class Holder:
    items: tuple[Any, ...]
    table: Any
    when: Any


def test_every_kind_of_value_converts_as_before() -> None:
    odd: list[Any] = [
        Stage.SCREENING,
        ReviewType.RAPID_REVIEW if hasattr(ReviewType, "RAPID_REVIEW") else Colour.RED,
        Colour.RED,
        dt.date(2026, 3, 1),
        dt.datetime(2026, 3, 1, 10, 30, 5, 12),
        (1, "two", (3.0, None)),
        OrderedDict([(2, "b"), ("a", [dt.date(2020, 1, 2)])]),
        MappingProxyType({"k": (Colour.RED,)}),
        {1: {"x": [True, False, None]}, "nan": float("nan")},
        Holder((Colour.RED, dt.date(2021, 5, 6)), {"inner": Holder((), {}, None)}, None),
        Holder,  # a dataclass itself, as a value
        Colour,  # an enum class, as a value
        int,
        b"bytes stay as they are",
        {"set"},
    ]
    for value in odd:
        assert _same(_plain(value), reference_plain(value)), value
        assert _same(_plain([value, {"v": value}]), reference_plain([value, {"v": value}]))
