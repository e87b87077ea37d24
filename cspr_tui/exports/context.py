"""Template contexts built from a Case: every value a Word template may show, already formatted.

One place decides how a value reads in a document (dates DD/MM/YYYY, yes/no, lists joined,
"Not recorded" for an empty answer, so a gap is visible rather than a silent blank), and the
same field lists drive both the contexts and the template builder, so a tag and its value
cannot drift apart. Values are plain strings until `finish_context`, which applies redaction
and turns multi-line text into docxtpl `Listing`s so line breaks survive autoescaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from docxtpl import Listing

from cspr_tui.domain.case import AgencyReportRequest, Case, Recommendation
from cspr_tui.settings import Settings

__all__ = [
    "AGENCY_BLANK_ROWS",
    "CASE_REPORT_KINDS",
    "NOT_RECORDED",
    "PROTECTIVE_MARKING",
    "Field",
    "Repeat",
    "ReportSpec",
    "agency_report_context",
    "case_agencies",
    "case_report_context",
    "finish_context",
    "format_date",
    "format_value",
]

NOT_RECORDED = "Not recorded"
PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
AGENCY_BLANK_ROWS = 6
# Characters Word's XML cannot hold, plus \a and \f which docxtpl turns into breaks.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Field:
    """One answer shown in a report: its form field id, its label and how to format it."""

    id: str
    label: str
    kind: str = "text"  # "text" | "memo" | "date" | "yn" | "list"


@dataclass(frozen=True)
class Repeat:
    """A repeatable group shown as a table, one row per entry."""

    id: str
    label: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class ReportSpec:
    """A case report: its title, and per section the form and the answers it shows."""

    kind: str
    title: str
    file_label: str
    sections: tuple[tuple[str, str, tuple[Field | Repeat, ...]], ...]  # (heading, form, items)


def _f(id_: str, label: str, kind: str = "text") -> Field:
    return Field(id_, label, kind)


REFERRAL = ReportSpec(
    "referral",
    "Referral for consideration of a child safeguarding practice review",
    "Referral",
    (
        (
            "A. Important notices",
            "referral",
            (
                _f(
                    "ack_not_cp_referral",
                    "Not-a-child-protection-referral notice acknowledged",
                    "yn",
                ),
                _f("discussed_with_lead", "Discussed with the agency safeguarding lead", "yn"),
            ),
        ),
        (
            "B. Referrer",
            "referral",
            (
                _f("referrer_name", "Referrer name"),
                _f("referrer_job_title", "Job title"),
                _f("referrer_agency", "Agency or organisation"),
                _f("referral_date", "Date of referral", "date"),
            ),
        ),
        (
            "C. Child",
            "referral",
            (
                Repeat(
                    "children",
                    "Children",
                    (
                        _f("name", "Name"),
                        _f("other_names", "Other names"),
                        _f("dob", "Date of birth", "date"),
                        _f("date_of_death", "Date of death", "date"),
                        _f("sex", "Sex"),
                        _f("ethnicity", "Ethnicity"),
                        _f("address", "Address", "memo"),
                        _f("la_of_residence", "LA of residence"),
                        _f("legal_status", "Legal status", "list"),
                    ),
                ),
            ),
        ),
        (
            "D. Incident",
            "referral",
            (
                _f("incident_date", "Date of incident", "date"),
                _f("aware_date", "Date the agency became aware", "date"),
                _f("incident_location", "Where it happened"),
                _f("outcome", "Outcome"),
                _f("abuse_neglect", "Abuse or neglect"),
                _f("lac_death", "Death of a looked-after child", "yn"),
                _f("harm_types", "Type(s) of harm", "list"),
                _f("incident_description", "What happened", "memo"),
            ),
        ),
        (
            "E. Family and significant others",
            "referral",
            (
                Repeat(
                    "family",
                    "Family members",
                    (
                        _f("name", "Name"),
                        _f("relationship", "Relationship"),
                        _f("dob", "Date of birth", "date"),
                        _f("address", "Address", "memo"),
                    ),
                ),
            ),
        ),
        (
            "F. Agencies involved",
            "referral",
            (
                Repeat(
                    "agencies",
                    "Agencies",
                    (
                        _f("agency", "Agency"),
                        _f("contact_name", "Contact name"),
                        _f("contact_details", "Contact details"),
                        _f("still_involved", "Still involved", "yn"),
                    ),
                ),
            ),
        ),
        (
            "G. Why this should be reviewed",
            "referral",
            (
                _f("criteria", "Criteria the referrer thinks apply", "list"),
                _f("rationale", "Reasons", "memo"),
                Repeat(
                    "chronology",
                    "Chronology of key dates",
                    (_f("date", "Date", "date"), _f("time", "Time"), _f("event", "Event", "memo")),
                ),
            ),
        ),
        (
            "H. Parallel processes",
            "referral",
            (
                _f("parallel_processes", "Parallel processes", "list"),
                _f("parallel_details", "Details", "memo"),
            ),
        ),
        (
            "I. Partnership decision",
            "screening",
            (
                _f("date_received", "Date received", "date"),
                _f("date_considered", "Date considered", "date"),
                _f("considered_by", "Considered by"),
                _f("decision", "Decision"),
                _f("rationale", "Rationale", "memo"),
                _f("feedback_date", "Feedback sent to the referrer", "date"),
            ),
        ),
    ),
)

RAPID_REVIEW = ReportSpec(
    "rapid-review",
    "Rapid review report",
    "RapidReview",
    (
        (
            "1. Notification",
            "notification",
            (
                _f("sin_reference", "SIN reference"),
                _f("la_aware_date", "Date the LA became aware", "date"),
                _f("sin_submitted_date", "SIN submitted", "date"),
                _f("notifying_la", "Notifying LA"),
                _f("resident_la", "Resident LA"),
                _f("lead_partnership", "Lead partnership"),
            ),
        ),
        (
            "2. Rapid review",
            "rapid_review",
            (
                _f("rr_reference", "Rapid review reference"),
                _f("partners_aware_date", "Partners aware", "date"),
                _f("rr_start_date", "Rapid review started", "date"),
                Repeat("meeting_dates", "Meeting dates", (_f("date", "Date", "date"),)),
            ),
        ),
        (
            "3. Agency involvement",
            "rapid_review",
            (
                Repeat(
                    "agency_involvement",
                    "Agency involvement",
                    (
                        _f("agency", "Agency"),
                        _f("involved", "Involved"),
                        _f("period", "Period"),
                        _f("summary", "Summary", "memo"),
                        _f("report_received_date", "Report received", "date"),
                        _f("quality_checked", "Quality checked", "yn"),
                    ),
                ),
            ),
        ),
        (
            "4. Key practice episodes",
            "rapid_review",
            (
                Repeat(
                    "key_practice_episodes",
                    "Key practice episodes",
                    (
                        _f("period", "Period"),
                        _f("agencies", "Agencies", "list"),
                        _f("what_happened", "What happened", "memo"),
                        _f("analysis", "Analysis", "memo"),
                        _f("contributory_factors", "Contributory factors", "list"),
                    ),
                ),
            ),
        ),
        (
            "5. Analysis",
            "rapid_review",
            (
                _f("lived_experience", "The child's lived experience and voice", "memo"),
                _f("equality_analysis", "Equality, diversity and inequality", "memo"),
                _f("good_practice", "Good practice", "memo"),
            ),
        ),
        (
            "6. Learning and actions",
            "rapid_review",
            (
                Repeat(
                    "learning",
                    "Learning identified",
                    (
                        _f("point", "Learning point", "memo"),
                        _f("agencies", "Agencies", "list"),
                        _f("theme", "Theme"),
                    ),
                ),
                Repeat(
                    "immediate_actions",
                    "Immediate actions",
                    (
                        _f("action", "Action", "memo"),
                        _f("owner", "Owner"),
                        _f("date", "Date", "date"),
                        _f("status", "Status"),
                    ),
                ),
            ),
        ),
        (
            "7. Decision",
            "rapid_review",
            (
                _f("decision", "Decision"),
                _f("decision_rationale", "Rationale", "memo"),
                _f("reg11_criteria", "Regulation 11 criteria", "list"),
                _f("national_importance", "May be of national importance"),
            ),
        ),
        (
            "8. Sign-off and the Panel",
            "rapid_review",
            (
                Repeat(
                    "signoffs",
                    "Partner sign-off",
                    (
                        _f("partner", "Partner"),
                        _f("name", "Name"),
                        _f("role", "Role"),
                        _f("organisation", "Organisation"),
                        _f("date", "Date", "date"),
                    ),
                ),
                _f("rr_completed_date", "Rapid review completed", "date"),
                _f("rr_sent_to_panel_date", "Sent to the Panel", "date"),
                _f("panel_response_date", "Panel response received", "date"),
                _f("panel_agrees", "Panel agrees with the decision", "yn"),
                _f("panel_national_review", "Panel will hold a national review", "yn"),
                _f("panel_comments", "Panel comments", "memo"),
            ),
        ),
    ),
)

FINAL = ReportSpec(
    "final",
    "Child safeguarding practice review: final report",
    "FinalReport",
    (
        (
            "1. The review",
            "review",
            (
                _f("review_type", "Review type"),
                _f("lcspr_decision_date", "Date of the decision to review", "date"),
                _f("decision_rationale", "Why a review was held", "memo"),
                _f("reviewer_name", "Reviewer"),
                _f("method", "Method"),
                Repeat(
                    "reviewers",
                    "Reviewers",
                    (
                        _f("name", "Name"),
                        _f("organisation", "Organisation"),
                        _f("appointment_date", "Appointed", "date"),
                        _f("accreditation", "Accreditation"),
                    ),
                ),
            ),
        ),
        (
            "2. Terms of reference",
            "review",
            (
                _f("purpose", "Purpose", "memo"),
                _f("scope_from", "Period from", "date"),
                _f("scope_to", "Period to", "date"),
                _f("agencies_in_scope", "Agencies in scope", "list"),
                Repeat(
                    "lines_of_enquiry",
                    "Key lines of enquiry",
                    (_f("question", "Question", "memo"),),
                ),
                _f("tor_approved_date", "Terms of reference approved", "date"),
            ),
        ),
        (
            "3. Findings",
            "review",
            (Repeat("findings", "Findings", (_f("finding", "Finding", "memo"),)),),
        ),
        (
            "4. Summary of recommended improvements",
            "review",
            (_f("summary_of_improvements", "Summary of recommended improvements", "memo"),),
        ),
        (
            "5. Analysis of systemic or underlying reasons",
            "review",
            (_f("systemic_analysis", "Analysis of systemic or underlying reasons", "memo"),),
        ),
        (
            "7. Publication",
            "review",
            (
                _f("publication_decision", "Publication decision"),
                _f("publication_reasons", "Reasons", "memo"),
                _f(
                    "panel_sos_copy_sent_date",
                    "Copy sent to the Panel and Secretary of State",
                    "date",
                ),
                _f("planned_publication_date", "Planned publication", "date"),
                _f("published_date", "Published", "date"),
                _f("publication_location", "Where published"),
                _f("anonymisation_checked", "Anonymisation checked", "yn"),
            ),
        ),
    ),
)

CASE_REPORT_KINDS: dict[str, ReportSpec] = {s.kind: s for s in (REFERRAL, RAPID_REVIEW, FINAL)}

# Section 6 of the final report, built from the case's tracked recommendations.
RECOMMENDATION_FIELDS: tuple[Field, ...] = (
    _f("number", "No."),
    _f("text", "Recommendation", "memo"),
    _f("action", "Action", "memo"),
    _f("lead_agency", "Agency"),
    _f("by_when", "By when", "date"),
    _f("status", "Status"),
)

# The agency information report's tables, for the agency to complete (domain.md 4).
AGENCY_TABLES: dict[str, tuple[str, ...]] = {
    "chronology": (
        "Date",
        "Time",
        "Who (role)",
        "Event",
        "Action or decision",
        "Outcome",
        "Source ref",
        "Significance (RAG)",
    ),
    "episodes": (
        "Episode",
        "What happened",
        "What went well",
        "What could be better",
        "Why: contributory factors",
    ),
    "learning": ("Learning point", "Single- or multi-agency", "Theme"),
    "actions": ("Action", "Date", "Evidence"),
    "recommendations": ("Recommendation (SMART)", "Owner", "By when"),
}

DEFAULT_LINES_OF_ENQUIRY: tuple[str, ...] = (
    "What was your agency's involvement with the child and family during the period?",
    "How well did your agency understand the child's lived experience and hear their voice?",
    "How well did your agency share information and work with other agencies?",
    "What went well, what could have been better, and why?",
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


def _base(case: Case, settings: Settings, today: date, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "marking": PROTECTIVE_MARKING,
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


def _rows(entries: Any, fields: tuple[Field, ...]) -> list[dict[str, str]]:
    rows = []
    for entry in entries or []:
        if not isinstance(entry, dict):
            entry = {fields[0].id: entry}
        rows.append({f.id: format_value(entry.get(f.id), f.kind) for f in fields})
    return rows


def _effective_target(rec: Recommendation) -> str | None:
    return rec.revised_target_date or rec.target_date


def case_report_context(
    case: Case, kind: str, *, settings: Settings, today: date
) -> dict[str, Any]:
    """The context of a referral, rapid-review or final report: `f` answers and repeat rows."""
    spec = CASE_REPORT_KINDS[kind]
    ctx = _base(case, settings, today, spec.title)
    answers: dict[str, dict[str, str]] = {}
    rows: dict[str, list[dict[str, str]]] = {}
    for _heading, form_id, items in spec.sections:
        values = _form_values(case, form_id)
        target = answers.setdefault(form_id, {})
        for item in items:
            if isinstance(item, Repeat):
                rows[item.id] = _rows(values.get(item.id), item.fields)
            else:
                target[item.id] = format_value(values.get(item.id), item.kind)
    ctx["a"] = answers
    ctx["rows"] = rows
    if kind == "final":
        recs = sorted(case.recommendations, key=lambda r: (r.number, r.action_number, r.id))
        ctx["recommendations"] = [
            {
                "number": f"{r.number}.{r.action_number}",
                "text": format_value(r.text, "memo"),
                "action": format_value(r.action, "memo"),
                "lead_agency": format_value(r.lead_agency),
                "by_when": format_value(_effective_target(r), "date"),
                "status": format_value(str(r.status)),
            }
            for r in recs
        ]
    return ctx


def case_agencies(case: Case) -> list[str]:
    """Every agency named on the case, in first-seen order (for lookup and error messages)."""
    names: list[str] = []
    for name in [*case.agencies, *(r.agency for r in case.agency_reports)]:
        if name and name not in names:
            names.append(name)
    return names


def agency_report_context(
    case: Case,
    agency: str,
    *,
    settings: Settings,
    today: date,
    request: AgencyReportRequest | None = None,
) -> dict[str, Any]:
    """The context of one agency's information report: pre-filled cover, scope and questions."""
    request = request or AgencyReportRequest(agency=agency)
    depth = "LCSPR" if request.depth == "lcspr" else "Rapid review"
    ctx = _base(case, settings, today, "Agency information report")
    review = _form_values(case, "review")
    loe = [
        format_value(e.get("question") if isinstance(e, dict) else e, "memo")
        for e in review.get("lines_of_enquiry") or []
    ]
    loe = [q for q in loe if q != NOT_RECORDED] or list(DEFAULT_LINES_OF_ENQUIRY)
    ctx.update(
        {
            "agency": format_value(agency),
            "report": {
                "depth": f"{depth} stage report",
                "author": format_value(request.author),
                "author_role": format_value(request.author_role),
                "requested": format_value(request.requested_date or today.isoformat(), "date"),
                "due": format_value(request.due_date, "date"),
                "version": str(request.version),
            },
            "scope": {
                "from": format_value(review.get("scope_from"), "date"),
                "to": format_value(review.get("scope_to"), "date"),
            },
            "subjects": [
                {"pseudonym": format_value(p.pseudonym), "role": format_value(p.role)}
                for p in case.people
                if p.kind != "practitioner"
            ],
            "lines_of_enquiry": [{"number": str(i), "question": q} for i, q in enumerate(loe, 1)],
            "blank_rows": list(range(AGENCY_BLANK_ROWS)),
        }
    )
    return ctx


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
