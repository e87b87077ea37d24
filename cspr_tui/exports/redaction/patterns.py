"""Identifiers recognised by their shape, in folded text (see `normalise`).

NHS numbers (any grouping, mod-11 check digit), UK postcodes (any case, any spacing),
email addresses, UK telephone numbers (the `phonenumbers` library), and dates written
any way a UK report writes them. Each finder yields (start, end, value) in folded text.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import date

import phonenumbers

from cspr_tui.domain.people import nhs_number_valid

__all__ = [
    "STREET_TYPES",
    "date_spans",
    "email_spans",
    "is_service_number",
    "nhs_spans",
    "phone_spans",
    "postcode_spans",
    "street_type_pattern",
    "written_date_spans",
]

_NHS = re.compile(r"(?<![\d])\d(?:[ \-./]{0,3}\d){9}(?![\d])")
_POSTCODE = re.compile(r"(?<![a-z0-9])([a-z]{1,2}\d[a-z\d]?)[ -]*(\d[a-z]{2})(?![a-z0-9])")
# An address as written, or disguised as people do to beat scrapers: "jo [at] mail [dot] uk",
# "jo(at)mail(dot)uk"; spelled out ("jo dot bloggs at mail dot uk") only with a spelled-out
# dot after the "at", so "met at school" is not one.
_AT = r"(?:[ ]*@[ ]*|[ ]*[\[({<][ ]*at[ ]*[\])}>][ ]*)"
_BRACKETED_DOT = r"[ ]*[\[({<][ ]*dot[ ]*[\])}>][ ]*"
_DOT = rf"(?:[ ]*\.[ ]*|{_BRACKETED_DOT})"  # spaces around a plain dot: only after the "@"
_EMAIL = re.compile(
    rf"[\w.+'\-]+(?:{_BRACKETED_DOT}[\w.+'\-]+)*{_AT}[\w\-]+(?:{_DOT}[\w\-]+)+"
    r"|[\w.+'\-]+(?:[ ]+dot[ ]+[\w+'\-]+)*[ ]+at[ ]+[\w\-]+(?:[ ]+dot[ ]+[\w\-]+)+"
)


def nhs_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Ten digits, grouped any way, whose check digit is right: an NHS number."""
    for match in _NHS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if nhs_number_valid(digits):
            yield match.start(), match.end(), digits


def postcode_spans(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _POSTCODE.finditer(text):
        yield match.start(), match.end(), f"{match.group(1)} {match.group(2)}".upper()


# What every address above holds somewhere: an "@", a bracketed "at", or a spelled-out
# " at " with a " dot ". A text with none of them (most) skips the slower full pattern.
_EMAIL_HINT = re.compile(r"@|[\[({<][ ]*at[ ]*[\])}>]")


def email_spans(text: str) -> Iterator[tuple[int, int, str]]:
    if not _EMAIL_HINT.search(text) and not (" at " in text and " dot " in text):
        return
    for match in _EMAIL.finditer(text):
        value = match.group().rstrip(".")
        yield match.start(), match.start() + len(value), value.replace(" ", "")


def phone_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """UK numbers as `phonenumbers` recognises them (landline, mobile, +44, (0) forms)."""
    if sum(map(str.isdigit, text)) < 7:
        return
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        number = match.number
        national = str(number.national_number)
        written = match.raw_string.lstrip("(")
        uk_form = written.startswith(("+", "00", "0"))
        if number.country_code == 44 and uk_form and 9 <= len(national) <= 10:
            yield match.start, match.end, f"+44{national}"
        elif phonenumbers.is_valid_number(number) and written.startswith(("+", "00")):
            yield match.start, match.end, f"+{number.country_code}{national}"


_SERVICE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
    }
)


def is_service_number(value: str) -> bool:
    """Whether a number from `phone_spans` is a freephone, shared-cost, premium or 03 line:
    numbers organisations publish (helplines, switchboards), never a person's own."""
    try:
        return phonenumbers.number_type(phonenumbers.parse(value)) in _SERVICE_TYPES
    except phonenumbers.NumberParseException:
        return False


_MONTHS = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
_MONTH_NUMBER = {name: number for number, names in enumerate(_MONTHS, 1) for name in names}
_MONTH = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_SEP = r"[ ]*[/.\-\\ ][ ]*"
_ORD = r"(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\w])(?:"
    rf"(?P<d1>\d{{1,2}}){_SEP}(?P<m1>\d{{1,2}}){_SEP}(?P<y1>\d{{4}}|\d{{2}})"
    rf"|(?P<y2>\d{{4}}){_SEP}(?P<m2>\d{{1,2}}){_SEP}(?P<d2>\d{{1,2}})"
    rf"|(?P<d3>\d{{1,2}}){_ORD}[ ]*(?:of[ ]+)?[-./]?(?P<n3>{_MONTH})\.?[ ,.\-/]*"
    r"(?P<y3>\d{4}|'?\d{2})"
    rf"|(?P<n4>{_MONTH})\.?[ ]*(?P<d4>\d{{1,2}}){_ORD}[ ,.\-/]*(?P<y4>\d{{4}}|'?\d{{2}})"
    r"|(?P<e8>\d{8})|(?P<e6>\d{6})"
    r")(?![\w])"
)


def _years(text: str) -> list[int]:
    text = text.lstrip("'")
    return [int(text)] if len(text) == 4 else [1900 + int(text), 2000 + int(text)]


def _candidates(match: re.Match[str]) -> list[date]:
    """Every date a match can mean: 2-digit years either century; eight digits as
    DDMMYYYY or YYYYMMDD, six as DDMMYY."""
    g = match.groupdict()
    triples: list[tuple[int, int, int]] = []
    if g["d1"]:
        triples = [(y, int(g["m1"]), int(g["d1"])) for y in _years(g["y1"])]
    elif g["y2"]:
        triples = [(int(g["y2"]), int(g["m2"]), int(g["d2"]))]
    elif g["n3"]:
        triples = [(y, _MONTH_NUMBER[g["n3"]], int(g["d3"])) for y in _years(g["y3"])]
    elif g["n4"]:
        triples = [(y, _MONTH_NUMBER[g["n4"]], int(g["d4"])) for y in _years(g["y4"])]
    elif g["e8"]:
        s = g["e8"]
        triples = [(int(s[4:]), int(s[2:4]), int(s[:2])), (int(s[:4]), int(s[4:6]), int(s[6:]))]
    elif g["e6"]:
        s = g["e6"]
        triples = [(y, int(s[2:4]), int(s[:2])) for y in _years(s[4:])]
    found = []
    for year, month, day in triples:
        with contextlib.suppress(ValueError):
            found.append(date(year, month, day))
    return found


# A calendar date written with separators (01/03/2019, 1-3-19, 2019.03.01), then perhaps a
# time (12:30, 08.00, 0945): a chronology entry, never part of a telephone or NHS number.
_WRITTEN_DATE = re.compile(
    r"(?<![\w])(?:(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
    r"|(?P<y2>\d{4})(?P<s2>[/.\-])(?P<m2>\d{1,2})(?P=s2)(?P<d2>\d{1,2}))"
    r"(?:[ ]*,?[ ]*(?:at[ ]+)?\d{1,2}[:.]?\d{2}(?:[ ]*[ap]\.?m\.?)?)?(?![\w])"
)


def written_date_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` holds a real calendar date written with separators (and its time)."""
    if not any(map(str.isdigit, text)):
        return []
    spans = []
    for match in _WRITTEN_DATE.finditer(text):
        day, month = (match["d"], match["m"]) if match["d"] else (match["d2"], match["m2"])
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            spans.append((match.start(), match.end()))
    return spans


def date_spans(text: str, wanted: frozenset[date]) -> Iterator[tuple[int, int, date]]:
    """Dates in `text` equal to one of `wanted`, however they are written."""
    if not wanted or not any(map(str.isdigit, text)):
        return
    for match in _DATE.finditer(text):
        for day in _candidates(match):
            if day in wanted:
                yield match.start(), match.end(), day
                break


# Street types and the abbreviations people write for them (Royal Mail's common ones).
STREET_TYPES: dict[str, tuple[str, ...]] = {
    "close": ("cl",),
    "road": ("rd",),
    "street": ("st", "str"),
    "avenue": ("ave", "av"),
    "drive": ("dr", "drv"),
    "lane": ("ln",),
    "crescent": ("cres", "cresc", "cr"),
    "gardens": ("gdns", "gdn"),
    "garden": ("gdn",),
    "court": ("ct",),
    "place": ("pl",),
    "terrace": ("terr", "ter", "tce"),
    "square": ("sq",),
    "grove": ("gr", "gro"),
    "park": ("pk",),
    "way": ("wy",),
    "mews": ("mws",),
    "row": (),
    "walk": ("wlk",),
    "view": ("vw",),
    "green": ("grn",),
    "hill": (),
    "rise": (),
    "parade": ("pde",),
    "boulevard": ("blvd",),
    "estate": ("est",),
    "house": ("ho",),
    "cottages": ("cotts",),
    "north": ("n",),
    "south": ("s",),
    "east": ("e",),
    "west": ("w",),
}
_TYPE_OF = {form: full for full, forms in STREET_TYPES.items() for form in (full, *forms)}


def street_type_pattern(word: str) -> str | None:
    """A regex for a street-type word in any of its written forms, or None if it is not one."""
    full = _TYPE_OF.get(word)
    if full is None:
        return None
    short = sorted(set(STREET_TYPES[full]), key=len, reverse=True)
    forms = [re.escape(full), *(re.escape(f) + r"\.?" for f in short)]
    return "(?:" + "|".join(forms) + ")"
