"""The rules of an agency information report request, as pure functions over a `Case`.

The report itself is form_templates/agency_report.yaml.

One request per agency: asked for, sent (with the token its return must carry), returned.
The request and the agency's `agency_report:<Agency>` form record share six answers (agency,
author, role, dates, depth); `form_mapping.REQUEST_ANSWERS` is the one map between them, read
by the form screen to start a report from its request (`answers_from_request`), by the
store to keep the request in step when the form is saved (`sync_from_form`) and when a
return is read back (agency_return.context_values). Pure functions: the store calls them on
its private copy of a case and commits the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import date
from typing import Any

from cspr_tui.domain.agency_return import CONTEXT_FIELDS
from cspr_tui.domain.case import AgencyReportRequest, Case, Record, RecordStatus
from cspr_tui.domain.form_mapping import (
    AGENCY_REPORT_FORM,
    REQUEST_ANSWERS,
    answers_from_request,
    depth_from_form,
)
from cspr_tui.domain.stamp import Stamp
from cspr_tui.domain.storable import checked_iso
from cspr_tui.errors import UsageError, ValidationFailed
from cspr_tui.forms.model import Form, Issue

__all__ = [
    "REQUEST_ANSWERS",
    "answers_from_request",
    "find",
    "judge_return",
    "mark_sent",
    "request_report",
    "store_return",
    "sync_from_form",
    "update_report",
]

_DATES = (("requested_date", "Date requested"), ("due_date", "Date due"))
_REQUEST_FIELDS = frozenset(f.name for f in fields(AgencyReportRequest))


def find(case: Case, agency: str) -> AgencyReportRequest | None:
    """The case's request to this agency (any letter case), or None."""
    wanted = agency.strip().casefold()
    return next((r for r in case.agency_reports if r.agency.casefold() == wanted), None)


def _joined(case: Case, agency: str) -> None:
    if agency not in case.agencies:
        case.agencies.append(agency)


def request_report(case: Case, request: AgencyReportRequest) -> AgencyReportRequest:
    """Record that an agency was asked for its information report (one per agency)."""
    agency = request.agency.strip()
    if not agency:
        raise ValidationFailed("an agency report request needs the agency's name.")
    if find(case, agency) is not None:
        raise ValidationFailed(f"{agency} was already asked for a report on {case.ref}.")
    request = replace(
        request,
        agency=agency,
        depth=depth_from_form(request.depth),
        requested_date=checked_iso(request.requested_date, "Date requested"),
        due_date=checked_iso(request.due_date, "Date due"),
        received_date=checked_iso(request.received_date, "Date received"),
    )
    case.agency_reports.append(request)
    _joined(case, agency)
    return request


def update_report(case: Case, agency: str, changes: Mapping[str, Any]) -> AgencyReportRequest:
    """Change a request's details (not its agency); dates and depth checked as when asked."""
    found = find(case, agency)
    if found is None:
        raise UsageError(f"{agency} has not been asked for a report on {case.ref}.")
    unknown = sorted(set(changes) - (_REQUEST_FIELDS - {"agency"}))
    if unknown:
        raise UsageError(f"an agency report has no field {', '.join(unknown)}.")
    updated = replace(found, **dict(changes))
    for name in ("requested_date", "due_date", "received_date"):
        setattr(updated, name, checked_iso(getattr(updated, name), name.replace("_", " ")))
    updated.depth = depth_from_form(updated.depth)
    case.agency_reports[case.agency_reports.index(found)] = updated
    return updated


def mark_sent(case: Case, agency: str, *, token: str, version: int, day: date) -> str:
    """The fillable report went out: its token (kept once set), version and date, on the
    request. An agency named on the case but never formally asked gets its request here.
    Returns the agency's name as the case spells it."""
    request = find(case, agency)
    if request is None:
        request = AgencyReportRequest(agency=agency.strip(), requested_date=day.isoformat())
        case.agency_reports.append(request)
        _joined(case, request.agency)
    request.token = request.token or token
    request.version = max(1, int(version))
    request.sent_date = day.isoformat()
    return request.agency


def store_return(
    case: Case,
    stamp: Stamp,
    agency: str,
    key: str,
    version: int,
    answers: dict[str, Any],
    finished: bool,
    complete: bool,
) -> None:
    """Keep a judged return (`judge_return`) as the agency's report record `key`, complete
    when it finished the form; a complete return also marks its request received today."""
    case.records[key] = Record(
        form_id=AGENCY_REPORT_FORM,
        template_version=version,
        values=answers,
        status=RecordStatus.COMPLETE if finished else RecordStatus.DRAFT,
        updated_at=stamp.now,
        updated_by=stamp.who,
    )
    request = find(case, agency)
    if complete and request is not None:
        request.received_date = stamp.today.isoformat()


def judge_return(
    form: Form, answers: Mapping[str, Any], *, agency: str, complete: bool, today: date
) -> bool:
    """Whether a return's answers finish the agency report (True) or stay a draft (False).

    Refused (ValidationFailed, every problem listed) when the agency's own answers are
    impossible, or, for a complete return, missing. The review team's own answers
    (CONTEXT_FIELDS: scope, dates) missing do not refuse a return: it is kept as a draft
    until the case has them. `complete=False` (a part return) is judged as a draft.
    """
    issues = form.validate(answers, finishing=True, today=today)
    finished = not any(i.severity == "error" for i in issues)
    if not complete:
        issues = form.validate(answers, finishing=False, today=today)
    errors = [i for i in issues if i.severity == "error" and _top(i) not in CONTEXT_FIELDS]
    if errors:
        raise ValidationFailed(
            f"the return from {agency} cannot be stored: "
            f"{len(errors)} problem(s); nothing was saved.",
            details=[i.message for i in errors],
            issues=errors,
        )
    return finished


def _top(issue: Issue) -> str:
    return issue.path.split(".", 1)[0].split("[", 1)[0]


def sync_from_form(case: Case, values: Mapping[str, Any]) -> None:
    """An agency report form also keeps the case's request in step: the form's answers are
    the newer word on author, dates and depth. A report for an agency never asked adds its
    request (and the agency to the case)."""
    agency = str(values.get("agency") or "").strip()
    if not agency:
        return
    answers = {
        attribute: values.get(answer)
        for answer, attribute in REQUEST_ANSWERS.items()
        if answer != "agency"
    }
    for attribute, label in _DATES:
        answers[attribute] = checked_iso(answers[attribute], label)
    item = find(case, agency)
    if item is None:
        item = AgencyReportRequest(agency=agency)
        case.agency_reports.append(item)
        _joined(case, agency)
        answers["depth"] = depth_from_form(answers["depth"])
    elif answers["depth"]:
        answers["depth"] = depth_from_form(answers["depth"])
    for attribute, value in answers.items():
        if value:
            setattr(item, attribute, str(value) if attribute.startswith("author") else value)
