"""The text-search index (domain.search_index) gives exactly the cases a scan with the
phrase matcher gives, for generated texts and phrases: accents (composed and combining),
case, digits, underscores, apostrophes, hyphens, other punctuation, every kind of white
space and the parts' separator. This is the differential any change to the index (a stored
one included) must keep passing; the stored word index passes it in a real vault, through
saves, removals and a reopen."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspr_tui.domain import read_model, stored_views, word_index
from cspr_tui.domain.search_index import SearchIndex
from cspr_tui.settings import Settings
from cspr_tui.vault import Vault, create_vault, open_vault

# Word pieces and what comes between them: chosen so that generated phrases often do, and
# often nearly, match (shared stems, accents with and without, a combining acute accent).
PIECES = [
    "kiln",
    "Kiln",
    "KILN",
    "lane",
    "café",
    "cafe",
    "cafe\u0301",
    "naïve",
    "straße",
    "o",
    "brien",
    "child",
    "a",
    "2026",
    "001",
    "snake_case",
    "snake",
    "²",
    "İ",
    "ǅ",
]
JOINS = [" ", "  ", "\n", "\t", "\xa0", "\x00", "-", "'", "’", "(", ");", ".", ", ", "_", ""]

texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(JOINS)), max_size=12).map(
    lambda parts: "".join(piece + join for piece, join in parts).casefold()
)


def fold(phrase: str) -> str:
    """The phrase as the store folds it before searching (`ReadModel._matching_refs`)."""
    return " ".join(phrase.casefold().split())


@st.composite
def phrases(draw: st.DrawFn, corpus: list[str]) -> str:
    """A phrase cut from one of the texts (so it often matches) or made up from pieces."""
    if corpus and draw(st.booleans()):
        text = draw(st.sampled_from(corpus))
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        return text[start:end]
    parts = draw(
        st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(JOINS)), min_size=1, max_size=3)
    )
    return "".join(piece + join for piece, join in parts)


def scan(corpus: dict[str, str], phrase: str) -> set[str]:
    matches = read_model.phrase_matcher(phrase)
    return {ref for ref, text in corpus.items() if matches(text)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, min_size=1, max_size=8), st.data())
def test_the_index_answers_what_a_scan_answers(bodies: list[str], data: st.DataObject) -> None:
    corpus = {f"CSPR-2026-{n:03d}": body for n, body in enumerate(bodies, 1)}
    whole = SearchIndex()
    whole.add_many(corpus.items())
    part = SearchIndex()
    part.add_many(list(corpus.items())[::2])
    for _ in range(6):
        phrase = fold(data.draw(phrases(list(corpus.values()))))
        if not phrase:
            continue  # the store does no text search for an empty phrase
        expected = scan(corpus, phrase)
        matches = read_model.phrase_matcher(phrase)
        for index in (whole, part):
            got = index.hits(phrase, matches, corpus.keys(), corpus.__getitem__, budget_s=0.0)
            assert got == expected, (phrase, corpus)


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("cafe\u0301 visit", "cafe", True),  # a combining accent is not a word character
        ("café visit", "cafe", False),  # a composed one is
        ("snake_case", "snake", False),  # the underscore joins
        ("o'brien", "brien", True),
        ("kiln\x00lane", "kiln lane", False),  # a phrase never spans two parts (NUL is not \s)
        ("kiln-lane", "kiln lane", False),
    ],
)
def test_the_cases_the_property_leans_on(text: str, phrase: str, found: bool) -> None:
    index = SearchIndex()
    index.add("A", text)
    matches = read_model.phrase_matcher(phrase)
    assert matches(text) is found
    assert index.hits(phrase, matches, ["A"], {"A": text}.__getitem__, budget_s=None) == (
        {"A"} if found else set()
    )


# -- the stored word index (domain/word_index.py), in a real vault ---------------------------


def _stored_model(vault: Vault) -> read_model.ReadModel:
    """The read side of a store over `vault`, its views written at every save."""
    vault.derive_on_save("cases", functools.partial(stored_views.sync, vault.db))
    return read_model.ReadModel(lambda: vault.db, Settings(), date.today)


def _case(n: int, body: str, answer: str) -> dict[str, Any]:
    """A case document with `body` as its notes and `answer` in a form record: two parts
    of its search text, so an edit of one leaves words the other still holds."""
    record = {"form_id": "referral", "values": {"where": answer, "also": [answer[:5]]}}
    return {
        "ref": f"CSPR-2026-{n:03d}",
        "pseudonym": f"Child {n}",
        "notes": body,
        "records": {"referral": record},
    }


def _scan_docs(vault: Vault, phrase: str) -> set[str]:
    """What a scan of every document's own search text gives."""
    matches = read_model.phrase_matcher(phrase)
    docs = vault.db.table("cases").all()
    return {d["ref"] for d in docs if matches(stored_views.search_text(d))}


@contextmanager
def _layout(buckets: int, chunk: int, block: int) -> Iterator[None]:
    """Few index tables, short chunks and blocks and few document ids, so that words share
    a table, a word's ids cross chunks and blocks, and words' ids collide, even in a small
    vault (the real layout's paths, densely)."""
    saved = word_index.BUCKETS, word_index.CHUNK, word_index.BLOCK, word_index.SLOTS
    slots = word_index.SLOTS if buckets > 100 else 64  # (few ids: lookups pass others over)
    word_index.BUCKETS, word_index.CHUNK, word_index.BLOCK = buckets, chunk, block
    word_index.SLOTS = slots
    try:
        yield
    finally:
        word_index.BUCKETS, word_index.CHUNK, word_index.BLOCK, word_index.SLOTS = saved


@pytest.mark.parametrize(("buckets", "chunk", "block"), [(1024, 32, 1024), (3, 2, 4)])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(texts, min_size=1, max_size=7),
    st.lists(st.tuples(st.integers(0, 6), texts), max_size=4),
    st.data(),
)
def test_the_stored_index_answers_what_a_scan_answers_through_saves_and_a_reopen(
    buckets: int,
    chunk: int,
    block: int,
    bodies: list[str],
    edits: list[tuple[int, str]],
    data: st.DataObject,
) -> None:
    corpus = list(bodies)
    with _layout(buckets, chunk, block), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.vault"

        def check(vault: Vault, model: read_model.ReadModel) -> None:
            for _ in range(4):
                phrase = fold(data.draw(phrases(corpus)))
                if not phrase:
                    continue
                got = {s.ref for s in model.query_summaries(text=phrase)}
                assert got == _scan_docs(vault, phrase), phrase
            assert stored_views.problems(vault.db, vault.db.table("cases").all()) == []

        with create_vault(path, "pw", backups=0) as vault:
            model = _stored_model(vault)
            vault.db.table("cases").insert_multiple(
                _case(n, body, bodies[n % len(bodies)]) for n, body in enumerate(bodies, 1)
            )
            check(vault, model)
            table = vault.db.table("cases")
            for which, body in edits:  # one save each: the index moves by the words changed
                ids = [doc.doc_id for doc in table.all()]
                doc_id = ids[which % len(ids)]
                if which == 6 and len(ids) > 1:
                    table.remove(doc_ids=[doc_id])
                else:
                    table.update({"notes": body}, doc_ids=[doc_id])
                    corpus.append(body)
                model.refresh()
                check(vault, model)
        with open_vault(path, "pw", readonly=True) as vault:  # the index as stored
            model = read_model.ReadModel(lambda: vault.db, Settings(), date.today)
            check(vault, model)
