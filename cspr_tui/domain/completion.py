"""The completion checks of a recommendation's action, as a pure rule.

As the recommendation form (form_templates/recommendation.yaml) asks: completed needs
evidence of completion; closed with impact evidenced needs the impact evidence; either status
dates the action the first time it is reached. Every change of a recommendation
(domain/recommendation.py) ends with this check, so no path can store a completed action
without its evidence.
"""

from __future__ import annotations

from datetime import date

from cspr_tui.domain.case import Recommendation, RecommendationStatus
from cspr_tui.errors import ValidationFailed

__all__ = ["check_completion"]


def check_completion(rec: Recommendation, today: date) -> None:
    """Completed needs evidence; closed with impact needs the impact evidence.

    A status that completes or closes the action dates it (once: a later change keeps the
    first date).
    """
    if rec.status in (
        RecommendationStatus.COMPLETED_AWAITING_EVIDENCE,
        RecommendationStatus.COMPLETED_EVIDENCE_ACCEPTED,
        RecommendationStatus.CLOSED_IMPACT_EVIDENCED,
    ):
        if rec.status != RecommendationStatus.COMPLETED_AWAITING_EVIDENCE and not (
            rec.evidence.strip()
        ):
            raise ValidationFailed(f"{rec.id}: Evidence of completion is required for this status.")
        rec.date_completed = rec.date_completed or today
    if rec.status == RecommendationStatus.CLOSED_IMPACT_EVIDENCED:
        if not rec.impact_evidence.strip():
            raise ValidationFailed(f"{rec.id}: Impact evidence is required to close it.")
        rec.date_closed = rec.date_closed or today
