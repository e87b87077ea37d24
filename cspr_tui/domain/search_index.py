"""An in-memory inverted index over the cases' search texts: word -> the cases holding it.

The store's text search (whole words, any case, a space matching any white space; see
`CaseStore.query`) scans every case's search text with a regular expression. With this
index a search only looks at the cases that hold every word of the phrase, and a one-word
search needs no scan at all, so a search costs the size of its answer, not of the vault.

Words are split like SQLite FTS5's `unicode61` tokeniser (runs of letters and digits,
case-folded), except that `_` joins (as `\\w` does) and accents are kept (no folding), so
that the index gives exactly what the regular expression gives: every maximal run of word
characters in a matching phrase is a whole word of the text it matches, so a case lacking
any of the phrase's words cannot match; a phrase that is one word matches exactly the cases
holding that word.

This in-memory index serves a vault without the stored word index (domain/word_index.py,
which a vault gets at its first save): it is built lazily and incrementally (`add` per
case, from texts the store builds anyway), never stored: it holds case words, so it lives
and dies with the store (and is gone after a lock). A saved case is dropped (`discard`)
and indexed again on the next search, so the index never answers from a stale text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Iterable

__all__ = ["SearchIndex", "is_one_word", "phrase_words", "words"]

_WORD = re.compile(r"\w+")
# For ASCII text: every character that is not a word character (\w) becomes a space, so
# splitting on white space gives the same runs as the pattern, three times as fast (a save
# splits a case's text into words for the stored index).
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_ASCII_BREAKS = {code: " " for code in range(128) if chr(code) not in _ASCII_WORD}


def words(text: str) -> set[str]:
    """The distinct words of an already case-folded text (maximal runs of `\\w`)."""
    if text.isascii():
        return set(text.translate(_ASCII_BREAKS).split())
    return set(_WORD.findall(text))


def phrase_words(phrase: str) -> list[str]:
    """The words a matching text must hold, rarest-first order not known here."""
    return _WORD.findall(phrase)


def is_one_word(phrase: str) -> bool:
    """A phrase that is exactly one word: the cases holding it are its matches."""
    return _WORD.fullmatch(phrase) is not None


class SearchIndex:
    """Word -> references of the indexed cases holding it; `indexed` says which are in."""

    __slots__ = ("_postings", "indexed")

    def __init__(self) -> None:
        self._postings: dict[str, list[str]] = {}
        self.indexed: set[str] = set()

    def __len__(self) -> int:
        return len(self.indexed)

    def add(self, ref: str, text: str) -> None:
        """Index one case's (case-folded) search text; a case already in is left alone."""
        if ref in self.indexed:
            return
        postings = self._postings
        for word in words(text):
            found = postings.get(word)
            if found is None:
                postings[word] = [ref]
            else:
                found.append(ref)
        self.indexed.add(ref)

    def discard(self, ref: str, text: str) -> None:
        """Take one case out; `text` is the search text it was indexed with."""
        if ref not in self.indexed:
            return
        postings = self._postings
        for word in words(text):
            found = postings.get(word)
            if found is not None:
                found.remove(ref)
                if not found:
                    del postings[word]
        self.indexed.discard(ref)

    def clear(self) -> None:
        self._postings = {}
        self.indexed = set()

    def candidates(self, phrase: str) -> set[str] | None:
        """The indexed cases holding every word of `phrase`, or None when the phrase has no
        word at all (then nothing narrows it: scan)."""
        wanted = phrase_words(phrase)
        if not wanted:
            return None
        lists = sorted((self._postings.get(word, ()) for word in set(wanted)), key=len)
        result = set(lists[0])
        for more in lists[1:]:
            if not result:
                break
            result.intersection_update(more)
        return result

    def is_one_word(self, phrase: str) -> bool:
        """A phrase that is exactly one word: its candidates are its matches."""
        return is_one_word(phrase)

    def add_many(self, items: Iterable[tuple[str, str]]) -> None:
        for ref, text in items:
            self.add(ref, text)

    def extend(
        self, refs: Iterable[str], text_of: Callable[[str], str], budget_s: float | None
    ) -> bool:
        """Index the cases of `refs` not yet in, for at most `budget_s` seconds (None: all);
        True when every one of them is in."""
        if self.indexed.issuperset(refs):
            return True
        stop = None if budget_s is None else time.perf_counter() + budget_s
        for ref in refs:
            if ref in self.indexed:
                continue
            if stop is not None and time.perf_counter() > stop:
                return False
            self.add(ref, text_of(ref))
        return True

    def hits(
        self,
        phrase: str,
        matches: Callable[[str], bool],
        refs: Collection[str],
        text_of: Callable[[str], str],
        *,
        budget_s: float | None,
    ) -> set[str]:
        """The references among `refs` whose text `matches` (the phrase's matcher): the
        index narrows the indexed cases to those holding every word, the matcher confirms
        them (not needed for a one-word phrase); cases not indexed yet are scanned, after
        indexing more of them within `budget_s`."""
        self.extend(refs, text_of, budget_s)
        narrowed = self.candidates(phrase)
        if narrowed is None:
            return {ref for ref in refs if matches(text_of(ref))}
        one_word = self.is_one_word(phrase)
        found = narrowed if one_word else {ref for ref in narrowed if matches(text_of(ref))}
        found.intersection_update(refs)  # (a case indexed and since gone is not an answer)
        if not self.indexed.issuperset(refs):
            found.update(ref for ref in refs if ref not in self.indexed and matches(text_of(ref)))
        return found
