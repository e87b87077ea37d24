"""`integrity.check`: what `cspr verify` reports about a decrypted vault's contents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tinydb import Query, TinyDB

from cspr_tui.domain import integrity, stored_views, word_index
from cspr_tui.domain.audit import AUDIT_TABLE, META_TABLE
from cspr_tui.domain.store import CaseStore
from cspr_tui.vault import open_vault
from tests.domain import case_values as cv

PASS = "correct horse battery"
BAD_PAUSE = {"start": "2026-02-31", "reason": "Trial", "end": None, "deadline": None}


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    store = cv.make_store(tmp_path)
    ref = store.create_case().ref
    store.save_record(ref, "referral", cv.referral(), finish=True)
    store.advance(ref)
    store.create_case()
    return store


def _tamper(store: CaseStore, change) -> Path:
    """Edit the decrypted data directly (as an attacker with the key could) and save it."""
    with store.vault.transaction():
        change(store.vault.db)
    path = store.vault.path
    store.vault.close()
    return path


def _verify(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSPR_PASSPHRASE": PASS}
    return subprocess.run(
        [sys.executable, "-m", "cspr_tui", "--vault", str(path), "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_sound_vault_has_no_problems(store: CaseStore) -> None:
    assert integrity.check(store.vault.db) == []
    path = store.vault.path
    store.vault.close()
    done = _verify(path)
    assert done.returncode == 0, done.stderr
    assert "audit trail check out" in done.stdout


def test_empty_vault_is_sound(tmp_path: Path) -> None:
    store = cv.make_store(tmp_path)
    assert integrity.check(store.vault.db) == []


def _misplace_a_word(db: TinyDB) -> None:
    """A word's postings written into an index table its hash does not name."""
    right = word_index.table_name("kiln")
    wrong = next(f"search_words_{i:03x}" for i in range(9) if f"search_words_{i:03x}" != right)
    db.table(wrong).insert({"w": "kiln", "0": "1"})


def _shift_a_chunk(db: TinyDB) -> None:
    """A word's chunk of ids stored under the next chunk's number (the ids out of place)."""
    table = db.table(word_index.table_name("child"))
    doc = next(d for d in table if d.get("w") == "child")
    key = next(k for k in doc if k not in ("w", "b"))
    table.update(lambda d: d.__setitem__(str(int(key) + 1), d.pop(key)), doc_ids=[doc.doc_id])


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda db: db.table(AUDIT_TABLE).update({"who": "Someone Else"}, doc_ids=[2]),
            "audit entry 2 was edited",
        ),
        (lambda db: db.table(AUDIT_TABLE).remove(doc_ids=[1]), "out of sequence"),
        (
            lambda db: db.table(AUDIT_TABLE).remove(doc_ids=[len(db.table(AUDIT_TABLE))]),
            "recent entries were removed",
        ),
        (
            lambda db: db.table("cases").update({"stage": "halfway"}, doc_ids=[1]),
            "case CSPR-2026-001 does not read back as a case: $.stage",
        ),
        (
            lambda db: db.table("cases").update({"ref": "CSPR-2026-002"}, doc_ids=[1]),
            "CSPR-2026-002 is used by 2 case documents",
        ),
        (lambda db: db.table("cases").insert({"note": "stray"}), "case document 3 does not read"),
        (
            lambda db: db.table("cases").update({"pauses": [BAD_PAUSE]}, doc_ids=[2]),
            "case CSPR-2026-002 does not read back as a case: $.pauses[0].start",
        ),
        (
            lambda db: db.table("cases").update({"pseudonym": 7}, doc_ids=[2]),
            "$.pseudonym: 7 is not of type 'string'",
        ),
        (
            lambda db: db.table(META_TABLE).update({"value": 99}, Query().key == "schema_version"),
            "schema version 99 is not one this version",
        ),
        (  # the stored views alone (no case touched, so the store's deriver does not run)
            lambda db: db.table("summaries").update({"stage": "closed"}, doc_ids=[1]),
            "the stored summary of case CSPR-2026-001 does not match its document",
        ),
        (
            lambda db: db.table(stored_views.search_table(2)).update(
                {"p:case": "nothing"}, doc_ids=[2]
            ),
            "the stored search text of case CSPR-2026-002 does not match its document",
        ),
        (  # the word index alone: a word taken out (every case holding it is named)
            lambda db: db.table(word_index.table_name("child")).remove(Query().w == "child"),
            "the stored search index does not match the search text of case CSPR-2026-002",
        ),
        (_misplace_a_word, "the stored search index holds 1 entry out of place or unreadable"),
        (_shift_a_chunk, "the stored search index holds 1 entry out of place or unreadable"),
    ],
    ids=[
        "edited",
        "deleted-first",
        "deleted-last",
        "bad-stage",
        "duplicate-ref",
        "stray",
        "impossible-date",
        "wrong-type",
        "schema-version",
        "stale-summary",
        "stale-search-text",
        "stale-word-index",
        "misplaced-word",
        "shifted-chunk",
    ],
)
def test_each_problem_is_found_and_verify_exits_4(store: CaseStore, change, expected) -> None:
    path = _tamper(store, change)
    with open_vault(path, PASS, readonly=True) as vault:
        problems = integrity.check(vault.db)
    assert any(expected in p for p in problems), problems
    done = _verify(path)
    assert done.returncode == 4, (done.stdout, done.stderr)
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_many_problems_are_summarised(tmp_path: Path) -> None:
    store = cv.make_store(tmp_path)
    for _ in range(30):
        store.create_case()
    with store.vault.transaction():
        store.vault.db.table("cases").update({"stage": "halfway"})
    problems = integrity.check(store.vault.db)
    assert len(problems) == 21 and problems[-1] == "... and 10 more case problems."
