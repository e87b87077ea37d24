"""Where form records sit in a case, and the answers that differ between forms and dataclasses.

Forms hold what a reviewer reads ("Rapid review", "Yes"); the dataclasses of `case.py` hold
what the code compares ("rapid_review", True). Every translation between the two lives here
once, so the store, the TUI and the exports cannot drift apart. Records are keyed by form id,
except the agency information report, of which a case holds one per agency
(`agency_report:<Agency>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cspr_tui.domain.case import AgencyReportRequest, Case, Recommendation, Record, ReportDepth
from cspr_tui.domain.plain_json import plain_json
from cspr_tui.errors import ValidationFailed

__all__ = [
    "AGENCY_REPORT_FORM",
    "DEPTHS",
    "REQUEST_ANSWERS",
    "agency_record",
    "agency_records",
    "answers_from_request",
    "barrier_from_form",
    "barrier_to_form",
    "depth_from_form",
    "depth_to_form",
    "is_agency_report_key",
    "recommendation_from_form",
    "recommendation_to_form",
    "record_key",
    "split_record_key",
]

AGENCY_REPORT_FORM = "agency_report"
_KEY_SEPARATOR = ":"

# AgencyReportRequest.depth -> the agency report form's "Depth of report" answer.
DEPTHS: dict[str, str] = {depth.value: depth.label for depth in ReportDepth}

# The agency report form's answer -> the request's attribute holding the same fact: the one
# map between them (the form screen starting a report, the store keeping the request in
# step, the answers a return is read back with).
REQUEST_ANSWERS: dict[str, str] = {
    "agency": "agency",
    "author_name": "author",
    "author_role": "author_role",
    "date_requested": "requested_date",
    "due_date": "due_date",
    "depth": "depth",
}

# Recommendation attributes the store keeps itself; a form's copy of them is not a change.
_STORE_KEPT = frozenset({"id", "updates", "revisions", "last_updated", "last_updated_by"})
_OPTIONAL_TEXT_TO_NONE = frozenset(
    {
        "target_date",
        "revised_target_date",
        "date_completed",
        "date_closed",
        "created_date",
        "rag_override",
    }
)


# -- record keys --------------------------------------------------------------------------
def record_key(form_id: str, agency: str | None = None) -> str:
    """The key of a record in `Case.records`: the form id, plus the agency for agency reports."""
    if form_id != AGENCY_REPORT_FORM:
        if agency is not None:
            raise ValidationFailed(f"only agency reports are kept per agency, not the {form_id}.")
        return form_id
    name = (agency or "").strip()
    if not name:
        raise ValidationFailed(
            "an agency report needs the agency's name (Agency), so each agency keeps its own."
        )
    return f"{AGENCY_REPORT_FORM}{_KEY_SEPARATOR}{name}"


def split_record_key(key: str) -> tuple[str, str | None]:
    """(form id, agency or None) of a record key; an old single agency report has no agency."""
    form_id, separator, agency = key.partition(_KEY_SEPARATOR)
    if separator and form_id == AGENCY_REPORT_FORM and agency.strip():
        return form_id, agency
    return key, None


def is_agency_report_key(key: str) -> bool:
    return split_record_key(key)[0] == AGENCY_REPORT_FORM


def agency_records(case: Case) -> dict[str, Record]:
    """Each agency's information report record, by agency name, in the order saved.

    A record saved before reports were kept per agency (key `agency_report`) is listed
    under the agency its answers name, unless that agency has a newer one.
    """
    found: dict[str, Record] = {}
    legacy: list[Record] = []
    for key, record in case.records.items():
        form_id, agency = split_record_key(key)
        if form_id != AGENCY_REPORT_FORM:
            continue
        if agency is None:
            legacy.append(record)
        else:
            found[agency] = record
    for record in legacy:
        name = str(record.values.get("agency") or "").strip()
        if name and not any(a.casefold() == name.casefold() for a in found):
            found[name] = record
    return found


def agency_record(case: Case, agency: str) -> Record | None:
    """One agency's report record (agency names compared without regard to case)."""
    wanted = agency.strip().casefold()
    for name, record in agency_records(case).items():
        if name.casefold() == wanted:
            return record
    return None


# -- values --------------------------------------------------------------------------------
def depth_to_form(depth: str) -> str:
    """The stored depth code as the form and the documents show it ("lcspr" -> "LCSPR");
    the one mapping, so the form, the fillable report and the Word context agree."""
    return DEPTHS.get(depth, ReportDepth.RAPID_REVIEW.label)


def depth_from_form(value: Any) -> ReportDepth:
    """A depth from the form ("LCSPR") or already stored ("lcspr") as the stored code."""
    text = str(value or "").strip()
    if not text:
        return ReportDepth.RAPID_REVIEW
    for depth in ReportDepth:
        if text.casefold() in (depth.value.casefold(), depth.label.casefold()):
            return depth
    allowed = " or ".join(repr(label) for label in DEPTHS.values())
    raise ValidationFailed(f"Depth of report must be {allowed}, not {text!r}.")


def answers_from_request(request: AgencyReportRequest) -> dict[str, Any]:
    """The agency report answers its request already gives (blank ones left out)."""
    known = {answer: getattr(request, name) for answer, name in REQUEST_ANSWERS.items()}
    known["depth"] = depth_to_form(request.depth)
    return {key: value for key, value in known.items() if value}


def barrier_to_form(flag: bool) -> str:
    return "Yes" if flag else "No"


def barrier_from_form(value: Any) -> bool:
    """The recommendation form's yes/no answer (or a bool) as the dataclass's bool."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().casefold()
    if text in ("", "no", "n", "false"):
        return False
    if text in ("yes", "y", "true"):
        return True
    raise ValidationFailed(f"A barrier needs escalation must be Yes or No, not {value!r}.")


def recommendation_to_form(rec: Recommendation) -> dict[str, Any]:
    """A recommendation as the recommendation form's answers (enums as text, Yes/No)."""
    values: dict[str, Any] = plain_json(
        {name: getattr(rec, name) for name in rec.__dataclass_fields__}
    )
    values["updates"] = [plain_json(vars(u)) for u in rec.updates]
    values["barrier"] = barrier_to_form(rec.barrier)
    return {k: ("" if v is None else v) for k, v in values.items()}


def recommendation_from_form(values: Mapping[str, Any]) -> dict[str, Any]:
    """The recommendation form's answers as changes for `CaseStore.update_recommendation`.

    Drops what the store keeps itself (id, update log, revision count, last updated) and
    turns empty optional answers back into None.
    """
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name in _STORE_KEPT or name not in Recommendation.__dataclass_fields__:
            continue
        if name == "barrier":
            value = barrier_from_form(value)
        elif name in _OPTIONAL_TEXT_TO_NONE and value == "":
            value = None
        elif name == "theme_tags":
            value = list(value or [])
        changes[name] = value
    return changes
