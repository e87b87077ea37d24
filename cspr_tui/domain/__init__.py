"""Cases, the review workflow, deadlines, the audit trail and the case store (no UI here)."""

from cspr_tui.domain.audit import AuditEntry, Change, verify_chain
from cspr_tui.domain.calendar import WorkingCalendar, add_months, calendar_from_settings
from cspr_tui.domain.case import (
    AgencyReportRequest,
    Case,
    DeadlineOverride,
    Pause,
    Person,
    QuarterlyUpdate,
    Rag,
    Recommendation,
    RecommendationStatus,
    Record,
    RecordStatus,
    Stage,
    StageChange,
)
from cspr_tui.domain.case_json import (
    case_from_data,
    case_to_data,
    dump_cases,
    parse_case_file,
    read_case_file,
    write_case_file,
)
from cspr_tui.domain.deadline import (
    DEFAULT_TIME_LIMITS,
    Deadline,
    DeadlineStatus,
    TimeLimit,
    all_deadlines,
    case_deadlines,
    next_deadline,
    time_limits,
)
from cspr_tui.domain.integrity import check as check_integrity
from cspr_tui.domain.quarter import Quarter, current_quarter, quarter_of
from cspr_tui.domain.rag import RAG_DEFINITIONS, compute_rag, effective_target, is_overdue
from cspr_tui.domain.store import CaseNotFound, CaseStore
from cspr_tui.domain.workflow import TransitionCheck, TransitionRefused, check_transition

__all__ = [
    "DEFAULT_TIME_LIMITS",
    "RAG_DEFINITIONS",
    "AgencyReportRequest",
    "AuditEntry",
    "Case",
    "CaseNotFound",
    "CaseStore",
    "Change",
    "Deadline",
    "DeadlineOverride",
    "DeadlineStatus",
    "Pause",
    "Person",
    "Quarter",
    "QuarterlyUpdate",
    "Rag",
    "Recommendation",
    "RecommendationStatus",
    "Record",
    "RecordStatus",
    "Stage",
    "StageChange",
    "TimeLimit",
    "TransitionCheck",
    "TransitionRefused",
    "WorkingCalendar",
    "add_months",
    "all_deadlines",
    "calendar_from_settings",
    "case_deadlines",
    "case_from_data",
    "case_to_data",
    "check_integrity",
    "check_transition",
    "compute_rag",
    "current_quarter",
    "dump_cases",
    "effective_target",
    "is_overdue",
    "next_deadline",
    "parse_case_file",
    "quarter_of",
    "read_case_file",
    "time_limits",
    "verify_chain",
    "write_case_file",
]
