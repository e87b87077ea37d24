"""Who redaction looks for: the pseudonym key, plus the people the case's forms name.

A `Subject` is one person as matching needs them: every written form of their name, their
identifiers, and the text that replaces them. The key (`case.people`) comes first; people
the referral names but nobody added to the key (a referrer, an agency contact, a family
member) are added with their role as the replacement, so nothing typed into a form slips
through because the key was not kept up to date.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case, PersonKind
from cspr_tui.domain.deadline import stored_date
from cspr_tui.exports.redaction.normalise import fold_plain
from cspr_tui.exports.redaction.words import is_ordinary

__all__ = ["TITLES", "Subject", "subjects_for_case"]

TITLES = (
    "mr", "mrs", "ms", "miss", "mx", "master", "mister", "mstr", "dr", "doctor", "prof",
    "professor", "rev", "revd", "reverend", "sir", "dame", "lady", "lord", "nurse", "sister",
    "pc", "wpc", "dc", "ds", "di", "dci", "sgt", "sergeant", "insp", "inspector", "cllr",
    "councillor", "judge", "detective", "constable", "supt", "superintendent", "imam",
    "pastor", "rabbi", "sheikh", "fr", "capt", "captain", "lt", "cpl", "pte",
)  # fmt: skip
PARTICLES = frozenset(
    {
        "de",
        "da",
        "di",
        "du",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "del",
        "bin",
        "bint",
        "al",
        "ni",
        "nic",
        "mhic",
        "ua",
    }
)
# What a name field may hold after the name itself: "Sarah Lowe, Health Visitor",
# "Sarah Lowe (health visitor)", "Sarah Lowe - HV". The role part is not a name.
_ROLE_TAIL = re.compile(r"\s*(?:[,;(\[/]|\s[-\u2013\u2014]\s).*$", re.DOTALL)


@dataclass
class Subject:
    """One person as matching needs them (see the module docstring)."""

    replacement: str
    role: str
    kind: PersonKind
    names: list[str] = field(default_factory=list)  # full names and variants, as written
    dates_of_birth: set[date] = field(default_factory=set)
    addresses: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)
    nhs_numbers: list[str] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)  # (kind, name): school, GP
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def given_initials(self) -> set[str]:
        initials = set()
        for name in self.names:
            tokens = name_tokens(name)
            for token in tokens[:-1] or tokens:
                initials.add(token[0])
        return initials


def name_only(text: object) -> str:
    """A name field's name, without a role typed after it ("Sarah Lowe, Health Visitor")."""
    return _ROLE_TAIL.sub("", str(text or "")).strip()


# Words of the roles typed beside a name ("Rachel Moss - Social Worker", "Lowe, Sarah (DSL)").
_ROLE_WORDS = frozenset(
    {"social", "worker", "health", "visitor", "manager", "teacher", "nurse", "police",
     "officer", "lead", "support", "school", "team", "designated", "safeguarding",
     "practitioner", "midwife", "gp", "paediatrician", "consultant", "head", "deputy",
     "senior", "assistant", "student", "advocate", "link", "mum", "dad", "nan", "nana",
     "grandma", "grandad", "grandmother", "grandfather", "aunt", "auntie", "uncle", "mother",
     "father", "sister", "brother", "carer", "foster", "partner", "stepfather", "stepmother",
     "sibling", "child", "cousin", "neighbour", "friend", "dsl", "hv", "sw", "iro", "camhs",
     "pc", "dc", "ds", "sgt", "inspector", "detective", "constable", "doctor", "dr",
     "reviewer", "chair", "author", "contact", "referrer", "duty", "early", "help", "service",
     "services", "care", "children", "childrens", "family", "families", "housing", "youth",
     "justice", "probation", "education", "nursery", "college", "academy", "primary", "trust",
     "council", "agency", "unit", "hospital", "ward", "clinic", "surgery", "centre",
     "headteacher", "headmaster", "headmistress", "childminder", "caseworker", "keyworker",
     "key", "senco", "counsellor", "therapist", "psychologist", "psychiatrist", "coordinator",
     "co-ordinator", "director", "matron", "sergeant", "investigating", "receptionist",
     "administrator", "front", "door", "hub", "mash", "desk", "office", "triage", "panel",
     "board", "intake", "assessment", "area", "locality"}
)  # fmt: skip
ROLE_WORDS = _ROLE_WORDS  # for the engine: a noun naming a person is no set phrase's

# Of the role words, those that are also people's relations or common surnames and given
# names ("Hope Ward", "Faith Foster", "Nurse Ward"): a name may be made of them alone, so
# they never show on their own that an answer is a post. The titles (`TITLES`) neither.
_NAME_LIKE_ROLE_WORDS = frozenset(
    {"mum", "dad", "nan", "nana", "grandma", "grandad", "grandmother", "grandfather", "aunt",
     "auntie", "uncle", "mother", "father", "sister", "brother", "stepfather", "stepmother",
     "sibling", "child", "cousin", "neighbour", "friend", "partner", "carer", "foster", "ward",
     "link", "head", "lead", "key", "chair", "door", "early", "trust", "hub", "desk", "front",
     "area", "unit", "care", "help", "duty", "support", "board", "panel", "office", "team",
     "intake", "contact", "author", "student", "locality", "home", "youth", "family"}
)  # fmt: skip
# Words that show an answer is a post or a service, never a person's name: the other role
# words, and the posts' and services' own words.
_POST_WORDS = (_ROLE_WORDS - _NAME_LIKE_ROLE_WORDS - frozenset(TITLES)) | frozenset(
    {"chief", "executive", "director", "principal", "named", "professional", "public",
     "protection", "integrated", "liaison", "virtual", "paediatric", "nursing", "visiting",
     "clinical", "specialist", "strategic", "operational", "operations", "quality",
     "governance", "partnership", "business", "adult", "adults", "commissioning",
     "improvement", "learning", "development", "interim", "acting", "service", "services",
     "social", "safeguarding", "designated", "health", "children", "childrens"}
)  # fmt: skip
_CONNECTORS = frozenset({"of", "and", "for", "the", "to", "in", "with", "at", "&", "on"})
# The last word of an organisation's name ("Devon and Cornwall Police", "Kernow Vale
# Council"): an answer ending so names a service, not a person.
_ORGANISATION_ENDINGS = frozenset(
    {"police", "constabulary", "council", "trust", "services", "service", "hospital",
     "school", "academy", "college", "nursery", "surgery", "clinic", "centre", "partnership",
     "authority", "nhs", "foundation", "hub", "team", "unit", "board"}
)  # fmt: skip


def _names_an_organisation(text: str) -> bool:
    words = fold_plain(text).split()
    return bool(words) and words[-1].strip(".") in _ORGANISATION_ENDINGS


def _post_words(text: str) -> list[str]:
    """The folded words of a post or a name, "children's" as "children"."""
    words = (w.strip(".'").removesuffix("'s") for w in fold_plain(text).split())
    return [w for w in words if w and w != "-"]


def _post_word(word: str) -> bool:
    """A word a post or a service is made of (one of `_post_words`)."""
    return word in _ROLE_WORDS or word in _POST_WORDS or word in _CONNECTORS or word in TITLES


def _is_post(text: str) -> bool:
    """Every word a post's or a service's, and one of them only a post's: "children's social
    care", "Social Worker", "Chief Executive", "Head of Safeguarding", not "Hope Ward" (a
    given name), "Ward Foster" or "Nurse Ward" (each word may be a name's)."""
    words = _post_words(text)
    return bool(words) and all(map(_post_word, words)) and any(w in _POST_WORDS for w in words)


# Job titles that are never anyone's surname (unlike Ward, Foster, Head): beside a name in
# a text they are the job, not the rest of the name ("Headteacher Priya Raghunathan").
JOB_WORDS = frozenset(
    {"headteacher", "headmaster", "headmistress", "childminder", "caseworker", "keyworker",
     "senco", "paediatrician", "counsellor", "therapist", "psychologist", "psychiatrist",
     "coordinator", "co-ordinator", "receptionist", "administrator", "practitioner",
     "midwife", "safeguarding", "designated", "sergeant", "detective", "constable"}
)  # fmt: skip


def _capitalised_name(name: str) -> bool:
    """Two to four capitalised words, none a role word: "Will Young", "Hope Little" name
    someone even though each word is an everyday one ("Duty manager" does not)."""
    words = name.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() and not (w.isupper() and len(w) > 1) for w in words)
        and not any(fold_plain(w).strip("'.") in _ROLE_WORDS for w in words)
        and not any(c.isdigit() for c in name)
    )


_NAME_SEPARATOR = re.compile(r"\s*(?:[,;()\[\]/]|\s[-\u2013\u2014]\s)\s*")


def _looks_like_a_name(piece: str) -> bool:
    """A piece of a name field that names someone: not a role in everyday words ("Health
    Visitor"), not an acronym ("HV", "DSL"), no digits."""
    words = piece.split()
    if not words or len(words) > 4 or any(c.isdigit() for c in piece):
        return False
    if all(w.isupper() and len(w) <= 5 for w in words):
        return False
    folded = [fold_plain(w).strip("'.") for w in words]
    if any(w in _ROLE_WORDS for w in folded):
        return False
    return _capitalised_name(piece) or not all(is_ordinary(w) for w in folded)


def name_forms(text: object) -> list[str]:
    """Every name a name field holds, as records write them: "SMITHFIELD, Leo" (surname
    first, so also "Leo SMITHFIELD"), "Grace (Gracie) Walsh", "Mohammed Ali / Mo Ali",
    "Nan - Pat Jones"; a role typed after the name is not one ("Sarah Lowe, Health Visitor").
    """
    return list(_name_forms(str(text or "").strip()))


@functools.lru_cache(maxsize=8192)
def _name_forms(raw: str) -> tuple[str, ...]:
    """`name_forms`, worked out once for a name met in case after case (forgotten at a lock)."""
    pieces = [p.strip() for p in _NAME_SEPARATOR.split(raw) if p.strip()]
    if not pieces:
        return ()
    first, rest = pieces[0], [p for p in pieces[1:] if _looks_like_a_name(p)]
    names = [first] if _looks_like_a_name(first) or not rest else []
    if rest and "," in raw and len(first.split()) == 1 and raw.index(",") < len(first) + 2:
        names.append(f"{rest[0]} {first}")  # the surname first, then the given names
    if "(" in raw and len(pieces) >= 3 and pieces[1] in rest and _looks_like_a_name(pieces[2]):
        names.append(f"{first} {pieces[2]}")  # "Grace (Gracie) Walsh": also "Grace Walsh"
        names.append(f"{pieces[1]} {pieces[2]}")  # and "Gracie Walsh"
    for piece in rest:
        if piece not in names:
            names.append(piece)
    return tuple(names)


def name_tokens(name: str) -> list[str]:
    """The folded words of a name, titles and initials dropped ("Dr J. O'Neill" -> o'neill)."""
    return list(_name_tokens(name))


@functools.lru_cache(maxsize=8192)
def _name_tokens(name: str) -> tuple[str, ...]:
    """`name_tokens`, worked out once for a name met in case after case (forgotten at a lock)."""
    tokens: list[str] = []
    words = fold_plain(name).split(" ")
    prefix = ""
    for index, raw in enumerate(words):
        token = raw.strip('.,;:()"[]').strip("'")
        if not token or token.rstrip(".") in TITLES:
            continue
        if len(token) == 1 and not raw.endswith(".") and index + 1 < len(words):
            prefix = token + "'"  # "Ó Súilleabháin" is written O'Suilleabhain too
            continue
        if len(token.strip("-'")) < 2:
            continue
        tokens.append(prefix + token)
        prefix = ""
    return tuple(tokens)


def name_parts(name: str) -> list[str]:
    """Each word of a name that alone can name the person: hyphenated halves included."""
    parts: list[str] = []
    for token in name_tokens(name):
        if token in PARTICLES:
            continue
        pieces = [p for p in re.split(r"-", token) if len(p.strip("'")) >= 2]
        pieces = pieces if len(pieces) > 1 else []
        for piece in list(pieces) or [token]:
            head, _, rest = piece.partition("'")
            if rest and len(head) <= 2 and len(rest) >= 2:
                pieces.append(rest)  # O'Neill is also written Neill after an O
        for piece in [token, *pieces]:
            if piece not in parts and piece not in PARTICLES:
                parts.append(piece)
    return parts


def _split_list(text: Any) -> list[str]:
    return [t.strip() for t in re.split(r"[,;/\n]", str(text or "")) if t.strip()]


def _dob(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return stored_date(value) if value else None
    except (TypeError, ValueError):
        return None


def _add_address(subject: Subject, address: object) -> None:
    from cspr_tui.exports.redaction.patterns import postcode_spans

    text = str(address or "").strip()
    if not text:
        return
    subject.addresses.append(text)
    folded = fold_plain(text)
    subject.postcodes.extend(value for _s, _e, value in postcode_spans(folded))


def subjects_for_case(case: Case) -> list[Subject]:
    """The key's people, then the referral's people the key does not hold (see module)."""
    subjects: list[Subject] = []
    by_name: dict[str, Subject] = {}
    for person in case.people:
        subject = Subject(person.pseudonym or person.role, person.role, PersonKind(person.kind))
        names = [*name_forms(person.real_name), *person.variants]
        subject.names = list(dict.fromkeys(n for n in names if n.strip()))
        if (born := _dob(person.date_of_birth)) is not None:
            subject.dates_of_birth.add(born)
        for address in person.addresses:
            _add_address(subject, address)
        if person.postcode:
            subject.postcodes.append(person.postcode)
        if person.nhs_number:
            subject.nhs_numbers.append(person.nhs_number)
        if person.school:
            subject.places.append(("school", person.school))
        if person.gp_practice:
            subject.places.append(("GP practice", person.gp_practice))
        subject.phones = list(person.phones)
        subject.emails = list(person.emails)
        subjects.append(subject)
        for name in subject.names:
            by_name.setdefault(fold_plain(name), subject)

    values: dict[str, Any] = {}
    referral = case.record("referral")
    if referral is not None:
        values = referral.values

    def named(name: Any, replacement: str, role: str, kind: PersonKind) -> Subject | None:
        forms = name_forms(name)
        name = typed = forms[0] if forms else ""
        if kind == PersonKind.PRACTITIONER:
            words = name.split()
            while len(words) > 1 and fold_plain(words[0]) in _ROLE_WORDS:
                words = words[1:]  # "Health Visitor Rachel Moss": the role typed first
            name = " ".join(words)
        if not name_tokens(name):
            return None
        found = by_name.get(fold_plain(name))
        practitioner = kind == PersonKind.PRACTITIONER
        if (
            found is None
            and practitioner
            and (
                _is_post(typed)  # "children's social care", "Social Worker", "Chief Executive"
                or _names_an_organisation(typed)  # "Devon and Cornwall Police"
                or (all(is_ordinary(p) for p in name_parts(name)) and not _capitalised_name(name))
            )
        ):
            # A form field holding a role or a team ("Duty manager", "Early help"), not a
            # name; a person with an everyday-word name ("Hope Ward") belongs in the key.
            return None
        if (
            found is None
            and practitioner
            and any(t in fold_plain(replacement).split() for t in name_parts(name))
        ):
            # Words for them that hold their own name (a post typed with it): never printed.
            replacement = role = "A practitioner"
        if found is None:
            found = Subject(replacement, role, kind, names=[name])
            subjects.append(found)
            by_name[fold_plain(name)] = found
        found.names.extend(f for f in forms[1:] if f not in found.names)
        return found

    children = [c for c in values.get("children") or [] if isinstance(c, dict)]
    for index, child in enumerate(children):
        kind = PersonKind.CHILD if index == 0 else PersonKind.SIBLING
        label = case.pseudonym if index == 0 else f"Sibling {index}"
        found = named(child.get("name"), label, "Subject child" if index == 0 else "Child", kind)
        if found is None:
            continue
        found.names.extend(_split_list(child.get("other_names")))
        if (born := _dob(child.get("dob"))) is not None:
            found.dates_of_birth.add(born)
        _add_address(found, child.get("address"))
        for key, place in (("school_setting", "school"), ("gp", "GP practice")):
            if str(child.get(key) or "").strip():
                found.places.append((place, str(child[key]).strip()))
    for member in values.get("family") or []:
        if not isinstance(member, dict):
            continue
        role = str(member.get("relationship") or "Family member")
        found = named(member.get("name"), role, role, PersonKind.FAMILY)
        if found is None:
            continue
        if (born := _dob(member.get("dob"))) is not None:
            found.dates_of_birth.add(born)
        _add_address(found, member.get("address"))
    referrer_role = post_of(values.get("referrer_job_title")) or "The referrer"
    for key in ("referrer_name", "referrer_confirmation"):
        named(values.get(key), referrer_role, referrer_role, PersonKind.PRACTITIONER)
    lead_role = post_of(values.get("lead_title")) or "Safeguarding lead"
    named(values.get("lead_name"), lead_role, lead_role, PersonKind.PRACTITIONER)
    for agency in values.get("agencies") or []:
        if isinstance(agency, dict) and agency.get("contact_name"):
            role = post_of(agency.get("contact_role"))
            role = role or f"{agency.get('agency') or 'Agency'} contact"
            named(agency["contact_name"], role, role, PersonKind.PRACTITIONER)
    for form_id, values_of in _records_holding_names(case):
        for group, name_key, role_key, fallback in _OTHER_NAMES.get(form_id, ()):
            rows = values_of.get(group) if group else [values_of]
            for row in rows if isinstance(rows, list) else []:
                if not isinstance(row, dict) or not str(row.get(name_key) or "").strip():
                    continue
                role = _role_of(row, role_key, fallback)
                # "Senara Kitto (LA), Loveday Carew (Police)": each of a list on its own
                for name in _split_list(row[name_key]) if name_key in _LISTS else [row[name_key]]:
                    named(name, role, role, PersonKind.PRACTITIONER)
    return [s for s in subjects if s.names or s.dates_of_birth or s.addresses]


# Names the other forms hold, beyond the referral's: (repeat group or "" for the form's own
# answers, the name's field, the field naming that person's post or "", the words for them
# when it is empty). A redacted report names each by their post, as for an agency contact;
# an answer that is only a post ("Designated doctor", "Head of Safeguarding") is left be.
# The review's printed reviewer names and a recommendation's lead officer are printed by
# design, so they are not here.
_OTHER_NAMES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "review": (("", "decision_makers", "", "Decision maker"),),
    "rapid_review": (
        ("", "family_informed_by", "", "The practitioner who told the family"),
        ("agency_involvement", "author", "agency", "Report author"),
        ("signoffs", "name", "role", "Partner's signatory"),
    ),
    "agency_report": (
        ("", "author_name", "author_role", "Report author"),
        ("", "signoff_name", "signoff_role", "Senior manager"),
        ("", "return_contact", "", "Business unit contact"),
    ),
}
_LISTS = frozenset({"decision_makers", "family_informed_by"})  # may name several people


def _records_holding_names(case: Case) -> list[tuple[str, dict[str, Any]]]:
    from cspr_tui.domain.form_mapping import split_record_key

    found = []
    for key, record in case.records.items():
        form_id, _agency = split_record_key(key)
        if form_id in _OTHER_NAMES and isinstance(record.values, dict):
            found.append((form_id, record.values))
    return found


_POST_PARTS = re.compile(r"\s*(?:[,;/\n()\[\]]|\s[-\u2013\u2014]\s)\s*")


def post_of(text: object) -> str:
    """A post field's words for the person it belongs to, never a name typed into it: each
    part of it (between commas, brackets, slashes or a dash) kept only when it is a post
    (`_is_post`). "Integrated care board, Designated doctor" stays whole (cut at its comma
    as a name field is, it left "Integrated care board": the ninth hand run); "Director -
    Tamsin Quillow", "Director (Jo Bloggs)", "Director, Ms Bloggs" give "Director"; "" when
    no part is a post (the caller's own words then)."""
    parts = [part for part in _POST_PARTS.split(str(text or "")) if part.strip()]
    return ", ".join(part.strip() for part in parts if _post_part(part))


def _post_part(part: str) -> bool:
    """A part of a post field that is a post: a post's words with everyday ones ("Class
    teacher", "Senior Family Support Worker"), titles alone ("PC", "Detective
    constable"), or one everyday word ("Investigator"); never a given name or a surname
    made of role words ("Hope Head", "Ward", "Foster")."""
    words = _post_words(part)
    if not words:
        return False
    if all(_post_word(w) or is_ordinary(w) for w in words) and any(w in _POST_WORDS for w in words):
        return True
    if all(w in TITLES for w in words):
        return True
    return (
        len(words) == 1
        and words[0] not in _NAME_LIKE_ROLE_WORDS
        and (words[0] in _ROLE_WORDS or is_ordinary(words[0]))
    )


def _role_of(row: dict[str, Any], role_key: str, fallback: str) -> str:
    if role_key == "agency":
        agency = name_only(row.get(role_key))
        # "Police report author"
        return f"{agency} {fallback[:1].lower()}{fallback[1:]}" if agency else fallback
    return (post_of(row.get(role_key)) if role_key else "") or fallback


def all_names(subjects: Iterable[Subject]) -> list[str]:
    return [name for subject in subjects for name in subject.names]
