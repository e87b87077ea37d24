"""The text-search indexes give exactly what scanning every case's search text with the
phrase matcher gives, and follow saves: the in-memory one (domain.search_index, for a vault
read without the stored views) however much of it is built, and the stored word index
(domain.word_index) after saves and read back from a reopened vault."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspr_tui.domain import read_model, stored_views, word_index
from cspr_tui.domain.search_index import SearchIndex, words
from cspr_tui.domain.store import CaseStore
from cspr_tui.vault import open_vault
from tests.domain import case_values as cv


def cv_pass() -> str:
    return "correct horse battery"  # as cv.make_store


NOTES = [
    "Seen near Kiln Lane at night",
    "Kiln lane, then the harbour",
    "Child and adolescent mental health service",
    "Child A's school: St Brigid's",
    "Referred by the GP (Dr Nettlecombe); kiln\n\n  LANE again",
    "Café visit; naïve account; Straße",
    "snake_case words and CSPR-2026-001 quoted",
    "Nothing of note",
]
PHRASES = [
    "kiln",
    "kiln lane",
    "lane kiln",
    "child a",
    "child",
    "child and",
    "harbour",
    "st brigid's",
    "brigid",
    "dr nettlecombe",
    "nettlecombe);",
    "café",
    "cafe",
    "strasse",
    "snake_case",
    "snake",
    "cspr-2026-001",
    "2026",
    "--",
    "night kiln",
    "(dr",
    "absent",
]


def _filled(tmp_path: Path) -> CaseStore:
    store = cv.make_store(tmp_path)
    for note in NOTES:
        store.create_case(notes=note)
    ref = store.create_case().ref
    store.save_record(ref, "referral", {"incident_description": "Found near the Kiln Lane bridge"})
    return store


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CaseStore:
    """A store that reads its vault as one without the stored views (written before them,
    opened read-only): searched through the in-memory index."""
    monkeypatch.setattr(read_model.ReadModel, "_stored", lambda self: False)
    return _filled(tmp_path)


@pytest.fixture
def stored(tmp_path: Path) -> CaseStore:
    """A store reading the stored views and word index its saves wrote."""
    return _filled(tmp_path)


def scanned(store: CaseStore, phrase: str) -> list[str]:
    """What a plain scan of every search text gives (the semantics the index must keep)."""
    folded = " ".join(phrase.casefold().split())
    matches = read_model.phrase_matcher(folded)
    return sorted(s.ref for s in store.summaries() if matches(store.cases()[s.ref].search_text))


def test_the_full_index_answers_exactly_what_a_scan_answers(store: CaseStore) -> None:
    expected = {phrase: scanned(store, phrase) for phrase in PHRASES}
    assert store.index_search() is True
    assert len(store._search) == len(store)
    for phrase in PHRASES:
        assert [s.ref for s in store.query_summaries(text=phrase)] == expected[phrase], phrase
    # The scan itself is not trivially empty or full for these phrases.
    assert expected["kiln lane"] and expected["child a"] and not expected["lane kiln"]
    assert len(expected["child"]) > len(expected["child a"])
    assert expected["café"] and not expected["cafe"] and expected["strasse"]


def test_a_partly_built_index_answers_the_same(
    store: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {phrase: scanned(store, phrase) for phrase in PHRASES}
    monkeypatch.setattr(read_model, "SEARCH_INDEX_BUDGET_S", 0.0)
    half = list(store.cases())[::2]
    store._search.add_many((ref, store.cases()[ref].search_text) for ref in half)
    assert 0 < len(store._search) < len(store)
    for phrase in PHRASES:
        assert [s.ref for s in store.query_summaries(text=phrase)] == expected[phrase], phrase
    assert len(store._search) == len(half)  # a zero budget added none


def test_the_first_searches_build_the_index(store: CaseStore) -> None:
    assert len(store._search) == 0
    store.query_summaries(text="kiln")
    assert len(store._search) == len(store)  # a small vault fits in one search's budget
    store.refresh()
    assert len(store._search) == 0


def test_a_save_moves_the_case_to_its_new_words(store: CaseStore) -> None:
    store.index_search()
    [first] = [s.ref for s in store.query_summaries(text="night")]
    others = [s.ref for s in store.query_summaries(text="kiln lane") if s.ref != first]
    store.update_case(first, {"notes": "Lighthouse keeper's cottage"})
    assert store.query_summaries(text="night") == []
    assert [s.ref for s in store.query_summaries(text="lighthouse")] == [first]
    assert [s.ref for s in store.query_summaries(text="kiln lane")] == others
    assert first in store._search.indexed or len(store._search) == len(store) - 1
    ref = store.create_case(notes="Night shift at the kiln").ref
    assert [s.ref for s in store.query_summaries(text="night")] == [ref]
    store.import_cases([store.get(ref)], source="a test")
    assert [s.ref for s in store.query_summaries(text="night shift")] == [ref]
    for phrase in PHRASES:
        assert [s.ref for s in store.query_summaries(text=phrase)] == scanned(store, phrase)


def test_index_words_and_discard() -> None:
    index = SearchIndex()
    index.add("A", "kiln lane\x00child a")
    index.add("B", "kiln\x00harbour")
    assert words("kiln-lane o'brien") == {"kiln", "lane", "o", "brien"}
    assert index.candidates("kiln") == {"A", "B"}
    assert index.candidates("kiln lane") == {"A"}
    assert index.candidates("--") is None
    assert index.is_one_word("kiln") and not index.is_one_word("kiln lane")
    index.discard("A", "kiln lane\x00child a")
    assert index.candidates("kiln") == {"B"} and index.candidates("lane") == set()
    assert index.indexed == {"B"}


def test_the_stored_index_answers_exactly_what_a_scan_answers(stored: CaseStore) -> None:
    expected = {phrase: scanned(stored, phrase) for phrase in PHRASES}
    assert stored_views.present(stored.db)
    for phrase in PHRASES:
        assert [s.ref for s in stored.query_summaries(text=phrase)] == expected[phrase], phrase
    assert len(stored._search) == 0  # the in-memory index was not needed
    assert expected["kiln lane"] and expected["child a"] and not expected["lane kiln"]
    path = stored.vault.path
    stored.vault.compact()  # the tables in the snapshot's segments, as a big vault's are
    stored.vault.close()
    reopened = CaseStore(open_vault(path, cv_pass(), readonly=True), stored.settings, None)
    try:
        reopened.summaries()
        for phrase in PHRASES:
            got = [s.ref for s in reopened.query_summaries(text=phrase)]
            assert got == expected[phrase], phrase
        assert "cases" not in reopened.vault.parsed_tables()
    finally:
        reopened.vault.close()


def test_saves_move_a_case_in_the_stored_index(stored: CaseStore) -> None:
    kiln_lane = [s.ref for s in stored.query_summaries(text="kiln lane")]  # texts read
    moved = kiln_lane.pop(1)  # "Kiln lane, then the harbour"
    stored.update_case(moved, {"notes": "Kiln; Lane; harbour"})  # the phrase gone, the words not
    assert [s.ref for s in stored.query_summaries(text="kiln lane")] == kiln_lane
    [first] = [s.ref for s in stored.query_summaries(text="night")]
    stored.update_case(first, {"notes": "Lighthouse keeper's cottage"})
    assert stored.query_summaries(text="night") == []
    assert [s.ref for s in stored.query_summaries(text="lighthouse")] == [first]
    ref = stored.create_case(notes="Night shift at the kiln").ref
    assert [s.ref for s in stored.query_summaries(text="night")] == [ref]
    stored.import_cases([stored.get(ref)], source="a test")
    assert [s.ref for s in stored.query_summaries(text="night shift")] == [ref]
    for phrase in PHRASES:
        assert [s.ref for s in stored.query_summaries(text=phrase)] == scanned(stored, phrase)
    # No word is left listing a case that lost it (the moved note's words are gone).
    assert word_index.postings(stored.db, "lighthouse") == {stored._doc_ids[first]}
    assert word_index.postings(stored.db, "cottage") == {stored._doc_ids[first]}
    assert stored.verify() == []
