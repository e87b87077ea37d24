"""The text-search index (domain.search_index) gives exactly the cases a scan with the
phrase matcher gives, for generated texts and phrases: accents (composed and combining),
case, digits, underscores, apostrophes, hyphens, other punctuation, every kind of white
space and the parts' separator. This is the differential any change to the index (a stored
one included) must keep passing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspr_tui.domain import read_model
from cspr_tui.domain.search_index import SearchIndex

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
