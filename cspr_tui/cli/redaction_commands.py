"""`cspr people`, `cspr redaction review` and `cspr redact`: the pseudonym key and its review.

Thin wrappers: the key's rules live in `domain.people`, detection and the review gate in
`exports.redaction`; these commands gather options, call them and print.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["register"]

# (option, Person field, help)
_PERSON_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--name", "real_name", "the person's real name, as written in the records"),
    ("--pseudonym", "pseudonym", 'what replaces them in a redacted export, e.g. "Child A"'),
    ("--role", "role", 'their role, e.g. "Mother", "Health visitor"'),
    ("--kind", "kind", "child, sibling, family, significant_other, practitioner or other"),
    ("--variants", "variants", "other names, nicknames, spellings; separate with ';'"),
    ("--dob", "date_of_birth", "date of birth, DD/MM/YYYY"),
    ("--addresses", "addresses", "addresses; separate with ';'"),
    ("--postcode", "postcode", "postcode"),
    ("--nhs-number", "nhs_number", "NHS number"),
    ("--school", "school", "school or setting"),
    ("--gp-practice", "gp_practice", "GP practice"),
    ("--phones", "phones", "telephone numbers; separate with ';'"),
    ("--emails", "emails", "email addresses; separate with ';'"),
)


def register(subparsers: Any) -> None:
    people = subparsers.add_parser(
        "people",
        help="the case's pseudonym key: people, pseudonyms, roles, identifiers",
        description="List the case's pseudonym key, or add (--add) or change (--edit N) a "
        "person. Everything here is what redaction looks for.",
    )
    people.add_argument("ref", metavar="CASE_REF", help="the case reference, e.g. CSPR-2026-004")
    people.add_argument("--json", action="store_true", help="print JSON instead of a table")
    action = people.add_mutually_exclusive_group()
    action.add_argument("--add", action="store_true", help="add a person (needs --name ...)")
    action.add_argument("--edit", type=int, metavar="N", help="change person number N")
    for option, dest, text in _PERSON_OPTIONS:
        people.add_argument(option, dest=f"person_{dest}", metavar="TEXT", help=text)
    people.set_defaults(func=people_command)


def _person_json(number: int, person: Any) -> dict[str, Any]:
    from cspr_tui.domain.case_json import case_to_data

    data = case_to_data(person)
    return {"number": number, **data}


def people_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.case_commands import _print_table, open_store
    from cspr_tui.domain.people import person_from_options, person_summary
    from cspr_tui.errors import UsageError

    options = {
        dest: getattr(args, f"person_{dest}")
        for _option, dest, _text in _PERSON_OPTIONS
        if getattr(args, f"person_{dest}") is not None
    }
    changing = args.add or args.edit is not None
    if options and not changing:
        raise UsageError("say --add or --edit N to change the pseudonym key.")
    with open_store(args, readonly=not changing) as store:
        case = store.get(args.ref)
        if args.add:
            case = store.add_person(case.ref, person_from_options(options))
            print(f"Added {case.people[-1].pseudonym} to the pseudonym key of {case.ref}.")
        elif args.edit is not None:
            index = args.edit - 1
            if not 0 <= index < len(case.people):
                raise UsageError(
                    f"{case.ref} has no person number {args.edit}; see 'cspr people {case.ref}'."
                )
            person = person_from_options(options, case.people[index])
            case = store.update_person(case.ref, index, person)
            print(f"Changed person {args.edit} ({person.pseudonym}) of {case.ref}.")
    if changing:
        return 0
    if args.json:
        out = [_person_json(n, p) for n, p in enumerate(case.people, 1)]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if not case.people:
        print(f"{case.ref} has no one in its pseudonym key yet; add people with --add.")
        return 0
    rows = [
        [str(n), p.real_name, p.pseudonym, p.role, p.kind.label, person_summary(p)]
        for n, p in enumerate(case.people, 1)
    ]
    _print_table(["#", "Real name", "Pseudonym", "Role", "Kind", "Identifiers held"], rows)
    return 0
