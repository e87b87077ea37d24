"""Is a word an ordinary English word, or a name? Decided from real word frequencies.

`wordfreq` gives each word's frequency in many languages' text (Zipf scale: 3 is once per
million words). Ordinary English words ("brown", "worker", "manager", "will") are far more
frequent in English than in other European languages; personal names ("Sarah", "Alex",
"Smith", "Mohammed") are about as frequent everywhere, because names travel and words do
not. So a word is *ordinary* when it is common in English and clearly more English than
international. No hand-written list is involved, so a name nobody thought of is judged the
same way as the ones in the tests.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from wordfreq import zipf_frequency

__all__ = [
    "is_dictionary_word",
    "is_english_only",
    "is_frequent",
    "is_noun",
    "is_ordinary",
    "is_word",
]

_OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "pl")
RARE = 2.0  # Zipf: once per ten million words
COMMON = 3.0  # Zipf: at least once per million words of English
FREQUENT = 4.0  # ten per million: a lower-case mention is far more likely the word
ENGLISH_ONLY = 1.5  # a rare word this much more English than elsewhere is not a name
ENGLISHNESS = 0.8  # how much more frequent in English than elsewhere an ordinary word is


@lru_cache(maxsize=65536)
def _scores(word: str) -> tuple[float, float]:
    word = word.casefold().replace("'", "")
    english = zipf_frequency(word, "en")
    if english == 0:
        return 0.0, 0.0
    others = sum(zipf_frequency(word, lang) for lang in _OTHER_LANGUAGES)
    return english, english - others / len(_OTHER_LANGUAGES)


def is_ordinary(word: str) -> bool:
    """True for an everyday English word ("brown", "worker"), False for a name ("Sarah")."""
    english, englishness = _scores(word)
    return english >= COMMON and englishness >= ENGLISHNESS


def is_english_only(word: str) -> bool:
    """True for a word English text uses now and then and the other languages hardly at all
    ("relaunch", "reassess"): a name travels, such a word does not. Only asked where the
    word is already used like one (a verb opening a sentence before "the")."""
    english, englishness = _scores(word)
    return english >= RARE and englishness >= ENGLISH_ONLY


def is_frequent(word: str) -> bool:
    """True for a word common enough that lower case most likely means the word itself."""
    return _scores(word)[0] >= FREQUENT


def is_word(word: str) -> bool:
    """True for any word English text uses at least now and then (names included)."""
    return _scores(word)[0] >= COMMON


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, bool]:
    """The shipped word list (`build_dictionary`): word -> whether it is mostly a noun. It
    holds no case's words, so the lock has nothing to forget here."""
    text = Path(__file__).with_name("dictionary.txt").read_text(encoding="utf-8")
    return {line.split()[0]: line.endswith(" n") for line in text.splitlines() if line}


def is_dictionary_word(word: str) -> bool:
    """True for a word English writes in lower case as a common word ("hazel", "olive",
    "grace"), False for one it writes only as a name ("zoe", "leo")."""
    return word.casefold() in _dictionary()


def is_noun(word: str) -> bool:
    """True for a dictionary word used mostly as a noun ("oil", "period", "garden"), False
    for a verb, adjective or adverb ("said", "upset", "today") and for other words."""
    return _dictionary().get(word.casefold(), False)
