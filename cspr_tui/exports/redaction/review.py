"""The redaction review: what each redacted output of a case would change, and the gate.

Detection runs on what came from the case (the report's context values, the tracker's
texts), never on a template's own wording. Before a redacted file is written every finding
must carry a reviewer's decision; `require_reviewed` refuses otherwise, naming each open
finding (document, field path, the sentence with the hit marked) and what to do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cspr_tui.domain.case import Case, RedactionDecision, RedactionOutcome
from cspr_tui.errors import ValidationFailed
from cspr_tui.exports.redaction.engine import (
    Finding,
    Redactor,
    decision,
    open_findings,
    unique,
)
from cspr_tui.forms.model import Form
from cspr_tui.settings import Settings

__all__ = [
    "CONTEXT_FIXED_KEYS",
    "TEMPLATE_WORDS",
    "RedactionReviewNeeded",
    "accepting",
    "allowlist",
    "case_findings",
    "case_redactor",
    "check_pseudonyms",
    "context_findings",
    "published_context",
    "readable_where",
    "redact_context",
    "report_findings",
    "require_all_reviewed",
    "require_reviewed",
    "tracker_open",
    "tracker_texts",
]

# Context values the exporter sets itself (not typed into the case): never findings.
CONTEXT_FIXED_KEYS = frozenset({"title", "marking", "partnership", "generated", "redaction"})
_SHOWN = 20
OMITTED = "withheld"
PUBLISHED_MARKING = "Redacted version for publication"


class RedactionReviewNeeded(ValidationFailed):
    """A redacted export was asked for while findings wait for a reviewer's decision."""

    def __init__(self, ref: str, findings: list[Finding]) -> None:
        count = len(findings)
        refs = ref.split(", ")
        case = ref if len(refs) == 1 else "CASE_REF"
        super().__init__(
            f"{count} redaction finding{'s' if count != 1 else ''} for {ref} "
            f"{'are' if count != 1 else 'is'} not reviewed, so no file was written; review "
            f"each with 'cspr redaction review {case}' (--accept ID, or --reject ID --reason "
            f"TEXT) or on the case's redaction review screen, or add the person to the key "
            f"with 'cspr people {case} --add'.",
            details=[f.describe() for f in findings[:_SHOWN]]
            + ([f"... and {count - _SHOWN} more"] if count > _SHOWN else []),
        )
        self.ref = ref
        self.findings = findings


def allowlist(settings: Settings | None) -> list[str]:
    """Agency and place names that are not personal names (settings and the form lists)."""
    settings = settings or Settings()
    allowed = [settings.partnership_name, settings.local_authority, settings.reviewer_name]
    allowed += list(getattr(settings, "redaction_allowlist", []) or [])
    allowed += _choice_words()
    return allowed


@functools.lru_cache(maxsize=1)
def _choice_words() -> tuple[str, ...]:
    """Every entry of the shipped and workspace choice lists (agencies, areas, roles...)."""
    from cspr_tui import paths
    from cspr_tui.forms.loader import _merged_lists

    folders = [paths.shipped_templates_dir(), paths.user_templates_dir()]
    lists = _merged_lists([f for f in folders if f.is_dir()], [])
    return tuple(str(item) for items in lists.values() for item in items)


def case_redactor(case: Case, settings: Settings | None = None, **options: Any) -> Redactor:
    """The case's redactor with its kept decisions and the partnership's allowlist."""
    return Redactor.for_case(case, allow=allowlist(settings), **options)


def check_pseudonyms(case: Case, redactor: Redactor) -> None:
    """Refuse a key whose pseudonym (or the review's) still names someone: no decision
    on a finding can make that safe, only a different pseudonym."""
    problems = [
        f"the pseudonym {s.replacement!r} ({s.role or s.kind.label}) names a person in the key"
        for s in redactor.unsafe
    ]
    if redactor.find(case.pseudonym or ""):
        problems.append(f"the review's pseudonym {case.pseudonym!r} names a person in the key")
    if problems:
        raise ValidationFailed(
            f"a pseudonym of {case.ref} would name someone, so no file was written; choose "
            f"another with 'cspr people {case.ref} --edit N --pseudonym TEXT'.",
            details=[f"{case.ref}: {p}" for p in problems],
        )


def require_reviewed(ref: str, findings: Iterable[Finding]) -> None:
    """Refuse (nothing written) while any finding has no decision; see the module."""
    waiting = open_findings(findings)
    if waiting:
        raise RedactionReviewNeeded(ref, waiting)


def require_all_reviewed(found: dict[str, list[Finding]]) -> None:
    """The same gate over several cases (the tracker): every case's open findings named."""
    waiting = {ref: open_findings(items) for ref, items in found.items()}
    waiting = {ref: items for ref, items in waiting.items() if items}
    if waiting:
        everything = [f for items in waiting.values() for f in items]
        raise RedactionReviewNeeded(", ".join(waiting), everything)


def redact_context(redactor: Redactor, ctx: dict[str, Any], document: str) -> dict[str, Any]:
    """A report context with what came from the case redacted; the exporter's own values
    (title, marking, dates it sets) left exactly as they are."""
    values = redactor.redact_data(case_values(ctx), document=document, skip=TEMPLATE_WORDS)
    out = {**ctx, **values}
    if isinstance(ctx.get("case"), dict):
        out["case"] = {**ctx["case"], **values.get("case", {})}
    return out


def published_context(ctx: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The publication version's cover: says it is redacted; leaves out what is internal
    (the reference, the live status, the internal marking) as the settings decide."""
    omit = set(getattr(settings, "published_omits", ("reference", "status", "marking")))
    out = {**ctx, "title": f"{ctx.get('title', '')} (redacted version for publication)"}
    if "marking" in omit:
        out["marking"] = getattr(settings, "published_marking", "") or PUBLISHED_MARKING
    if isinstance(ctx.get("case"), dict):
        case = dict(ctx["case"])
        if "reference" in omit:
            case["ref"] = OMITTED
        if "status" in omit:
            case["stage"] = OMITTED
        out["case"] = case
    out["redaction"] = "Redacted version: names and identifying details have been replaced."
    return out


def case_values(ctx: dict[str, Any]) -> dict[str, Any]:
    """A report context without the values the exporter itself sets."""
    # The answers keyed by form and field id first, so a finding is named by its field
    # ("a.referral.incident_description") before the report section that shows it.
    order = sorted(ctx, key=lambda k: (k not in ("a", "rows"), list(ctx).index(k)))
    values = {k: ctx[k] for k in order if k not in CONTEXT_FIXED_KEYS}
    if isinstance(values.get("case"), dict):
        values["case"] = {k: v for k, v in values["case"].items() if k not in ("stage", "ref")}
    return values


def report_findings(
    redactor: Redactor, case: Case, kind: str, *, settings: Settings, today: date
) -> list[Finding]:
    """The findings of one case report (`kind` referral, rapid-review or final)."""
    from cspr_tui.exports.context import case_report_context

    ctx = case_report_context(case, kind, settings=settings, today=today)
    return context_findings(redactor, ctx, f"{kind} report")


# Keys of a report's sections (exports/form_report.py) that hold the template's own words:
# headings, question labels, column names, the note of an empty section. They name no one,
# so they are neither put to the reviewer ("Status" is not a possible name) nor redacted.
TEMPLATE_WORDS = frozenset({"heading", "label", "empty", "kind"})


def context_findings(redactor: Redactor, ctx: dict[str, Any], document: str) -> list[Finding]:
    """The findings of a report context: what came from the case, not the template's words
    (the review screen and the export's gate ask the same)."""
    return redactor.scan_data(case_values(ctx), document=document, skip=TEMPLATE_WORDS)


def tracker_texts(case: Case) -> list[tuple[str, str]]:
    """(field path, text) of every case text the tracker writes for this case."""
    texts: list[tuple[str, str]] = []
    for rec in case.recommendations:
        where = f"{rec.id}"
        for name in (
            "text",
            "action",
            "lead_officer",
            "lead_officer_name",
            "evidence",
            "impact_measure",
            "impact_evidence",
            "oversight_comments",
            "revision_reason",
            "status_reason",
            "rag_override_reason",
            "last_updated_by",
        ):
            value = getattr(rec, name, "")
            if isinstance(value, str) and value.strip():
                texts.append((f"{where}.{name}", value))
        texts += [(f"{where}.theme_tags", "; ".join(rec.theme_tags))] if rec.theme_tags else []
        for index, update in enumerate(rec.updates):
            texts.append((f"{where}.updates[{index}].narrative", update.narrative))
            texts.append((f"{where}.updates[{index}].updated_by", update.updated_by))
    return texts


def _tracker_counts(path: str, finding: Finding) -> bool:
    """Who typed an update is the partnership's own staff, named in the audit trail anyway:
    a key person there is still replaced, an unknown word is not a finding."""
    return not (path.endswith("updated_by") and finding.kind == "possible name")


def tracker_findings(
    redactor: Redactor, case: Case, texts: list[tuple[str, str]] | None = None
) -> list[Finding]:
    """Every finding of the case's tracker texts (`texts`: `tracker_texts(case)`), each
    named for its field."""
    found: list[Finding] = []
    for path, text in tracker_texts(case) if texts is None else texts:
        hits = redactor.scan(text, document="tracker", path=path)
        found += [f for f in hits if _tracker_counts(path, f)]
    return found


def tracker_open(
    redactor: Redactor, case: Case, texts: list[tuple[str, str]] | None = None
) -> bool:
    """Whether any finding `tracker_findings` lists waits for a decision: the same findings,
    not copied and named for each field (the gate only needs them when one is open)."""
    return any(
        f.open and _tracker_counts(path, f)
        for path, text in (tracker_texts(case) if texts is None else texts)
        for f in redactor.scan(text)
    )


def case_findings(
    case: Case, *, settings: Settings, today: date, redactor: Redactor | None = None
) -> list[Finding]:
    """Every finding of every redacted output of the case: its three reports and its
    tracker rows. One decision covers a hit wherever the same sentence appears."""
    from cspr_tui.exports.context import CASE_REPORT_KINDS

    redactor = redactor or case_redactor(case, settings)
    found: list[Finding] = []
    for kind in CASE_REPORT_KINDS:
        found += report_findings(redactor, case, kind, settings=settings, today=today)
    found += tracker_findings(redactor, case)
    return found


def listing(findings: Iterable[Finding]) -> list[Finding]:
    """Findings once each (by id), open ones first, in document order otherwise."""
    items = unique(findings)
    return sorted(items, key=lambda f: (not f.open,))


def accepting(
    findings: Iterable[Finding], *, reason: str = "", by: str = ""
) -> list[RedactionDecision]:
    """Decisions accepting each open finding's proposal (the reviewer's "accept all")."""
    return [decision(f, RedactionOutcome.ACCEPTED, reason, by) for f in open_findings(findings)]


_INDEXED = re.compile(r"^(?P<group>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")
_BRACKETED = re.compile(r"(\w+)\[([^\]]+)\]")


def readable_where(finding: Finding, forms: Mapping[str, Form], *, short: bool = False) -> str:
    """Where a finding is, in the words the reviewer saw on the form: "referral report ›
    B. Referrer: Referrer name", "rapid-review report › Sign-off 2: Role", not the context's
    field path ("a.referral.referrer_name"). An unknown path is shown as it is. `short`
    names the document in a word ("Referral › ..."), for a table column."""
    path = finding.path
    place = _readable_path(path, forms) if path else ""
    document = finding.document
    if short and document:
        document = document.removesuffix(" report").replace("-", " ").capitalize()
    return " › ".join(p for p in (document, place or path) if p)


def _readable_path(path: str, forms: Mapping[str, Form]) -> str:
    if path.startswith("a.") and path.count(".") == 2:
        _a, form_id, field_id = path.split(".")
        form = forms.get(form_id)
        found = form.field(field_id) if form is not None else None
        section = form.section_of(field_id) if form is not None and found is not None else None
        if found is not None:
            return f"{section.title}: {found.label}" if section else found.label
        return ""
    if path.startswith("rows."):
        match = _INDEXED.match(path[len("rows.") :])
        if match is None:
            return ""
        for form in forms.values():
            found = form.field(f"{match['group']}.{match['field']}")
            if found is not None and found.parent is not None:
                return f"{found.parent.row_label(int(match['index']))}: {found.label}"
        return ""
    if path.startswith("sections["):  # a report's section, block, entry and row names
        parts: list[str] = []
        row_named = False
        for kind, name in _BRACKETED.findall(path):
            if not name.isdigit():
                parts.append(name)
            elif kind == "entries":
                parts.append(f"entry {int(name) + 1}")
            elif kind == "cells" and not row_named:  # a table's row, then its column
                parts.append(f"row {int(name) + 1}")
                row_named = True
        return " › ".join(parts)
    head, _, tail = path.partition(".")
    if tail and re.fullmatch(r"[\w-]+", head):  # the tracker: an action's id, then its field
        words = re.sub(r"\[(\d+)\]", lambda m: f" {int(m[1]) + 1}", tail).replace(".", ", ")
        return f"{head}: {words.replace('_', ' ')}"
    return ""
