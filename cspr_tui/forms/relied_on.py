"""Field ids that code outside the templates reads, so an override must keep them.

The domain (deadlines, workflow guards), the exports and the TUI look these answers up by
id; a partnership may reword, reorder, add or hide fields, but renaming or dropping one of
these would silently break a deadline or an export, so `cspr templates check` reports it.
`children.dob` means the field `dob` inside the repeat `children`.

The Word reports are not a reason to list a field: they show every answered field of a
record from its template (`exports/form_report.py`), so a field only a report shows may be
renamed or dropped freely. `tests/forms/test_templates.py` checks that each field listed
here is read somewhere in the code.
"""

from __future__ import annotations

__all__ = ["FORM_IDS", "RELIED_ON_CHOICES", "RELIED_ON_FIELDS", "relied_on_type"]

# The strings of RecommendationStatus in domain/case.py (the forms layer cannot import it;
# a test keeps the two equal).
_STATUSES: tuple[str, ...] = (
    "Not started",
    "In progress",
    "Completed – awaiting evidence",
    "Completed – evidence accepted",
    "Closed – impact evidenced",
    "Superseded/merged",
    "Paused",
    "Not accepted by partners",
)

FORM_IDS: tuple[str, ...] = (
    "referral",
    "screening",
    "notification",
    "rapid_review",
    "review",
    "agency_report",
    "recommendation",
)


def _rows(group: str, *names: str) -> tuple[str, ...]:
    return (group, *(f"{group}.{name}" for name in names))


RELIED_ON_FIELDS: dict[str, tuple[str, ...]] = {
    "referral": (
        "referrer_name",
        "referrer_job_title",
        "referral_date",
        *_rows("children", "name", "other_names", "dob", "address", "la_of_residence"),
        "aware_date",
        "incident_location",
        "outcome",
        *_rows("family", "name", "relationship", "dob", "address"),
        *_rows("agencies", "agency", "contact_name"),
        "criteria",
        "rationale",
        *_rows("chronology", "date", "time", "event"),
        "parallel_processes",
    ),
    "screening": (
        "date_received",
        "decision",
        "rationale",
    ),
    "notification": (
        "la_aware_date",
        "sin_submitted_date",
        "sin_reference",
        "notifying_la",
        "resident_la",
    ),
    "rapid_review": (
        "partners_aware_date",
        *_rows(
            "agency_involvement", "agency", "involved", "summary", "report_received_date", "author"
        ),
        "decision",
        "decision_rationale",
        "reg11_criteria",
        *_rows("signoffs", "partner", "name", "role", "date"),
        "rr_completed_date",
        "rr_sent_to_panel_date",
        "panel_response_date",
    ),
    "review": (
        "review_type",
        "statutory",
        "lcspr_decision_date",
        "decision_rationale",
        "reg11_criteria",
        "scope_from",
        "scope_to",
        "agencies_in_scope",
        *_rows("lines_of_enquiry", "question"),
        "findings",
        "summary_of_improvements",
        "systemic_analysis",
        "reviewer_name",
        "publication_decision",
        "publication_reasons",
        "planned_publication_date",
        "panel_sos_copy_sent_date",
        "published_date",
        "late_reason",
    ),
    "agency_report": (
        "agency",
        "author_name",
        "author_role",
        "date_requested",
        "due_date",
        "depth",
        "period_from",
        "period_to",
        "protective_marking",
        "return_contact",
        "return_address",
        "subjects",
        "involved",
        *_rows(
            "chronology",
            "date",
            "time",
            "who",
            "event",
            "action",
            "outcome",
            "source",
            "significance",
        ),
        "parallel_processes",
    ),
    "recommendation": (
        "id",
        "number",
        "text",
        "action_number",
        "action",
        "scope",
        "lead_agency",
        "lead_officer",
        "lead_officer_name",
        "target_date",
        "revised_target_date",
        "revision_reason",
        "revisions",
        "status",
        "status_reason",
        "rag_override",
        "rag_override_reason",
        "theme_tags",
        "impact_measure",
        "impact_evidence",
        "evidence",
        "date_completed",
        "date_closed",
        "oversight_comments",
        "barrier",
        "created_date",
        *_rows(
            "updates", "quarter", "date", "narrative", "status_before", "status_after", "updated_by"
        ),
        "last_updated",
        "last_updated_by",
    ),
}


# Answers the code compares against: each listed choice must stay offered by the field,
# whatever a partnership does to the wording of the others.
RELIED_ON_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "referral": {"outcome": ("Died", "Seriously harmed")},
    "rapid_review": {"signoffs.partner": ("LA", "Police", "ICB")},
    "review": {"review_type": ("LCSPR",)},
    "agency_report": {"depth": ("Rapid review", "LCSPR")},
    "recommendation": {
        "status": _STATUSES,
        "updates.status_before": _STATUSES,
        "updates.status_after": _STATUSES,
        "rag_override": ("Blue", "Green", "Amber", "Red", "Grey"),
    },
}


def relied_on_type(path: str) -> str | None:
    """The type a relied-on field must keep: dates stay dates (the deadlines read them)."""
    name = path.rsplit(".", 1)[-1]
    if name in ("dob", "date", "by_when", "last_updated"):
        return "date"
    if name.startswith("date_") or name.endswith("_date"):
        return "date"
    return None
