"""The rules of a recommendation's life, as pure functions over a `Case`.

Its form is form_templates/recommendation.yaml.

Adding an action, changing it (the statuses and overrides that need a reason, a revised
target date counted), the completion checks (evidence before completed, impact evidence
before closed) and the quarterly update log. The store calls these on its private copy of
the case and commits the result; nothing here touches a vault or a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date
from typing import Any, TypedDict, Unpack

from cspr_tui.domain import form_mapping, workflow
from cspr_tui.domain.case import (
    RECOMMENDATION_DATE_FIELDS,
    Case,
    QuarterlyUpdate,
    Rag,
    Recommendation,
    RecommendationStatus,
    Scope,
)
from cspr_tui.domain.completion import check_completion
from cspr_tui.domain.stamp import Stamp
from cspr_tui.domain.storable import checked_date, need_reason
from cspr_tui.errors import UsageError, ValidationFailed

__all__ = [
    "EDITABLE_FIELDS",
    "QuarterlyDetails",
    "RecommendationDetails",
    "add_quarterly_update",
    "add_recommendation",
    "apply_changes",
    "check_completion",
    "find",
    "scope_of",
]

# Recommendation fields a caller may change with `apply_changes`.
EDITABLE_FIELDS = frozenset(
    f.name for f in fields(Recommendation) if f.name not in {"id", "updates", "revisions"}
)


class RecommendationDetails(TypedDict, total=False):
    """What a new action may say besides its recommendation's text."""

    action: str
    number: int | None
    action_number: int | None
    lead_agency: str
    lead_officer: str
    lead_officer_name: str
    target_date: date | str | None
    scope: Scope | str
    theme_tags: Iterable[str]
    impact_measure: str


class QuarterlyDetails(TypedDict, total=False):
    """What a quarterly update may say besides its narrative and the status it leaves."""

    barrier: bool | str
    reason: str
    evidence: str | None
    impact_evidence: str | None


def scope_of(value: Any) -> Scope:
    """The scope named by `value` ("Multi-agency"...); refused with the allowed names."""
    try:
        return Scope(value)
    except ValueError:
        *others, last = (s.value for s in Scope)
        raise ValidationFailed(
            f"Scope must be {', '.join(others)} or {last}, not {value!r}."
        ) from None


def find(case: Case, rec_id: str) -> Recommendation:
    """The case's action with this id; UsageError (exit 2) naming it when there is none."""
    for rec in case.recommendations:
        if rec.id == rec_id:
            return rec
    raise UsageError(f"{case.ref} has no recommendation {rec_id}.")


def add_recommendation(
    case: Case, stamp: Stamp, *, text: str, **details: Unpack[RecommendationDetails]
) -> Recommendation:
    """Add one action under a recommendation; its id is <ref>-R<number>-A<action>.

    The same recommendation text keeps its number; a new text takes the next one. The lead
    agency joins the case's agencies.
    """
    if not text.strip():
        raise ValidationFailed("a recommendation needs its text.")
    unknown = sorted(set(details) - set(RecommendationDetails.__annotations__))
    if unknown:
        raise TypeError(f"add_recommendation() got unexpected keyword arguments {unknown}")
    checked_scope = scope_of(details.get("scope", Scope.MULTI_AGENCY))
    number = details.get("number")
    action_number = details.get("action_number")
    if number is None:
        same = [r.number for r in case.recommendations if r.text.strip() == text.strip()]
        number = same[0] if same else max((r.number for r in case.recommendations), default=0) + 1
    if action_number is None:
        taken = (r.action_number for r in case.recommendations if r.number == number)
        action_number = max(taken, default=0) + 1
    rec_id = f"{case.ref}-R{number}-A{action_number}"
    if any(r.id == rec_id for r in case.recommendations):
        raise ValidationFailed(f"{rec_id} already exists on {case.ref}.")
    rec = Recommendation(
        id=rec_id,
        number=number,
        text=text.strip(),
        action_number=action_number,
        action=details.get("action", "").strip(),
        scope=checked_scope,
        lead_agency=details.get("lead_agency", "").strip(),
        lead_officer=details.get("lead_officer", "").strip(),
        lead_officer_name=details.get("lead_officer_name", "").strip(),
        target_date=checked_date(details.get("target_date"), "Target date"),
        theme_tags=list(details.get("theme_tags", ())),
        impact_measure=details.get("impact_measure", ""),
        created_date=stamp.today,
        last_updated=stamp.today,
        last_updated_by=stamp.who,
    )
    case.recommendations.append(rec)
    if rec.lead_agency and rec.lead_agency not in case.agencies:
        case.agencies.append(rec.lead_agency)
    return rec


def apply_changes(
    rec: Recommendation, changes: Mapping[str, Any], reason: str, stamp: Stamp
) -> None:
    """Change a recommendation; pausing, not accepting, superseding, overriding the RAG
    and revising the target date each need a reason (refused without); the completion
    checks (domain/completion.py) run on the result."""
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise UsageError(f"a recommendation has no editable field {', '.join(unknown)}.")
    updates = dict(changes)
    if "barrier" in updates:
        updates["barrier"] = form_mapping.barrier_from_form(updates["barrier"])
    for name in RECOMMENDATION_DATE_FIELDS:
        if name in updates:
            updates[name] = checked_date(updates[name], name.replace("_", " ").capitalize())
    if "status" in updates:
        try:
            status = RecommendationStatus(updates["status"])
        except ValueError:
            allowed = ", ".join(s.value for s in RecommendationStatus)
            raise ValidationFailed(
                f"{updates['status']!r} is not a recommendation status ({allowed})."
            ) from None
        updates["status"] = status
        if status != rec.status and status in workflow.REASON_REQUIRED_STATUSES:
            updates["status_reason"] = need_reason(
                str(updates.get("status_reason") or reason),
                f"Changing {rec.id} to {status.value}",
            )
    if "rag_override" in updates:
        value = updates["rag_override"]
        try:
            rag = Rag(value) if value else None
        except ValueError:
            raise ValidationFailed(f"{value!r} is not a RAG rating.") from None
        updates["rag_override"] = rag
        if rag != rec.rag_override:
            updates["rag_override_reason"] = (
                need_reason(
                    str(updates.get("rag_override_reason") or reason),
                    f"Overriding the RAG rating of {rec.id}",
                )
                if rag is not None
                else ""
            )
    revised = updates.get("revised_target_date", rec.revised_target_date)
    if revised is not None and revised != rec.revised_target_date:
        updates["revision_reason"] = need_reason(
            str(updates.get("revision_reason") or reason),
            f"Revising the target date of {rec.id}",
        )
        updates["revisions"] = rec.revisions + 1
    if "scope" in updates:
        updates["scope"] = scope_of(updates["scope"])
    for name, value in updates.items():
        setattr(rec, name, value)
    check_completion(rec, stamp.today)
    rec.last_updated = stamp.today
    rec.last_updated_by = stamp.who


def add_quarterly_update(
    rec: Recommendation,
    stamp: Stamp,
    quarter: str,
    day: date,
    narrative: str,
    status_after: RecommendationStatus | str,
    **details: Unpack[QuarterlyDetails],
) -> None:
    """Append this quarter's update to the log and move the status (the reason rules of
    `apply_changes` apply)."""
    if not narrative.strip():
        raise ValidationFailed("a quarterly update needs its narrative.")
    unknown = sorted(set(details) - set(QuarterlyDetails.__annotations__))
    if unknown:
        raise TypeError(f"add_quarterly_update() got unexpected keyword arguments {unknown}")
    status_before = rec.status
    changes: dict[str, Any] = {"status": status_after, "barrier": details.get("barrier", False)}
    for name in ("evidence", "impact_evidence"):
        if details.get(name) is not None:
            changes[name] = details.get(name)
    apply_changes(rec, changes, details.get("reason", ""), stamp)
    rec.updates.append(
        QuarterlyUpdate(
            quarter=quarter,
            date=day,
            narrative=narrative.strip(),
            status_before=status_before.value,
            status_after=rec.status.value,
            updated_by=stamp.who,
        )
    )
    rec.last_updated = day
