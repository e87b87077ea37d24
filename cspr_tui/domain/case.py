"""The case and its parts as plain data: no storage, no rendering.

A case is what the store saves as one document in the vault. Dates are `datetime.date`
in memory and ISO strings (YYYY-MM-DD) in the vault and in the JSON case schema; the
front doors show them as DD/MM/YYYY. Form answers live in `Record.values`, keyed by the
field ids of the form template the record was captured with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    REFERRAL_RECEIVED = "referral_received"
    SCREENING = "screening"
    NOTIFIED = "notified"
    RAPID_REVIEW = "rapid_review"
    DECISION = "decision"
    REVIEW_IN_PROGRESS = "review_in_progress"
    REPORT_DRAFTED = "report_drafted"
    PUBLISHED = "published"
    MONITORING = "monitoring"
    CLOSED = "closed"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.REFERRAL_RECEIVED: "Referral received",
    Stage.SCREENING: "Screening",
    Stage.NOTIFIED: "Notified to the Panel",
    Stage.RAPID_REVIEW: "Rapid review",
    Stage.DECISION: "Decision",
    Stage.REVIEW_IN_PROGRESS: "Review in progress",
    Stage.REPORT_DRAFTED: "Report drafted",
    Stage.PUBLISHED: "Published",
    Stage.MONITORING: "Recommendations monitoring",
    Stage.CLOSED: "Closed",
    Stage.PAUSED: "Paused / deferred",
}

# The main line of the workflow, in order; PAUSED sits beside it.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.REFERRAL_RECEIVED,
    Stage.SCREENING,
    Stage.NOTIFIED,
    Stage.RAPID_REVIEW,
    Stage.DECISION,
    Stage.REVIEW_IN_PROGRESS,
    Stage.REPORT_DRAFTED,
    Stage.PUBLISHED,
    Stage.MONITORING,
    Stage.CLOSED,
)


class RecordStatus(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"


class RecommendationStatus(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED_AWAITING_EVIDENCE = "Completed – awaiting evidence"
    COMPLETED_EVIDENCE_ACCEPTED = "Completed – evidence accepted"
    CLOSED_IMPACT_EVIDENCED = "Closed – impact evidenced"
    SUPERSEDED = "Superseded/merged"
    PAUSED = "Paused"
    NOT_ACCEPTED = "Not accepted by partners"


class Rag(StrEnum):
    BLUE = "Blue"
    GREEN = "Green"
    AMBER = "Amber"
    RED = "Red"
    GREY = "Grey"


class Scope(StrEnum):
    """Who owns a recommendation's action (form_templates/recommendation.yaml)."""

    SINGLE_AGENCY = "Single-agency"
    MULTI_AGENCY = "Multi-agency"
    PARTNERSHIP = "Partnership"


class ReviewType(StrEnum):
    """What the decision stage chose; UNDECIDED ("", falsy) until the decision is made."""

    UNDECIDED = ""
    LCSPR = "LCSPR"
    OTHER_LEARNING_REVIEW = "Other learning review"
    NATIONAL_REVIEW = "National review"
    NO_FURTHER_REVIEW = "No further review"


class ReportDepth(StrEnum):
    """How much an agency report is asked for: the rapid review's, or a full LCSPR's."""

    RAPID_REVIEW = "rapid_review"
    LCSPR = "lcspr"

    @property
    def label(self) -> str:
        """The words the forms and the documents use."""
        return "LCSPR" if self is ReportDepth.LCSPR else "Rapid review"


class PersonKind(StrEnum):
    """Who a person in the pseudonym key is to the review (README: `cspr people`)."""

    CHILD = "child"  # the subject child
    SIBLING = "sibling"
    FAMILY = "family"
    SIGNIFICANT_OTHER = "significant_other"
    PRACTITIONER = "practitioner"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass
class Person:
    """One line of the pseudonym key: a real person, what replaces them, and what identifies
    them besides their name.

    Everything here is what redaction looks for (exports/redaction): the name and each of
    its parts, the known variants (nicknames, other spellings, former names), and the
    identifiers that name a person as surely as a name does.
    """

    real_name: str
    pseudonym: str
    role: str  # e.g. "Subject child", "Mother", "Health visitor"
    kind: PersonKind = PersonKind.FAMILY
    variants: list[str] = field(default_factory=list)  # aliases, other spellings, nicknames
    date_of_birth: dt.date | None = None
    addresses: list[str] = field(default_factory=list)
    postcode: str = ""
    nhs_number: str = ""
    school: str = ""
    gp_practice: str = ""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


class RedactionOutcome(StrEnum):
    ACCEPTED = "accepted"  # the finding's proposal stands (withhold, or keep as written)
    REJECTED = "rejected"  # the opposite of the proposal, with the reviewer's reason


@dataclass
class RedactionDecision:
    """A reviewer's decision on one redaction finding, kept so the next export reuses it.

    `finding_id` is stable for the same hit in the same sentence, so a decision holds until
    the text around it changes; `hit` and `snippet` say what was decided for the audit.
    """

    finding_id: str
    outcome: RedactionOutcome
    reason: str = ""
    kind: str = ""
    hit: str = ""
    snippet: str = ""
    by: str = ""
    at: str = ""
    # What the reviewer saw it become: "withheld" or "kept" ("" in decisions kept before
    # this was recorded). A later change of the engine's proposal (an allowlist edited, a
    # rule refined) then cannot turn an accepted withholding into a name printed.
    decided: str = ""


@dataclass
class Record:
    """One form captured for a case: its answers and the template version it was taken with."""

    form_id: str
    template_version: int
    values: dict[str, Any] = field(default_factory=dict)
    status: RecordStatus = RecordStatus.DRAFT
    updated_at: str = ""  # ISO datetime, UTC
    updated_by: str = ""
    current_section: str | None = None  # where a draft was left, to resume there


@dataclass
class AgencyReportRequest:
    """An agency asked for an information report (form_templates/agency_report.yaml)."""

    agency: str
    author: str = ""
    author_role: str = ""
    requested_date: dt.date | None = None
    due_date: dt.date | None = None
    received_date: dt.date | None = None
    depth: ReportDepth = ReportDepth.RAPID_REVIEW
    version: int = 1
    # When the fillable report went out, and the random token embedded in it, so a
    # completed report is matched to this request of this vault (domain/agency_return.py).
    sent_date: dt.date | None = None
    token: str = ""
    return_contact: str = ""  # the named contact at the business unit
    return_address: str = ""


@dataclass
class QuarterlyUpdate:
    quarter: str  # "2026-Q3" (financial year quarters, Q1 = April to June)
    date: dt.date
    narrative: str
    status_before: str
    status_after: str
    updated_by: str


@dataclass
class Recommendation:
    """One action under a review recommendation, as tracked quarterly.

    Its form is form_templates/recommendation.yaml.
    """

    id: str  # e.g. "CSPR-2026-004-R3-A2"
    number: int  # recommendation number within the review
    text: str  # the recommendation
    action_number: int = 1
    action: str = ""  # the SMART action
    scope: Scope = Scope.MULTI_AGENCY
    lead_agency: str = ""
    lead_officer: str = ""  # the lead officer's role (post)
    lead_officer_name: str = ""  # optional (recommendation form version 2)
    target_date: dt.date | None = None
    revised_target_date: dt.date | None = None
    revision_reason: str = ""
    revisions: int = 0
    status: RecommendationStatus = RecommendationStatus.NOT_STARTED
    status_reason: str = ""
    rag_override: Rag | None = None
    rag_override_reason: str = ""
    theme_tags: list[str] = field(default_factory=list)
    impact_measure: str = ""
    impact_evidence: str = ""
    evidence: str = ""
    date_completed: dt.date | None = None
    date_closed: dt.date | None = None
    oversight_comments: str = ""
    barrier: bool = False  # the latest update reports a barrier needing escalation
    created_date: dt.date | None = None
    updates: list[QuarterlyUpdate] = field(default_factory=list)
    last_updated: dt.date | None = None
    last_updated_by: str = ""


# The Recommendation fields that hold dates (ISO in the vault, checked by `cspr verify`).
RECOMMENDATION_DATE_FIELDS: tuple[str, ...] = (
    "target_date",
    "revised_target_date",
    "date_completed",
    "date_closed",
    "created_date",
    "last_updated",
)


@dataclass
class Pause:
    """A stopped clock: the whole case (`deadline` None) or one deadline, with its reason."""

    start: dt.date
    reason: str
    end: dt.date | None = None
    deadline: str | None = None


@dataclass
class DeadlineOverride:
    deadline: str  # rule id, e.g. "T4"
    due_date: dt.date
    reason: str
    by: str
    at: str


@dataclass
class StageChange:
    from_stage: Stage | None
    to_stage: Stage
    at: str
    by: str
    reason: str = ""


@dataclass
class Case:
    ref: str  # e.g. "CSPR-2026-004"
    pseudonym: str  # e.g. "Child A"
    stage: Stage = Stage.REFERRAL_RECEIVED
    created_at: str = ""
    review_type: ReviewType = ReviewType.UNDECIDED
    review_method: str = ""
    records: dict[str, Record] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    redaction_decisions: list[RedactionDecision] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    agency_reports: list[AgencyReportRequest] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    overrides: list[DeadlineOverride] = field(default_factory=list)
    history: list[StageChange] = field(default_factory=list)
    paused_from: Stage | None = None  # the stage to return to when a pause ends
    notes: str = ""

    def record(self, form_id: str) -> Record | None:
        return self.records.get(form_id)

    def value(self, form_id: str, field_id: str, default: Any = None) -> Any:
        record = self.records.get(form_id)
        if record is None:
            return default
        return record.values.get(field_id, default)
