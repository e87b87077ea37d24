"""The pseudonym key's rules: what a valid line is, and how identifiers are read.

Pure functions over `Person` and `Case`: the store calls `add_person`, `replace_person`,
`remove_person` and `record_decisions` on its private copy of a case and commits the result;
the front doors call `person_from_options` to build a line from what was typed, and the
redaction engine uses `nhs_number_valid` so an NHS number is recognised by the same rule
everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case, Person, PersonKind, RedactionDecision
from cspr_tui.domain.stamp import Stamp
from cspr_tui.errors import UsageError, ValidationFailed
from cspr_tui.forms.dates import DateFormatError, iso_date, parse_date

__all__ = [
    "PERSON_LIST_FIELDS",
    "add_person",
    "check_person",
    "nhs_digits",
    "nhs_number_valid",
    "person_from_options",
    "person_summary",
    "record_decisions",
    "redaction_decisions_merged",
    "remove_person",
    "replace_person",
    "review_subjects",
]

PERSON_LIST_FIELDS = ("variants", "addresses", "phones", "emails")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$", re.IGNORECASE)


def nhs_digits(text: str) -> str:
    """The digits of an NHS number however it is grouped ("943 476 5919", "9434765919")."""
    return re.sub(r"\D", "", text)


def nhs_number_valid(digits: str) -> bool:
    """True for ten digits whose last is the NHS mod-11 check digit of the first nine."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def check_person(case: Case, person: Person, index: int | None) -> Person:
    """Refuse a key line that could not do its job, naming the field and how to fix it.

    Returns the line as the case keeps it: a date of birth a caller gave as ISO text is read
    by the one reader of stored dates (`forms.dates.iso_date`) into the `date` the model holds.
    """
    if not person.real_name.strip() or not person.pseudonym.strip():
        raise ValidationFailed("a person in the pseudonym key needs a real name and a pseudonym.")
    try:
        PersonKind(person.kind)
    except ValueError:
        kinds = ", ".join(k.value for k in PersonKind)
        raise ValidationFailed(f"a person's kind must be one of: {kinds}.") from None
    born: object = person.date_of_birth
    if born == "":
        person = replace(person, date_of_birth=None)
    elif born is not None and type(born) is not date:
        try:
            person = replace(person, date_of_birth=iso_date(born, remember=False))
        except DateFormatError:
            raise ValidationFailed(
                f"date of birth {born!r} is not a date; give it as DD/MM/YYYY."
            ) from None
    if person.nhs_number and not nhs_number_valid(nhs_digits(person.nhs_number)):
        raise ValidationFailed(
            f"NHS number {person.nhs_number!r} is not valid (ten digits with a correct check "
            "digit); check it against the record."
        )
    if person.postcode and not _POSTCODE.match(person.postcode.strip()):
        raise ValidationFailed(f"postcode {person.postcode!r} is not a UK postcode (e.g. NE8 1ZZ).")
    for email in person.emails:
        if not _EMAIL.match(email.strip()):
            raise ValidationFailed(f"email {email!r} is not an email address.")
    for other_index, other in enumerate(case.people):
        if other_index != index and other.pseudonym.strip() == person.pseudonym.strip():
            raise ValidationFailed(
                f"the pseudonym {person.pseudonym!r} is already used for another person."
            )
    return person


def _date_option(text: str) -> date | None:
    """A date of birth typed as DD/MM/YYYY (or ISO); blank is none."""
    text = text.strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except DateFormatError:
        raise ValidationFailed(
            f"date of birth {text!r} is not a date; give it as DD/MM/YYYY."
        ) from None


def person_from_options(options: Mapping[str, Any], base: Person | None = None) -> Person:
    """A key line from typed options (None = unchanged); lists are comma-separated text."""
    known = {f.name for f in fields(Person)}
    changes: dict[str, Any] = {}
    for name, value in options.items():
        if name not in known or value is None:
            continue
        if name in PERSON_LIST_FIELDS:
            items = value if isinstance(value, list) else str(value).split(";")
            changes[name] = [str(v).strip() for v in items if str(v).strip()]
        elif name == "kind":
            try:
                changes[name] = PersonKind(str(value).strip().lower().replace(" ", "_"))
            except ValueError:
                kinds = ", ".join(k.value for k in PersonKind)
                raise ValidationFailed(
                    f"kind {value!r} is not known; use one of: {kinds}."
                ) from None
        elif name == "date_of_birth":
            changes[name] = _date_option(str(value))
        else:
            changes[name] = str(value).strip()
    if base is not None:
        return replace(base, **changes)
    return Person(
        changes.pop("real_name", ""),
        changes.pop("pseudonym", ""),
        changes.pop("role", ""),
        **changes,
    )


def person_summary(person: Person) -> str:
    """The identifiers held for a person, as one short line for lists (no values shown)."""
    held = [
        label
        for label, present in (
            ("variants", person.variants),
            ("date of birth", person.date_of_birth),
            ("address", person.addresses),
            ("postcode", person.postcode),
            ("NHS number", person.nhs_number),
            ("school", person.school),
            ("GP practice", person.gp_practice),
            ("phone", person.phones),
            ("email", person.emails),
        )
        if present
    ]
    return ", ".join(held) if held else "name only"


def redaction_decisions_merged(
    kept: list[RedactionDecision], new: list[RedactionDecision]
) -> list[RedactionDecision]:
    """`kept` with `new` added; the newest decision on a finding replaces the one before."""
    by_id = {d.finding_id: d for d in kept}
    for decision in new:
        if decision.outcome == "rejected" and not decision.reason.strip():
            raise ValidationFailed(
                f"rejecting finding {decision.finding_id} needs a reason (--reason TEXT)."
            )
        by_id[decision.finding_id] = decision
    return list(by_id.values())


def review_subjects(case: Case) -> list[Person]:
    """The people the review is about (the child and family, not practitioners): whom an
    agency report and its cover name, by pseudonym and role."""
    return [p for p in case.people if p.kind != PersonKind.PRACTITIONER]


def add_person(case: Case, person: Person) -> None:
    """Add a line to the pseudonym key (real name and the pseudonym replacing it)."""
    case.people.append(check_person(case, person, None))


def _checked_index(case: Case, index: int) -> int:
    if not 0 <= index < len(case.people):
        raise UsageError(f"{case.ref} has no person number {index + 1} in its pseudonym key.")
    return index


def replace_person(case: Case, index: int, person: Person) -> None:
    """Put `person` in the key's line `index` (counted from 0), checked like a new line."""
    case.people[index] = check_person(case, person, _checked_index(case, index))


def remove_person(case: Case, index: int) -> None:
    del case.people[_checked_index(case, index)]


def record_decisions(case: Case, decisions: list[RedactionDecision], stamp: Stamp) -> str:
    """Keep reviewers' decisions on redaction findings, stamped with who and when (a later
    one replaces an earlier one for the same finding); returns the audit entry's summary."""
    stamped = [replace(d, by=d.by or stamp.who, at=d.at or stamp.now) for d in decisions]
    case.redaction_decisions = redaction_decisions_merged(case.redaction_decisions, stamped)
    return "; ".join(f"{d.outcome.value} {d.finding_id}" for d in stamped)
