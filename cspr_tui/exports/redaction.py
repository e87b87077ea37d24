"""Replacing real names and other identifiers by pseudonyms, and proving none is left.

Publication-safe and agency exports must never carry a real name (domain.md 8). Redaction
works on the text that goes into a template; a scan of the finished document then looks for
every identifier again in all of its text (body, tables, headers, footers, properties), so a
name hard-coded in an edited template or hidden in an unexpected field still stops the export.

What counts as an identifier: each real name in the case's pseudonym key (`case.people`),
and its parts (first name, surname) where they are long enough to be a name; the names,
other names, dates of birth, addresses and postcodes captured in the referral; the referrer's
and agency contacts' names. Matching is case-insensitive on whole words, so possessives
("Zoë's") and any capitalisation are caught. A part that is also an everyday word ("Will",
"May", "Grace") is matched only when written with a capital, so ordinary prose survives.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case

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


def _pattern_body(text: str) -> str:
    """A regex for `text`, tolerant of spacing, apostrophe and hyphen style."""
    pieces = []
    for char in _norm(text):
        if char == " ":
            pieces.append(r"\s+")
        elif char in _APOSTROPHES:
            pieces.append(f"[{_APOSTROPHES}]")
        elif char == "-":
            pieces.append(r"[-\u2010\u2011\u2013]")
        else:
            pieces.append(re.escape(char))
    return "".join(pieces)


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


def _date_forms(value: Any) -> list[str]:
    if not value:
        return []
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return [str(value)]
    return [day.strftime("%d/%m/%Y"), day.isoformat(), f"{day.day}/{day.month}/{day.year}"]


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
        for form in _date_forms(person.get("dob")):
            if form.casefold() not in seen:
                seen.add(form.casefold())
                found.append(Identifier(form, "[date of birth withheld]", "date of birth"))
        address = _norm(str(person.get("address") or ""))
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            found.append(Identifier(address, "[address withheld]", "address"))
            for postcode in _POSTCODE.findall(address):
                if postcode.casefold() not in seen:
                    seen.add(postcode.casefold())
                    found.append(Identifier(postcode, "[postcode withheld]", "postcode"))
    return found


def _key(text: str) -> str:
    """How a matched piece of text is looked up: case, spacing and apostrophe style folded."""
    text = unicodedata.normalize("NFC", " ".join(text.split())).casefold()
    for char in _APOSTROPHES[1:]:
        text = text.replace(char, "'")
    for char in "\u2010\u2011\u2013":
        text = text.replace(char, "-")
    return text


def _anchor(text: str) -> str:
    """A piece every match of `text` must contain, for a cheap substring test before the regex.

    The longest stretch between the characters the pattern lets vary (spaces, apostrophes,
    hyphens), so a date of birth is looked for whole, not just its year.
    """
    pieces = [p for p in re.split(r"[\s'\-]+", _key(text)) if p]
    return max(pieces, key=len) if pieces else _key(text)


class Redactor:
    """Replaces identifiers in text and finds any that remain, with the same matching rules.

    One regex per case (alternatives longest first, so a full name wins over its parts), and
    a substring pre-check so the many strings that hold no identifier cost almost nothing.
    """

    def __init__(self, identifiers: Iterable[Identifier]) -> None:
        unique: dict[str, Identifier] = {}
        for ident in sorted(identifiers, key=lambda i: len(i.text), reverse=True):
            unique.setdefault(_key(ident.text), ident)
        self.identifiers = list(unique.values())
        self._lookup = unique
        self._anchors = tuple({_anchor(i.text) for i in self.identifiers})
        self._compiled: re.Pattern[str] | None = None
        self._memo: dict[str, str] = {}  # the same text recurs across a case's actions

    @property
    def _pattern(self) -> re.Pattern[str]:
        """Compiled on first need: most cases' strings never get past the substring test."""
        if self._compiled is None:
            alternatives = []
            for ident in self.identifiers:
                body = _pattern_body(ident.text)
                if ident.kind == "name part" and ident.text.casefold() in _COMMON_WORDS:
                    # An everyday word: only a capitalised occurrence is taken for the name.
                    first = re.escape(ident.text[0].upper())
                    body = f"(?-i:{first}){_pattern_body(ident.text[1:])}"
                alternatives.append(body)
            self._compiled = re.compile(
                r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE
            )
        return self._compiled

    @classmethod
    def for_case(cls, case: Case) -> Redactor:
        return cls(identifiers_for_case(case))

    def _candidate(self, text: str) -> bool:
        folded = text.casefold()
        return any(anchor in folded for anchor in self._anchors)

    def _replacement(self, match: re.Match[str]) -> str:
        return self._lookup[_key(match.group(0))].replacement

    def redact(self, text: str) -> str:
        """`text` with every identifier replaced by its pseudonym or a neutral placeholder."""
        if not text or not self._anchors:
            return text
        done = self._memo.get(text)
        if done is not None:
            return done
        result = unicodedata.normalize("NFC", text)
        if self._candidate(result):
            result = self._pattern.sub(self._replacement, result)
        if len(self._memo) < 10_000:
            self._memo[text] = result
        return result

    def find(self, text: str) -> list[Identifier]:
        """The identifiers still present in `text`, each once, in the order of the key."""
        if not text or not self._anchors:
            return []
        text = unicodedata.normalize("NFC", text)
        if not self._candidate(text):
            return []
        hits = {_key(m.group(0)) for m in self._pattern.finditer(text)}
        return [ident for key, ident in self._lookup.items() if key in hits]

    def redact_data(self, value: Any) -> Any:
        """The same structure (dicts, lists, strings) with every string redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_data(v) for v in value]
        return value
