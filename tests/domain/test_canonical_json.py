"""`audit.canonical_json` gives exactly stdlib json's bytes (the input of every stored hash:
the audit chain, an imported case's SHA-256), whether its orjson fast path takes the value
or not."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from cspr_tui.domain import audit
from cspr_tui.domain.audit import canonical_json


def stdlib(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _every_code_point() -> list[str]:
    """Every Unicode scalar value (surrogates excluded), in strings of 512."""
    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    return ["".join(points[i : i + 512]) for i in range(0, len(points), 512)]


def test_every_code_point_in_a_string_is_written_as_stdlib_writes_it() -> None:
    chunks = _every_code_point()
    assert canonical_json(chunks) == stdlib(chunks)
    for c in range(0x80):  # each ASCII and control character on its own, escapes included
        assert canonical_json({"k": chr(c) * 3}) == stdlib({"k": chr(c) * 3}), hex(c)


def test_keys_sort_by_code_point_as_stdlib_sorts_them() -> None:
    rng = random.Random(13)
    pools = [0x20, 0x7E, 0xE9, 0x800, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF, 0xE003]
    for _ in range(300):
        keys = {
            "".join(chr(rng.choice(pools) - rng.randrange(3)) for _ in range(rng.randrange(4)))
            for _ in range(8)
        }
        value = {key: [key, {key: None}] for key in keys}
        assert canonical_json(value) == stdlib(value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -1,
        2**63 - 1,
        -(2**63),
        2**64 - 1,
        "",
        [],
        {},
        {"b": 1, "a": [True, None, {"z": "", "y": -5}]},
        [[[[]]], {"": {"": ""}}],
        {"text": 'line one\nline two\ttab "quoted" back\\slash \u2028 \u007f é 😀'},
    ],
)
def test_plain_values_match_stdlib(value: Any) -> None:
    assert canonical_json(value) == stdlib(value)


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        1e16,
        1e-05,
        {"n": 0.1},
        2**64,
        -(2**70),
        ("a", 1),
        {"k": ("t",)},
    ],
)
def test_values_the_fast_path_leaves_to_stdlib_match_stdlib(value: Any) -> None:
    """Floats (orjson writes 1e16 where stdlib writes 1e+16), integers beyond 64 bits and
    tuples all give stdlib's bytes."""
    assert canonical_json(value) == stdlib(value)


def test_what_stdlib_refuses_is_still_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"n": float("nan")})  # orjson would write null
    with pytest.raises(UnicodeEncodeError):
        canonical_json({"s": "\ud800"})  # a lone surrogate
    with pytest.raises(TypeError):
        canonical_json({1: "int key"} | {"a": object()})


def test_str_and_int_subclasses_are_written_as_stdlib_writes_them() -> None:
    import enum

    class Colour(enum.StrEnum):
        RED = "red"

    class Level(enum.IntEnum):
        HIGH = 3

    value = {"colour": Colour.RED, "level": Level.HIGH, "flag": True}
    assert canonical_json(value) == stdlib(value)
    assert audit._plain_json(value) is False  # the fast path stood aside


def test_non_str_keys_are_written_as_stdlib_writes_them() -> None:
    value = {10: "a", 2: "b", 3: "c"}
    assert canonical_json(value) == stdlib(value)
    with pytest.raises(TypeError):  # stdlib cannot sort str and int keys together
        canonical_json({1: "a", "2": "b"})


def test_demo_cases_and_their_audit_entries_hash_as_before(tmp_path: Path) -> None:
    """What an import and every save hash: real case documents and audit entries, bytes
    for bytes, through the fast path."""
    from cspr_tui.domain.case_json import case_to_data
    from cspr_tui.domain.demo import DEMO_PASSPHRASE, create_demo_vault
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import Settings
    from cspr_tui.vault import open_vault

    path = create_demo_vault(tmp_path / "demo.vault")
    vault = open_vault(path, DEMO_PASSPHRASE)
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        values: list[Any] = [case_to_data(case) for case in store.list_cases()]
        values += [dict(doc) for doc in vault.db.table(audit.AUDIT_TABLE).all()]
    finally:
        vault.close()
    assert len(values) > 10
    for value in values:
        assert audit._plain_json(value)  # the fast path is the one tested
        assert canonical_json(value) == stdlib(value)
