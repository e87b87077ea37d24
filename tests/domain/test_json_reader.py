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


# Inputs where orjson and the stdlib parse could differ: big integers (orjson makes them
# floats), a lone surrogate, Infinity by overflow, colons and escaped quotes inside
# strings, repeated keys at any depth, white space around colons, a byte-order mark.
TRICKY = [
    b'{"n": 123456789012345678901234567890}',
    b'{"n": [18446744073709551616, -9223372036854775809]}',
    b'{"n": 1e400}',
    b'{"s": "\\ud800"}',
    b'{"a:b": "c:d", "e": "\\":\\"", "f": {"g": ":"}}',
    b'{"a": 1, "b": {"c": 2, "c": 3}}',
    b'{"a": "\\u003a", "c": 2, "c": 3}',  # an escaped colon must not hide a repeated key
    b'{"a": "\\u003A:"}',
    b'[{"x": 1}, {"x": 2, "y": 3, "x": 4}]',
    b'{"a" :1 , "b"\n:\t[ ]}',
    b"\xef\xbb\xbf" + b'{"bom": true}',
    b'{"f": [1e20, 0.1, -0.0, 5e-324, 9e18]}',
    b'{"t": "\\u00e9\\n\\t\\\\"}',
]


def _stdlib(data: bytes) -> object:
    return json.loads(data.decode("utf-8-sig"))


@pytest.mark.parametrize("data", TRICKY)
def test_what_it_accepts_is_exactly_what_the_stdlib_parse_gives(data: bytes) -> None:
    if b'"c": 2, "c"' in data or b'"x": 2, "y": 3, "x"' in data:
        with pytest.raises(ValidationFailed) as refused:  # never read as the last value
            load_strict_json(data, "f.json")
        assert "appears more than once" in refused.value.details[0]
        return
    got = load_strict_json(data, "f.json")
    expected = _stdlib(data)
    assert json.dumps(got) == json.dumps(expected)  # values and their types (1 is not 1.0)
    assert repr(got) == repr(expected)


def test_a_clean_file_of_generated_cases_reads_the_same_as_the_stdlib_parse() -> None:
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from bench.data import make_cases
    from cspr_tui.domain.case_json import dump_cases

    data = json.dumps(dump_cases(make_cases(3)), indent=1, ensure_ascii=False).encode()
    assert load_strict_json(data, "f.json") == json.loads(data)
    repeated = data.replace(b'"pseudonym": ', b'"pseudonym": "Child Q", "pseudonym": ', 1)
    with pytest.raises(ValidationFailed) as refused:
        load_strict_json(repeated, "f.json")
    assert refused.value.details == [
        "$.cases[0].pseudonym: the key 'pseudonym' appears more than once."
    ]


def test_colons_in_keys_are_counted_exactly_by_the_quick_path() -> None:
    """Keys holding colons (times, "a:b") are read by the quick path, and a repeated key
    beside them is still caught: the count neither misses nor adds a colon."""
    from cspr_tui.domain import json_reader

    clean = b'{"10:30": {"a:b:c": 1, "d": "e:f"}, "x": [{"y:": ":"}]}'
    assert json_reader._quick(clean) is not json_reader._MISSING
    assert load_strict_json(clean, "f.json") == json.loads(clean)
    repeated = b'{"10:30": {"a:b:c": 1, "d": "e:f", "d": 2}, "x": [{"y:": ":"}]}'
    assert json_reader._quick(repeated) is json_reader._MISSING
    with pytest.raises(ValidationFailed) as refused:
        load_strict_json(repeated, "f.json")
    assert "the key 'd' appears more than once" in refused.value.details[0]


def test_the_quick_path_takes_a_file_exactly_when_no_key_repeats() -> None:
    """Random objects full of colons (in keys, in values, escaped quotes and backslashes
    beside them, non-ASCII): written once clean and once with one key repeated somewhere,
    the quick path reads the clean one as stdlib does and hands the other to the strict
    parse, which names the repeat."""
    import random

    from cspr_tui.domain import json_reader

    rng = random.Random(1307)
    pieces = [":", "a", "é", '"', "\\", "10:30", "::", " ", "😀", "\n"]

    def text() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randrange(6)))

    def value(depth: int) -> object:
        roll = rng.random()
        if depth > 4 or roll < 0.3:
            return rng.choice([text(), rng.randrange(-99, 99), True, None, 1.5])
        if roll < 0.6:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {f"k{n}{text()}": value(depth + 1) for n in range(rng.randrange(1, 4))}

    for _ in range(300):
        data = {"root": value(0), "tail:": text()}
        clean = json.dumps(data, ensure_ascii=rng.random() < 0.5).encode()
        assert json_reader._quick(clean) == json.loads(clean)
        repeated = clean.replace(b'{"', b'{"dup:": ":", "dup:": 1, "', 1)
        assert json_reader._quick(repeated) is json_reader._MISSING
        with pytest.raises(ValidationFailed) as refused:
            load_strict_json(repeated, "f.json")
        assert "the key 'dup:' appears more than once" in refused.value.details[0]


def _case_file(count: int, *, indent: int | None = None) -> bytes:
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from bench.data import make_cases
    from cspr_tui.domain.case_json import dump_cases

    return json.dumps(dump_cases(make_cases(count)), indent=indent, ensure_ascii=False).encode()


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Files from 1 KB up have their cases parsed in parts of about 2 KB; the sizes of
    everything orjson is handed to parse are noted."""
    from cspr_tui.domain import json_reader

    monkeypatch.setattr(json_reader, "SPLIT_FROM", 1000)
    monkeypatch.setattr(json_reader, "_PART", 2000)
    parsed: list[int] = []
    real = json_reader.orjson.loads

    def noting(data: bytes) -> object:
        parsed.append(len(data))
        return real(data)

    monkeypatch.setattr(json_reader.orjson, "loads", noting)
    return parsed


@pytest.mark.parametrize("indent", [None, 2])
def test_a_large_file_is_parsed_a_part_at_a_time_to_the_same_value(
    small_parts: list[int], indent: int | None
) -> None:
    """A case file past the size is never parsed whole (orjson's own tree of a whole
    92 MiB file is about 190 MiB): its cases are parsed a part at a time, compact or
    indented as exports write them, and the value is exactly the stdlib's."""
    data = _case_file(12, indent=indent)
    assert load_strict_json(data, "f.json") == json.loads(data)
    case_bytes = len(data) // 12
    assert len(small_parts) > 6  # the envelope, then part after part
    assert max(small_parts) < 2000 + 2 * case_bytes  # a part: about 2 KB and one case


def test_every_wrong_guess_about_the_parts_reads_the_file_as_the_whole_parse_does(
    small_parts: list[int],
) -> None:
    """Files built to fool the split: a cut-like run (`},{"ref":`) inside a string and
    inside a case's own records, the key "cases" inside a string before the real one,
    members after the array (one with a `]`), whitespace around every comma, a repeated
    key or a float too large in a later case, the array twice, an empty array. Each
    reads exactly as the whole-file parse reads it: the same value, or the same refusal."""
    from cspr_tui.domain import json_reader

    cases = json.loads(_case_file(8))["cases"]
    cases[2]["notes"] = 'a note },{"ref": "CSPR-1" and "cases": [ in it'
    envelope = {"note": '"cases": [', "format": "cspr-cases", "version": 1}
    good = [
        json.dumps({**envelope, "cases": cases}).encode(),
        json.dumps({**envelope, "cases": cases}, separators=(" , ", " : ")).encode(),
        json.dumps({"cases": cases, **envelope}, indent="\t").encode(),
        json.dumps({**envelope, "cases": []}).encode() + b" " * 1000,
    ]
    for data in good:  # split, and read as the stdlib reads them
        assert json_reader._in_parts(data) == json.loads(data)
        assert load_strict_json(data, "f.json") == json.loads(data)
    plain = json.dumps({**envelope, "cases": cases}).encode()
    cases[4]["records"]["extra"] = [{"ref": "x"}, {"ref": "y"}]  # a false cut
    fooled = [
        json.dumps({**envelope, "cases": cases}).encode(),
        json.dumps({**envelope, "cases": cases[:3], "after": ["]", 1]}).encode(),
    ]
    for data in fooled:  # a guess fails its check: parsed whole, as before
        assert json_reader._in_parts(data) is json_reader._MISSING
        assert load_strict_json(data, "f.json") == json.loads(data)
    bad = [
        plain.replace(b'"pseudonym": ', b'"pseudonym": "Child Q", "pseudonym": ', 7).replace(
            b'"pseudonym": "Child Q", ', b"", 6
        ),  # repeated in the seventh case only
        plain.replace(b'"stage": ', b'"big": 1e400, "stage": ', 8).replace(
            b'"big": 1e400, ', b"", 7
        ),
        plain[:-1] + b', "cases": ' + json.dumps(cases[:2]).encode() + b"}",
        plain.replace(b'{"ref": ', b'{"ref": ,', 1),
    ]
    for data in bad:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(json_reader, "SPLIT_FROM", 1 << 40)  # parsed whole, as before
            whole = _outcome(data)
        assert _outcome(data) == whole
        assert whole[0] == "refused" or data is bad[1]  # (1e400 is read as infinity)


def _outcome(data: bytes) -> tuple[str, object]:
    try:
        return ("read", repr(load_strict_json(data, "f.json")))
    except ValidationFailed as exc:
        return ("refused", (exc.message, exc.details))
