"""Identifiers recognised by their shape, in folded text (see `normalise`).

NHS numbers (any grouping, mod-11 check digit), UK postcodes (any case, any spacing),
email addresses, UK telephone numbers (the `phonenumbers` library), and dates written
any way a UK report writes them. Each finder yields (start, end, value) in folded text.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from datetime import date

import phonenumbers

from cspr_tui.domain.people import nhs_number_valid

__all__ = [
    "STREET_TYPES",
    "date_spans",
    "email_spans",
    "is_service_number",
    "key_phone_pattern",
    "nhs_spans",
    "phone_spans",
    "postcode_spans",
    "street_type_pattern",
    "written_date_spans",
]

# Grouped with spaces, dashes, dots, slashes or underscores ("943_476_5919", "NE8.1ZZ").
_NHS = re.compile(r"(?<![\d])\d(?:[ \-./_]{0,3}\d){9}(?![\d])")
_POSTCODE = re.compile(r"(?<![a-z0-9])([a-z]{1,2}\d[a-z\d]?)(?:[ -]*|[._])(\d[a-z]{2})(?![a-z0-9])")
# An address as written, or disguised as people do to beat scrapers: "jo [at] mail [dot] uk",
# "jo(at)mail(dot)uk"; spelled out ("jo dot bloggs at mail dot uk") only with a spelled-out
# dot after the "at", so "met at school" is not one.
_AT = r"(?:[ ]*@[ ]*|[ ]*[\[({<][ ]*at[ ]*[\])}>][ ]*)"
_BRACKETED_DOT = r"[ ]*[\[({<][ ]*dot[ ]*[\])}>][ ]*"
_DOT = rf"(?:[ ]*\.[ ]*|{_BRACKETED_DOT})"  # spaces around a plain dot: only after the "@"
# Bounded repeats (a local part of up to 100 characters, up to 10 disguised dots, labels of
# up to 63): every real address fits, and each place the search starts costs a bounded
# amount, so a long run with no address in it stays linear (unbounded, 8,000 characters of
# "a." or "x [dot] " took 12-80 s).
_LOCAL = r"[\w.+'\-]{1,100}"
_LABEL = r"[\w\-]{1,63}"
_EMAIL = re.compile(
    rf"{_LOCAL}(?:{_BRACKETED_DOT}{_LOCAL}){{0,10}}{_AT}{_LABEL}(?:{_DOT}{_LABEL}){{1,10}}"
    rf"|{_LOCAL}(?:[ ]+dot[ ]+[\w+'\-]{{1,100}}){{0,10}}[ ]+at[ ]+{_LABEL}"
    rf"(?:[ ]+dot[ ]+{_LABEL}){{1,10}}"
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


_DIGIT_GAP = r"[ ._\-()/:,\u00b7\u2022\u2219]{0,3}"


def key_nhs_pattern(numbers: Iterable[str]) -> str | None:
    """The key's own NHS numbers however their digits are parted ("943 476 5919",
    "943·476·5919", "943-476-5919"), whether or not the check digit passes: a number the
    record holds is the person's even if it was typed wrong there."""
    cores = {"".join(filter(str.isdigit, n)) for n in numbers}
    cores = {c for c in cores if len(c) >= 9}
    if not cores:
        return None
    body = "|".join(_DIGIT_GAP.join(core) for core in sorted(cores, key=len, reverse=True))
    return rf"(?<!\d)(?:{body})(?!\d)"


def key_phone_pattern(phones: Iterable[str]) -> str | None:
    """The key's own numbers however they are written: the national number with or without
    its 0, +44, 0044 or (0), any separators between the digits ("07700_900_123",
    "wa.me/447700900123"), and a landline's local number alone ("496 0123"). A number
    not in the key is left to `phone_spans`."""
    cores: set[str] = set()
    for phone in phones:
        with contextlib.suppress(phonenumbers.NumberParseException):
            number = phonenumbers.parse(phone, "GB")
            national = str(number.national_number)
            if len(national) < 6:
                continue
            cores.add(national)
            area = phonenumbers.length_of_geographical_area_code(number)
            local = national[area:] if area else ""
            if len(local) >= 6:
                cores.add(local)
    if not cores:
        return None
    body = "|".join(_DIGIT_GAP.join(core) for core in sorted(cores, key=len, reverse=True))
    prefix = rf"(?:(?:\+[ ]?|00)?\d{{1,3}}{_DIGIT_GAP}(?:\(?0\)?{_DIGIT_GAP})?|0{_DIGIT_GAP})?"
    return rf"(?<!\d){prefix}(?:{body})(?!\d)"


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
_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEENS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
          "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth")  # fmt: skip
_ORDINAL_DAY = {word: day for day, word in enumerate(_UNITS, 1)}
_ORDINAL_DAY.update({word: day for day, word in enumerate(_TEENS, 10)})
_ORDINAL_DAY.update({f"twenty {w}": 20 + d for d, w in enumerate(_UNITS, 1)})
_ORDINAL_DAY.update({"thirtieth": 30, "thirty first": 31})
_DAY_WORD = "|".join(w.replace(" ", "[ -]?") for w in sorted(_ORDINAL_DAY, key=len, reverse=True))
_YEAR = r"\d{4}|'?\d{2}"
# Digits may touch letters or an underscore ("DOB_03032015", "scan_20150303.pdf",
# "2015-03-03T00:00"), never other digits; a month written first starts a word.
_DATE = re.compile(
    r"(?<!\d)(?:"
    rf"(?P<d1>\d{{1,2}}){_SEP}(?P<m1>\d{{1,2}}){_SEP}(?P<y1>{_YEAR})"
    rf"|(?P<y2>\d{{4}}){_SEP}(?P<m2>\d{{1,2}}){_SEP}(?P<d2>\d{{1,2}})"
    rf"|(?P<d3>\d{{1,2}}){_ORD}[ ]*(?:of[ ]+)?(?:[-./][ ]*)?(?P<n3>{_MONTH})\.?[ ,.\-/]*"
    rf"(?P<y3>{_YEAR})"
    rf"|(?<![^\W\d_])(?P<n4>{_MONTH})\.?[ ]*(?:the[ ]+)?(?P<d4>\d{{1,2}}){_ORD}[ ,.\-/]*"
    rf"(?P<y4>{_YEAR})"
    rf"|(?<![^\W\d_])(?P<w5>{_DAY_WORD})[ ]+(?:of[ ]+)?(?P<n5>{_MONTH})\.?[ ,]*(?P<y5>{_YEAR})"
    rf"|(?<![^\W\d_])(?P<n6>{_MONTH})\.?[ ]+(?:the[ ]+)?(?P<w6>{_DAY_WORD})[ ,]*"
    rf"(?P<y6>{_YEAR})"
    r"|(?P<e8>\d{8})|(?P<e6>\d{6})"
    r")(?!\d)"
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
        if int(g["m1"]) > 12:  # only the American order can be meant ("11/21/1988")
            triples = [(y, int(g["d1"]), int(g["m1"])) for y in _years(g["y1"])]
    elif g["y2"]:
        triples = [(int(g["y2"]), int(g["m2"]), int(g["d2"]))]
    elif g["n3"]:
        triples = [(y, _MONTH_NUMBER[g["n3"]], int(g["d3"])) for y in _years(g["y3"])]
    elif g["n4"]:
        triples = [(y, _MONTH_NUMBER[g["n4"]], int(g["d4"])) for y in _years(g["y4"])]
    elif g["w5"] or g["w6"]:
        written = re.sub(r"[ -]+", "", g["w5"] or g["w6"])
        day = next(d for w, d in _ORDINAL_DAY.items() if w.replace(" ", "") == written)
        month = _MONTH_NUMBER[g["n5"] or g["n6"]]
        triples = [(y, month, day) for y in _years(g["y5"] or g["y6"])]
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
