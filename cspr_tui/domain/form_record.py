"""Saving a form's answers on a case: where the record goes, how it is judged, what is kept.

Pure functions over a `Case` and a `Form`: `record_key` says which record (agency reports are
kept one per agency), `judge` applies the template (an older record by its own version's
leniency) and refuses with structured issues, `put_record` writes the record and, for an
agency report, hands its request the facts the request owns (domain/agency_report.py). The
store calls them and commits the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from cspr_tui.domain import agency_report, form_mapping
from cspr_tui.domain.case import Case, Record, RecordStatus
from cspr_tui.domain.case_json import plain_json
from cspr_tui.domain.stamp import Stamp
from cspr_tui.domain.storable import require_storable
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms.model import Form, Issue

__all__ = ["answer_named", "checked_answers", "judge", "put_record", "record_key"]


def answer_named(form: Form, where: str) -> str:
    """A form answer's place as the reviewer sees it: the form's title and the field label."""
    top = where.split(".", 1)[0].split("[", 1)[0]
    field = form.field(top)
    label = field.label if field is not None else top
    return f"the {form.title}'s answer {label!r}"


def checked_answers(form: Form, values: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as JSON data (dates as ISO text), refused when the vault cannot hold
    them, naming the answer as the reviewer sees it."""
    plain: dict[str, Any] = plain_json(dict(values))
    require_storable(plain, lambda where: answer_named(form, where))
    return plain


def record_key(case: Case, form_id: str, values: dict[str, Any], agency: str | None) -> str:
    """Where a record goes; an agency report takes its agency's name as already known, and
    its answers' Agency is set to it (so `values` may change)."""
    if form_id != form_mapping.AGENCY_REPORT_FORM:
        return form_mapping.record_key(form_id, agency)
    named = str(values.get("agency") or "").strip()
    given = (agency or "").strip()
    if given and named and given.casefold() != named.casefold():
        raise ValidationFailed(
            f"the agency report's Agency is {named!r}, not {given!r}; nothing was saved."
        )
    name = given or named
    saved = form_mapping.agency_records(case)
    name = next((k for k in saved if k.casefold() == name.casefold()), name)
    values["agency"] = named or name
    return form_mapping.record_key(form_id, name)


def judge(
    form: Form,
    case: Case,
    key: str,
    values: Mapping[str, Any],
    *,
    finish: bool,
    today: date,
) -> tuple[int, list[Issue]]:
    """The template version to record and the warnings (which never block).

    Impossible answers (a 31/02 date, an unknown choice) are refused even in a draft;
    finishing also refuses missing required answers, listing every problem at once. A
    record captured with an older template is judged by that version's leniency and keeps
    its version unless the answers now pass the current template in full.
    """
    per_agency = form_mapping.split_record_key(key)[1] is not None
    existing = (
        form_mapping.agency_record(case, values["agency"]) if per_agency else case.records.get(key)
    )
    version = int(form.version)
    older = existing.template_version if existing is not None else None
    older = older if older is not None and older < version else None
    issues = form.validate(values, finishing=finish, template_version=older, today=today)
    if older is not None:
        strict = form.validate(values, finishing=finish, today=today)
        if any(i.severity == "error" for i in strict):
            version = older
        else:
            issues = strict
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ValidationFailed(
            f"the {form.title} cannot be {'finished' if finish else 'saved'}: "
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''}; nothing was saved.",
            details=[
                f"{i.label}: {i.message}" if i.label not in i.message else i.message for i in errors
            ],
            issues=errors,
        )
    return version, [i for i in issues if i.severity != "error"]


def put_record(
    case: Case,
    stamp: Stamp,
    key: str,
    form_id: str,
    version: int,
    values: dict[str, Any],
    finish: bool,
    current_section: str | None = None,
) -> None:
    """Keep the answers as the case's record `key` (draft, or complete when finished)."""
    legacy = case.records.get(form_id) if key != form_id else None
    if legacy is not None and (
        str(legacy.values.get("agency") or "").strip().casefold()
        == str(values["agency"]).strip().casefold()
    ):
        del case.records[form_id]  # this agency's report from before per-agency keys
    if key != form_id:  # an agency report: its request keeps the facts it owns
        values = agency_report.take_answers(case, values)
        if finish:
            agency_report.mark_received(case, str(values.get("agency") or ""), stamp.today)
    case.records[key] = Record(
        form_id=form_id,
        template_version=version,
        values=values,
        status=RecordStatus.COMPLETE if finish else RecordStatus.DRAFT,
        updated_at=stamp.now,
        updated_by=stamp.who,
        current_section=current_section,
    )
