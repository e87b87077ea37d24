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
    action.add_argument(
        "--remove", type=int, metavar="N", help="remove person number N (needs --reason)"
    )
    people.add_argument("--reason", default="", metavar="TEXT", help="why (for --remove)")
    for option, dest, text in _PERSON_OPTIONS:
        people.add_argument(option, dest=f"person_{dest}", metavar="TEXT", help=text)
    people.set_defaults(func=people_command)

    redaction = subparsers.add_parser(
        "redaction",
        help="the redaction review: findings awaiting a decision before a redacted export",
        description="Every finding redaction makes in the case's redacted outputs (its "
        "reports and tracker rows), each with the sentence it is in and what it becomes.",
    )
    verbs = redaction.add_subparsers(
        dest="redaction_verb", metavar="VERB", parser_class=type(redaction), required=True
    )
    review = verbs.add_parser(
        "review",
        help="list findings; --accept ID / --reject ID --reason TEXT records decisions",
        description="List the case's redaction findings (open ones first), or record "
        "decisions: --accept keeps the proposal (replace, or keep as written), --reject "
        "does the opposite and needs --reason. Decisions are kept in the vault, audited, "
        "and reused by every later export.",
    )
    review.add_argument("ref", metavar="CASE_REF", help="the case reference, e.g. CSPR-2026-004")
    review.add_argument("--json", action="store_true", help="print JSON instead of a table")
    review.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="ID",
        help="accept a finding ('all': every open one)",
    )
    review.add_argument("--reject", action="append", default=[], metavar="ID",
                        help="reject a finding (needs --reason)")  # fmt: skip
    review.add_argument("--reason", default="", metavar="TEXT", help="why (needed to reject)")
    review.add_argument("--all", action="store_true", help="list decided findings too")
    review.add_argument(
        "--docx", metavar="FILE.docx", help="review a Word document's findings (for cspr redact)"
    )
    review.set_defaults(func=review_command)

    redact = subparsers.add_parser(
        "redact",
        help="redact any Word document against a case's pseudonym key (after review)",
        description="Write a redacted copy of a Word document (the lead reviewer's own "
        "report): every finding in its body, tables, headers, footers, notes and text boxes "
        "replaced as reviewed; comments, tracked changes, hidden text and personal "
        "properties removed. Review its findings first with 'cspr redaction review CASE_REF "
        "--docx FILE.docx'.",
    )
    redact.add_argument("file", metavar="FILE.docx", help="the Word document to redact")
    redact.add_argument("--case", required=True, metavar="CASE_REF", help="whose key to use")
    redact.add_argument("--out", metavar="PATH", help="file or folder (default: exports/)")
    redact.add_argument("--force", action="store_true", help="replace an existing --out file")
    redact.set_defaults(func=redact_command)


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
    changing = args.add or args.edit is not None or args.remove is not None
    if options and not changing:
        raise UsageError("say --add or --edit N to change the pseudonym key.")
    with open_store(args, readonly=not changing) as store:
        case = store.get(args.ref)
        if args.add:
            case = store.add_person(case.ref, person_from_options(options))
            print(f"Added {case.people[-1].pseudonym} to the pseudonym key of {case.ref}.")
        elif args.remove is not None:
            if not 0 <= args.remove - 1 < len(case.people):
                raise UsageError(
                    f"{case.ref} has no person number {args.remove}; see 'cspr people {case.ref}'."
                )
            gone = case.people[args.remove - 1].pseudonym
            case = store.remove_person(case.ref, args.remove - 1, args.reason)
            print(f"Removed person {args.remove} ({gone}) from the pseudonym key of {case.ref}.")
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


def _finding_json(finding: Any) -> dict[str, Any]:
    return {
        "id": finding.id,
        "status": finding.outcome.value if finding.outcome else "open",
        "kind": finding.kind,
        "document": finding.document,
        "path": finding.path,
        "hit": finding.hit,
        "snippet": finding.snippet,
        "proposal": "replace" if finding.withhold else "keep as written",
        "becomes": finding.becomes,
        "replacement": finding.replacement,
        "why": finding.reason,
        "reason": finding.decided_reason,
    }


def review_command(args: argparse.Namespace) -> int:
    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.domain.case import RedactionOutcome
    from cspr_tui.errors import UsageError, ValidationFailed
    from cspr_tui.exports.redaction import decision
    from cspr_tui.exports.redaction.review import case_findings, listing

    changing = bool(args.accept or args.reject)
    if args.reject and not args.reason.strip():
        raise ValidationFailed("rejecting a finding needs --reason TEXT (why it is wrong).")
    with open_store(args, readonly=not changing) as store:
        case = store.get(args.ref)
        if args.docx:
            from cspr_tui.exports.redaction.docx_file import docx_findings
            from cspr_tui.exports.redaction.review import case_redactor

            found = docx_findings(_docx_path(args.docx), case_redactor(case, store.settings))
        else:
            found = case_findings(case, settings=store.settings, today=store.today())
        findings = listing(found)
        by_id = {f.id: f for f in findings}
        if changing:
            decided = []
            for ident in args.accept:
                chosen = [f for f in findings if f.open] if ident == "all" else [by_id.get(ident)]
                for finding in chosen:
                    if finding is None:
                        raise UsageError(
                            f"{case.ref} has no redaction finding {ident}; list them with "
                            f"'cspr redaction review {case.ref}'."
                        )
                    decided.append(decision(finding, RedactionOutcome.ACCEPTED, args.reason))
            for ident in args.reject:
                finding = by_id.get(ident)
                if finding is None:
                    raise UsageError(
                        f"{case.ref} has no redaction finding {ident}; list them with "
                        f"'cspr redaction review {case.ref}'."
                    )
                decided.append(decision(finding, RedactionOutcome.REJECTED, args.reason))
            if decided:
                store.record_redaction_decisions(case.ref, decided)
            remaining = sum(f.open for f in findings) - len({d.finding_id for d in decided})
            print(
                f"Recorded {len(decided)} decision(s) for {case.ref}; "
                f"{max(remaining, 0)} finding(s) still open."
            )
            return 0
    shown = findings if args.all or args.json else [f for f in findings if f.open]
    if args.json:
        print(json.dumps([_finding_json(f) for f in shown], indent=2, ensure_ascii=False))
        return 0
    open_count = sum(f.open for f in findings)
    if not shown:
        print(
            f"{case.ref}: no open redaction findings ({len(findings)} decided); a redacted "
            "export can be written."
        )
        return 0
    from cspr_tui.exports.redaction.review import readable_where

    forms = store.forms
    for finding in shown:
        status = finding.outcome.value if finding.outcome else "open"
        print(f"{finding.id}  {status:8}  {finding.kind} in {readable_where(finding, forms)}")
        print(f"    {finding.snippet}")
        outcome = f"becomes {finding.becomes!r}" if finding.withheld else "kept as written"
        print(f"    {outcome}: {finding.reason}")
    print(
        f"{open_count} open of {len(findings)}. Accept with --accept ID (or --accept all), "
        f"reject with --reject ID --reason TEXT, or add a person with 'cspr people "
        f"{case.ref} --add'."
    )
    return 0


def _docx_path(text: str) -> Any:
    from pathlib import Path

    from cspr_tui.errors import UsageError

    path = Path(text).expanduser()
    if not path.is_file():
        raise UsageError(f"there is no file {path}; give the path of a .docx document.")
    if path.suffix.lower() != ".docx":
        raise UsageError(f"{path.name} is not a .docx file; save it as a Word document first.")
    return path


def redact_command(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.exports.export_file import NOT_ENCRYPTED
    from cspr_tui.exports.redaction.docx_file import redact_docx
    from cspr_tui.exports.redaction.review import RedactionReviewNeeded, case_redactor

    source = _docx_path(args.file)
    with open_store(args, readonly=False) as store:
        case = store.get(args.case)
        redactor = case_redactor(case, store.settings)
        out = Path(args.out).expanduser() if args.out else None
        try:
            path = redact_docx(source, out, redactor, ref=case.ref, force=args.force)
        except RedactionReviewNeeded as exc:
            exc.message = exc.message.replace(
                f"'cspr redaction review {case.ref}'",
                f"'cspr redaction review {case.ref} --docx {source}'",
            )
            raise
        try:
            store.record_export("redacted document", case.ref, str(path), True, source.name)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    print(f"Wrote {path}")
    print(NOT_ENCRYPTED)
    return 0
