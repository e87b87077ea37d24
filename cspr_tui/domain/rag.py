"""RAG ratings for recommendation actions, computed once here for the app and the workbook.

The rules are docs/deadlines.md's (a design proposal [I]), made precise where the table is
silent; `RAG_DEFINITIONS` states them in plain English for the workbook's Read me sheet
and the app's help, and `explain_rag` gives the reason for one action's rating.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cspr_tui.domain.case import Rag, Recommendation, RecommendationStatus
from cspr_tui.domain.quarter import Quarter
from cspr_tui.errors import CsprError
from cspr_tui.forms.dates import iso_date

# "Within 30 days of target" (docs/deadlines.md), in calendar days.
AT_RISK_DAYS = 30

RAG_DEFINITIONS: dict[Rag, str] = {
    Rag.BLUE: (
        "Complete: the action is done and the evidence has been accepted, or it has been "
        "closed with its impact evidenced."
    ),
    Rag.GREEN: (
        "On track: in progress (or done and awaiting evidence) before its target date, "
        "updated this quarter, with no barrier reported."
    ),
    Rag.AMBER: (
        "At risk: within 30 days of the target date with no evidence recorded; or the "
        "target date has been revised once; or there has been no update this quarter; or "
        "an action in progress has no target date."
    ),
    Rag.RED: (
        "Off track: past the target date and not completed; or the target date has been "
        "revised twice or more; or a barrier needing escalation has been reported."
    ),
    Rag.GREY: (
        "Not active: not started and not yet due; paused; superseded or merged; or not "
        "accepted by the partners."
    ),
}

_COMPLETE = {
    RecommendationStatus.COMPLETED_EVIDENCE_ACCEPTED,
    RecommendationStatus.CLOSED_IMPACT_EVIDENCED,
}
_INACTIVE = {
    RecommendationStatus.PAUSED,
    RecommendationStatus.SUPERSEDED,
    RecommendationStatus.NOT_ACCEPTED,
}
_NOT_DONE = {RecommendationStatus.NOT_STARTED, RecommendationStatus.IN_PROGRESS}


def _status(rec: Recommendation) -> RecommendationStatus:
    """The status as the enum: a record read straight from JSON holds the plain string, and
    the rules below compare by identity, so a string would be silently misjudged."""
    return _status_of(rec.status, rec.id)


_STATUSES: dict[Any, RecommendationStatus] = {s.value: s for s in RecommendationStatus}


def _status_of(status: Any, rec_id: Any) -> RecommendationStatus:
    found = _STATUSES.get(status) if isinstance(status, str) else None
    if found is not None:
        return found
    try:
        return RecommendationStatus(status)
    except ValueError:
        raise CsprError(
            f"Recommendation {rec_id}: status {status!r} is not one of the tracker's statuses."
        ) from None


def _override(rec: Recommendation) -> Rag | None:
    if rec.rag_override is None or rec.rag_override == "":
        return None
    try:
        return Rag(rec.rag_override)
    except ValueError:
        raise CsprError(
            f"Recommendation {rec.id}: RAG override {rec.rag_override!r} is not "
            f"{', '.join(r.value for r in Rag)}."
        ) from None


def effective_target(rec: Recommendation) -> date | None:
    """The date the action is judged against: the revised target if there is one."""
    return rec.revised_target_date or rec.target_date


def revision_count(rec: Recommendation) -> int:
    """Times the target was moved; a revised date with no count recorded counts as once."""
    if rec.revisions <= 0 and rec.revised_target_date:
        return 1
    return max(rec.revisions, 0)


def is_overdue(rec: Recommendation, as_of: date) -> bool:
    """Past its (revised) target and neither done nor stopped (paused, superseded...)."""
    target = effective_target(rec)
    return target is not None and as_of > target and _status(rec) in _NOT_DONE


def is_overdue_data(data: Mapping[str, Any], as_of: date) -> bool:
    """`is_overdue` of a recommendation as a case document holds it (no `Recommendation`
    built: the recommendations screen's "overdue" filter asks it of every one)."""
    target = data.get("revised_target_date") or data.get("target_date")
    if not target:
        return False
    if as_of <= (target if isinstance(target, date) else iso_date(target)):
        return False
    status = data.get("status", RecommendationStatus.NOT_STARTED.value)
    return _status_of(status, data.get("id")) in _NOT_DONE


def _updated_in(rec: Recommendation, quarter: Quarter) -> bool:
    for update in rec.updates:
        if update.quarter == quarter.code:
            return True
        if quarter.contains(update.date):
            return True
    if rec.last_updated is not None and quarter.contains(rec.last_updated):
        return True
    # An action added this quarter is not yet due an update.
    return rec.created_date is not None and quarter.contains(rec.created_date)


def explain_rag(
    rec: Recommendation, as_of: date, quarter: Quarter, *, require_impact: bool = False
) -> tuple[Rag, str]:
    """The rating and a one-line reason; a manual override wins and is named as such.

    `require_impact` makes Blue need "Closed – impact evidenced" (docs/deadlines.md, "if
    configured"); "Completed – evidence accepted" then rates Green.
    """
    override = _override(rec)
    if override is not None:
        reason = rec.rag_override_reason or "no reason recorded"
        return override, f"Set by hand: {reason}"

    status = _status(rec)
    if status in _INACTIVE:
        return Rag.GREY, f"{status.value}"
    if status in _COMPLETE:
        if require_impact and status is not RecommendationStatus.CLOSED_IMPACT_EVIDENCED:
            return Rag.GREEN, "Evidence accepted; impact not yet evidenced"
        return Rag.BLUE, f"{status.value}"

    target = effective_target(rec)
    revisions = revision_count(rec)
    days_to_target = (target - as_of).days if target is not None else None

    if status is not RecommendationStatus.COMPLETED_AWAITING_EVIDENCE and is_overdue(rec, as_of):
        return Rag.RED, f"Past its target date ({target:%d/%m/%Y}) and not completed"
    if revisions >= 2:
        return Rag.RED, f"Target date revised {revisions} times"
    if rec.barrier:
        return Rag.RED, "A barrier needing escalation has been reported"

    no_evidence = not rec.evidence.strip()
    if days_to_target is not None and days_to_target <= AT_RISK_DAYS and no_evidence:
        if days_to_target < 0:
            return Rag.AMBER, f"Target date {target:%d/%m/%Y} passed; evidence not yet recorded"
        return Rag.AMBER, f"Within {AT_RISK_DAYS} days of its target date with no evidence"
    if revisions == 1:
        return Rag.AMBER, "Target date revised once"

    if status is RecommendationStatus.NOT_STARTED:
        return Rag.GREY, "Not started and not yet due"

    if target is None and status is RecommendationStatus.IN_PROGRESS:
        return Rag.AMBER, "In progress with no target date"
    if not _updated_in(rec, quarter):
        return Rag.AMBER, f"No update in {quarter.title}"
    return Rag.GREEN, "On track"


def compute_rag(
    rec: Recommendation, as_of: date, quarter: Quarter, *, require_impact: bool = False
) -> Rag:
    """The action's RAG at `as_of` (usually the quarter end) for the quarter being reported."""
    return explain_rag(rec, as_of, quarter, require_impact=require_impact)[0]
