"""Text as matching sees it, with a map back to the original characters.

Names hide in what Word shows as plain text: a zero-width space or soft hyphen inside a
word, a backtick or curly quote for the apostrophe, an en dash for the hyphen, "Zoë" typed
decomposed, fullwidth letters, a non-breaking space. `fold` removes all of that (Unicode
compatibility decomposition, accents and format characters dropped, case folded, every
apostrophe and hyphen one character, every space one space) and keeps, for each character
it produces, the index of the original character it came from, so a match in the folded
copy is replaced at exactly its place in the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["APOSTROPHES", "HYPHENS", "Folded", "fold", "fold_plain"]

APOSTROPHES = frozenset("'\u2019\u2018\u201b\u02bc\u02bb\u0060\u00b4\u2032\u02b9\uff07\u02c8")
HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043")
# Letters with no decomposition that people still type without their mark.
_PLAIN = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "ŀ": "l",
    "ŧ": "t",
    "æ": "ae",
    "œ": "oe",
}
# Cyrillic and Greek letters that look like Latin ones: "Sаrah" with a Cyrillic а is read
# as Sarah (after case folding, so capitals are covered too).
_PLAIN.update(
    zip(
        "аеорсхуіјѕԁһӏԛԝвкмнтαβεικνορτυχζ",
        "aeopcxyijsdhlqwbkmhtabeikvoptyxz",
        strict=True,
    )
)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """What one original character becomes: "" (dropped), or one or more plain characters."""
    if char in APOSTROPHES:
        return "'"
    if char in HYPHENS:
        return "-"
    if char.isspace():
        return " "
    category = unicodedata.category(char)
    if category == "Cf" or category.startswith("M"):
        return ""  # zero-width spaces and joiners, soft hyphen, bidi marks; combining marks
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part) or unicodedata.category(part) == "Cf":
            continue
        part = part.casefold()
        out.append(_PLAIN.get(part, part))
    folded = "".join(out)
    if folded in APOSTROPHES:
        return "'"
    if folded in HYPHENS:
        return "-"
    return folded


_ASCII_SPACE = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c"})


@dataclass(frozen=True, slots=True)
class Folded:
    """`text` folded; `origin[i]` is the original index of folded character i (None: same)."""

    original: str
    text: str
    origin: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters behind folded `[start, end)`, format characters inside
        included (so a zero-width space inside a name goes with it)."""
        if self.origin is None:
            return start, end
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """`text` as matching sees it, with positions kept (see the module docstring)."""
    if text.isascii() and "`" not in text:
        return Folded(text, text.lower().translate(_ASCII_SPACE), None)
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if folded:
            pieces.append(folded)
            origin.extend([index] * len(folded))
    return Folded(text, "".join(pieces), tuple(origin))


def fold_plain(text: str) -> str:
    """The folded text alone, spaces collapsed: how key entries and snippets are compared."""
    return " ".join(fold(text).text.split())
