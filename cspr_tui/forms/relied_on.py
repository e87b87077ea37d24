"""Field ids that code outside the templates reads, so an override must keep them.

The domain (deadlines, workflow guards), the exports and the TUI look these answers up by
id; a partnership may reword, reorder, add or hide fields, but renaming or dropping one of
these would silently break a deadline or an export, so `cspr templates check` reports it.
`children.dob` means the field `dob` inside the repeat `children`.
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
        "ack_not_cp_referral",
        "discussed_with_lead",
        "referrer_name",
        "referrer_job_title",
        "referrer_agency",
        "referral_date",
        *_rows(
            "children",
            "name",
            "other_names",
            "dob",
            "date_of_death",
            "sex",
            "ethnicity",
            "address",
            "la_of_residence",
            "legal_status",
        ),
        "incident_date",
        "aware_date",
        "incident_location",
        "outcome",
        "abuse_neglect",
        "lac_death",
        "harm_types",
        "incident_description",
        *_rows("family", "name", "relationship", "dob", "address"),
        *_rows("agencies", "agency", "contact_name", "contact_details", "still_involved"),
        "criteria",
        "rationale",
        *_rows("chronology", "date", "time", "event"),
        "parallel_processes",
        "parallel_details",
    ),
    "screening": (
        "date_received",
        "date_considered",
        "considered_by",
        "decision",
        "rationale",
        "feedback_date",
    ),
    "notification": (
        "la_aware_date",
        "sin_submitted_date",
        "sin_reference",
        "notifying_la",
        "resident_la",
        "lead_partnership",
        "ofsted_dfe_notified",
    ),
    "rapid_review": (
        "rr_reference",
        "partners_aware_date",
        "rr_start_date",
        *_rows("meeting_dates", "date"),
        *_rows(
            "agency_involvement",
            "agency",
            "involved",
            "period",
            "summary",
            "report_received_date",
            "author",
            "quality_checked",
        ),
        *_rows(
            "key_practice_episodes",
            "period",
            "agencies",
            "what_happened",
            "analysis",
            "contributory_factors",
        ),
        "lived_experience",
        "equality_analysis",
        "good_practice",
        *_rows("learning", "point", "agencies", "theme"),
        *_rows("immediate_actions", "action", "owner", "date", "status"),
        "decision",
        "decision_rationale",
        "reg11_criteria",
        "national_importance",
        *_rows("signoffs", "partner", "name", "role", "organisation", "date"),
        "rr_completed_date",
        "rr_sent_to_panel_date",
        "panel_response_date",
        "panel_agrees",
        "panel_national_review",
        "panel_comments",
    ),
    "review": (
        "review_type",
        "statutory",
        "lcspr_decision_date",
        "decision_rationale",
        "reg11_criteria",
        "purpose",
        "scope_from",
        "scope_to",
        "agencies_in_scope",
        *_rows("lines_of_enquiry", "question"),
        "tor_approved_date",
        *_rows("reviewers", "name", "organisation", "appointment_date", "accreditation"),
        "method",
        *_rows("milestones", "name", "planned_date", "actual_date", "status"),
        *_rows("findings", "finding"),
        "summary_of_improvements",
        "systemic_analysis",
        "reviewer_name",
        "publication_decision",
        "publication_reasons",
        "planned_publication_date",
        "panel_sos_copy_sent_date",
        "published_date",
        "publication_location",
        "anonymisation_checked",
        "late_reason",
    ),
    "agency_report": (
        "agency",
        "author_name",
        "author_role",
        "author_contact",
        "date_requested",
        "due_date",
        "depth",
        "period_from",
        "period_to",
        # filled by the review team on a fillable report, never taken from a return
        "protective_marking",
        "return_contact",
        "return_address",
        "subjects",
        # form_templates/agency_report.yaml: the sections the agency completes
        "records_examined",
        "staff_spoken_to",
        "limitations",
        "involvement_summary",
        "involved",
        "still_involved",
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
        *_rows(
            "practice_episodes",
            "episode",
            "what_happened",
            "went_well",
            "could_be_better",
            "contributory_factors",
        ),
        "lived_experience",
        "equality",
        "multi_agency_working",
        "good_practice",
        *_rows("learning", "point", "scope", "theme"),
        *_rows("actions_taken", "action", "date", "evidence"),
        *_rows("proposed_recommendations", "recommendation", "owner", "by_when"),
        "parallel_processes",
        "parallel_details",
        "signoff_name",
        "signoff_role",
        "signoff_date",
        "signoff_confirmed",
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
