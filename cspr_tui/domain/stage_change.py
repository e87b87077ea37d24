"""Stage changes, the decision they carry, and stopped clocks, as pure functions over a `Case`.

`workflow.check_transition` says whether the next step is allowed; these functions make it:
advancing (and, out of the decision stage, the review type and the review record the
decision opens), pausing or deferring the whole case and resuming it, and pausing, resuming
or overriding one deadline. The store calls them on its private copy of a case with a
`Stamp` and commits the result.
"""

from __future__ import annotations

from datetime import date

from cspr_tui.domain import workflow
from cspr_tui.domain.calendar import WorkingCalendar
from cspr_tui.domain.case import (
    Case,
    DeadlineOverride,
    Pause,
    Record,
    ReviewType,
    Stage,
    StageChange,
)
from cspr_tui.domain.stamp import Stamp
from cspr_tui.domain.storable import checked_date, need_reason
from cspr_tui.domain.workflow import TransitionRefused
from cspr_tui.errors import ValidationFailed
from cspr_tui.settings import Settings

__all__ = [
    "advance",
    "apply_decision",
    "check_deferrable",
    "override_deadline",
    "pause",
    "pause_deadline",
    "resume",
    "resume_deadline",
]


def advance(
    case: Case,
    stamp: Stamp,
    settings: Settings,
    calendar: WorkingCalendar,
    review_version: int,
    reason: str = "",
    override: bool = False,
) -> tuple[Stage, str]:
    """Move the case to its next stage, or raise TransitionRefused naming what is missing.

    `override` accepts a late Panel/SoS copy (T8) and then needs a reason. Returns the stage
    reached and the reason to record.
    """
    check = workflow.check_transition(
        case, settings, stamp.today, override=override, calendar=calendar
    )
    if not check.allowed or check.next_stage is None:
        goal = check.next_stage.label if check.next_stage else "another stage"
        raise TransitionRefused(
            f"{case.ref} cannot move to {goal}; missing: {'; '.join(check.missing)}.",
            details=check.missing,
        )
    if (
        override
        and workflow.check_transition(case, settings, stamp.today, calendar=calendar).overridable
    ):
        reason = need_reason(reason, "Overriding the Panel and Secretary of State copy rule")
    target = check.next_stage
    if case.stage == Stage.DECISION:
        apply_decision(case, stamp, review_version)
    case.history.append(StageChange(case.stage, target, stamp.now, stamp.who, reason))
    case.stage = target
    return target, reason


def apply_decision(case: Case, stamp: Stamp, review_version: int) -> None:
    """The decision sets the review type; "LCSPR" opens the review record with its decision
    date (the T7 clock). `review_version` is the review template's version, for a new record."""
    _form_id, decision, _rationale = workflow.decision_of(case)
    review_type = workflow.classify_decision(decision)
    case.review_type = review_type
    if review_type == ReviewType.NO_FURTHER_REVIEW:
        return
    record = case.records.get("review")
    if record is None:
        record = Record(
            form_id="review",
            template_version=review_version,
            values={},
            updated_at=stamp.now,
            updated_by=stamp.who,
        )
        case.records["review"] = record
    record.values.setdefault("review_type", review_type.value)
    record.values.setdefault("statutory", "Yes" if review_type == ReviewType.LCSPR else "No")
    if review_type == ReviewType.LCSPR and not record.values.get("lcspr_decision_date"):
        record.values["lcspr_decision_date"] = stamp.today.isoformat()


def pause(case: Case, stamp: Stamp, reason: str, start: date | None = None) -> str:
    """Pause or defer the whole case (every clock stops), from any open stage."""
    reason = need_reason(reason, "Pausing a case")
    if case.stage in (Stage.PAUSED, Stage.CLOSED):
        raise TransitionRefused(f"{case.ref} is {case.stage.label.lower()}; it cannot be paused.")
    case.pauses.append(Pause(start=start or stamp.today, reason=reason))
    case.history.append(StageChange(case.stage, Stage.PAUSED, stamp.now, stamp.who, reason))
    case.paused_from = case.stage
    case.stage = Stage.PAUSED
    return reason


def check_deferrable(case: Case) -> None:
    """Refuse deferring publication outside a review in progress or a drafted report."""
    if not workflow.can_defer_publication(case):
        raise TransitionRefused(
            f"{case.ref} is at {case.stage.label.lower()}; publication can be deferred only "
            "while a review is in progress or its report is drafted."
        )


def resume(case: Case, stamp: Stamp, reason: str = "", end: date | None = None) -> None:
    """End the case's pause and return it to the stage it left."""
    if case.stage != Stage.PAUSED or case.paused_from is None:
        raise TransitionRefused(f"{case.ref} is not paused, so it cannot be resumed.")
    day = end or stamp.today
    for item in case.pauses:
        if item.deadline is None and item.end is None:
            item.end = day
    target = case.paused_from
    case.history.append(StageChange(Stage.PAUSED, target, stamp.now, stamp.who, reason))
    case.stage = target
    case.paused_from = None


def override_deadline(
    case: Case, stamp: Stamp, rule: str, due_date: date | str, reason: str
) -> str:
    """Replace one deadline's due date, recording who and why; returns the reason."""
    reason = need_reason(reason, f"Overriding deadline {rule}")
    due = checked_date(due_date, "New due date")
    if due is None:
        raise ValidationFailed("an override needs the new due date.")
    case.overrides = [o for o in case.overrides if o.deadline != rule]
    case.overrides.append(DeadlineOverride(rule, due, reason, stamp.who, stamp.now))
    return reason


def pause_deadline(
    case: Case, stamp: Stamp, rule: str, reason: str, start: date | None = None
) -> str:
    """Stop one deadline's clock (e.g. pending a criminal trial); returns the reason."""
    reason = need_reason(reason, f"Pausing deadline {rule}")
    if any(p.deadline == rule and p.end is None for p in case.pauses):
        raise ValidationFailed(f"deadline {rule} of {case.ref} is already paused.")
    case.pauses.append(Pause(start or stamp.today, reason, None, rule))
    return reason


def resume_deadline(case: Case, stamp: Stamp, rule: str, end: date | None = None) -> None:
    """Start one deadline's clock again."""
    open_pauses = [p for p in case.pauses if p.deadline == rule and p.end is None]
    if not open_pauses:
        raise ValidationFailed(f"deadline {rule} of {case.ref} is not paused.")
    for item in open_pauses:
        item.end = end or stamp.today
