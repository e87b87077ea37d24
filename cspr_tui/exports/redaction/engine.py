"""The one detection engine: findings in a text, and the text with them replaced.

Every redacted output (case reports, the tracker, any Word document) goes through
`Redactor`. It folds the text (`normalise`), looks for the key's people (every written form
of a name, titles and initials, hyphenated and run-together forms, possessives) and for
identifiers by shape (`patterns`), and reports each hit as a `Finding`: where it is, the
sentence around it, what it becomes. A reviewer's decisions (accept / reject) are applied
by finding id, so the same hit in the same sentence is decided once.

Ordinary words: a name part that is also an everyday English word (`words.is_ordinary`) is
replaced only where it is used as a name (with a title or initial, next to another name
part, or as the whole name); a capitalised one elsewhere at a sentence start or inside a
capitalised phrase ("Brown bread.", "Principal Social Worker") is listed for review and
kept as written unless the reviewer rejects that; in lower case it is the word.
A name that English also writes as a dictionary word (`words.is_dictionary_word`: "hazel",
"olive", "grace", but not "zoe") is listed and kept in lower case before a word it
qualifies ("hazel eyes"; "hazel said" is the person) and when capitalised before the noun
it qualifies ("Olive oil", "the Grace period"); a name word before capitalised words ending
in a place word ("Hyde Park", "Lowe Street School") is the place's, listed and kept. A name
spelled out letter by letter ("Z o e  F i c t o r") is found like any other written form.
Capitalised words that are neither everyday words nor on the partnership's allowlist are
listed as possible names nobody registered: kept, unless the reviewer says otherwise.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from cspr_tui.domain.case import Case, RedactionDecision, RedactionOutcome
from cspr_tui.exports.redaction import patterns
from cspr_tui.exports.redaction.key import (
    JOB_WORDS,
    PARTICLES,
    ROLE_WORDS,
    TITLES,
    Subject,
    name_parts,
    name_tokens,
    subjects_for_case,
)
from cspr_tui.exports.redaction.normalise import Folded, fold, fold_plain
from cspr_tui.exports.redaction.words import (
    is_dictionary_word,
    is_english_only,
    is_frequent,
    is_noun,
    is_ordinary,
    is_word,
)

__all__ = ["Finding", "Redactor", "SharedScans"]

NAME_WITHHELD = "[name withheld]"
WITHHELD = {
    "NHS number": "[NHS number withheld]",
    "postcode": "[postcode withheld]",
    "email": "[email withheld]",
    "phone": "[phone number withheld]",
    "date of birth": "[date of birth withheld]",
    "address": "[address withheld]",
    "school": "[school withheld]",
    "GP practice": "[GP practice withheld]",
}
# Which kinds win where two findings overlap (lower first).
_PRIORITY = {
    "email": 0,
    "NHS number": 1,
    "phone": 2,
    "address": 3,
    "postcode": 4,
    "date of birth": 5,
    "school": 6,
    "GP practice": 6,
    "name": 7,
    "possible name": 9,
}
_FEMALE = re.compile(
    r"\b(?:mother|mum|sister|aunt|auntie|grandmother|gran|nan|nanna|daughter|wife|girlfriend|"
    r"stepmother|step-mother|woman|girl|niece|mrs|ms|miss)\b"
)
_MALE = re.compile(
    r"\b(?:father|dad|brother|uncle|grandfather|grandad|son|husband|boyfriend|stepfather|"
    r"step-father|man|boy|nephew|mr)\b"
)


def _role_gender(role: str) -> re.Pattern[str] | None:
    """`_FEMALE` or `_MALE` for a role whose head word is gendered: the part before "of"
    and after a possessive ("Partner of mother", "Mother's partner": the partner)."""
    head = fold_plain(role).split(" of ")[0].split("'s ")[-1]
    found = [(m.start(), p) for p in (_FEMALE, _MALE) for m in p.finditer(head)]
    return max(found, key=lambda f: f[0])[1] if found else None


_MALE_TITLES = frozenset({"mr", "master", "sir", "lord"})
_FEMALE_TITLES = frozenset({"mrs", "ms", "miss", "dame", "lady"})
_GENERIC_PLACE = frozenset(
    {
        "school", "primary", "secondary", "infant", "infants", "junior", "juniors", "nursery",
        "academy", "college", "high", "first", "middle", "church", "of", "england", "ce", "c", "e",
        "rc", "catholic", "methodist", "medical", "centre", "center", "practice", "surgery",
        "health", "group", "family", "doctors", "clinic", "community", "free",
        "federation", "trust", "pre", "preschool", "kindergarten", "sch", "prim", "acad",
        "coll", "med", "ctr", "cntr", "surg", "pract", "gp", "gps", "grp",
    }
)  # fmt: skip
_PLACE_SHORT = frozenset(
    {"gp", "gps", "sch", "prim", "acad", "coll", "med", "grp", "surg", "ctr", "cntr", "pract",
     "rc", "ce", "c", "e"}
)  # fmt: skip
_SUFFIXES = frozenset({"jnr", "snr", "jr", "sr"})  # "Tom Brown Jnr": not a name of its own
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?\n\r\u2022:;]")
_NAME_GAP = re.compile(r"[ ]{0,2}(?:-[ ]?)?")
# Compiled once: `re`'s own cache is pushed out by the cases' patterns in a long export.
_NOT_LETTER = re.compile(r"[\W_]")
_ORDINAL = re.compile(r"1st|2nd|3rd|[04-9]th")  # the inward part of a postcode it is not
_LETTER_RUN = re.compile(r"[^\W\d_]+")  # where a name may start and end
_HAS_LETTER = re.compile(r"[^\W\d_]")
# "Z.F.", "Z. F.", "J.K", "ZF", "MJO": two or three letters written as initials.
_INITIALS = re.compile(
    r"(?<![^\W\d_])(?:[a-z]\.[ ]?){1,2}[a-z]\.?(?![^\W\d_])|(?<![^\W_])[a-z]{2,3}(?![^\W_])"
)
_TITLE_INITIAL = re.compile(
    r"(?<![^\W\d_])(?:mr|mrs|ms|miss|mx|dr)\.?[ ]+(?P<initial>[a-z])\.?(?![^\W\d_])"
)
_TRAILING_INITIAL = re.compile(r"[ ](?P<initial>[a-z])\.(?![^\W\d_])")
# ... or without its dot ("Zoë F was seen"), where it is no word of its own: not "I" or "A"
_BARE_INITIAL = re.compile(r"[ ](?P<initial>[b-hj-z])(?![^\W\d_]|['\u2019.])")
_BARE_A = re.compile(r"[ ](?P<initial>a)(?![^\W\d_]|['\u2019.])")  # see `_initial_hits`
_LOWER_NEXT = re.compile(r"[ ]+[a-z]|[ ]*[,;:!?)]|[ ]*$")
# Where a run-together word's parts meet: "FictionaliaZoe", "#JusticeForZoe", "MrsO'Neill"
_CAMEL = re.compile(r"(?<=[^\W\d_])(?<![^\W\d_]['\u2019])(?=[A-Z])(?<![A-Z])")
_SIX_DIGITS = re.compile(r"(?:\d\D{0,3}){6}")  # the fewest a key's number is matched on
_SPACES = re.compile(r"[ ]{1,2}")
_SPACES_END = re.compile(r"[ ]{1,2}$")
_PREV_WORD = re.compile(r"([^\W\d_]+)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")
_STOP_SPACE = re.compile(r"[.!?\n]\s")
_STOP = re.compile(r"[.!?\n]")
# A word written letter by letter ("Z o e  F i c t o r", "Z-O-E", "Z.o.e"): three letters or
# more, each alone, one separator between them; two spaces or more part its words.
_SPACED = re.compile(
    r"(?<![^\W\d_])(?:[^\W\d_](?:[ ]{1,3}|[ ]?[-.*_,/:|+~=\u00b7\u2022\u2219][ ]?)){2,}"
    r"[^\W\d_](?![^\W\d_])"
)
_SPELLED_OUT = "a name in the key written letter by letter"
_SET_PHRASE = "a name in the key before a noun, as in a set phrase ('Olive oil'); check it"
# One space, then a word in lower case that no apostrophe or hyphen goes on from
_NOUN_AFTER = re.compile(r"[ ]([a-z]+)(?![^\W\d_]|['-])")
# What a record says a person does, right after their name ("hazel said", "faith cried")
_PERSON_VERBS = frozenset(
    {"said", "says", "told", "tells", "cried", "cries", "shouted", "shouts",
     "screamed", "screams", "disclosed", "reported", "stated", "explained", "asked", "asks",
     "replied", "attended", "attends", "lived", "lives", "hit", "hits", "kicked", "went",
     "goes", "came", "comes", "got", "gets", "ran", "runs", "sat", "saw", "sees", "felt",
     "feels", "made", "makes", "took", "takes", "gave", "gives", "left", "leaves", "spoke",
     "speaks", "wants", "needs", "likes", "loves", "hates", "knows", "thinks", "thought",
     "seems", "looks", "appears", "stays", "sleeps", "eats", "drinks", "plays"}
)  # fmt: skip
# Words after a name that make it the person's, not a word qualifying the next one: what
# people do, and the function words ("told molly to stop")
_NOT_QUALIFIED = _PERSON_VERBS | frozenset(
    {"a", "an", "the", "and", "or", "but", "to", "at", "in", "on", "of", "for", "from",
     "with", "by", "about", "as", "if", "so", "than", "then", "that", "this", "who",
     "when", "while", "because", "say", "is", "was", "are", "were", "be", "been", "being",
     "has", "had", "have", "does", "did", "do", "can", "could", "will", "would", "shall",
     "should", "may", "might", "must", "also", "too", "not", "never", "always", "often",
     "again", "now", "today", "yesterday", "herself", "himself", "her", "him", "she", "he",
     "they", "them", "we", "you", "it", "hasn't", "isn't", "wasn't", "doesn't", "didn't",
     "won't", "can't"}
)  # fmt: skip
# What a set phrase may follow: an article, a possessive, a preposition, "and" or "or"
_BEFORE_A_PHRASE = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "my", "your", "his", "her", "our",
     "their", "its", "some", "any", "no", "each", "every", "of", "in", "on", "at", "with",
     "without", "for", "from", "by", "into", "onto", "over", "under", "about", "after",
     "before", "during", "than", "like", "and", "or", "plus"}
)  # fmt: skip
_COMPASS_WORDS = frozenset({"north", "south", "east", "west", "n", "s", "e", "w"})
_SPACED_GAP = re.compile(r"[ ]{2,}|[ ]?[-.*_,/:|+~=\u00b7\u2022\u2219][ ]?[ ]+")


@dataclass(frozen=True)
class Finding:
    """One hit: what, where, the sentence it is in, what it becomes and who decided."""

    id: str
    kind: str
    hit: str
    replacement: str
    withhold: bool  # the proposal: True = replace, False = keep as written
    reason: str
    snippet: str
    document: str = ""
    path: str = ""
    start: int = 0
    end: int = 0
    outcome: RedactionOutcome | None = None
    decided_reason: str = ""

    @property
    def open(self) -> bool:
        return self.outcome is None

    @property
    def withheld(self) -> bool:
        """Whether the export replaces it: the proposal, or its opposite if rejected."""
        if self.outcome == RedactionOutcome.REJECTED:
            return not self.withhold
        return self.withhold

    @property
    def becomes(self) -> str:
        return self.replacement if self.withheld else self.hit

    @property
    def text(self) -> str:  # the name older callers read
        return self.hit

    def where(self) -> str:
        return " > ".join(p for p in (self.document, self.path) if p)

    def describe(self) -> str:
        """One line for a refusal or a listing: id, what, where, sentence, outcome."""
        outcome = f"becomes {self.becomes!r}" if self.withheld else "kept as written"
        return f"[{self.id}] {self.kind} in {self.where() or 'text'}: {self.snippet} ({outcome})"


@dataclass
class _Hit:
    start: int  # folded positions
    end: int
    kind: str
    replacement: str
    withhold: bool
    reason: str


@dataclass(slots=True)
class _Scanned:
    """A text's hits, and the findings they make before any decision (made on first use,
    the same for every redactor the hits are shared with)."""

    doc: Folded
    hits: list[_Hit]
    bare: list[Finding] | None = None


# Surname prefixes written joined, spaced or hyphenated: MacDonald, Mac Donald, Mac-Donald.
_PREFIXES = ("fitz", "mac", "mc", "van", "von", "de", "da", "di", "du", "le", "la", "al", "el",
             "ap", "ab", "ben", "bin", "st", "o", "d")  # fmt: skip


@lru_cache(maxsize=8192)
def _token_pattern(token: str) -> str:
    """A folded name word allowing any apostrophe, hyphen or space variation inside it."""
    prefix = next((p for p in _PREFIXES if token.startswith(p) and len(token) - len(p) >= 3), "")
    if prefix and token[len(prefix)] not in "'-":
        head = "".join(re.escape(c) for c in prefix)
        return head + "[ '-]?" + _token_pattern(token[len(prefix) :])
    out = []
    for char in token:
        if char == "'":
            out.append("(?:'[ ]?|[ ]?[-_][ ]?|[ ])?")  # O'Brien, O Brien, OBrien, O-Brien, o_brien
        elif char == "-":
            out.append("(?:[ ]?-[ ]?|[ ]|)")
        else:
            out.append(re.escape(char))
    return "".join(out)


# Between the words of one name: run together allowed, or an underscore as in a handle
# ("@leo_smithfield") or a file name.
_SEP = r"(?:[ ]*[-.,'_][ ]*|[ ]+|)"
_COMMA = r"[ ]*,[ ]*"  # surname first, then the given names
# Between the words of a street or a place: spaces, or a hyphen ("Invented-Close",
# "Mill - Lane", "Imaginary-Primary School").
_STREET_GAP = r"(?:[ ]*-[ ]*|[ ]+)"


def _street_body(words: list[str]) -> str:
    """A street's words before its last as a pattern: after the first (kept as written, it
    anchors the pattern), a street type or compass word in any of its forms, so "North Rd E"
    in the key finds "North Road East" and back."""
    parts = [_token_pattern(words[0])]
    for word in words[1:]:
        typed = patterns.street_type_pattern(word.rstrip("."))
        parts.append(typed if typed else _token_pattern(word))
    return _STREET_GAP.join(parts)


def _mac_swap(word: str) -> str:
    """ "mactavish" <-> "mctavish": the two spellings of the same surname."""
    if word.startswith("mac") and len(word) >= 6 and word[3] not in "'-aeiou":
        return "mc" + word[3:]
    if word.startswith("mc") and len(word) >= 5 and word[2] not in "'-":
        return "mac" + word[2:]
    return word


_SAINTS = frozenset({"st", "saint", "ste"})


def _place_word(word: str) -> str:
    """A place's word as a pattern: "St", "St." and "Saint" are one."""
    if word.rstrip(".") in _SAINTS:
        return r"(?:st\.?|saint|ste\.?)"
    return _token_pattern(word)


def _letters(text: str) -> str:
    return _NOT_LETTER.sub("", text)


def _anchored(anchors: frozenset[str] | None, letters: str) -> bool:
    """Whether a text whose letters (`_letters`) are `letters` may hold a match of a
    pattern every match of which holds one of `anchors` (None: any text may)."""
    return anchors is None or any(a in letters for a in anchors)


def _fold_allowlist(allow: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """An allowlist's single words and its phrases of two words or more, longest first."""
    words = {w for entry in allow for w in fold_plain(entry).replace("'s", "").split()}
    phrases = sorted({p for p in map(fold_plain, allow) if " " in p}, key=len, reverse=True)
    return frozenset(words), tuple(phrases)


@lru_cache(maxsize=16)
def _allowlist_parts(allow: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The partnership's allowlist folded once, not once a case, with the street words."""
    words, phrases = _fold_allowlist(allow)
    streets = {w for full, short in patterns.STREET_TYPES.items() for w in (full, *short)}
    return words | streets, phrases


@lru_cache(maxsize=64)
def _single_entries(allow: tuple[str, ...]) -> frozenset[str]:
    """The allowlist's entries of one word, as letters."""
    return frozenset(
        _letters(folded) for folded in map(fold_plain, allow) if len(folded.split()) == 1
    )


@lru_cache(maxsize=64)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """The allowlisted phrases as one pattern, compiled once per list: with a partnership's
    agencies and areas it is the largest pattern a redactor has (about 20 ms to compile), and
    the `re` module's own cache is pushed out by the cases' name patterns in a long export."""
    body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(r"(?<![^\W_])(?:" + body + r")(?![^\W_])")


class _Literals:
    """Word sequences found exactly where `re` finds `(?<!W)(?:p1|p2|...)(?!W)`, with W a
    word character and one or more spaces (or any whitespace) between the words: no
    pattern compiled. A case's pseudonyms, roles and agencies are a few short phrases met
    in every text; compiling them took longer than finding them."""

    def __init__(self, phrases: Iterable[str], *, any_space: bool, underscore: bool) -> None:
        self._alternatives = [tuple(p.split()) for p in phrases if p.split()]
        # Each first word's phrases, in the order given: at a place only those can fit.
        self._by_first: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for index, words in enumerate(self._alternatives):
            self._by_first.setdefault(words[0], []).append((index, words))
        self._firsts = sorted(self._by_first)
        self._any_space = any_space  # `\s+` between words, else `[ ]+`
        self._underscore = underscore  # whether "_" is a word character (`\w`, else `[^\W_]`)

    def __bool__(self) -> bool:
        return bool(self._alternatives)

    def _word_char(self, char: str) -> bool:
        return char.isalnum() or (self._underscore and char == "_")

    def _gap(self, text: str, at: int) -> int:
        """Where the run of spaces starting at `at` ends (`at`: none there)."""
        end = at
        while end < len(text) and (text[end].isspace() if self._any_space else text[end] == " "):
            end += 1
        return end

    def _match(self, text: str, at: int, words: tuple[str, ...]) -> int | None:
        end = at
        for index, word in enumerate(words):
            if index:
                gap = self._gap(text, end)
                if gap == end:
                    return None
                end = gap
            if not text.startswith(word, end):
                return None
            end += len(word)
        if end < len(text) and self._word_char(text[end]):
            return None
        return end

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Leftmost, non-overlapping; at one place the first phrase in order that fits."""
        starts: dict[int, list[str]] = {}
        for first in self._firsts:
            at = text.find(first)
            while at >= 0:
                starts.setdefault(at, []).append(first)
                at = text.find(first, at + 1)
        found: list[tuple[int, int]] = []
        cursor = 0
        for at in sorted(starts):
            if at < cursor or (at and self._word_char(text[at - 1])):
                continue
            firsts = starts[at]
            candidates = (
                self._by_first[firsts[0]]
                if len(firsts) == 1
                else sorted(c for first in firsts for c in self._by_first[first])
            )
            for _index, words in candidates:
                end = self._match(text, at, words)
                if end is not None:
                    found.append((at, end))
                    cursor = end
                    break
        return found


@lru_cache(maxsize=8192)
def _written_forms(name: str) -> tuple[tuple[str, bool, str], ...]:
    """(key, full?, pattern) of each way a name may be written: each part alone, the whole
    in order and surname first, its core without particles, the surname with its particles,
    a handle, neighbouring parts run together, Mac and Mc swapped. The same in every case
    that holds the name (a practitioner's, met in case after case), so worked out once."""
    tokens = name_tokens(name)
    forms: list[tuple[list[str], bool]] = [([p], False) for p in name_parts(name)]
    if len(tokens) > 1:
        forms.append((tokens, True))
        forms.append(([tokens[-1], *tokens[:-1]], True))  # "Smith, Jane"
        core = [t for t in tokens if t not in PARTICLES]
        if len(core) > 1 and core != tokens:
            forms.append((core, True))
        first_particle = next((i for i, t in enumerate(tokens) if t in PARTICLES and i > 0), None)
        if first_particle is not None:  # "de la Croix", the surname with its particles
            forms.append((tokens[first_particle:], True))
        surname = _letters(tokens[-1])
        if len(surname) >= 4 and tokens[0][:1].isalpha():
            # a handle or a file name: "@zfictionalia", "jkowalczyk.docx"
            forms.append(([tokens[0][0] + tokens[-1]], True))
        # Neighbouring parts of a name written as one: "GraceOBrien" and "O'Brien Walsh" of
        # Grace O'Brien-Walsh, "Jane Smith" of Mary-Jane Smith.
        atoms = [p for t in tokens for p in t.split("-") if len(p.strip("'")) >= 2]
        for size in range(2, len(atoms)):
            for at in range(len(atoms) - size + 1):
                forms.append((atoms[at : at + size], True))
    for words, full in list(forms):  # MacLeish is written McLeish, and back
        swapped = [_mac_swap(w) for w in words]
        if swapped != words:
            forms.append((swapped, full))
    found: list[tuple[str, bool, str]] = []
    for words, full in forms:
        key = _letters("".join(words))
        if len(key) < 2:
            continue
        # "Smith, Jane" only with its comma: "Mrs Green rose" is not "Rose Green"
        sep = _COMMA if full and len(words) > 1 and words[0] == tokens[-1] else _SEP
        found.append((key, full, sep.join(_token_pattern(w) for w in words)))
    return tuple(found)


_CAMEL_HINT = re.compile(r"[^\W\d_][A-Z]")  # a capital inside a word: run together?


@dataclass(frozen=True)
class _TextFacts:
    """What a text holds whatever the case: all `SharedScans` reads to tell whether any
    part of a case's key could touch it."""

    doc: Folded
    letters: str  # `_letters` of the folded text: the address and place anchors
    words: frozenset[str]  # its words as `_unknown_hits` looks them up on the allowlist
    initials: frozenset[str]  # the letters of whatever `_INITIALS` matches
    title_initials: frozenset[str]  # the letter after "Mr", "Dr"...
    camel_keys: frozenset[str]  # the parts of run-together words, as `_runs_a_name_in` reads
    spaced: bool  # something written letter by letter
    numbers: bool  # an NHS number, telephone number or postcode of any shape
    six_digits: bool  # enough digits for a key's own number
    digits: bool

    @classmethod
    def of(cls, text: str) -> _TextFacts:
        doc = fold(text)
        folded, original = doc.text, doc.original
        words: set[str] = set()
        camel: set[str] = set()
        run_together = _CAMEL_HINT.search(original) is not None
        for m in _WORD.finditer(folded):
            bare = m.group()
            words.add(bare[:-2] if bare.endswith("'s") else bare)
            if run_together:
                parts = _CAMEL.split(original[slice(*doc.span(m.start(), m.end()))])
                if len(parts) > 1:
                    camel |= {_letters(fold_plain(p.strip("'\u2019"))) for p in parts}
        digits = any(map(str.isdigit, folded))
        numbers = digits and (
            any(patterns.nhs_spans(folded))
            or any(patterns.phone_spans(folded))
            or any(patterns.postcode_spans(folded))
        )
        return cls(
            doc,
            _letters(folded),
            frozenset(words),
            frozenset(_letters(m.group()) for m in _INITIALS.finditer(folded)),
            frozenset(m.group("initial") for m in _TITLE_INITIAL.finditer(folded)),
            frozenset(camel),
            _SPACED.search(folded) is not None,
            numbers,
            digits and _SIX_DIGITS.search(folded) is not None,
            digits,
        )


class SharedScans:
    """One export's memo of what its cases find in texts that none of their keys touch.

    The tracker meets the same texts in case after case (a recommendation's wording, an
    update, an officer's name). Where a case's key can touch no part of a text (no run of
    its words spells a name key, none of the key's initials, addresses, places or dates is
    there, no number of any shape, nothing spelled out), what the case's redactor finds in
    it depends only on the text, the partnership's allowlist, the possible-name flag, the
    spans the case protects (pseudonyms, roles, allowlisted phrases) and which of the case's
    own allowlist words it holds; those make the memo's key, and each case still applies
    its own decisions. Made for one export and dropped with it: never kept past a lock.
    """

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.allow = tuple(allow)
        self._facts: dict[str, _TextFacts] = {}
        self.hits: dict[tuple[object, ...], _Scanned] = {}

    def facts(self, text: str) -> _TextFacts:
        found = self._facts.get(text)
        if found is None:
            found = self._facts[text] = _TextFacts.of(text)
        return found


class Redactor:
    """Finds and replaces a case's identifiers; see the module docstring."""

    def __init__(
        self,
        subjects: Iterable[Subject],
        decisions: Iterable[RedactionDecision] = (),
        *,
        allow: Iterable[str] = (),
        also_allow: Iterable[str] = (),
        flag_unknown: bool = True,
        scans: SharedScans | None = None,
    ) -> None:
        """`allow` is the partnership's list (the same for every case, so folded and compiled
        once); `also_allow` what one case adds to it (its agencies, its pseudonym); `scans`
        an export's memo of texts no case's key touches (see `SharedScans`)."""
        self.subjects = list(subjects)
        self.decisions = {d.finding_id: d for d in decisions}
        self.flag_unknown = flag_unknown
        self._allow_source = tuple(allow)
        shared_words, phrases = _allowlist_parts(self._allow_source)
        more_words, more_phrases = _fold_allowlist(tuple(also_allow))
        self._allow = shared_words | more_words
        self._own_allow = more_words - shared_words  # what `SharedScans` keys on
        self._shared: SharedScans | None = None
        # A place that is also a name ("Paris", "Lincoln") is one the allowlist holds as a
        # whole entry: a word inside a longer one ("Royal Victoria Infirmary", the reviewer's
        # "Sarah Jones") must not make a family's Victoria or Jones an everyday word.
        self._allowed_whole = _single_entries(tuple(allow)) | _single_entries(tuple(also_allow))
        # A whole allowlisted phrase of two words or more (the reviewer's own name, the
        # partnership's) is protected like a pseudonym, unless it is a subject's own name.
        # (A phrase holds no line break, so it is in one of the names if in them joined.)
        own_names = "\n".join(
            {fold_plain(name) for subject in self.subjects for name in subject.names}
        )
        shared, own = (
            tuple(p for p in group if p not in own_names) for group in (phrases, more_phrases)
        )
        # The partnership's list compiled once for every case; the case's own few found
        # as literals (the same spans as `_phrase_pattern` would give).
        self._allowed_phrases: list[re.Pattern[str] | _Literals] = [
            *([_phrase_pattern(shared)] if shared else []),
            *([_Literals(own, any_space=True, underscore=False)] if own else []),
        ]
        self._forms: dict[str, list[tuple[Subject, bool]]] = {}  # letters -> (subject, full?)
        alternatives: dict[str, str] = {}  # pattern -> the letters it matches
        self._given: dict[int, set[str]] = {}
        for subject in self.subjects:
            self._given[id(subject)] = subject.given_initials()
            for name in subject.names:
                for key, full, pattern in _written_forms(name):
                    owners = self._forms.setdefault(key, [])
                    if all(s is not subject or f != full for s, f in owners):
                        owners.append((subject, full))
                    alternatives[pattern] = key
        self._initials = self._initials_of_names()
        # Longest first (the alternation takes the first that matches), ties in a fixed order.
        self._name_alternatives = sorted(alternatives.items(), key=lambda a: (-len(a[0]), a[0]))
        self._name_keys = frozenset(alternatives.values())
        # Every proper beginning of a key: a run of words that is none cannot become one.
        self._name_prefixes = frozenset(k[:i] for k in self._name_keys for i in range(1, len(k)))
        # A key holding anything but letters (a digit) cannot be found from the text's words
        # alone, so its pattern is always compiled.
        self._unusual_keys = frozenset(k for k in self._name_keys if not _LETTER_RUN.fullmatch(k))
        self._names: re.Pattern[str] | None = None
        self._names_cover: frozenset[str] = frozenset()
        self._keys_prepared: dict[str, set[str]] = {}  # `prepare`'s work, used once by each text
        self._dates = frozenset(d for s in self.subjects for d in s.dates_of_birth)
        # Compiled when a text first holds one of their words (see `_anchored`): most texts
        # an export meets mention no address or place of the key.
        self._address_source = self._address_pattern()
        self._address: re.Pattern[str] | None = None
        self._place_sources = self._place_patterns()
        self._places: dict[int, re.Pattern[str]] = {}
        self._pseudonyms: _Literals | None = None
        self._given_names: set[str] | None = None  # `_begins_a_given_name`
        self._memo: dict[tuple[str, str, str], list[Finding]] = {}
        # What `_hits` found in a text, whatever document or field it came from: the
        # tracker's review gate and its redaction meet the same texts (shared by copies made
        # with `with_decisions`, whose key and replacements are the same).
        self._hit_memo: dict[tuple[str, bool], _Scanned] = {}
        if scans is not None:
            self.share(scans)
        self._settle_replacements()
        self._pseudonyms = self._pseudonym_pattern()

    def _settle_replacements(self) -> None:
        """Redact the replacements themselves: a role typed as "Zoë's mother" must not put
        the child's name back. One that still names someone (a pseudonym that is the
        person's own first name) is kept in `unsafe`, and the exports refuse it."""
        flag, self.flag_unknown = self.flag_unknown, False
        decisions, self.decisions = self.decisions, {}
        try:
            for _round in range(3):
                changed = False
                for subject in self.subjects:
                    settled = self.redact(subject.replacement)
                    if settled != subject.replacement:
                        subject.replacement, changed = settled, True
                        self._memo.clear()
                        self._hit_memo.clear()  # the replacements the hits carry changed
                if not changed:
                    break
            self.unsafe: list[Subject] = [
                s for s in self.subjects if s.replacement and self.find(s.replacement)
            ]
            # The roles that name no one, for `_pseudonym_pattern`: asked here, where most
            # are already scanned (a referral's people are replaced by their role). What
            # `find` reports depends neither on the decisions nor on the possible-name flag.
            self._plain_roles = [
                s.role for s in self.subjects if s.role.strip() and not self.find(s.role)
            ]
        finally:
            self.flag_unknown, self.decisions = flag, decisions
            self._memo.clear()
            self._hit_memo.clear()

    @classmethod
    def for_case(
        cls,
        case: Case,
        decisions: Iterable[RedactionDecision] | None = None,
        *,
        allow: Iterable[str] = (),
        flag_unknown: bool = True,
        scans: SharedScans | None = None,
    ) -> Redactor:
        """The case's redactor: its key and forms' people, its decisions (by default the
        ones kept in the case), and the partnership's allowlist of agency and place names."""
        decided = case.redaction_decisions if decisions is None else decisions
        return cls(
            subjects_for_case(case),
            decided,
            allow=allow,
            also_allow=[*case.agencies, case.pseudonym],
            flag_unknown=flag_unknown,
            scans=scans,
        )

    # -- building ---------------------------------------------------------------------------
    def _address_pattern(self) -> tuple[frozenset[str] | None, str] | None:
        """The key's addresses as one pattern (not compiled), with its anchors: letters
        that every match holds (None: no such letters, compiled for every text)."""
        alternatives: set[str] = set()
        anchors: set[str] | None = set()

        def anchor(words: Iterable[str]) -> None:
            nonlocal anchors
            first = next((_letters(w) for w in words if _HAS_LETTER.search(w)), "")
            if anchors is not None and first:
                anchors.add(first)
            else:
                anchors = None

        for subject in self.subjects:
            for address in subject.addresses:
                folded = fold_plain(address)
                whole = [w for w in re.split(r"[ ,]+", folded) if w]
                if len(whole) >= 2:
                    alternatives.add(r"[ ,\-]*".join(re.escape(w) for w in whole))
                    anchor(whole)
                # Its lines: between commas, or on lines of their own ("22 Station Road
                # Gatesford GA1 2BC" typed on one line, or on three).
                for line in (fold_plain(p) for p in re.split(r"[,\n\r;]+", address)):
                    words = line.split()
                    if re.fullmatch(r"(?:flat|apartment|apt|unit|room)", words[0] if words else ""):
                        words = words[2:]  # "Flat 3", then the street on the same line or none
                    while words and re.fullmatch(r"\d+[a-z]?", words[0]):
                        words = words[1:]
                    if not words:
                        continue
                    # A street type inside the line ends the street: the town and postcode
                    # after it are not part of it.
                    inside = next(
                        (
                            i
                            for i in range(1, len(words) - 1)
                            if patterns.street_type_pattern(words[i].rstrip("."))
                        ),
                        None,
                    )
                    if inside is not None and not patterns.street_type_pattern(
                        words[-1].rstrip(".")
                    ):
                        street = words[: inside + 1]
                        typed = patterns.street_type_pattern(street[-1].rstrip("."))
                        body = _street_body(street[:-1])
                        alternatives.add(rf"{body}(?:{_STREET_GAP}|){typed}")
                        anchor(street[:-1])
                    typed = patterns.street_type_pattern(words[-1].rstrip("."))
                    if typed and len(words) >= 2 and all(w == "the" for w in words[:-1]):
                        # "3 The Court", "12 The Green": without its number it is "the
                        # court", "the green" of any sentence, so only the number finds it
                        body = _street_body(words[:-1])
                        number = r"\d+[a-z]?[ ]*[,-]?[ ]*"
                        alternatives.add(rf"(?<![\w]){number}{body}(?:{_STREET_GAP}|){typed}")
                        anchor(words[:-1])
                    elif typed and len(words) >= 2:
                        body = _street_body(words[:-1])
                        alternatives.add(rf"{body}(?:{_STREET_GAP}|){typed}")
                        anchor(words[:-1])  # the street type may be written short
                    elif len(words) >= 2 and re.search(r"\d", line):
                        alternatives.add(_STREET_GAP.join(_token_pattern(w) for w in words))
                        anchor(words)
                    if len(words) >= 3 and words[-1].rstrip(".") in _COMPASS_WORDS:
                        # "14 Station Road West" is often written "14 Station Road"
                        before = patterns.street_type_pattern(words[-2].rstrip("."))
                        if before and words[-2].rstrip(".") not in _COMPASS_WORDS:
                            body = _street_body(words[:-2])
                            alternatives.add(rf"{body}(?:{_STREET_GAP}|){before}")
                            anchor(words[:-2])
        if not alternatives:
            return None
        house = (
            r"(?:(?:flat|apartment|apt|unit|room)[ ]*\w+[ ]*[,-]?[ ]*)?"
            # 14, 14a, 14 A, 2/14, 12-14
            r"(?:\d+[a-z]?(?:[ ]?[a-z](?![^\W\d_]))?(?:[ ]*[/-][ ]*\d+[a-z]?)?[ ]*[,-]?[ ]*)?"
        )
        body = "|".join(sorted(alternatives, key=len, reverse=True))
        frozen = None if anchors is None else frozenset(anchors)
        return frozen, rf"(?<![\w]){house}(?:{body})(?![\w])"

    def _place_patterns(self) -> list[tuple[str, str, str]]:
        """(anchor, pattern, kind) of each place in the key: every match holds the anchor,
        the letters of the place's first word that is not "St" or "Saint"."""
        found: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for subject in self.subjects:
            for kind, name in subject.places:
                words = fold_plain(name).replace(",", " ").split()
                if words and words[0] == "the" and len(words) > 1:
                    words = words[1:]  # "The Village Surgery" is "Village Surgery" too
                if not words or " ".join(words) in seen:
                    continue
                seen.add(" ".join(words))
                alternatives = [_STREET_GAP.join(map(_place_word, words))]
                head: list[str] = []
                for word in words:
                    if word in _GENERIC_PLACE and head:
                        break
                    head.append(word)
                if head and len(head) < len(words):
                    # "and", "the" never end or join the generic words: "Sunnyfield Nursery
                    # and the GP" keeps its "and the"; "of" only inside ("C of E")
                    strong = _GENERIC_PLACE - {"and", "the", "of"}
                    generic = "|".join(
                        re.escape(w) + (r"\.?" if w in _PLACE_SHORT else "")
                        for w in sorted(strong, key=len, reverse=True)
                    )  # a full stop after "Academy" is the sentence's; after "Sch" it is its own
                    alternatives.append(
                        _STREET_GAP.join(map(_place_word, head))
                        + rf"(?:(?:[ ]+|(?<=\.))(?:of[ ]+)?(?:{generic}))+"  # "C.E." too
                    )
                    own = [w for w in head if w.rstrip(".") not in _SAINTS]
                    if any(not is_word(_letters(w.removesuffix("'s"))) for w in own):
                        # "St Aldhelm's" alone names the school; "Holy Trinity" alone not
                        alternatives.append(_STREET_GAP.join(map(_place_word, head)))
                body = "|".join(alternatives)
                first = next((w for w in words if w.rstrip(".") not in _SAINTS), words[0])
                found.append((_letters(first), rf"(?<![\w])(?:{body})(?![\w])", kind))
        return found

    def _initials_of_names(self) -> dict[str, list[Subject]]:
        """Each full name's initials ("zf" of Zoë Fictionalia, "mjo" and "mo" of Mary-Jane
        Okonkwo) -> whose they are."""
        found: dict[str, list[Subject]] = {}
        for subject in self.subjects:
            for name in subject.names:
                tokens = [t for t in name_tokens(name) if t not in PARTICLES]
                if len(tokens) < 2:
                    continue
                atoms = [a for t in tokens for a in t.split("-") if _letters(a)]
                for letters in {"".join(_letters(a)[0] for a in atoms),
                                _letters(tokens[0])[0] + _letters(tokens[-1])[0]}:  # fmt: skip
                    owners = found.setdefault(letters, [])
                    if subject not in owners:
                        owners.append(subject)
        return found

    def _initial_hits(self, doc: Folded, kept: list[_Hit]) -> list[_Hit]:
        """A key person's initials written as such: "Z.F." or "Z. F." is the person;
        "ZF" in capitals, or "Mr K", may be (listed for review, kept unless rejected).
        An initial after a withheld name ("Zoë F.") goes with it (`kept` is changed)."""
        if not self._initials:
            return []
        folded, original = doc.text, doc.original
        hits: list[_Hit] = []
        for m in _INITIALS.finditer(folded):
            letters = _letters(m.group())
            owners = self._initials.get(letters)
            if not owners:
                continue  # most short words: checked before anything is sliced
            written = original[slice(*doc.span(m.start(), m.end()))]
            if not all(c.isupper() for c in written if c.isalpha()):
                continue
            dotted = "." in m.group()
            if not dotted and (len(letters) < 2 or (written.isalpha() and is_word(letters))):
                continue
            hits.append(
                _Hit(m.start(), m.end(), "name", self._replacement_for(owners), dotted,
                     "initials of a person in the key" if dotted else
                     "capitals that are the initials of a person in the key; check them")
            )  # fmt: skip
        surnames = {k[-1] for k in self._initials}
        for m in _TITLE_INITIAL.finditer(folded):
            letter = m.group("initial")
            o_start = doc.span(m.start("initial"), m.end("initial"))[0]
            if letter in surnames and original[o_start].isupper():
                owners = [s for k, group in self._initials.items() if k[-1] == letter
                          for s in group]  # fmt: skip
                reason = "a title and the initial of a surname in the key"
                replacement = self._replacement_for(owners)
                hits.append(_Hit(m.start(), m.end(), "name", replacement, False, reason))
        for hit in kept:
            if hit.kind != "name" or not hit.withhold:
                continue
            after = _TRAILING_INITIAL.match(folded, hit.end)
            if after is None:  # no dot: only the initial of this person's own surname
                after = _BARE_INITIAL.match(folded, hit.end) or _BARE_A.match(folded, hit.end)
                if after is not None and after.group("initial") == "a":
                    # "Zoë A said": a capital A before a word in lower case, not the article
                    # of a title ("Zoë A Story")
                    o_next = doc.span(after.start("initial"), after.end("initial"))[1]
                    if not _LOWER_NEXT.match(original, o_next):
                        after = None
                if after is not None and not any(
                    s.replacement == hit.replacement
                    for k, group in self._initials.items()
                    if k[-1] == after.group("initial")
                    for s in group
                ):
                    after = None
            if after is not None:
                o_start = doc.span(after.start("initial"), after.end("initial"))[0]
                if original[o_start].isupper() and after.group("initial") in surnames:
                    hit.end = after.end()  # "Zoë F." is Zoë Fictionalia: the F. goes too
                    hit.reason = f"{hit.reason}, with the initial of a surname in the key"
        return hits

    def _pseudonym_pattern(self) -> _Literals | None:
        texts = {fold_plain(s.replacement) for s in self.subjects if s.replacement.strip()}
        # A role typed with a name in it ("Leo's class teacher") protects nothing: the
        # name in it is found like any other.
        texts |= {fold_plain(role) for role in self._plain_roles}
        if not texts:
            return None
        # Longest first, as the alternation was (its ties in `sorted`'s order of a set)
        return _Literals(sorted(texts, key=len, reverse=True), any_space=False, underscore=True)

    def _keys_in(self, folded: str) -> set[str]:
        """The name keys a folded text could hold. A name is matched from a word's start to
        a word's end (its plural "s" aside), and only separators lie between its words, so
        its letters are some run of whole consecutive words joined up; a key that no such
        run spells cannot match anywhere in the text."""
        keys, prefixes = self._name_keys, self._name_prefixes
        words = _LETTER_RUN.findall(folded)
        found = set(self._unusual_keys)
        for first in range(len(words)):
            joined = ""
            for index in range(first, len(words)):  # no copy of the rest: linear
                joined += words[index]
                if joined in keys:
                    found.add(joined)
                if joined[-1] == "s" and joined[:-1] in keys:
                    found.add(joined[:-1])  # the plural
                if joined.endswith("es") and joined[:-2] in keys:
                    found.add(joined[:-2])  # "the Walshes"
                if joined not in prefixes:
                    break  # no key goes on from here
        return found

    def share(self, shared: SharedScans) -> None:
        """Use (and fill) an export's memo of texts no case's key touches."""
        if shared.allow != self._allow_source:
            raise ValueError("a shared memo is for redactors built on the same allowlist")
        self._shared = shared

    def prepare(self, texts: Iterable[str]) -> None:
        """Compile the name pattern once for every text about to be scanned (the tracker's
        texts of one case): only the names those texts could hold are in it, so a case
        whose texts name nobody compiles nothing. Texts met later still work: the pattern
        grows to cover them."""
        needed: set[str] = set()
        for text in set(texts):
            if text and text.strip():
                folded = self._shared.facts(text).doc.text if self._shared else fold(text).text
                keys = self._keys_prepared[folded] = self._keys_in(folded)
                needed |= keys
        self._cover(needed)

    def _names_for(self, folded: str) -> re.Pattern[str] | None:
        """The name pattern for this text: one covering every key the text could hold.
        Leaving out a key no run of the text's words spells changes no match."""
        needed = self._keys_prepared.pop(folded, None)
        if needed is None:
            needed = self._keys_in(folded)
        if not needed:
            return None
        if not needed <= self._names_cover:
            self._cover(needed)
        return self._names

    def _cover(self, needed: set[str]) -> None:
        if not needed or needed <= self._names_cover:
            return
        cover = self._names_cover | needed
        if 2 * len(cover) > len(self._name_keys):
            cover = self._name_keys  # most names are needed: the whole pattern, once
        chosen = [pattern for pattern, key in self._name_alternatives if key in cover]
        # A title before the name is matched apart (`_name_matches`): half the pattern, so
        # compiling a case's names takes half the time.
        self._names = re.compile(
            r"(?<![^\W\d_])(?<!')(?P<init>(?:[a-z](?:\.[ ]*|[ ]+)){1,3})?"
            rf"(?P<name>{'|'.join(chosen)})(?P<plural>es|s)?(?![^\W\d_])"
        )
        self._names_cover = frozenset(cover)

    # -- finding -----------------------------------------------------------------------------
    def _pattern_hits(self, folded: str, doc: Folded | None = None) -> list[_Hit]:
        hits: list[_Hit] = []
        for start, end, _value in patterns.email_spans(folded):
            hits.append(_Hit(start, end, "email", WITHHELD["email"], True, "an email address"))
        dated = patterns.written_date_spans(folded)

        def in_a_date(start: int, end: int) -> bool:
            # "01/03/2019 12:30" holds ten digits passing the NHS check, and "01-03-2019
            # 08.00" reads as a UK number: a chronology's dates must survive whole
            return any(a < end and start < b for a, b in dated)

        for start, end, digits in patterns.nhs_spans(folded):
            if in_a_date(start, end) and digits not in self._key_nhs():
                continue
            hits.append(
                _Hit(start, end, "NHS number", WITHHELD["NHS number"], True, "an NHS number")
            )
        for start, end, value in patterns.phone_spans(folded):
            if in_a_date(start, end) and value not in self._key_phones():
                continue
            if patterns.is_service_number(value) and value not in self._key_phones():
                # A freephone or service line (NSPCC 0808 800 5000, a council's 0300) is an
                # organisation's, not a person's: listed, kept unless the reviewer says not
                hits.append(_Hit(start, end, "phone", WITHHELD["phone"], False,
                                 "a freephone or service number, not in the key"))  # fmt: skip
                continue
            hits.append(_Hit(start, end, "phone", WITHHELD["phone"], True, "a telephone number"))
        six_digits = _SIX_DIGITS.search(folded) is not None
        key_phone = self._key_phone_pattern() if six_digits else None
        for m in key_phone.finditer(folded) if key_phone else ():
            hits.append(_Hit(m.start(), m.end(), "phone", WITHHELD["phone"], True,
                             "a telephone number in the key"))  # fmt: skip
        key_nhs = self._key_nhs_pattern() if six_digits else None
        for m in key_nhs.finditer(folded) if key_nhs else ():
            hits.append(_Hit(m.start(), m.end(), "NHS number", WITHHELD["NHS number"], True,
                             "an NHS number in the key"))  # fmt: skip
        for start, end, value in patterns.postcode_spans(folded):
            written = doc.original[slice(*doc.span(end - 3, end))] if doc else ""
            if _ORDINAL.fullmatch(written) and value not in self._key_postcodes():
                # "the S47 2nd strategy meeting", "KS2 3rd term": an ordinal in lower case,
                # not an inward code ("NE8 1ST" is one; so is one in the key)
                continue
            hits.append(_Hit(start, end, "postcode", WITHHELD["postcode"], True, "a postcode"))
        for start, end, _day in patterns.date_spans(folded, self._dates):
            hits.append(
                _Hit(
                    start,
                    end,
                    "date of birth",
                    WITHHELD["date of birth"],
                    True,
                    "a date of birth in the key",
                )
            )
        letters = _letters(folded) if self._address_source or self._place_sources else ""
        if self._address_source and _anchored(self._address_source[0], letters):
            if self._address is None:
                self._address = re.compile(self._address_source[1])
            for m in self._address.finditer(folded):
                hits.append(
                    _Hit(m.start(), m.end(), "address", WITHHELD["address"], True, "an address")
                )
        for index, (anchor, source, kind) in enumerate(self._place_sources):
            if anchor not in letters:
                continue
            pattern = self._places.get(index)
            if pattern is None:
                pattern = self._places[index] = re.compile(source)
            for m in pattern.finditer(folded):
                hits.append(_Hit(m.start(), m.end(), kind, WITHHELD[kind], True, f"a {kind}"))
        return hits

    def _key_phone_pattern(self) -> re.Pattern[str] | None:
        if not hasattr(self, "_key_phone_memo"):
            source = patterns.key_phone_pattern(p for s in self.subjects for p in s.phones)
            self._key_phone_memo = re.compile(source) if source else None
        return self._key_phone_memo

    def _key_nhs_pattern(self) -> re.Pattern[str] | None:
        if not hasattr(self, "_key_nhs_memo"):
            source = patterns.key_nhs_pattern(n for s in self.subjects for n in s.nhs_numbers)
            self._key_nhs_memo = re.compile(source) if source else None
        return self._key_nhs_memo

    def _key_phones(self) -> set[str]:
        if not hasattr(self, "_phones_memo"):
            self._phones_memo = {
                v for s in self.subjects for p in s.phones for _a, _b, v in
                patterns.phone_spans(fold_plain(p))
            }  # fmt: skip
        return self._phones_memo

    def _key_postcodes(self) -> set[str]:
        if not hasattr(self, "_postcodes_memo"):
            self._postcodes_memo = {
                v for s in self.subjects for p in s.postcodes
                for _a, _b, v in patterns.postcode_spans(fold_plain(p))
            }  # fmt: skip
        return self._postcodes_memo

    def _key_nhs(self) -> set[str]:
        if not hasattr(self, "_nhs_memo"):
            self._nhs_memo = {"".join(filter(str.isdigit, n)) for s in self.subjects
                              for n in s.nhs_numbers}  # fmt: skip
        return self._nhs_memo

    def _owners(self, key: str, title: str, initials: str) -> list[Subject]:
        owners = [s for s, _full in self._forms.get(key, [])]
        unique: list[Subject] = []
        for s in owners:
            if s not in unique:
                unique.append(s)
        if initials:
            # "J. Smith": the Smith whose given name starts with J; if none does, another
            # person with the surname, so no one's pseudonym is used.
            unique = [s for s in unique if initials[0] in self._given[id(s)]]
            if not unique:
                return []
        gender = _MALE if title in _MALE_TITLES else _FEMALE if title in _FEMALE_TITLES else None
        if gender is not None and len(unique) > 1:
            narrowed = [s for s in unique if gender.search(fold_plain(s.role))]
            unique = narrowed or unique
        if gender is not None and unique:
            # "Mr and Mrs Smith" with only a father in the key: the "Mrs Smith" is someone
            # else, so she gets no one's pseudonym
            other = _FEMALE if gender is _MALE else _MALE
            if all(_role_gender(s.role) is other for s in unique):
                return []
        return unique

    @staticmethod
    def _replacement_for(owners: list[Subject]) -> str:
        if not owners:
            return NAME_WITHHELD
        names = {s.replacement for s in owners}
        return names.pop() if len(names) == 1 else NAME_WITHHELD

    def _name_hits(self, doc: Folded, protected: list[tuple[int, int]]) -> list[_Hit]:
        names = self._names_for(doc.text)
        if names is None:
            return []
        folded, original = doc.text, doc.original
        raw: list[dict[str, Any]] = []
        plurals: list[_Hit] = []
        for m in _name_matches(names, folded):
            key = _letters(m.group("name"))
            if key not in self._forms:
                continue
            plural = m.group("plural") or ""
            if plural == "es" and not key.endswith(("s", "sh", "ch", "x", "z")):
                continue  # "Jones" is not a plural of Jon; "the Walshes" is of Walsh
            if (
                plural
                and is_word(key + plural)
                and not (plural == "s" and _RELATIVE_AFTER.match(doc.text, m.end()))
            ):
                # "graces dad", "roses partner": a possessive typed without its apostrophe
                # before a relative is the person's, not the word, and goes on below.
                # "the O'Sullivans" is the family; "Marks", "greens" are words. "The Greens"
                # may be either: listed for review, kept unless the reviewer says otherwise
                o_first = original[doc.span(m.start("name"), m.start("name") + 1)[0]]
                if o_first.isupper():
                    owners = self._owners(key, "", "")
                    plurals.append(
                        _Hit(m.start("name"), m.end(), "name", self._replacement_for(owners),
                             False, "a family name in the plural that is also an everyday word")
                    )  # fmt: skip
                continue
            start = m.start()
            title = (m.group("title") or "").strip().rstrip(".")
            if title in _WORD_TITLES and original[doc.span(m.start(), m.start() + 1)[0]].islower():
                # "the doctor Leo saw", "would miss Grace": the word stays, only the name
                # goes; it still counts as a title for whose name it is
                start = m.start("init") if m.group("init") else m.start("name")
            initials = _letters(m.group("init") or "")
            if initials:
                o_start, _ = doc.span(m.start("init"), m.end("init"))
                chunk = original[o_start : doc.span(m.start("name"), m.start("name") + 1)[0]]
                letters = [c for c in chunk if c.isalpha()]
                name_first = original[doc.span(m.start("name"), m.start("name") + 1)[0]]
                # "A carpenter", "I mark": an initial makes a name only of a capitalised word
                lower_word = name_first.islower() and is_word(key)
                if lower_word and "." in chunk and not is_ordinary(key):
                    lower_word = False  # "X. zhou": an initial with its stop, then a name
                pronoun = (
                    chunk.strip() in ("I", "A")
                    and (is_ordinary(key) or is_dictionary_word(key))  # "A Hazel tree"
                    and not any(  # "A Brown" is still Amy Brown's initial
                        chunk.strip().casefold() in self._given[id(s)]
                        for s, _full in self._forms.get(key, [])
                    )
                )
                if not all(c.isupper() for c in letters) or lower_word or pronoun:
                    # "a Smith": an article, not an initial; "I Hope this helps", "A Long
                    # Wait": the pronoun or article before an everyday word
                    initials = ""
                    if not title or start > m.start():
                        start = m.start("name")
            name_start = m.start("name")
            written = original[slice(*doc.span(name_start, m.end("name")))].split()
            if not title and not initials and len(written) > 1 and written[0][:1].islower():
                # "we hope Green will": a lower-case everyday word before a capitalised name
                # part is the word, not the given name; the rest is matched on its own
                first = _letters(fold_plain(written[0]))
                rest = folded.find(" ", name_start, m.end("name"))
                rest_key = _letters(folded[rest : m.end("name")]) if rest > 0 else ""
                if is_ordinary(first) and any(w[:1].isupper() for w in written[1:]):
                    if rest_key not in self._forms:
                        continue
                    key, start, name_start = rest_key, rest + 1, rest + 1
            end = m.end()
            cut = self._mixed_case_cut(doc, name_start, end)
            if cut is not None:
                # "Ruby may call": the lower-case everyday word is the verb, not Ruby May.
                end, key = cut
                if key not in self._forms:
                    continue
            full = any(f for _s, f in self._forms[key]) and cut is None
            raw.append(
                {
                    "start": start,
                    "name_start": name_start,
                    "end": end,
                    "key": key,
                    "title": title,
                    "initials": initials,
                    "full": full,
                }
            )
        # Two name words side by side ("Jade" + "Example") are one name used as a name.
        merged: list[dict[str, Any]] = []

        def everyday(item: dict[str, Any]) -> bool:  # "rose" in "Mrs Green rose": the verb
            first = original[doc.span(item["name_start"], item["name_start"] + 1)[0]]
            return first.islower() and not item["title"] and is_word(item["key"])

        for item in raw:
            if (
                merged
                and _NAME_GAP.fullmatch(folded, merged[-1]["end"], item["start"])
                and (self._written_as_name(doc, item) and self._written_as_name(doc, merged[-1]))
                and not (everyday(item) or everyday(merged[-1]))
            ):
                last = merged[-1]
                last["end"] = item["end"]
                last["keys"] = [*last.get("keys", [last["key"]]), item["key"]]
                last["adjacent"] = True
                continue
            merged.append(item)
        hits: list[_Hit] = []
        for item in merged:
            keys = item.get("keys", [item["key"]])
            owner_sets = [self._owners(k, item["title"], item["initials"]) for k in keys]
            common = [s for s in owner_sets[0] if all(s in o for o in owner_sets[1:])]
            # Name words of different people side by side ("Aoife O'Sullivan-MacLeod"): no one
            # person is named, so no one's pseudonym is used
            owners = common if len(keys) > 1 else owner_sets[0]
            replacement = self._replacement_for(owners)
            used_as_name = item["title"] or item["initials"] or item.get("adjacent")
            used_as_name = used_as_name or (item["full"] and not self._single_word(item["key"]))
            if used_as_name:
                hits.append(
                    _Hit(item["start"], item["end"], "name", replacement, True, "a name in the key")
                )
                continue
            if any(a <= item["start"] and item["end"] <= b for a, b in protected):
                continue  # inside a pseudonym or role ("Child A" with a family named Child)
            verdict = self._single_part(doc, item["start"], item["end"], item["key"])
            if verdict is not None:
                withhold, reason = verdict
                hits.append(_Hit(item["start"], item["end"], "name", replacement, withhold, reason))
        named = {h.replacement for h in hits if h.withhold}
        for hit in hits:
            if hit.reason == _SET_PHRASE and hit.replacement in named:
                # "Grace said she was hungry. Grace bedroom was cold.": where the text names
                # the person, the phrase is a dropped possessive, not a set phrase
                hit.withhold, hit.reason = True, "a name in the key, named so elsewhere in the text"
        return hits + [p for p in plurals if not any(a <= p.start < b for a, b in protected)]

    @staticmethod
    def _mixed_case_cut(doc: Folded, start: int, end: int) -> tuple[int, str] | None:
        """Where a several-word match stops being a name: at the first everyday word written
        in lower case after a capitalised one (None: the whole match is the name)."""
        words = list(_WORD.finditer(doc.text, start, end))
        if len(words) < 2:
            return None
        capital_seen = False
        for index, word in enumerate(words):
            o_start, _ = doc.span(word.start(), word.start() + 1)
            upper = doc.original[o_start : o_start + 1].isupper()
            if not upper and capital_seen and index > 0 and is_ordinary(word.group()):
                last = words[index - 1]
                return last.end(), _letters(doc.text[start : last.end()])
            capital_seen = capital_seen or upper
        return None

    @staticmethod
    def _written_as_name(doc: Folded, item: dict[str, Any]) -> bool:
        """A name word beside another counts as a name unless it is an everyday word in
        lower case ("Ruby may call": the verb, not Ruby May)."""
        if item["title"] or item["initials"] or item["full"] or not is_ordinary(item["key"]):
            return True
        o_start, _ = doc.span(item["name_start"], item["name_start"] + 1)
        return doc.original[o_start : o_start + 1].isupper()

    def _single_word(self, key: str) -> bool:
        return not any(f for _s, f in self._forms.get(key, []))

    def _allowed_place(self, key: str) -> bool:
        """On the allowlist, and not because it is a pseudonym (a pseudonym that is the
        person's own name must stay a finding: see `unsafe`)."""
        if key not in self._allowed_whole:
            return False
        return all(
            key != _letters(w) for s in self.subjects for w in fold_plain(s.replacement).split()
        )

    def _single_part(self, doc: Folded, start: int, end: int, key: str) -> tuple[bool, str] | None:
        """How one name word alone is treated (see the module docstring); None: not a name."""
        o_start, o_end = doc.span(start, end)
        word = doc.original[o_start:o_end]
        capital = word[:1].isupper()
        if any(c.isalpha() and not c.isascii() for c in unicodedata.normalize("NFKC", word)):
            # "Đỗ" folds to "do", but written so it is the name, never the English word
            return True, "a name in the key, written with its own letters"
        if _before_street_word(doc.original, o_end, self._forms, _PLACE_RUN if capital else 1):
            return False, "a name in the key before a street word ('Lincoln Road'); check it"
        # A place on the partnership's allowlist ("Paris", "Lincoln") that is also someone's
        # name is treated like an everyday word: replaced only where it is used as a name
        if not is_ordinary(key) and not self._allowed_place(key):
            if not capital and (
                is_frequent(key)
                # "hazel eyes": a word English writes in lower case is that word before
                # the word it qualifies; "told hazel to stop", "hazel said", "hazel's mum"
                # are the person, withheld as before
                or (is_dictionary_word(key) and self._qualifies_next_word(doc, end))
            ):
                return False, "a name in the key, written in lower case like the everyday word"
            if is_word(key) and _opens_imperative(doc.original, o_start, o_end):
                return False, "a name in the key that starts a sentence like a verb; check it"
            if capital and is_dictionary_word(key) and self._before_its_noun(doc, start, end):
                return False, _SET_PHRASE
            return True, "a name in the key"
        # An everyday or allowlisted word written as someone's, or doing what people do,
        # is the name in any case: "faith's mum" withheld; "amber said" put to the reviewer
        if _POSSESSIVE_RELATIVE.match(doc.text, end):
            return True, "a name in the key, written as someone's ('Faith's mum')"
        if _PERSON_VERB_AFTER.match(doc.text, end) or doc.text.startswith("'s", end):
            return False, "a name in the key that is also an everyday word; check it is the name"
        if not capital:
            return None  # the everyday word ("principal social worker", "duty manager")
        if not _sentence_start(doc.original, o_start) and _names_a_family(doc.original, o_end):
            return True, "a name in the key, naming a family ('the Green family')"
        # Alone, an everyday word is replaced only where it is used as a name (with a title
        # or initial, beside another name part, as the whole name); here it is listed.
        return False, "a name in the key that is also an everyday word; check it is the name"

    def _qualifies_next_word(self, doc: Folded, end: int) -> bool:
        """Whether a lower-case dictionary word is followed by a lower-case word it can
        qualify ("hazel eyes", "olive oil", "rose bush"): a dictionary word that is not a
        verb a person does ("said", "cried"), a function word ("to", "at", "and") or a
        word naming a person ("hazel mum", "olive's"). Anything else leaves the word to
        be read as the name."""
        after = _NOUN_AFTER.match(doc.text, end)
        if after is None:
            return False
        word = after.group(1)
        if not doc.original[doc.span(after.start(1), after.end(1))[0]].islower():
            return False
        if not is_dictionary_word(word) or word in _NOT_QUALIFIED or word.endswith("ed"):
            return False
        return not (
            word in ROLE_WORDS
            or word in _FAMILY_NOUNS
            or word in self._forms
            or _FEMALE.fullmatch(word)
            or _MALE.fullmatch(word)
        )

    def _before_its_noun(self, doc: Folded, start: int, end: int) -> bool:
        """Whether a capitalised dictionary word qualifies the noun after it, as in a set
        phrase ("Olive oil", "Grace period", "the Rose garden"): a noun in lower case
        follows, not one naming a person ("Grace mum"), and the phrase opens a sentence or
        follows an article, a preposition or "and" ("gave Grace food" is the person)."""
        after = _NOUN_AFTER.match(doc.text, end)
        if after is None:
            return False
        noun = after.group(1)
        o_noun = doc.span(after.start(1), after.end(1))[0]
        if not doc.original[o_noun].islower() or not is_noun(noun):
            return False
        if noun in ROLE_WORDS or noun in _FAMILY_NOUNS or noun in self._forms:
            return False
        if _FEMALE.fullmatch(noun) or _MALE.fullmatch(noun):
            return False
        o_start = doc.span(start, end)[0]
        if _sentence_start(doc.original, o_start):
            return True
        before = _PREV_WORD.search(doc.text, max(0, start - 40), start)
        return before is not None and before.group(1) in _BEFORE_A_PHRASE

    def _begins_a_given_name(self, word: str) -> bool:
        """Whether a word of three letters or more begins a key person's given name ("sam"
        of Samantha, "chris" of Christopher)."""
        if len(word) < 3:
            return False
        if self._given_names is None:
            self._given_names = {
                tokens[0]
                for subject in self.subjects
                for name in subject.names
                if len(tokens := [t for t in name_tokens(name) if t not in PARTICLES]) > 1
            }
        return any(given.startswith(word) for given in self._given_names)

    def _unknown_hits(
        self, doc: Folded, taken: list[tuple[int, int]], names: Iterable[_Hit] = ()
    ) -> list[_Hit]:
        hits: list[_Hit] = []
        folded, original = doc.text, doc.original
        # Where the key's names are replaced: an unknown capitalised word right beside one
        # ("Gracie O'Brien", "Grace Smithers") is most likely the rest of someone's name.
        name_starts = {h.start for h in names if h.kind == "name" and h.withhold}
        name_ends = {h.end for h in names if h.kind == "name" and h.withhold}
        # ... and those written in capitals, beside which a short word in capitals is
        # the rest of the name ("SAM VELLACOTT", "VELLACOTT, SAM"), not an acronym
        shouted = {
            (h.start, h.end)
            for h in names
            if h.kind == "name" and h.withhold and _in_capitals(original, doc.span(h.start, h.end))
        }
        for m in _WORD.finditer(folded):
            bare = m.group()
            if bare.endswith("'s"):
                bare = bare[:-2]
            if len(bare) < 2 or bare in self._allow:
                continue  # the cheapest tests first: most words end here
            o_start, o_end = doc.span(m.start(), m.end())
            word = original[o_start:o_end]
            if not word[:1].isupper():
                continue
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            # "SAM VELLACOTT": the beginning of a key given name, in capitals beside a key
            # name in capitals, is the rest of the name; any other short capitals are an
            # acronym (CAMHS, MASH, GP, "VELLACOTT DOB")
            short_caps = (
                word.isupper()
                and len(bare) <= 5
                and self._begins_a_given_name(bare)
                and _beside_capitals(folded, m, shouted)
            )
            if word.isupper() and len(bare) <= 5 and not short_caps:
                continue
            if bare in TITLES or bare in _SUFFIXES or bare in JOB_WORDS or is_ordinary(bare):
                continue  # a job word ("Headteacher Priya Raghunathan") is not part of a name
            if _sentence_start(original, o_start) and _is_plain_sentence_word(bare):
                continue
            if _opens_imperative(original, o_start, o_end) and is_english_only(bare):
                continue  # "Relaunch the protocol": a verb, rare but English only
            if _prefix_of_compound(original, o_end):
                continue  # "Re-audit", "Co-located": a prefix, not a name
            gap_after = _SPACES.match(folded[m.end() : m.end() + 2])
            gap_before = _SPACES_END.search(folded[max(0, m.start() - 2) : m.start()])
            beside = (
                short_caps
                or (gap_after is not None and m.end() + gap_after.end() in name_starts)
                or (gap_before is not None and m.start() - len(gap_before.group()) in name_ends)
            )
            if beside:
                reason = "a capitalised word beside a name in the key: most likely part of a name"
            elif self._runs_a_name_in(word):
                beside = True  # withheld unless the reviewer keeps it
                reason = "a run-together word holding a name in the key ('JusticeForZoe')"
            else:
                reason = "a capitalised word that is not an everyday word nor on the allowlist"
            hits.append(_Hit(m.start(), m.end(), "possible name", NAME_WITHHELD, beside, reason))
        # ... and so is an unknown word joined to one of those ("Smithers-Jones"), either way
        for order in (hits, hits[::-1]):
            for one, other in itertools.pairwise(order):
                a, b = sorted((one, other), key=lambda h: h.start)
                if (
                    one.withhold
                    and not other.withhold
                    and _NAME_GAP.fullmatch(folded, a.end, b.start)
                ):
                    other.withhold, other.reason = True, one.reason
        joined: list[_Hit] = []
        for hit in hits:  # one finding, one "[name withheld]" for the whole of such a name
            last = joined[-1] if joined else None
            if (
                last
                and last.withhold
                and hit.withhold
                and _NAME_GAP.fullmatch(folded, last.end, hit.start)
            ):
                last.end = hit.end
                continue
            joined.append(hit)
        return joined

    def _runs_a_name_in(self, word: str) -> bool:
        """Whether a word written as several capitalised parts has a key name as one part."""
        parts = _CAMEL.split(word)
        return len(parts) > 1 and any(
            len(key) >= 3 and key in self._forms
            for key in (_letters(fold_plain(part.strip("'\u2019"))) for part in parts)
        )

    def _spaced_hits(self, folded: str, protected: list[tuple[int, int]]) -> list[_Hit]:
        """A key name written letter by letter, to be read but not found ("Z o e  F i c t o
        r"): its letters, word by word, are looked up like any other written form."""
        hits: list[_Hit] = []
        for run in _SPACED.finditer(folded):
            if any(a <= run.start() and run.end() <= b for a, b in protected):
                continue
            # Its words: (start, end, letters), parted by a wider gap
            words: list[tuple[int, int, str]] = []
            at = run.start()
            for gap in [*_SPACED_GAP.finditer(folded, run.start(), run.end()), None]:
                end = gap.start() if gap else run.end()
                words.append((at, end, _letters(folded[at:end])))
                at = gap.end() if gap else end
            index = 0
            while index < len(words):
                # The longest run of whole words that spells a key, from this word on (a
                # name has a few words: a long run costs a bounded amount at each word)
                found = None
                for last in range(min(len(words) - 1, index + 5), index - 1, -1):
                    key = "".join(w[2] for w in words[index : last + 1])
                    if len(key) >= 3 and key in self._forms:
                        found = (last, key)
                        break
                if found is None:
                    index += 1
                    continue
                last, key = found
                owners = self._owners(key, "", "")
                full = any(f for _s, f in self._forms[key])
                # an everyday word spelled out alone ("B R O W N") is put to the reviewer
                withhold = full or last > index or not is_ordinary(key)
                hits.append(
                    _Hit(words[index][0], words[last][1], "name", self._replacement_for(owners),
                         withhold, _SPELLED_OUT)
                )  # fmt: skip
                index = last + 1
        return hits

    def _hits(self, text: str) -> _Scanned:
        key = (text, self.flag_unknown)
        found = self._hit_memo.get(key)
        if found is None:
            if self._shared is None:
                found = _Scanned(*self._find_hits(text))
            else:
                found = self._shared_hits(text, self._shared)
            if len(self._hit_memo) < 20_000:
                self._hit_memo[key] = found
        return found

    def _shared_hits(self, text: str, shared: SharedScans) -> _Scanned:
        facts = shared.facts(text)
        key = self._shared_key(text, facts)
        if key is None:
            return _Scanned(*self._find_hits(text, facts.doc))
        found = shared.hits.get(key)
        if found is None:
            found = _Scanned(*self._find_hits(text, facts.doc))
            if len(shared.hits) < 200_000:
                shared.hits[key] = found
        return found

    def _shared_key(self, text: str, facts: _TextFacts) -> tuple[object, ...] | None:
        """The memo's key for a text none of the key can touch (None: it may be touched).
        Each test is the condition under which the part of `_find_hits` it names finds
        nothing that depends on the case."""
        folded = facts.doc.text
        # `_spaced_hits` (a key spelled out is also a run of words `_keys_in` finds below;
        # the rule does not rest on that), and the numbers `_pattern_hits` weighs by the key
        if facts.spaced or facts.numbers:
            return None
        if facts.six_digits and (self._key_phone_pattern() or self._key_nhs_pattern()):
            return None
        if facts.digits and self._dates and any(patterns.date_spans(folded, self._dates)):
            return None
        if self._address_source and _anchored(self._address_source[0], facts.letters):
            return None
        if any(anchor in facts.letters for anchor, _source, _kind in self._place_sources):
            return None
        keys = self._keys_prepared.get(folded)
        if keys is None:
            keys = self._keys_in(folded)
        if keys:  # `_name_hits`, and so every name hit the initials and unknown words read
            return None
        if self._initials and (
            not facts.initials.isdisjoint(self._initials)
            or any(k[-1] in facts.title_initials for k in self._initials)
        ):  # `_initial_hits`
            return None
        if any(len(k) >= 3 and k in self._forms for k in facts.camel_keys):
            return None  # `_runs_a_name_in`
        # What is left reads the case only through what it protects and allows.
        protected = tuple(self._protected(folded))
        return (text, self.flag_unknown, protected, facts.words & self._own_allow)

    def _protected(self, folded: str) -> list[tuple[int, int]]:
        """The spans no finding may take: pseudonyms, roles and allowlisted phrases."""
        protected = self._pseudonyms.spans(folded) if self._pseudonyms else []
        for allowed in self._allowed_phrases:
            if isinstance(allowed, _Literals):
                protected += allowed.spans(folded)
            else:
                protected += [(m.start(), m.end()) for m in allowed.finditer(folded)]
        return protected

    def _find_hits(self, text: str, doc: Folded | None = None) -> tuple[Folded, list[_Hit]]:
        if doc is None:
            doc = fold(text)
        protected = self._protected(doc.text)
        hits = self._pattern_hits(doc.text, doc) + self._name_hits(doc, protected)
        spaced = self._spaced_hits(doc.text, protected) if _SPACED.search(doc.text) else []
        hits += spaced
        hits.sort(key=lambda h: (h.start, -(h.end - h.start), _PRIORITY[h.kind]))
        kept: list[_Hit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                previous = kept[-1]
                # The longer hit wins (a phone number holding ten digits that pass the NHS
                # check); one running past it and of a stronger kind takes in both.
                if hit.end > previous.end and _PRIORITY[hit.kind] < _PRIORITY[previous.kind]:
                    kept[-1] = replace(hit, start=previous.start)
                continue
            kept.append(hit)
        initials = [
            h for h in self._initial_hits(doc, kept)
            if not any(a < h.end and h.start < b for a, b in protected)
            and not any(k.start < h.end and h.start < k.end for k in kept)
        ]  # fmt: skip
        if initials:
            kept = sorted(kept + initials, key=lambda h: h.start)
        if spaced:
            kept = _join_spelled_out(doc.text, kept)
        if self.flag_unknown:
            taken = [(h.start, h.end) for h in kept] + protected
            kept += self._unknown_hits(doc, taken, kept)
            kept.sort(key=lambda h: h.start)
        return doc, kept

    def scan(self, text: str, *, document: str = "", path: str = "") -> list[Finding]:
        """Every finding in `text`, with the reviewer's decision where there is one."""
        if not text or not text.strip():
            return []
        memo_key = (text, document, path)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        if document or path:
            # The same findings wherever the text is (their ids are the sentence's), named
            # for this place: the tracker's gate and its cells meet the same texts.
            here = [_placed(f, document, path) for f in self.scan(text)]
            if len(self._memo) < 20_000:
                self._memo[memo_key] = here
            return here
        scanned = self._hits(text)
        if scanned.bare is None:
            scanned.bare = _bare_findings(text, scanned.doc, scanned.hits)
        findings = [self._decided(f) for f in scanned.bare]
        if len(self._memo) < 20_000:
            self._memo[memo_key] = findings
        return findings

    def _decided(self, finding: Finding) -> Finding:
        """The finding with the reviewer's decision on it, if there is one."""
        decision = self.decisions.get(finding.id)
        if decision is None:
            return finding
        outcome = decision.outcome
        if decision.decided:
            # The reviewer decided what it becomes, whatever is proposed now
            withheld = decision.decided == "withheld"
            outcome = (
                RedactionOutcome.ACCEPTED
                if withheld == finding.withhold
                else RedactionOutcome.REJECTED
            )
        return replace(finding, outcome=outcome, decided_reason=decision.reason)

    # -- replacing ---------------------------------------------------------------------------
    def redact(self, text: str, *, document: str = "", path: str = "") -> str:
        """`text` with every withheld finding replaced, reading naturally: a title goes with
        the name it belonged to, and "Mother (mother)" comes out as "Mother"."""
        if not text:
            return text
        findings = [f for f in self.scan(text) if f.withheld]  # where it is changes nothing
        if not findings:
            return text
        pieces: list[str] = []
        last = 0
        for index, finding in enumerate(findings):
            if finding.start < last:
                continue
            pieces.append(text[last : finding.start])
            pieces.append(finding.replacement)
            last = finding.end
            echo = re.match(r"\s*\(\s*([^()]*?)\s*\)", text[last:])
            if echo and fold_plain(echo.group(1)) == fold_plain(finding.replacement):
                last += echo.end()
            elif echo and _echoes(findings[index + 1 :], last + echo.start(1), last + echo.end(1),
                                  finding.replacement):  # fmt: skip
                last += echo.end()  # "Fictionalia (Zoë)": one "Child A", not two
            if text[last : last + 2] in ("'S", "\u2019S") and not finding.replacement.isupper():
                pieces.append(text[last] + "s")  # "JOHN SMITH'S": "Father's", not "Father'S"
                last += 2
        pieces.append(text[last:])
        return "".join(pieces)

    def find(self, text: str) -> list[Finding]:
        """What in `text` would still be withheld: the check on a finished document."""
        return [f for f in self.scan(text) if f.withhold and f.kind != "possible name"]

    def redact_data(
        self,
        value: Any,
        *,
        document: str = "",
        path: str = "",
        skip: frozenset[str] = frozenset(),
    ) -> Any:
        """The same structure (dicts, lists, strings) with every string redacted but those
        under a key in `skip` (the template's own words, as `scan_data` leaves them)."""
        if isinstance(value, str):
            return self.redact(value, document=document, path=path)
        if isinstance(value, Mapping):
            return {
                k: v
                if isinstance(v, str) and k in skip
                else self.redact_data(v, document=document, path=_join(path, str(k)), skip=skip)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [
                self.redact_data(v, document=document, path=f"{path}[{i}]", skip=skip)
                for i, v in enumerate(value)
            ]
        return value

    def scan_data(
        self,
        value: Any,
        *,
        document: str = "",
        path: str = "",
        skip: frozenset[str] = frozenset(),
    ) -> list[Finding]:
        """Every finding in every string of a structure, each with its field path; strings
        under a key in `skip` (the template's own words) are not looked at."""
        if isinstance(value, str):
            return self.scan(value, document=document, path=path)
        found: list[Finding] = []
        if isinstance(value, Mapping):
            for k, v in value.items():
                if isinstance(v, str) and k in skip:
                    continue
                found += self.scan_data(v, document=document, path=_join(path, str(k)), skip=skip)
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                where = f"{path}[{_item_name(v, i)}]"
                found += self.scan_data(v, document=document, path=where, skip=skip)
        return found

    def strict(self) -> Redactor:
        """The same redactor without possible-name flags: for checking a finished file."""
        other = self.with_decisions(self.decisions.values())
        other.flag_unknown = False
        return other

    def with_decisions(self, decisions: Iterable[RedactionDecision]) -> Redactor:
        """The same redactor with other decisions (the key is not rebuilt)."""
        other = object.__new__(Redactor)
        other.__dict__.update(self.__dict__)
        other.decisions = {d.finding_id: d for d in decisions}
        other._memo = {}
        return other


# What may stand before a name as its title ("Mrs ", "Dr. "), matched apart from the names.
_TITLED = re.compile(
    rf"(?<![^\W\d_])(?<!')(?P<title>(?:{'|'.join(sorted(TITLES, key=len, reverse=True))})"
    r"\.?[ ]+)"
)


class _NameMatch:
    """A match of a title, initials and a name, as one pattern holding all three gave."""

    __slots__ = ("_rest", "_title")

    def __init__(self, title: re.Match[str] | None, rest: re.Match[str]) -> None:
        self._title, self._rest = title, rest

    def start(self, group: int | str = 0) -> int:
        if group == 0:
            return (self._title or self._rest).start()
        if group == "title":
            return self._title.start("title") if self._title else -1
        return self._rest.start(group)

    def end(self, group: int | str = 0) -> int:
        if group == "title":
            return self._title.end("title") if self._title else -1
        return self._rest.end(group)

    def group(self, group: str) -> Any:  # as `re.Match.group`
        if group == "title":
            return self._title.group("title") if self._title else None
        return self._rest.group(group)


def _name_matches(names: re.Pattern[str], folded: str) -> Iterator[_NameMatch]:
    r"""What `finditer` gave of `(?<!W)(?<!')(?P<title>T\.?[ ]+)?` + `names` (W a letter, T
    the titles, `names` opening with the same look-behinds): leftmost, non-overlapping,
    and at one place with its title if it has one. A title ends only where its spaces
    end (no name starts with a space or a stop, and only one title fits a word), so a
    match with a title is a title followed at once by a match of `names`."""
    titles = list(_TITLED.finditer(folded))
    at = pos = 0
    while True:
        plain = names.search(folded, pos)
        first = plain.start() if plain else len(folded) + 1
        while at < len(titles) and titles[at].start() < pos:
            at += 1
        found = None
        for title in itertools.islice(titles, at, None):
            if title.start() > first:
                break
            rest = names.match(folded, title.end())
            if rest is not None:
                found = _NameMatch(title, rest)
                break
        if found is None and plain is not None:
            found = _NameMatch(None, plain)
        if found is None:
            return
        yield found
        pos = found.end()


def _bare_findings(text: str, doc: Folded, hits: list[_Hit]) -> list[Finding]:
    """The findings `hits` make in `text`, with no decision on them. A finding's id is its
    kind, what it is and its sentence, so the same hit in the same sentence is decided once."""
    findings = []
    seen: dict[str, int] = {}
    for hit in hits:
        o_start, o_end = doc.span(hit.start, hit.end)
        hit_text = text[o_start:o_end]
        sentence, marked = _sentence(text, o_start, o_end)
        what = f"{hit.kind}|{fold_plain(hit_text)}|{fold_plain(sentence)}"
        # The same word twice in one sentence is two decisions ("rated Amber after Amber
        # said"): keeping the first must not keep the second. The first keeps its old id.
        again = seen.get(what, 0)
        seen[what] = again + 1
        ident = hashlib.sha256((what if not again else f"{what}|{again}").encode()).hexdigest()
        findings.append(
            Finding(
                ident[:10],
                hit.kind,
                hit_text,
                hit.replacement,
                hit.withhold,
                hit.reason,
                marked,
                start=o_start,
                end=o_end,
            )
        )
    return findings


def _join_spelled_out(folded: str, hits: list[_Hit]) -> list[_Hit]:
    """A name written partly letter by letter ("Zoe F i c t o r") is one replacement: a
    spelled-out part and the name part beside it (or the initial taken from it) join."""
    joined: list[_Hit] = []
    for hit in hits:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.kind == hit.kind == "name"
            and last.withhold
            and hit.withhold
            and _SPELLED_OUT in (last.reason, hit.reason)
            and (hit.start <= last.end or _NAME_GAP.fullmatch(folded, last.end, hit.start))
        ):
            # A surname the family shares beside a given name: the given name's person;
            # two people's name words: no one's pseudonym
            names = {last.replacement, hit.replacement} - {NAME_WITHHELD}
            last.replacement = names.pop() if len(names) == 1 else NAME_WITHHELD
            last.end = max(last.end, hit.end)
            continue
        joined.append(hit)
    return joined


def _echoes(after: list[Finding], start: int, end: int, replacement: str) -> bool:
    """Whether the brackets' whole content [start, end) is one finding becoming the same."""
    return any(f.start == start and f.end == end and f.replacement == replacement for f in after)


def _placed(finding: Finding, document: str, path: str) -> Finding:
    """`finding` named for another place (`dataclasses.replace` without its checks: the
    tracker's gate makes one for every finding of every field)."""
    copy = object.__new__(Finding)
    copy.__dict__.update(finding.__dict__, document=document, path=path)
    return copy


def _item_name(item: Any, index: int) -> str:
    """A list item's name in a field path: its heading or label if it has one, else its
    number ("sections[Incident].rows[Incident description]" reads better than indexes)."""
    if isinstance(item, Mapping):
        for key in ("heading", "label"):
            name = item.get(key)
            if isinstance(name, str) and name.strip():
                return name.strip()
    return str(index)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _sentence_start(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and (text[index].isspace() or text[index] in "\"'“‘([«*-–—•"):
        index -= 1
    if index < 0:
        return True
    if text[index] == "." and _after_initial(text, index):
        return False  # "X. Zhou": the full stop of an initial does not end a sentence
    return bool(_SENTENCE_END.match(text[index]))


def _after_initial(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` follows a lone capital letter ("J." in "J. Smith")."""
    return (
        dot >= 1
        and text[dot - 1].isalpha()
        and text[dot - 1].isupper()
        and (dot < 2 or not text[dot - 2].isalpha())
    )


def _neighbour_words(text: str, start: int, end: int) -> tuple[str, str]:
    before = _PREV_WORD.search(text[max(0, start - 40) : start])
    after = _NEXT_WORD.match(text[end : end + 40])
    return (before.group(1) if before else "", after.group(1) if after else "")


# What follows a verb opening an instruction ("Mark the date", "Sue your employer"), not
# what follows a name as often ("Leo no longer attends", "Leo this morning said", "Grace
# her mother said", "Leo all day refused food").
_DETERMINERS = frozenset({"the", "a", "an", "these", "those", "your", "our", "its", "my"})


# Places named after someone: "St Mary's Hospital", "Queen Elizabeth Hospital", "the
# Freeman Hospital", "Victoria Station": the name word is then likely the place's.
_INSTITUTIONS = frozenset(
    {"hospital", "infirmary", "hospice", "church", "cathedral", "chapel", "abbey", "station",
     "hall", "college", "university", "library", "museum", "theatre", "stadium", "park",
     "bridge", "tower", "barracks", "prison",
     # organisations named like a person ("Lowe Academy", "Hyde Primary", "Hyde Family Centre")
     "school", "academy", "primary", "nursery", "infants", "juniors", "centre", "center",
     "surgery", "practice", "clinic", "club", "hotel", "campus"}
)  # fmt: skip
_PLACE_RUN = 3  # capitalised words looked at after a name for the place's last word
_POSSESSIVE = re.compile(r"'s?(?![^\W\d_])")


def _before_street_word(
    text: str, end: int, names: Mapping[str, object] | None = None, run: int = 1
) -> bool:
    """Whether capitalised words ending in a street-type, institution or organisation word
    follow at once ("Lincoln Road", "St Mary's Hospital", "Hyde Park"); with `run` > 1, up
    to that many capitalised words that are not key `names` ("Lowe Street School", "Hyde
    Leisure Centre", but not "Hope Green"): the name is then the place's, not a person's."""
    possessive = _POSSESSIVE.match(fold(text[end : end + 3]).text)
    if possessive:
        end += possessive.end()
    for _word in range(run):
        after = _NEXT_WORD.match(text, end, min(len(text), end + 40))
        word = after.group(1) if after else ""
        if len(word) < 2 or not word[:1].isupper():
            return False  # "Leo S.", "Grace W": a surname's initial, not North or West
        folded = word.casefold()
        if folded in _INSTITUTIONS or patterns.street_type_pattern(folded) is not None:
            return True
        if names is not None and _letters(fold_plain(word)) in names:
            return False  # another key name: "we hope Hope Green", "Grace Hyde Park"
        end = after.end() if after else end
    return False


# Titles that are also everyday words: in lower case they are the word ("the doctor", "miss").
_WORD_TITLES = frozenset(
    {"captain", "constable", "councillor", "dame", "detective", "doctor", "imam", "inspector",
     "judge", "lady", "lord", "master", "miss", "mister", "nurse", "pastor", "professor",
     "rabbi", "reverend", "sergeant", "sheikh", "sir", "sister", "superintendent"}
)  # fmt: skip

# A relative or partner named right after a word ("graces dad", "roses boyfriend")
_RELATIVE_AFTER = re.compile(
    r"[ ](?:mum|mummy|mam|mom|mother|dad|daddy|father|brother|sister|nan|nana|nanna|gran"
    r"|granny|grandma|grandad|granddad|grandpa|grandmother|grandfather|aunt|auntie|aunty"
    r"|uncle|cousin|partner|boyfriend|girlfriend|husband|wife|son|daughter|stepdad"
    r"|stepmum|carer|foster carer|friend|ex|baby|sibling|siblings|children|kids)"
    r"(?![^\W\d_])"
)
_POSSESSIVE_RELATIVE = re.compile("'s" + _RELATIVE_AFTER.pattern)
# What a record says a person did, right after the word ("faith said", "amber cried")
_PERSON_VERB_AFTER = re.compile(
    r"[ ](?:"
    + "|".join(sorted(_PERSON_VERBS))
    + r"|was upset|was hungry|was seen|was not|is not)(?![^\W\d_])"
)
_FAMILY_NOUNS = frozenset(
    {"family", "families", "household", "households", "children", "siblings", "parents",
     "twins", "home"}
)  # fmt: skip


def _in_capitals(original: str, span: tuple[int, int]) -> bool:
    letters = [c for c in original[span[0] : span[1]] if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _beside_capitals(folded: str, m: re.Match[str], shouted: set[tuple[int, int]]) -> bool:
    """Whether a word is next to a key name written in capitals, with only a space or a
    comma between ("SAM VELLACOTT", "VELLACOTT, SAM")."""
    for start, end in shouted:
        if re.fullmatch(r"[ ]{1,2}|,[ ]?", folded[m.end() : start]) or re.fullmatch(
            r"[ ]{1,2}|,[ ]?", folded[end : m.start()]
        ):
            return True
    return False


def _names_a_family(text: str, end: int) -> bool:
    """Whether a family noun follows at once: "the Green family", "both Long children" use
    the capitalised surname as a name (mid-sentence; at a sentence start it may be the word)."""
    after = _NEXT_WORD.match(text[end : end + 40])
    return after is not None and after.group(1) in _FAMILY_NOUNS


def _opens_imperative(text: str, start: int, end: int) -> bool:
    """Whether the word starts a sentence and a determiner follows it at once: "Mark the
    date", "Bill the family" are verbs; a name is rarely followed by "the" or "your"."""
    word = text[start:end]
    if not _sentence_start(text, start) or not word[:1].isupper() or word.isupper():
        return False  # a verb opening a sentence is written "Mark"; "zhou", "ZHOU" are names
    after = _NEXT_WORD.match(text[end : end + 40])
    # Mid-sentence an article is written in lower case: "Zoe A said" is a name and an
    # initial, not "Mark a date"
    return after is not None and after.group(1) in _DETERMINERS


def _in_capitalised_phrase(text: str, start: int, end: int) -> bool:
    """Whether the word sits among other capitalised words ("Principal Social Worker")."""
    before, after = _neighbour_words(text, start, end)
    if before and _sentence_start(text, text.rfind(before, 0, start)):
        before = ""  # "Later Brown said": capitalised only because it starts the sentence
    return any(w[:1].isupper() and w.casefold() not in TITLES for w in (before, after))


def _prefix_of_compound(text: str, end: int) -> bool:
    """Whether a hyphen and an everyday word in lower case follow at once ("Re-audit",
    "Co-located"): a double-barrelled name capitalises both parts ("Smith-Jones")."""
    after = re.match(r"-([a-z]+)(?![^\W\d_])", text[end : end + 40])
    return after is not None and is_ordinary(after.group(1))


def _is_plain_sentence_word(word: str) -> bool:
    """At a sentence start every word has a capital; only a real word is let pass there."""
    return is_ordinary(word)


def _sentence(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence around a hit, and the same with the hit marked «like this»."""
    left = max((m.end() for m in _STOP_SPACE.finditer(text[:start])), default=0)
    right_match = _STOP.search(text[end:])
    right = end + right_match.end() if right_match else len(text)
    left = max(left, start - 80)
    right = min(right, end + 80)
    sentence = text[left:right]
    marked = f"{text[left:start]}«{text[start:end]}»{text[end:right]}"
    return sentence, " ".join(marked.split())


def decision(
    finding: Finding, outcome: RedactionOutcome, reason: str = "", by: str = "", at: str = ""
) -> RedactionDecision:
    """A decision on `finding`, carrying what was decided for the audit trail."""
    withheld = finding.withhold if outcome == RedactionOutcome.ACCEPTED else not finding.withhold
    return RedactionDecision(
        finding.id,
        outcome,
        reason.strip(),
        finding.kind,
        finding.hit,
        finding.snippet,
        by,
        at,
        "withheld" if withheld else "kept",
    )


def open_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Each undecided finding once (the same id in several places is one decision)."""
    seen: dict[str, Finding] = {}
    for finding in findings:
        if finding.open and finding.id not in seen:
            seen[finding.id] = finding
    return list(seen.values())


def unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.id, finding)
    return list(seen.values())


def dob_set(subjects: Iterable[Subject]) -> frozenset[date]:
    return frozenset(d for s in subjects for d in s.dates_of_birth)


def relabel(finding: Finding, **changes: Any) -> Finding:
    return replace(finding, **changes)
