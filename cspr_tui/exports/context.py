"""Template contexts built from a Case: every value a Word template may show, already formatted.

One place decides how a value reads in a document (dates DD/MM/YYYY, yes/no, lists joined,
"Not recorded" for an empty answer, so a gap is visible rather than a silent blank), and the
same field lists drive both the contexts and the template builder, so a tag and its value
cannot drift apart. Values are plain strings until `finish_context`, which applies redaction
and turns multi-line text into docxtpl `Listing`s so line breaks survive autoescaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from docxtpl import Listing

from cspr_tui.domain.case import Case
from cspr_tui.domain.rag import effective_target
from cspr_tui.exports.form_report import (
    Block,
    ReportSection,
    flat_answers,
    form_sections,
    table_block,
)
from cspr_tui.forms.model import Form
from cspr_tui.settings import Settings

__all__ = [
    "CASE_REPORT_KINDS",
    "NOT_RECORDED",
    "RECOMMENDATION_COLUMNS",
    "ReportPart",
    "ReportSpec",
    "case_agencies",
    "case_report_context",
    "finish_context",
    "format_date",
    "format_value",
    "protective_marking",
    "report_sections",
]

NOT_RECORDED = "Not recorded"
# Characters Word's XML cannot hold, plus \a and \f which docxtpl turns into breaks.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ReportPart:
    """One form whose record a case report shows; `heading` groups its sections under one."""

    form_id: str
    heading: str | None = None


@dataclass(frozen=True)
class ReportSpec:
    """A case report: its title, file label and the forms it draws on, in order.

    Which answers appear and how they are labelled comes from the form templates alone
    (`form_report`); the final report adds the case's tracked recommendations before the
    section named by `recommendations_before` (or at the end).
    """

    kind: str
    title: str
    file_label: str
    parts: tuple[ReportPart, ...]
    recommendations_before: str | None = None
    numbering: str = "decimal"  # how the headings are numbered: "decimal" or "upperLetter"


CASE_REPORT_KINDS: dict[str, ReportSpec] = {
    spec.kind: spec
    for spec in (
        ReportSpec(
            "referral",
            "Referral for consideration of a child safeguarding practice review",
            "Referral",
            (ReportPart("referral"), ReportPart("screening", "Partnership decision")),
            numbering="upperLetter",  # the national referral form's sections are A to I
        ),
        ReportSpec(
            "rapid-review",
            "Rapid review report",
            "RapidReview",
            (ReportPart("notification", "Notification to the Panel"), ReportPart("rapid_review")),
        ),
        ReportSpec(
            "final",
            "Child safeguarding practice review: final report",
            "FinalReport",
            (ReportPart("review"),),
            recommendations_before="Publication",
        ),
    )
}

RECOMMENDATIONS_HEADING = "Recommendations"
RECOMMENDATIONS_INTRO = (
    "What each agency must do, and by when. Progress is reported to the partnership each quarter."
)
# The columns of the final report's recommendations table (tracked recommendations are
# case data, not a form record).
RECOMMENDATION_COLUMNS: tuple[str, ...] = (
    "No.",
    "Recommendation and action",
    "Lead agency",
    "Due by",
    "Status",
)


def format_date(value: Any) -> str:
    """DD/MM/YYYY for an ISO date string or a date; other text unchanged; empty -> ''."""
    if value in (None, ""):
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # strftime is slower, per cell


def clean_text(text: str) -> str:
    """Text Word can hold: CRLF folded to LF, control characters dropped."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_UNSAFE.sub("", text)


def format_value(value: Any, kind: str = "text") -> str:
    """How one answer reads in a document; an empty answer reads "Not recorded"."""
    if kind == "date":
        text = format_date(value)
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    elif isinstance(value, list | tuple | set):
        text = "; ".join(format_value(v) for v in value if v not in (None, ""))
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    elif value is None:
        text = ""
    else:
        text = str(value)
    text = clean_text(text).strip("\n")
    return text if text.strip() else NOT_RECORDED


def protective_marking(settings: Settings) -> str:
    """The marking printed at the head and foot of every page of an export, as the
    partnership's settings say (Government Security Classifications); empty prints none."""
    return clean_text(str(settings.protective_marking or "")).strip()


def _base(case: Case, settings: Settings, today: date, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "marking": protective_marking(settings),
        "partnership": format_value(settings.partnership_name),
        "generated": format_date(today),
        "case": {
            "ref": format_value(case.ref),
            "pseudonym": format_value(case.pseudonym),
            "stage": case.stage.label,
            "review_type": format_value(case.review_type or _review_type_fallback(case)),
        },
    }


def _review_type_fallback(case: Case) -> str:
    return "Rapid review" if case.record("rapid_review") else ""


def _form_values(case: Case, form_id: str) -> dict[str, Any]:
    record = case.record(form_id)
    return dict(record.values) if record else {}


def _recommendations_section(case: Case) -> ReportSection:
    """The final report's recommendations: one row per tracked action, dates whole."""
    recs = sorted(case.recommendations, key=lambda r: (r.number, r.action_number, r.id))
    rows = []
    for r in recs:
        what = format_value(r.text, "memo")
        if r.action and str(r.action).strip():
            what = f"{what}\nAction: {format_value(r.action, 'memo')}"
        target = effective_target(r)
        rows.append(
            [
                f"{r.number}.{r.action_number}",
                what,
                format_value(r.lead_agency) if r.lead_agency else "",
                format_date(target) if target else "",
                format_value(str(r.status)),
            ]
        )
    section = ReportSection(RECOMMENDATIONS_HEADING, 1)
    section.blocks.append(Block("text", text=RECOMMENDATIONS_INTRO))
    if not rows:
        section.empty_note = "No recommendations recorded yet."
        return section
    table = table_block(list(RECOMMENDATION_COLUMNS), rows, allow_long=True)
    if table is None:  # a very long text still reads as one block per action
        table = Block(
            "entries",
            entries=[
                {
                    "title": f"Recommendation {row[0]}",
                    "blocks": [
                        Block(
                            "facts",
                            rows=[
                                {"label": label, "value": value}
                                for label, value in zip(
                                    RECOMMENDATION_COLUMNS[2:], row[2:], strict=True
                                )
                                if value
                            ],
                        ),
                        Block("text", heading=RECOMMENDATION_COLUMNS[1], text=row[1]),
                    ],
                }
                for row in rows
            ],
        )
    section.blocks.append(table)
    return section


def report_sections(case: Case, spec: ReportSpec, forms: Mapping[str, Form]) -> list[ReportSection]:
    """Every part's sections, drawn from the form templates; recommendations where placed."""
    sections: list[ReportSection] = []
    for part in spec.parts:
        form = forms.get(part.form_id)
        if form is None:
            continue
        sections.extend(form_sections(form, _form_values(case, part.form_id), heading=part.heading))
    if spec.kind == "final":
        recs = _recommendations_section(case)
        at = next(
            (
                i
                for i, s in enumerate(sections)
                if s.level == 1
                and s.heading.casefold() == (spec.recommendations_before or "").casefold()
            ),
            len(sections),
        )
        sections.insert(at, recs)
    return sections


def case_report_context(
    case: Case,
    kind: str,
    *,
    settings: Settings,
    today: date,
    forms: Mapping[str, Form] | None = None,
) -> dict[str, Any]:
    """The context of a referral, rapid-review or final report: case details and `sections`."""
    if forms is None:
        from cspr_tui.forms import load_forms

        forms = load_forms(settings=settings)
    spec = CASE_REPORT_KINDS[kind]
    ctx = _base(case, settings, today, spec.title)
    ctx["sections"] = [s.as_context() for s in report_sections(case, spec, forms)]
    # Answers by id too, for a partnership's own template that places them one by one.
    ctx["a"], ctx["rows"] = {}, {}
    for part in spec.parts:
        form = forms.get(part.form_id)
        if form is not None:
            flat, rows = flat_answers(form, _form_values(case, part.form_id), missing=NOT_RECORDED)
            ctx["a"][part.form_id] = flat
            ctx["rows"].update(rows)
    return ctx


def case_agencies(case: Case) -> list[str]:
    """Every agency named on the case, in first-seen order (for lookup and error messages)."""
    names: list[str] = []
    for name in [*case.agencies, *(r.agency for r in case.agency_reports)]:
        if name and name not in names:
            names.append(name)
    return names


def finish_context(ctx: Any, redact: Callable[[str], str] | None = None) -> Any:
    """Redact every string (when asked) and wrap multi-line ones in `Listing`."""
    if isinstance(ctx, str):
        text = redact(ctx) if redact else ctx
        return Listing(text) if "\n" in text or "\t" in text else text
    if isinstance(ctx, dict):
        return {k: finish_context(v, redact) for k, v in ctx.items()}
    if isinstance(ctx, list):
        return [finish_context(v, redact) for v in ctx]
    return ctx
