"""The review workflow: which stage follows which, and what must be complete before it.

Every guard lives here once; the store calls it before any stage change and the TUI's stage
bar calls `check_transition` to show what is still missing. A refused step raises
`TransitionRefused` whose message names the missing fields in plain English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspr_tui.domain.case import (
    STAGE_ORDER,
    Case,
    Pause,
    RecommendationStatus,
    RecordStatus,
    ReviewType,
    Stage,
)

# The one rule for "is this a statutory review?" lives with the deadlines that first needed
# it (an explicit Yes/No answer wins; otherwise the case's review type; None while unknown).
from cspr_tui.domain.deadline import (
    DeadlineStatus,
    case_deadlines,
    is_statutory,
    stored_date,
    time_limits,
)
from cspr_tui.domain.form_mapping import agency_record
from cspr_tui.errors import ValidationFailed
from cspr_tui.settings import Settings

__all__ = [
    "CLOSED_RECOMMENDATION_STATUSES",
    "DEFERRABLE_STAGES",
    "DEFERRAL_PREFIX",
    "PROCEEDINGS",
    "REASON_REQUIRED_STATUSES",
    "RR_WARNING_WORKING_DAYS",
    "TransitionCheck",
    "TransitionRefused",
    "can_defer_publication",
    "check_transition",
    "classify_decision",
    "decision_of",
    "deferral_reason",
    "is_statutory",
    "next_stage",
    "outstanding_agency_reports",
    "publication_deferral",
    "rapid_review_warnings",
    "screening_route",
    "stage_label",
]

# Screening decisions (form_templates/screening.yaml) that end the case at once; words, so
# that a template's rewording ("Criteria not met" / "Notification criteria not met") keeps
# its meaning.
_SCREENING_CLOSE_WORDS = ("share learning", "no further action", "criteria not met")
_SCREENING_NOTIFY_WORDS = ("serious incident notification", "consider sin", "rapid review")

# A recommendation in one of these needs no more monitoring, so the case may close.
CLOSED_RECOMMENDATION_STATUSES = frozenset(
    {
        RecommendationStatus.CLOSED_IMPACT_EVIDENCED,
        RecommendationStatus.SUPERSEDED,
        RecommendationStatus.NOT_ACCEPTED,
    }
)
# Moving a recommendation into one of these needs a recorded reason (the form's status_reason).
REASON_REQUIRED_STATUSES = frozenset(
    {
        RecommendationStatus.PAUSED,
        RecommendationStatus.NOT_ACCEPTED,
        RecommendationStatus.SUPERSEDED,
    }
)

PANEL_COPY_WORKING_DAYS = 7  # T8 default; the settings' time limits may change it
PUBLICATION_MONTHS = 6  # T7 default
# Warn when the rapid review is due within this many working days with reports missing (3.2).
RR_WARNING_WORKING_DAYS = 3

# Parallel proceedings that may defer publication (docs/deadlines.md, Pauses and overrides).
PROCEEDINGS = ("Criminal trial", "Inquest", "Family court proceedings", "Other proceedings")
DEFERRAL_PREFIX = "Publication deferred pending proceedings"


class TransitionRefused(ValidationFailed):
    """A stage change whose conditions are not met; `details` lists each missing thing."""


@dataclass(frozen=True)
class TransitionCheck:
    """Whether the case may move on, to which stage, and what is missing if not."""

    allowed: bool
    next_stage: Stage | None
    missing: list[str] = field(default_factory=list)
    overridable: list[str] = field(default_factory=list)  # missing items an override may waive
    warnings: list[str] = field(default_factory=list)  # worth knowing now; never blocking


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict | tuple):
        return bool(value)
    return True


def _complete(case: Case, form_id: str) -> bool:
    record = case.record(form_id)
    return record is not None and record.status == RecordStatus.COMPLETE


def classify_decision(text: str) -> ReviewType:
    """Map a recorded decision (screening or rapid review) to the case's review type."""
    lowered = (text or "").strip().lower()
    if not lowered:
        return ReviewType.UNDECIDED
    if "no lcspr" in lowered or "no further" in lowered or "not met" in lowered:
        return ReviewType.NO_FURTHER_REVIEW
    if "national" in lowered:
        return ReviewType.NATIONAL_REVIEW
    if "lcspr" in lowered or "local child safeguarding practice review" in lowered:
        return ReviewType.LCSPR
    if "learning review" in lowered or "single-agency" in lowered or "single agency" in lowered:
        return ReviewType.OTHER_LEARNING_REVIEW
    if "share learning" in lowered or "no further action" in lowered:
        return ReviewType.NO_FURTHER_REVIEW
    return ReviewType.OTHER_LEARNING_REVIEW


def screening_route(decision: str) -> Stage | None:
    """Where a screening decision leads: notify the Panel, decide on a review, or close."""
    lowered = (decision or "").strip().lower()
    if not lowered:
        return None
    if any(word in lowered for word in _SCREENING_CLOSE_WORDS):
        return Stage.CLOSED
    if any(word in lowered for word in _SCREENING_NOTIFY_WORDS):
        return Stage.NOTIFIED
    return Stage.DECISION


def decision_of(case: Case) -> tuple[str, str, str]:
    """The decision that ends the decision stage: (form id, decision text, rationale).

    After a rapid review it is the rapid review's decision; a case referred straight to
    another learning review carries the screening decision instead.
    """
    if case.record("rapid_review") is not None:
        return (
            "rapid_review",
            str(case.value("rapid_review", "decision") or ""),
            str(case.value("rapid_review", "decision_rationale") or ""),
        )
    return (
        "screening",
        str(case.value("screening", "decision") or ""),
        str(case.value("screening", "rationale") or ""),
    )


# Publication can be deferred pending proceedings only while a review is under way.
DEFERRABLE_STAGES = frozenset({Stage.REVIEW_IN_PROGRESS, Stage.REPORT_DRAFTED})


def can_defer_publication(case: Case) -> bool:
    """Whether the case is at a stage where publication may be deferred (store and TUI)."""
    return case.stage in DEFERRABLE_STAGES


def deferral_reason(proceedings: str, details: str = "") -> str:
    """The pause reason that marks publication deferred pending proceedings."""
    wanted = proceedings.strip().casefold()
    kind = next((p for p in PROCEEDINGS if p.casefold() == wanted), None)
    if kind is None:
        raise ValidationFailed(
            f"Proceedings must be one of {', '.join(PROCEEDINGS)}, not {proceedings!r}."
        )
    if kind == "Other proceedings" and not details.strip():
        raise ValidationFailed("Deferring for other proceedings needs details: say which.")
    text = f"{DEFERRAL_PREFIX} ({kind.lower()})"
    return f"{text}: {details.strip()}" if details.strip() else text


def publication_deferral(case: Case) -> Pause | None:
    """The open pause (of the case, or of the publication clocks T7/T8) that defers
    publication pending proceedings, if any: the "deferred" state of docs/deadlines.md."""
    for pause in case.pauses:
        if (
            pause.end is None
            and pause.deadline in (None, "T7", "T8")
            and pause.reason.startswith(DEFERRAL_PREFIX)
        ):
            return pause
    return None


def stage_label(case: Case) -> str:
    """The stage as a reviewer should read it, naming a deferral pending proceedings."""
    if case.stage == Stage.PAUSED:
        deferral = publication_deferral(case)
        if deferral is not None and deferral.deadline is None:
            return DEFERRAL_PREFIX
    return case.stage.label


def outstanding_agency_reports(case: Case) -> list[str]:
    """Agencies asked for a report that is not in yet (no received date, no finished form)."""
    missing: list[str] = []
    for request in case.agency_reports:
        record = agency_record(case, request.agency)
        if request.received_date is None and (
            record is None or record.status != RecordStatus.COMPLETE
        ):
            missing.append(request.agency)
    return missing


def rapid_review_warnings(
    case: Case, settings: Settings, today: date, calendar: Any = None
) -> list[str]:
    """Warn when the rapid review is due within 3 working days (or overdue) and not every
    requested agency report is in (form_templates/rapid_review.yaml)."""
    if case.stage not in (Stage.NOTIFIED, Stage.RAPID_REVIEW):
        return []
    outstanding = outstanding_agency_reports(case)
    if not outstanding:
        return []
    rr = next((d for d in case_deadlines(case, settings, today, calendar) if d.rule == "T4"), None)
    if rr is None or rr.due is None or rr.days_left is None or not rr.is_open:
        return []
    if rr.status == DeadlineStatus.PAUSED or rr.days_left > RR_WARNING_WORKING_DAYS:
        return []
    if rr.days_left < 0:
        when = f"was due on {rr.due:%d/%m/%Y} and is overdue"
    else:
        left = rr.days_left
        when = f"is due on {rr.due:%d/%m/%Y} ({left} working day{'s' if left != 1 else ''} left)"
    total = len(case.agency_reports)
    return [
        f"The rapid review {when}, and {len(outstanding)} of {total} requested agency "
        f"report{'s are' if total != 1 else ' is'} not in: {', '.join(outstanding)}."
    ]


def _partner(text: Any) -> str | None:
    lowered = str(text or "").strip().lower()
    if "police" in lowered:
        return "Police"
    if "icb" in lowered or "integrated care" in lowered or "health" in lowered:
        return "ICB"
    if lowered in {"la", "local authority"} or "local authority" in lowered or "council" in lowered:
        return "LA"
    return None


def _signoff_gaps(case: Case) -> list[str]:
    signoffs = case.value("rapid_review", "signoffs") or []
    signed: set[str] = set()
    for item in signoffs if isinstance(signoffs, list) else []:
        if isinstance(item, Mapping):
            partner = _partner(item.get("partner"))
            if partner and _filled(item.get("name")) and _filled(item.get("date")):
                signed.add(partner)
    labels = {"LA": "local authority", "Police": "police", "ICB": "integrated care board (ICB)"}
    return [
        f"rapid review: sign-off by the {labels[p]} (partner, name and date)"
        for p in ("LA", "Police", "ICB")
        if p not in signed
    ]


def _time_limit(settings: Settings, rule: str, default: int) -> int:
    limit = time_limits(settings).get(rule)
    return int(limit.amount) if limit is not None else default


def next_stage(case: Case) -> Stage | None:
    """Where `advance` would take the case now (None when it cannot move on by itself)."""
    stage = case.stage
    if stage in (Stage.CLOSED, Stage.PAUSED):
        return None
    if stage == Stage.SCREENING:
        return screening_route(str(case.value("screening", "decision") or "")) or Stage.NOTIFIED
    if stage == Stage.DECISION:
        if classify_decision(decision_of(case)[1]) == ReviewType.NO_FURTHER_REVIEW:
            return Stage.MONITORING if case.recommendations else Stage.CLOSED
        return Stage.REVIEW_IN_PROGRESS
    if stage == Stage.PUBLISHED:
        return Stage.MONITORING if case.recommendations else Stage.CLOSED
    return STAGE_ORDER[STAGE_ORDER.index(stage) + 1]


def check_transition(
    case: Case,
    settings: Settings,
    today: date,
    *,
    override: bool = False,
    calendar: Any = None,
) -> TransitionCheck:
    """What the case needs before its next step; `override` waives the Panel-copy timing.

    `calendar` (the partnership's working-day calendar) saves rebuilding it for warnings.
    """
    target = next_stage(case)
    if case.stage == Stage.PAUSED:
        if stage_label(case) == DEFERRAL_PREFIX:
            why = "publication is deferred pending proceedings: resume the case when they end"
        else:
            why = "the case is paused: resume it before moving on"
        return TransitionCheck(False, None, [why])
    if target is None:
        return TransitionCheck(False, None, ["the case is closed: there is no further stage"])
    missing: list[str] = []
    overridable: list[str] = []
    stage = case.stage
    if stage == Stage.REFERRAL_RECEIVED:
        if not _complete(case, "referral"):
            missing.append("the referral form, finished with every required field")
    elif stage == Stage.SCREENING:
        if not _complete(case, "screening"):
            missing.append("the screening decision form, finished")
        if not _filled(case.value("screening", "decision")):
            missing.append("screening: Decision")
        if not _filled(case.value("screening", "rationale")):
            missing.append("screening: Rationale")
        if target == Stage.NOTIFIED and not _filled(
            case.value("notification", "sin_submitted_date")
        ):
            missing.append("notification: Date the serious incident notification was submitted")
    elif stage == Stage.NOTIFIED:
        if not _filled(case.value("notification", "sin_submitted_date")):
            missing.append("notification: Date the serious incident notification was submitted")
        if not _complete(case, "notification"):
            missing.append("the notification form, finished")
    elif stage == Stage.RAPID_REVIEW:
        missing.extend(_rapid_review_gaps(case))
    elif stage == Stage.DECISION:
        form_id, decision, rationale = decision_of(case)
        name = "rapid review" if form_id == "rapid_review" else "screening"
        if not decision.strip():
            missing.append(f"{name}: Decision")
        if not rationale.strip():
            missing.append(f"{name}: Rationale for the decision")
    elif stage == Stage.REVIEW_IN_PROGRESS:
        for field_id, label in (
            ("reviewer_name", "Reviewer name"),
            ("summary_of_improvements", "Summary of recommended improvements"),
            ("systemic_analysis", "Analysis of systemic or underlying reasons"),
        ):
            if not _filled(case.value("review", field_id)):
                missing.append(f"review: {label}")
    elif stage == Stage.REPORT_DRAFTED:
        deferral = publication_deferral(case)
        if deferral is not None:
            missing.append(
                f"the end of the deferral ({deferral.reason}, since "
                f"{deferral.start:%d/%m/%Y}): resume deadline "
                f"{deferral.deadline} when the proceedings end"
            )
        gaps, waivable = _publication_gaps(case, settings)
        missing.extend(gaps)
        if waivable and not override:
            missing.extend(waivable)
            overridable.extend(waivable)
    elif stage == Stage.MONITORING:
        open_recs = [
            r.id for r in case.recommendations if r.status not in CLOSED_RECOMMENDATION_STATUSES
        ]
        if open_recs:
            shown = ", ".join(open_recs[:5]) + (" ..." if len(open_recs) > 5 else "")
            missing.append(
                f"{len(open_recs)} recommendation(s) not yet closed "
                f"(closed, superseded or not accepted): {shown}"
            )
    warnings = rapid_review_warnings(case, settings, today, calendar)
    return TransitionCheck(not missing, target, missing, overridable, warnings)


def _rapid_review_gaps(case: Case) -> list[str]:
    missing: list[str] = []
    if not (
        _filled(case.value("notification", "sin_submitted_date"))
        or _filled(case.value("notification", "sin_reference"))
    ):
        missing.append(
            "a serious incident notification for this case: a rapid review must link to a SIN"
        )
    if not _complete(case, "rapid_review"):
        missing.append("the rapid review form, finished")
    missing.extend(_signoff_gaps(case))
    if not _filled(case.value("rapid_review", "rr_completed_date")):
        missing.append("rapid review: Date the rapid review was completed")
    if not _filled(case.value("rapid_review", "rr_sent_to_panel_date")):
        missing.append("rapid review: Date sent to the Panel")
    return missing


def _publication_gaps(case: Case, settings: Settings) -> tuple[list[str], list[str]]:
    from cspr_tui.domain.calendar import add_months, calendar_from_settings

    missing: list[str] = []
    waivable: list[str] = []
    decision = str(case.value("review", "publication_decision") or "").strip()
    if not decision:
        missing.append("review: Publication decision")
    not_published = decision.lower().startswith("not published")
    published = stored_date(case.value("review", "published_date"))
    if not not_published and published is None:
        missing.append("review: Date published")
    if (
        decision
        and not decision.lower().startswith("full")
        and not _filled(case.value("review", "publication_reasons"))
    ):
        missing.append("review: Reasons for not publishing the full report")
    if is_statutory(case) is False:  # unknown: the statutory rules still apply
        return missing, waivable
    planned = stored_date(case.value("review", "planned_publication_date"))
    copy_sent = stored_date(case.value("review", "panel_sos_copy_sent_date"))
    days = _time_limit(settings, "T8", PANEL_COPY_WORKING_DAYS)
    if not not_published:
        if planned is None:
            missing.append("review: Planned publication date")
        if copy_sent is None:
            missing.append("review: Date the full report was sent to the Panel and the SoS")
        if planned is not None and copy_sent is not None:
            latest = calendar_from_settings(settings).subtract_working_days(planned, days)
            if copy_sent > latest:
                waivable.append(
                    f"review: the copy to the Panel and the Secretary of State was sent on "
                    f"{copy_sent:%d/%m/%Y}, later than {days} working days before the planned "
                    f"publication date (by {latest:%d/%m/%Y}); advance with an override and a "
                    "reason to accept it"
                )
    decided = stored_date(case.value("review", "lcspr_decision_date"))
    months = _time_limit(settings, "T7", PUBLICATION_MONTHS)
    if (
        decided is not None
        and published is not None
        and published > add_months(decided, months)
        and not _filled(case.value("review", "late_reason"))
    ):
        missing.append(
            f"review: Reason for late publication (published more than {months} months "
            f"after the decision of {decided:%d/%m/%Y})"
        )
    return missing, waivable
