"""A strict JSON reader for files from outside: every malformed input is one located problem.

An import file may come from another system, an old export or someone hostile, so reading it
must never end in "unexpected error": bad UTF-8 is named with its byte offset, duplicate keys
(which `json` silently resolves to the last) with their JSON path, nesting is bounded (a
10,000-level file would otherwise exhaust the recursion limit) and so is the size of an
integer (Python refuses to convert more than 4,300 digits, with no position). A UTF-8
byte-order mark, as Windows editors write, is accepted.
"""

from __future__ import annotations

import json
import re
import secrets
from itertools import accumulate
from typing import Any

import orjson

from cspr_tui.errors import ValidationFailed

__all__ = ["MAX_DEPTH", "MAX_INTEGER_DIGITS", "load_strict_json"]

MAX_DEPTH = 32  # the case format itself needs 7
MAX_INTEGER_DIGITS = 30

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers keys it saw more than once."""

    duplicates: list[str]


class _BadNumber:
    """A number the file holds but the app cannot take (kept to be reported with its path)."""

    def __init__(self, text: str, why: str) -> None:
        self.text = text
        self.why = why


class _Flags:
    """Set when the parse met something to report, so a clean file is not walked again."""

    __slots__ = ("found",)

    def __init__(self) -> None:
        self.found = False


def _hooks(flags: _Flags) -> tuple[Any, Any, Any]:
    """The parser's hooks for one file: objects stay plain dicts unless a key repeats (an
    _Object naming it); numbers the app cannot take become _BadNumber. Either sets `flags`."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        flags.found = True
        dup = _Object()
        dup.duplicates = []
        for key, value in items:
            if key in dup and key not in dup.duplicates:
                dup.duplicates.append(key)
            dup[key] = value
        return dup

    def integer(text: str) -> int | _BadNumber:
        digits = len(text) - (text[0] == "-")
        if digits > MAX_INTEGER_DIGITS:
            flags.found = True
            return _BadNumber(
                f"{text[:12]}... ({digits} digits)",
                f"is too large a number (at most {MAX_INTEGER_DIGITS} digits)",
            )
        return int(text)

    def constant(text: str) -> _BadNumber:
        flags.found = True
        return _BadNumber(text, "is not a JSON number (NaN and Infinity are not allowed)")

    return pairs, integer, constant


def _member(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


# A string (skipped whole: runs of plain characters at C speed, escapes one at a time), or
# one of the four brackets.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _too_deep(text: str) -> bool:
    """Does nesting go deeper than MAX_DEPTH anywhere? Measured on the brackets left once
    strings are taken out, without a Python step per token (the file's size in C work)."""
    brackets = _BRACKETS.findall(_STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_DEPTH


# orjson reads an integer beyond 64 bits as a float (from 2**63 or so): any float this
# large sends the file to the strict parse, which keeps integers whole.
_INTEGER_AS_FLOAT = 9.2e18


# A case file at least this large has its `cases` array parsed part by part
# (`_in_parts`), about `_PART` bytes of it at a time.
SPLIT_FROM = 8 << 20
_PART = 4 << 20
# Where the array of cases begins (a guess, checked), and a place between two cases in it:
# a case's object ends, a comma, the next one begins with its reference (as every export
# writes them, compact or indented; a guess too, checked part by part).
_CASES_START = re.compile(rb'"cases"\s*:\s*\[')
_CASE_CUT = re.compile(rb'\}\s*(,)\s*\{\s*"ref"\s*:')


def _in_parts(data: bytes) -> Any:
    """orjson's parse of a large case file, its `cases` array a part at a time, or
    _MISSING (then it is parsed whole, as before).

    orjson parses into a document tree of its own before it makes the Python objects: for
    the whole of a 92 MiB file that tree is about 190 MiB on top of the bytes and the
    objects, the import's highest peak. Here only a part's tree (a few MiB) is ever alive.

    Every guess is checked, so a file is read exactly as the whole-file parse reads it: the
    file with the guessed array replaced by a random string nobody could have written must
    parse to an object whose `cases` is that string (so the array sits at that key of the
    top-level object, outside any string), and each part, between two guessed cuts, must
    parse on its own as a non-empty list of values. JSON being unambiguous, the array's
    text is then those lists joined by the commas cut at, and the file's value is the
    object with the parts' values in order. Anything else is _MISSING."""
    if len(data) < SPLIT_FROM:
        return _MISSING
    start = _CASES_START.search(data)
    if start is None:
        return _MISSING
    first, end = start.end() - 1, data.rfind(b"]")  # the array's brackets
    if end <= first:
        return _MISSING
    marker = f"cspr-cases-{secrets.token_hex(16)}"
    try:
        envelope = orjson.loads(data[:first] + orjson.dumps(marker) + data[end + 1 :])
    except orjson.JSONDecodeError:
        return _MISSING
    if type(envelope) is not dict or envelope.get("cases") != marker:
        return _MISSING
    cases: list[Any] = []
    at = first + 1
    while at < end:
        cut = _CASE_CUT.search(data, min(at + _PART, end), end)
        stop = cut.start(1) if cut is not None else end
        try:
            part = orjson.loads(b"[" + data[at:stop] + b"]")
        except orjson.JSONDecodeError:
            return _MISSING
        if not part:  # nothing between two commas: not a list of values
            return _MISSING
        cases.extend(part)
        at = stop + 1
    envelope["cases"] = cases
    return envelope


def _quick(data: bytes) -> Any:
    """orjson's parse when it is certainly what the strict parse gives, else _MISSING (the
    strict parse then reads the file and words whatever is wrong).

    orjson refuses bad UTF-8, a lone surrogate, NaN and Infinity and numbers too large for
    a double; it reads an integer beyond 64 bits as a float (so large floats are left to
    the strict parse), and it keeps the last of a repeated key silently. So the keys are
    counted: every colon in the file either separates a key from its value or sits inside
    a string, so with no colon written as an escape (`\\u003a`), the parsed objects' keys
    plus the colons inside the parsed strings equal the file's colons unless a key repeats.
    That sum is the colons orjson writes for the parsed value (it never escapes a colon,
    and numbers and literals hold none), counted at C speed once the walk, which measures
    nesting as the strict parse counts brackets and looks for large floats, has passed."""
    if b"\\u003a" in data or b"\\u003A" in data:
        return _MISSING
    value = _in_parts(data)
    if value is _MISSING:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            return _MISSING
    level: list[Any] = [value] if type(value) in (dict, list) else []
    depth = 1  # of the containers in `level`, as the strict parse counts brackets
    while level:
        if depth > MAX_DEPTH:
            return _MISSING
        deeper: list[Any] = []
        for container in level:
            members: Any = container.values() if type(container) is dict else container
            for item in members:
                kind = type(item)
                if kind is dict or kind is list:
                    deeper.append(item)
                elif kind is float and not -_INTEGER_AS_FLOAT < item < _INTEGER_AS_FLOAT:
                    return _MISSING
        level, depth = deeper, depth + 1
    if type(value) is float and not -_INTEGER_AS_FLOAT < value < _INTEGER_AS_FLOAT:
        return _MISSING
    return value if _colons(value, 2) == data.count(b":") else _MISSING


def _colons(value: Any, split: int) -> int:
    """The colons orjson writes for `value`: its keys (one colon each, plus their own) and
    the colons inside strings. The top `split` levels are counted member by member, so a
    file's thousands of cases are written one at a time, never the whole file at once (a
    second copy of a 100 MB file)."""
    kind = type(value)
    if split and kind is dict:
        return sum(1 + key.count(":") + _colons(item, split - 1) for key, item in value.items())
    if split and kind is list:
        return sum(_colons(item, split - 1) for item in value)
    return orjson.dumps(value).count(b":")


_MISSING: Any = object()


def _depth_offset(text: str) -> int | None:
    """Character offset where nesting first goes deeper than MAX_DEPTH (strings skipped)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def _problems(value: Any, path: str, depth: int, out: list[str]) -> None:
    if len(out) >= 20:
        return
    if isinstance(value, _BadNumber):
        out.append(f"{path}: {value.text} {value.why}.")
    elif isinstance(value, dict):
        if depth > MAX_DEPTH:
            out.append(f"{path}: nested more than {MAX_DEPTH} levels deep.")
            return
        for key in getattr(value, "duplicates", ()):
            out.append(f"{_member(path, key)}: the key {key!r} appears more than once.")
        for key, item in value.items():
            _problems(item, _member(path, key), depth + 1, out)
    elif isinstance(value, list):
        if depth > MAX_DEPTH:
            out.append(f"{path}: nested more than {MAX_DEPTH} levels deep.")
            return
        for index, item in enumerate(value):
            _problems(item, f"{path}[{index}]", depth + 1, out)


def _plain(value: Any) -> Any:
    """The parsed value with ordinary dicts (the duplicate bookkeeping removed)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def load_strict_json(data: bytes, source: str) -> Any:
    """Parse `data` (the bytes of `source`) or raise ValidationFailed naming where it is wrong."""

    def refuse(detail: str, what: str = "cannot be imported") -> ValidationFailed:
        return ValidationFailed(f"{source} {what}; nothing was imported.", details=[detail])

    for bom, name in _OTHER_BOMS.items():
        if data.startswith(bom) and not data.startswith(_UTF8_BOM):
            raise refuse(f"byte 0: the file is {name}; save it as UTF-8 and import it again.")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    quick = _quick(data)
    if quick is not _MISSING:
        return quick  # the value the strict parse gives, at C speed
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        raise refuse(
            f"byte {exc.start} (line {line}, column {column}): {data[exc.start : exc.start + 1]!r}"
            " is not UTF-8 text; save the file as UTF-8 and import it again."
        ) from None
    deep = _depth_offset(text) if _too_deep(text) else None
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        raise refuse(
            f"line {line} (character {deep}): nested more than {MAX_DEPTH} levels deep; "
            "a case file needs far fewer."
        )
    flags = _Flags()
    pairs, integer, constant = _hooks(flags)
    try:
        value = json.loads(
            text, object_pairs_hook=pairs, parse_int=integer, parse_constant=constant
        )
    except json.JSONDecodeError as exc:
        raise refuse(
            f"$: {exc.msg} at line {exc.lineno}, column {exc.colno} (byte {exc.pos}).",
            "is not valid JSON",
        ) from None
    except RecursionError:  # unreachable after the depth check; kept as a last bound
        raise refuse(f"$: nested more than {MAX_DEPTH} levels deep.") from None
    if not flags.found:
        return value  # plain dicts, no number refused, depth already checked
    problems: list[str] = []
    _problems(value, "$", 1, problems)
    if problems:
        raise ValidationFailed(
            f"{source} has {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
            "nothing was imported.",
            details=problems,
        )
    return _plain(value)
