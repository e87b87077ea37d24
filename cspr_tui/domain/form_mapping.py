"""Where form records sit in a case, and the answers that differ between forms and dataclasses.

Forms hold what a reviewer reads ("Rapid review", "Yes"); the dataclasses of `case.py` hold
what the code compares ("rapid_review", True). Every translation between the two lives here
once, so the store, the TUI and the exports cannot drift apart. Records are keyed by form id,
except the agency information report, of which a case holds one per agency
(`agency_report:<Agency>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from cspr_tui.domain.case import AgencyReportRequest, Case, Recommendation, Record, ReportDepth
from cspr_tui.domain.plain_json import plain_json
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms.dates import iso_date, optional_iso_date

__all__ = [
    "AGENCY_REPORT_FORM",
    "DEPTHS",
    "REQUEST_ANSWERS",
    "SHARED_ANSWERS",
    "adopt_shared_answers",
    "agency_record",
    "agency_records",
    "answers_from_request",
    "answers_to_request",
    "barrier_from_form",
    "barrier_to_form",
    "depth_from_form",
    "depth_to_form",
    "find_request",
    "is_agency_report_key",
    "own_answers",
    "recommendation_from_form",
    "recommendation_to_form",
    "record_key",
    "report_answers",
    "split_record_key",
]

AGENCY_REPORT_FORM = "agency_report"
_KEY_SEPARATOR = ":"

# AgencyReportRequest.depth -> the agency report form's "Depth of report" answer.
DEPTHS: dict[str, str] = {depth.value: depth.label for depth in ReportDepth}

# The agency report form's answer -> the request's attribute holding the same fact: the one
# map between them. The request owns these facts (it exists from the day an agency is asked,
# before any report); the report's record keeps only its own answers (and its Agency, which
# names it), and `report_answers` derives the form's view of both when read.
REQUEST_ANSWERS: dict[str, str] = {
    "agency": "agency",
    "author_name": "author",
    "author_role": "author_role",
    "date_requested": "requested_date",
    "due_date": "due_date",
    "depth": "depth",
}
# The answers kept on the request only, never in the report's record.
SHARED_ANSWERS: dict[str, str] = {a: n for a, n in REQUEST_ANSWERS.items() if a != "agency"}

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
    known = {answer: plain_json(getattr(request, name)) for answer, name in REQUEST_ANSWERS.items()}
    known["depth"] = depth_to_form(request.depth)
    return {key: value for key, value in known.items() if value}


def own_answers(values: Mapping[str, Any]) -> dict[str, Any]:
    """What an agency report's record keeps: its answers less those its request owns."""
    return {key: value for key, value in values.items() if key not in SHARED_ANSWERS}


def find_request(case: Case, agency: str) -> AgencyReportRequest | None:
    """The case's request to this agency (any letter case), or None; `agency_report.find`."""
    wanted = agency.strip().casefold()
    return next((r for r in case.agency_reports if r.agency.casefold() == wanted), None)


def report_answers(case: Case, agency: str) -> dict[str, Any]:
    """An agency's report as its form reads it: the record's own answers with the facts its
    request owns (author, role, dates, depth); empty when there is neither."""
    record = agency_record(case, agency)
    values = dict(record.values) if record is not None else {}
    request = find_request(case, agency)
    if request is not None:
        values.update(answers_from_request(request))
    return values


def answers_to_request(request: AgencyReportRequest, values: Mapping[str, Any]) -> None:
    """Keep the facts a report's answers give on its request, their one owner: an answer
    given blank clears the fact (a blank depth leaves it); one not given leaves it."""
    for answer, attribute in SHARED_ANSWERS.items():
        if answer not in values:
            continue
        value = values[answer]
        if attribute == "depth":
            if value not in (None, ""):
                request.depth = depth_from_form(value)
        elif attribute.endswith("_date"):
            setattr(request, attribute, optional_iso_date(value or None))
        else:
            setattr(request, attribute, str(value or ""))


def adopt_shared_answers(case: Case) -> None:
    """Migrate on read: a report record saved when it also kept its request's facts hands
    them to the request and keeps only its own answers.

    The store kept the request in step with the form on every save, so the record's answer
    is the newer word where it has one; the request's fills the rest. A report for an agency
    never asked gets its request (and the agency joins the case), as saving it did. A depth
    the form cannot read is left to the request. Nothing else changes.
    """
    for key, record in case.records.items():
        form_id, agency = split_record_key(key)
        if form_id != AGENCY_REPORT_FORM or not any(a in record.values for a in SHARED_ANSWERS):
            continue
        name = (agency or str(record.values.get("agency") or "")).strip()
        if name:
            request = find_request(case, name)
            if request is None:
                request = AgencyReportRequest(agency=name)
                case.agency_reports.append(request)
                if name not in case.agencies:
                    case.agencies.append(name)
            # an old single report behind a newer per-agency one only fills the blanks
            shadowed = agency is None and agency_record(case, name) is not record
            for answer, attribute in SHARED_ANSWERS.items():
                value = record.values.get(answer)
                if value in (None, "") or (shadowed and getattr(request, attribute)):
                    continue
                if attribute == "depth":
                    with suppress(ValidationFailed):
                        request.depth = depth_from_form(value)
                elif attribute.endswith("_date"):
                    setattr(request, attribute, iso_date(value))
                else:
                    setattr(request, attribute, str(value))
            record.values = own_answers(record.values)  # a new dict: `values` may be shared


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
