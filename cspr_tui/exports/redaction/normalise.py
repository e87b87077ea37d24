"""Text as matching sees it, with a map back to the original characters.

Names hide in what Word shows as plain text: a zero-width space or soft hyphen inside a
word, a backtick or curly quote for the apostrophe, an en dash for the hyphen, "Zoë" typed
decomposed, fullwidth letters, a non-breaking space. `fold` removes all of that (Unicode
compatibility decomposition, accents and format characters dropped, case folded, every
apostrophe and hyphen one character, every space one space) and keeps, for each character
it produces, the index of the original character it came from, so a match in the folded
copy is replaced at exactly its place in the original. A word broken at a line's end
("Fic-" then "tionalia" on the next line, as text pasted from a PDF often is) is joined.
"""

from __future__ import annotations

import re
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


# Small capitals ("ᴢᴏᴇ") and Latin letters that only look like others ("ɑ", "ɡ"): no
# compatibility decomposition reaches the plain letter.
_PLAIN.update(
    zip(
        "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢɑɡɩʋ",
        "abcdefghijklmnoprstuvwyzagiv",
        strict=True,
    )
)
# Letters that draw nothing (Hangul fillers, the braille blank): inside a name they hide it.
_INVISIBLE = frozenset("\u3164\u115f\u1160\uffa0\u2800")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """What one original character becomes: "" (dropped), or one or more plain characters."""
    if char in _INVISIBLE:
        return ""
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


# A hyphen ending a line inside a word: letters before it, a lower-case letter after the
# break (the next line's indent aside). "well-" / "Known" (a capital) is left alone.
_BROKEN_WORD = re.compile(
    r"(?<=[^\W\d_])[-\u00ad\u2010\u2011][ \t]*(?:\r\n|\n|\r)[ \t]*(?=[^\W\d_])"
)


def _broken_words(text: str) -> set[int]:
    """The indices of the characters that break words across lines (dropped by `fold`)."""
    dropped: set[int] = set()
    for m in _BROKEN_WORD.finditer(text):
        if text[m.end()].islower():
            dropped.update(range(m.start(), m.end()))
    return dropped


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
    broken = _broken_words(text) if "\n" in text or "\r" in text else set()
    if not broken and text.isascii() and "`" not in text:
        return Folded(text, text.lower().translate(_ASCII_SPACE), None)
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if index in broken:
            continue
        folded = _fold_char(char)
        if folded:
            pieces.append(folded)
            origin.extend([index] * len(folded))
    return Folded(text, "".join(pieces), tuple(origin))


def fold_plain(text: str) -> str:
    """The folded text alone, spaces collapsed: how key entries and snippets are compared."""
    return " ".join(fold(text).text.split())
