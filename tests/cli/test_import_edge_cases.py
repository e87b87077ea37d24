"""Malformed import files exit 6 with where they are wrong; nothing changes (real `cspr`).

One small fixture file per bad case in tests/cli/import_corpus/ (hand-checkable); each was
an "unexpected error", a Python exception name or a silent acceptance before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import open_vault
from tests.cli_run import PASS, cspr, folder_digest, one_case_vault

CORPUS = Path(__file__).parent / "import_corpus"
GOOD = Path(__file__).parent / "import_ok"


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return one_case_vault(workspace)


def _bad_utf8_offset() -> str:
    return f"byte {(CORPUS / 'bad_utf8.json').read_bytes().index(0xE9)} (line 4,"


CASES = [
    ("deep_nesting.json", ["nested more than 32 levels deep", "line 4"]),
    (
        "huge_integer.json",
        ["$.cases[0].count: 999999999999... (5000 digits) is too large a number"],
    ),
    ("bad_utf8.json", [_bad_utf8_offset(), "is not UTF-8 text", "save the file as UTF-8"]),
    ("duplicate_key.json", ["$.cases[0].pseudonym: the key 'pseudonym' appears more than once"]),
    (
        "unknown_field.json",
        [
            "$.cases[0].records.referral.values.referer_phone: 'referral' has no field "
            "'referer_phone'"
        ],
    ),
    (
        "unknown_row_field.json",
        ["$.cases[0].records.referral.values.children[0].nick_name: 'referral' has no field"],
    ),
    ("not_a_number.json", ["$.cases[0].count: NaN is not a JSON number"]),
    ("utf16.json", ["byte 0: the file is UTF-16; save it as UTF-8"]),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_malformed_input_exits_6_with_its_location(
    vault_path: Path, name: str, expected: list[str]
) -> None:
    before = folder_digest(vault_path.parent)
    done = cspr("import", str(CORPUS / name))
    assert done.returncode == 6, (done.stdout, done.stderr)
    assert done.stderr.startswith(f"cspr: {(CORPUS / name).absolute()}")
    for text in expected:
        assert text in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert "unexpected error" not in done.stderr
    assert len(done.stderr.splitlines()) <= 3
    assert folder_digest(vault_path.parent) == before


def test_a_byte_order_mark_is_accepted(vault_path: Path) -> None:
    done = cspr("import", str(GOOD / "bom.json"))
    assert done.returncode == 0, done.stderr
    vault = open_vault(vault_path, PASS, readonly=True)
    try:
        store = CaseStore(vault, Settings(), load_forms())
        assert store.get("CSPR-2026-041").pseudonym == "Child A"
    finally:
        vault.close()


def test_an_older_template_version_keeps_retired_answers(workspace: Path) -> None:
    """Unknown ids are refused only for the current template: older records read leniently."""
    from cspr_tui.domain.case_json import unknown_field_problems

    form = load_forms()["referral"]
    assert unknown_field_problems(form, {"referrer_name": "x"}, "$.v") == []
    assert unknown_field_problems(form, {"retired_q": "x"}, "$.v") == [
        "$.v.retired_q: 'referral' has no field 'retired_q'; check the spelling against the "
        "form template."
    ]
