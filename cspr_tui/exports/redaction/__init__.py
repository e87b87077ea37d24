"""Redaction: one engine finds every identifier in a case's outputs; a reviewer decides."""

from cspr_tui.exports.redaction.engine import (
    Finding,
    Redactor,
    SharedScans,
    decision,
    open_findings,
)
from cspr_tui.exports.redaction.key import Subject, subjects_for_case
from cspr_tui.exports.redaction.memo import forget_cached_words
from cspr_tui.exports.redaction.normalise import fold, fold_plain
from cspr_tui.exports.redaction.review import (
    RedactionReviewNeeded,
    allowlist,
    case_findings,
    case_redactor,
    report_findings,
    require_reviewed,
    tracker_texts,
)

__all__ = [
    "Finding",
    "RedactionReviewNeeded",
    "Redactor",
    "SharedScans",
    "Subject",
    "allowlist",
    "case_findings",
    "case_redactor",
    "decision",
    "fold",
    "fold_plain",
    "forget_cached_words",
    "open_findings",
    "report_findings",
    "require_reviewed",
    "subjects_for_case",
    "tracker_texts",
]
