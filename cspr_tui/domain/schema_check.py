"""A compiled check that a document certainly fits a JSON schema, for imports of thousands.

jsonschema walks the schema for every value (about 8 ms for one generated case, three
quarters of a 5,000-case import). `compile_check` turns a schema into nested closures once;
the check answers True only when every keyword holds, and it is never more lenient than
jsonschema: a type is matched exactly (`type(v) is int`, where jsonschema also takes a
subclass), an enum takes only its string and null members, and a schema with any keyword
it does not know is refused at compile time (`Unsupported`). False means "not sure": the
caller then asks jsonschema, which words every problem, so what a user reads never
changes. tests/domain/test_schema_check.py compares the two on valid and broken cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Check", "Unsupported", "compile_check"]

Check = Callable[[Any], bool]

# Keywords that only describe; they never make a document invalid.
_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "default"})
_EXACT_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "object": (dict,),
    "array": (list,),
}


class Unsupported(ValueError):
    """The schema uses a keyword (or a form of one) this check does not compile."""


def compile_check(schema: Mapping[str, Any], *, formats: Mapping[str, Check]) -> Check:
    """The schema as one function: True means the document fits it for certain.

    `formats` maps each `format` the schema asserts to its test of a string (the same
    test the full validator uses)."""
    fused = _object_check(schema, formats)
    if fused is not None:
        return fused
    checks = [_keyword(name, value, schema, formats) for name, value in schema.items()]
    parts = tuple(c for c in checks if c is not None)
    if not parts:
        return _anything
    if len(parts) == 1:  # most schemas inside a case are one keyword: no wrapper call
        return parts[0]

    def check(value: Any) -> bool:
        for part in parts:  # noqa: SIM110 - a loop: twice as quick as all() on a generator
            if not part(value):
                return False
        return True

    return check


_OBJECT_KEYWORDS = frozenset({"type", "properties", "required", "additionalProperties"})


def _object_check(schema: Mapping[str, Any], formats: Mapping[str, Check]) -> Check | None:
    """An object schema (type object, properties, required, additionalProperties true or
    false) as one function, the same answer as its keywords' checks one after another:
    most of a case is such objects, and one call each instead of four is a third quicker.
    None for any other schema."""
    keywords = set(schema) - _ANNOTATIONS
    extra = schema.get("additionalProperties", True)
    if schema.get("type") != "object" or not keywords <= _OBJECT_KEYWORDS:
        return None
    if extra is not True and extra is not False:
        return None
    properties = schema.get("properties", {})
    subs = {key: compile_check(sub, formats=formats) for key, sub in properties.items()}
    required = frozenset(schema.get("required", ()))
    known = frozenset(properties) if extra is False else None

    def check(v: Any) -> bool:
        if type(v) is not dict or not required.issubset(v):
            return False
        if known is not None and not known.issuperset(v):
            return False
        for key, x in v.items():
            sub = subs.get(key)
            if sub is not None and not sub(x):
                return False
        return True

    return check


def _keyword(
    name: str, value: Any, schema: Mapping[str, Any], formats: Mapping[str, Check]
) -> Check | None:
    if name in _ANNOTATIONS:
        return None
    if name == "type":
        return _type_check(value)
    if name == "properties":
        return _properties(value, formats)
    if name == "required":
        required = frozenset(value)
        return lambda v: type(v) is not dict or required.issubset(v)
    if name == "additionalProperties":
        return _additional(value, schema.get("properties", {}), formats)
    if name == "items":
        if not isinstance(value, Mapping):
            raise Unsupported("items as a list")
        item = compile_check(value, formats=formats)
        kinds = _TYPE_ONLY.get(item)
        if kinds is not None:  # a list of plain values: their types checked in C
            return lambda v: type(v) is not list or kinds.issuperset(map(type, v))

        def each(v: Any) -> bool:
            if type(v) is not list:
                return True
            for x in v:  # noqa: SIM110 - as above
                if not item(x):
                    return False
            return True

        return each
    if name in ("enum", "const"):
        members = value if name == "enum" else [value]
        allowed = frozenset(m for m in members if m is None or type(m) is str)
        return lambda v: (v is None or type(v) is str) and v in allowed
    if name == "pattern":
        search = re.compile(value).search
        return lambda v: type(v) is not str or search(v) is not None
    if name == "minLength":
        least = int(value)
        return lambda v: type(v) is not str or len(v) >= least
    if name == "minimum":
        floor = value
        return lambda v: type(v) not in (int, float) or v >= floor
    if name == "format":
        test = formats.get(value)
        if test is None:
            raise Unsupported(f"format {value!r}")
        return lambda v: type(v) is not str or test(v)
    raise Unsupported(f"keyword {name!r}")


def _type_check(value: Any) -> Check:
    names = [value] if isinstance(value, str) else list(value)
    try:
        kinds = frozenset(kind for n in names for kind in _EXACT_TYPES[n])
    except KeyError as exc:
        raise Unsupported(f"type {exc.args[0]!r}") from None

    def check(v: Any) -> bool:
        return type(v) in kinds

    _TYPE_ONLY[check] = kinds
    return check


def _anything(value: Any) -> bool:
    return True


# The checks that test only a value's type, with the types they take: a container of
# such values is checked by `frozenset.issuperset(map(type, ...))`, without a call each.
_TYPE_ONLY: dict[Check, frozenset[type]] = {}


def _properties(value: Mapping[str, Any], formats: Mapping[str, Check]) -> Check:
    subs = tuple((key, compile_check(sub, formats=formats)) for key, sub in value.items())

    def check(v: Any) -> bool:
        if type(v) is not dict:
            return True
        for key, sub in subs:  # noqa: SIM110 - as above
            if key in v and not sub(v[key]):
                return False
        return True

    return check


def _additional(value: Any, properties: Mapping[str, Any], formats: Mapping[str, Check]) -> Check:
    known = frozenset(properties)
    if value is False:
        return lambda v: type(v) is not dict or known.issuperset(v)
    if value is True:
        return lambda v: True
    if not isinstance(value, Mapping):
        raise Unsupported("additionalProperties")
    sub = compile_check(value, formats=formats)
    kinds = _TYPE_ONLY.get(sub)
    if kinds is not None and not known:
        return lambda v: type(v) is not dict or kinds.issuperset(map(type, v.values()))

    def check(v: Any) -> bool:
        if type(v) is not dict:
            return True
        for key, x in v.items():  # noqa: SIM110 - a loop, as above
            if key not in known and not sub(x):
                return False
        return True

    return check


def format_test(validator: Any, name: str) -> Check:
    """The validator's own test of one format, remembering the strings that passed (dates
    repeat: a few hundred distinct ones in thousands of cases)."""
    checker = validator.format_checker
    passed: set[str] = set()

    def test(text: str) -> bool:
        if text in passed:
            return True
        if not checker.conforms(text, name):
            return False
        if len(passed) < 100_000:
            passed.add(text)
        return True

    return test
