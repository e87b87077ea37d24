"""The rules of an agency information report request, as pure functions over a `Case`.

The report itself is form_templates/agency_report.yaml.

One request per agency: asked for, sent (with the token its return must carry), returned.
The request owns the facts its report's form also asks (author, role, dates, depth; the map
is `form_mapping.REQUEST_ANSWERS`); the agency's `agency_report:<Agency>` record keeps only
its own answers. Saving a report or a return hands those facts to the request
(`take_answers`), and the form, a return and the documents read them back from it
(`report_answers`, agency_return.context_values): nothing is kept in step. Pure functions:
the store calls them on its private copy of a case and commits the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import date
from typing import Any

from cspr_tui.domain import form_mapping
from cspr_tui.domain.agency_return import CONTEXT_FIELDS
from cspr_tui.domain.case import AgencyReportRequest, Case, Record, RecordStatus
from cspr_tui.domain.form_mapping import (
    AGENCY_REPORT_FORM,
    REQUEST_ANSWERS,
    answers_from_request,
    answers_to_request,
    depth_from_form,
    own_answers,
)
from cspr_tui.domain.form_mapping import find_request as find
from cspr_tui.domain.stamp import Stamp
from cspr_tui.domain.storable import checked_date
from cspr_tui.errors import UsageError, ValidationFailed
from cspr_tui.forms.model import Form, Issue

__all__ = [
    "REQUEST_ANSWERS",
    "answers_from_request",
    "find",
    "judge_return",
    "mark_sent",
    "report_answers",
    "request_report",
    "store_return",
    "take_answers",
    "update_report",
]

_DATES = (("requested_date", "Date requested"), ("due_date", "Date due"))
_ANSWER_OF = {attribute: answer for answer, attribute in REQUEST_ANSWERS.items()}
_REQUEST_FIELDS = frozenset(f.name for f in fields(AgencyReportRequest))


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
        requested_date=checked_date(request.requested_date, "Date requested"),
        due_date=checked_date(request.due_date, "Date due"),
        received_date=checked_date(request.received_date, "Date received"),
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
        setattr(updated, name, checked_date(getattr(updated, name), name.replace("_", " ")))
    updated.depth = depth_from_form(updated.depth)
    case.agency_reports[case.agency_reports.index(found)] = updated
    return updated


def mark_sent(case: Case, agency: str, *, token: str, version: int, day: date) -> str:
    """The fillable report went out: its token (kept once set), version and date, on the
    request. An agency named on the case but never formally asked gets its request here.
    Returns the agency's name as the case spells it."""
    request = find(case, agency)
    if request is None:
        request = AgencyReportRequest(agency=agency.strip(), requested_date=day)
        case.agency_reports.append(request)
        _joined(case, request.agency)
    request.token = request.token or token
    request.version = max(1, int(version))
    request.sent_date = day
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
    when it finished the form, its request's facts on the request (`take_answers`); a
    complete return also marks its request received today."""
    case.records[key] = Record(
        form_id=AGENCY_REPORT_FORM,
        template_version=version,
        values=take_answers(case, answers),
        status=RecordStatus.COMPLETE if finished else RecordStatus.DRAFT,
        updated_at=stamp.now,
        updated_by=stamp.who,
    )
    request = find(case, agency)
    if complete and request is not None:
        request.received_date = stamp.today


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


def mark_received(case: Case, agency: str, day: date) -> None:
    """A finished report is in: its request is received that day, unless it already was
    (a later edit of the report does not move the date)."""
    request = find(case, agency.strip()) if agency.strip() else None
    if request is not None and not request.received_date:
        request.received_date = day


def take_answers(case: Case, values: Mapping[str, Any]) -> dict[str, Any]:
    """Saving an agency report: the facts its request owns (author, role, dates, depth) go
    to the request, and the rest is returned for the report's record, so neither copies the
    other. A report for an agency never asked adds its request (and the agency to the case).
    Dates are checked as when a report is asked for."""
    agency = str(values.get("agency") or "").strip()
    if not agency:
        return own_answers(values)
    checked = dict(values)
    for attribute, label in _DATES:
        answer = _ANSWER_OF[attribute]
        if answer in checked:
            checked[answer] = checked_date(checked[answer], label)
    item = find(case, agency)
    if item is None:
        item = AgencyReportRequest(agency=agency)
        case.agency_reports.append(item)
        _joined(case, agency)
    answers_to_request(item, checked)
    return own_answers(values)


def report_answers(case: Case, agency: str) -> dict[str, Any]:
    """An agency's report as its form reads it (form_mapping.report_answers)."""
    return form_mapping.report_answers(case, agency)
