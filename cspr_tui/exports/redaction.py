"""Replacing real names and other identifiers by pseudonyms, and proving none is left.

Publication-safe and agency exports must never carry a real name (domain.md 8). Redaction
works on the text that goes into a template; a scan of the finished document then looks for
every identifier again in all of its text (body, tables, headers, footers, properties), so a
name hard-coded in an edited template or hidden in an unexpected field still stops the export.

What counts as an identifier: each real name in the case's pseudonym key (`case.people`),
and its parts (first name, surname) where they are long enough to be a name; the names,
other names, dates of birth, addresses and postcodes captured in the referral; the referrer's
and agency contacts' names. Matching is on whole words, ignoring case, accents and apostrophe
style, so possessives ("Zoë's"), "ZOE", "Siobhan ONeill" and "Lukasz" are all caught. A part
that is also an everyday word ("Will", "May", "Grace") is matched only when written with a
capital, so ordinary prose survives. Dates of birth are recognised in any usual spelling by
one shared date pattern, and compared as dates.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case
from cspr_tui.domain.deadline import stored_date

__all__ = ["Identifier", "Redactor", "identifiers_for_case"]

_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"}
_PARTICLES = {"de", "da", "di", "du", "la", "le", "van", "von", "der", "den", "del", "bin", "al"}
# Given names that are also everyday words: matched only when capitalised.
_COMMON_WORDS = {
    "amber", "april", "art", "august", "autumn", "bill", "brook", "carol", "chance", "dawn",
    "faith", "frank", "grace", "guy", "holly", "hope", "iris", "ivy", "jack", "jay", "joy",
    "june", "lily", "mark", "marsh", "may", "miles", "penny", "pat", "rich", "rose", "ruby",
    "sky", "summer", "sue", "taylor", "will", "wood", "young", "king", "green", "brown",
    "white", "black", "long", "little", "hill", "field", "page", "read", "wells", "bright",
}  # fmt: skip
_WORD = re.compile(r"\w+")
_GAP = re.compile(r"[\s'\-.,]{1,4}")  # what may stand between the words of one identifier
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_APOSTROPHES = "'\u2019\u2018\u02bc"


@dataclass(frozen=True)
class Identifier:
    """Text that must not appear in a redacted export, and what replaces it."""

    text: str
    replacement: str
    kind: str = "name"  # "name" | "name part" | "date of birth" | "address" | "postcode"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


# Letters without a Unicode decomposition that people still type without their mark.
_PLAIN = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"}
_PLAIN.update({c: "'" for c in _APOSTROPHES[1:]})
_PLAIN.update({c: "-" for c in "\u2010\u2011\u2013"})


class _FoldTable(dict):
    """`str.translate` table taking each character to one unaccented character.

    One character for one keeps positions, so a match found in the folded copy of a text
    is replaced at the same place in the original. Filled lazily, one entry per character
    ever seen, so folding runs at `str.translate` speed.
    """

    def __missing__(self, code: int) -> int:
        char = chr(code)
        plain = _PLAIN.get(char)
        if plain is None:
            parts = unicodedata.normalize("NFD", char)
            if len(parts) > 1 and all(unicodedata.combining(p) for p in parts[1:]):
                plain = parts[0] if len(parts[0]) == 1 else char
            else:
                plain = char
        self[code] = ord(plain)
        return self[code]


_FOLD = _FoldTable()


def _fold(text: str) -> str:
    """`text` (NFC) with accents and apostrophe and hyphen styles folded, same length.

    So "Zoe" written without its diaeresis, "Lukasz" without the stroke and "O’Neill" with
    a curly apostrophe are all caught by the key's "Zoë", "Łukasz" and "O'Neill".
    """
    return text.translate(_FOLD)


def _name_parts(name: str) -> list[str]:
    parts: list[str] = []
    for token in _norm(name).split(" "):
        token = token.strip('.,;:()"' + _APOSTROPHES)
        if len(token) < 2 or token.lower() in _HONORIFICS | _PARTICLES:
            continue
        parts.append(token)
        if "-" in token:
            parts.extend(p for p in token.split("-") if len(p) >= 3)
    return parts


_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Any way a date is written in a UK report: 04/05/2019, 4.5.19, 2019-05-04, 4th May 2019,
# 4 May, 2019, May 4th 2019. One pattern for every case, compiled once.
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4}|\d{2})"
    r"|(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})"
    rf"|(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<n3>{_MONTH_NAMES})\.?,?\s+(?P<y3>\d{{4}})"
    rf"|(?P<n4>{_MONTH_NAMES})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}})"
    r")(?!\d|[/.\-]\d)",
    re.IGNORECASE,
)


def _dates_in(match: re.Match[str]) -> list[date]:
    """The dates a `_DATE` match can mean (a two-digit year can be either century)."""
    g = match.groupdict()
    if g["d1"]:
        day, month, years = int(g["d1"]), int(g["m1"]), g["y1"]
    elif g["y2"]:
        day, month, years = int(g["d2"]), int(g["m2"]), g["y2"]
    else:
        name = (g["n3"] or g["n4"]).casefold()[:3]
        day, month, years = int(g["d3"] or g["d4"]), _MONTHS.index(name) + 1, g["y3"] or g["y4"]
    candidates = [int(years)] if len(years) == 4 else [1900 + int(years), 2000 + int(years)]
    found = []
    for year in candidates:
        with contextlib.suppress(ValueError):  # 31/02: not a date at all
            found.append(date(year, month, day))
    return found


def parse_date_text(text: str) -> date | None:
    """`text` as a date if it is exactly one date in any of the forms `_DATE` knows."""
    match = _DATE.fullmatch(_fold(_norm(text)))
    dates = _dates_in(match) if match else []
    return dates[0] if len(dates) == 1 else None


def _street_lines(address: str) -> list[str]:
    """The house-and-street line of an address, with and without its number.

    Free text says "seen at 1 Imaginary Row" or "lived on Imaginary Row", not the whole
    address; the town alone is left alone (it names the partnership's own area).
    """
    lines: list[str] = []
    for part in address.split(",")[:2]:
        part = part.strip()
        if re.match(r"(?:flat|apartment|unit|room)\b", part, re.IGNORECASE):
            continue  # "Flat 3": the street is in the next part
        if not re.search(r"\d", part) or not re.search(r"[^\W\d_]{3,}", part):
            break
        lines.append(part)
        street = re.sub(r"^\d+[a-z]?\s*[-]?\s*", "", part, flags=re.IGNORECASE)
        if street != part and len(street.split()) >= 2:
            lines.append(street)
        break
    return lines


def identifiers_for_case(case: Case) -> list[Identifier]:
    """Every identifier of the case's pseudonym key and referral, with its replacement."""
    found: list[Identifier] = []
    full_names: dict[str, str] = {}
    for person in case.people:
        if person.real_name.strip():
            full_names[_norm(person.real_name).casefold()] = person.pseudonym or person.role

    referral = case.record("referral")
    values: dict[str, Any] = referral.values if referral else {}
    children = [c for c in values.get("children") or [] if isinstance(c, dict)]
    family = [f for f in values.get("family") or [] if isinstance(f, dict)]
    extra_names: list[tuple[str, str]] = []
    for index, child in enumerate(children, start=1):
        name = _norm(str(child.get("name") or ""))
        pseudonym = full_names.get(name.casefold()) or (
            case.pseudonym if index == 1 else f"Sibling {index - 1}"
        )
        if name:
            extra_names.append((name, pseudonym))
        for other in re.split(r"[,;/]", str(child.get("other_names") or "")):
            if other.strip():
                extra_names.append((other.strip(), pseudonym))
    for member in family:
        name = _norm(str(member.get("name") or ""))
        if name:
            role = str(member.get("relationship") or "family member")
            extra_names.append((name, full_names.get(name.casefold()) or role))
    if values.get("referrer_name"):
        role = str(values.get("referrer_job_title") or "the referrer")
        extra_names.append((str(values["referrer_name"]), role))
    for agency in values.get("agencies") or []:
        if isinstance(agency, dict) and agency.get("contact_name"):
            role = f"{agency.get('agency') or 'agency'} contact"
            extra_names.append((str(agency["contact_name"]), role))

    names = [(p.real_name, p.pseudonym or p.role) for p in case.people if p.real_name.strip()]
    names += extra_names
    seen: set[str] = set()
    part_owners: dict[str, set[str]] = {}
    part_spelling: dict[str, str] = {}
    for real, replacement in names:
        key = _norm(real).casefold()
        if key and key not in seen:
            seen.add(key)
            found.append(Identifier(_norm(real), replacement, "name"))
        for part in _name_parts(real):
            part_owners.setdefault(part.casefold(), set()).add(replacement)
            part_spelling.setdefault(part.casefold(), part)
    for part_key, owners in part_owners.items():
        if part_key in seen:
            continue
        seen.add(part_key)
        replacement = next(iter(owners)) if len(owners) == 1 else "[name withheld]"
        found.append(Identifier(part_spelling[part_key], replacement, "name part"))

    for person in [*children, *family]:
        dob = person.get("dob")
        born = stored_date(dob) if dob else None
        # A date is found in any spelling; anything else typed as a date of birth, as written.
        text = born.strftime("%d/%m/%Y") if born else _norm(str(dob or ""))
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            found.append(Identifier(text, "[date of birth withheld]", "date of birth"))
        address = _norm(str(person.get("address") or ""))
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            found.append(Identifier(address, "[address withheld]", "address"))
            for line in _street_lines(address):
                if line.casefold() not in seen:
                    seen.add(line.casefold())
                    found.append(Identifier(line, "[address withheld]", "address"))
            for postcode in _POSTCODE.findall(address):
                if postcode.casefold() not in seen:
                    seen.add(postcode.casefold())
                    found.append(Identifier(postcode, "[postcode withheld]", "postcode"))
    return found


def _key(text: str) -> str:
    """How a matched piece of text is looked up: case, accents, spacing and apostrophes folded."""
    return _fold(_norm(text)).casefold().replace("'", "")


def _tokens(text: str) -> tuple[str, ...]:
    """The words of `text` as matching sees them: folded, case-folded, punctuation dropped."""
    return tuple(_WORD.findall(_fold(_norm(text)).casefold()))


class Redactor:
    """Replaces identifiers in text and finds any that remain, with the same matching rules.

    Matching is on words: a text's words (accents, case and apostrophe style folded) are
    looked up in a table of each identifier's first word, and a hit is confirmed word by
    word, with only spaces, apostrophes, hyphens, commas or full stops between them. So
    there is no per-case regex to compile, a text without any identifier's word costs one
    `findall` and a set test, and a full name wins over its parts (longest first).
    """

    def __init__(self, identifiers: Iterable[Identifier]) -> None:
        unique: dict[str, Identifier] = {}
        self._dates: dict[date, Identifier] = {}
        for ident in sorted(identifiers, key=lambda i: len(i.text), reverse=True):
            day = parse_date_text(ident.text) if ident.kind == "date of birth" else None
            if day is not None:  # found in any spelling by the shared date pattern
                self._dates.setdefault(day, ident)
            else:
                unique.setdefault(_key(ident.text), ident)
        self.identifiers = [*unique.values(), *self._dates.values()]
        # first word -> [(words, identifier, capital needed)], most words first
        self._starts: dict[str, list[tuple[tuple[str, ...], Identifier, bool]]] = {}
        for ident in unique.values():
            words = _tokens(ident.text)
            if not words:
                continue
            capital = ident.kind == "name part" and ident.text.casefold() in _COMMON_WORDS
            spellings = {words, _tokens(_fold(ident.text).replace("'", ""))}  # "ONeill"
            if ident.kind == "postcode":
                spellings.add(_tokens(ident.text.replace(" ", "")))  # "NE81ZZ"
            for spelling in spellings:
                self._starts.setdefault(spelling[0], []).append((spelling, ident, capital))
        for options in self._starts.values():
            options.sort(key=lambda option: -len(option[0]))
        self._memo: dict[str, str] = {}  # the same text recurs across a case's actions
        # Every spelling of a date of birth holds its year's last two digits: a cheap test
        # that keeps the date pattern off the many texts that cannot hold one.
        self._years = frozenset(f"{day.year % 100:02d}" for day in self._dates)
        self._replacements = {ident: ident.replacement for ident in self.identifiers}
        self._settle_replacements()

    def _settle_replacements(self) -> None:
        """Redact the replacements themselves: a role typed as "Zoë's mother" must not put
        the child's name back. What still names someone after that (a pseudonym that is the
        person's own first name) is kept in `unsafe`, for the exporters to refuse."""
        for _round in range(3):  # a few distinct texts ("Child A", "Mother"...), many parts
            settled = {text: self._substitute(text) for text in set(self._replacements.values())}
            if all(before == after for before, after in settled.items()):
                break
            self._replacements = {i: settled[t] for i, t in self._replacements.items()}
        naming = {text for text in set(self._replacements.values()) if self.find(text)}
        self.unsafe: list[tuple[Identifier, str]] = [
            (ident, text) for ident, text in self._replacements.items() if text in naming
        ]

    @classmethod
    def for_case(cls, case: Case) -> Redactor:
        return cls(identifiers_for_case(case))

    def _word_matches(self, folded: str) -> list[tuple[int, int, Identifier]]:
        if self._starts.keys().isdisjoint(_WORD.findall(folded.casefold())):
            return []
        words = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(folded)]
        found: list[tuple[int, int, Identifier]] = []
        index = 0
        while index < len(words):
            start, _end, word = words[index]
            for spelling, ident, capital in self._starts.get(word, ()):
                last = index + len(spelling) - 1
                if last >= len(words) or (capital and not folded[start].isupper()):
                    continue
                if all(
                    words[index + k][2] == spelling[k]
                    and _GAP.fullmatch(folded, words[index + k - 1][1], words[index + k][0])
                    for k in range(1, len(spelling))
                ):
                    found.append((start, words[last][1], ident))
                    index = last
                    break
            index += 1
        return found

    def _matches(self, text: str) -> tuple[str, list[tuple[int, int, Identifier]]]:
        """`text` in NFC, and the identifiers found in its folded copy (same positions).

        Earliest first; where a name and a date overlap ("4 May 2019" and a "May"), the
        longer one wins.
        """
        text = unicodedata.normalize("NFC", text)
        folded = _fold(text)
        found = self._word_matches(folded) if self._starts else []
        if self._dates and any(year in folded for year in self._years):
            for match in _DATE.finditer(folded):
                for day in _dates_in(match):
                    if day in self._dates:
                        found.append((match.start(), match.end(), self._dates[day]))
                        break
            found.sort(key=lambda m: (m[0], m[0] - m[1]))
            kept, end = [], -1
            for item in found:
                if item[0] >= end:
                    kept.append(item)
                    end = item[1]
            found = kept
        return text, found

    def _substitute(self, text: str) -> str:
        text_nfc, matches = self._matches(text)
        pieces, last = [], 0
        for start, end, ident in matches:
            pieces.append(text_nfc[last:start])
            pieces.append(self._replacements[ident])
            last = end
        pieces.append(text_nfc[last:])
        return "".join(pieces)

    def redact(self, text: str) -> str:
        """`text` with every identifier replaced by its pseudonym or a neutral placeholder."""
        if not text or not (self._starts or self._dates):
            return text
        done = self._memo.get(text)
        if done is None:
            done = self._substitute(text)
            if len(self._memo) < 10_000:
                self._memo[text] = done
        return done

    def find(self, text: str) -> list[Identifier]:
        """The identifiers still present in `text`, each once, in the order of the key."""
        if not text or not (self._starts or self._dates):
            return []
        hits = {ident for _start, _end, ident in self._matches(text)[1]}
        if not hits:
            return []
        order = {ident: index for index, ident in enumerate(self.identifiers)}
        return sorted(hits, key=lambda i: (order.get(i, len(order)), i.text))

    def redact_data(self, value: Any) -> Any:
        """The same structure (dicts, lists, strings) with every string redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_data(v) for v in value]
        return value
