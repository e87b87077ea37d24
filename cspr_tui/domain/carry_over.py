"""What a new form can start from: answers the case already holds, so nothing is asked twice.

The referral already says when the agency became aware, where it happened and which local
authority the child lives in, and who at each agency knows the family and since when; the
agency report requests already name the agencies asked; the referral and the rapid review
already list the criteria and parallel processes; the settings name the partnership. A form
that opens for the first time starts from those answers, each marked with where it came
from, and the reviewer can change any of them. Only answers the target form accepts are
carried (a choice must be one of its choices), so a carried answer is never an error.
Within one form, an answer given in one step can start a later one (`carry_within`: the
reviewer's name printed in the report is the first reviewer listed).

Pure: plain data in, plain data out; no vault, no UI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cspr_tui.domain.case import Case, Record, RecordStatus, Stage
from cspr_tui.domain.form_mapping import agency_records
from cspr_tui.forms.dates import format_date, iso_date
from cspr_tui.forms.model import Field, Form, Section, is_empty

__all__ = [
    "Carried",
    "carried_paths",
    "carry_over",
    "carry_within",
    "next_agency_to_ask",
    "opened_by_the_workflow",
    "referral_contact",
]

# Form ids as the reviewer reads them, for "carried over from the referral".
SOURCE_NAMES: dict[str, str] = {
    "referral": "the referral",
    "screening": "the screening decision",
    "notification": "the notification",
    "rapid_review": "the rapid review",
    "agency_requests": "the agency report requests",
    "agency_reports": "the agency reports",
    "case_history": "the case's stage history",
    "review": "the review",
    "settings": "the settings",
    "reviewers": "the list of reviewers",
}

_IN_THIS_AREA = "In this local authority area"
_RR_TO_REVIEW_TYPE = {
    "LCSPR recommended": "LCSPR",
    "Other learning review": "Other learning review",
    "Single-agency learning review": "Other learning review",
    "May be of national importance – for the Panel to consider": "National review",
    "No LCSPR – learning captured by the rapid review": "No further review",
}


@dataclass(frozen=True)
class Carried:
    """One answer a new form starts with, and where it came from."""

    value: Any
    source: str  # a key of SOURCE_NAMES

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES.get(self.source, self.source)


def _answer(case: Case, form_id: str, field_id: str) -> Any:
    record = case.record(form_id)
    return None if record is None else record.values.get(field_id)


def _first_child(case: Case, field_id: str) -> Any:
    children = _answer(case, "referral", "children")
    if isinstance(children, list) and children and isinstance(children[0], dict):
        return children[0].get(field_id)
    return None


def _notifying_la(case: Case) -> Any:
    """The local authority where it happened notifies: the child's, when it happened here."""
    if _answer(case, "referral", "incident_location") == _IN_THIS_AREA:
        return _first_child(case, "la_of_residence")
    return None


def _referred_agencies(case: Case) -> dict[str, dict[str, Any]]:
    """The referral's "agencies involved" rows, by agency name (casefolded)."""
    referred = _answer(case, "referral", "agencies")
    rows: dict[str, dict[str, Any]] = {}
    for entry in referred if isinstance(referred, list) else []:
        name = str(entry.get("agency") or "").strip() if isinstance(entry, dict) else ""
        if name and name.casefold() not in rows:
            rows[name.casefold()] = entry
    return rows


def _period(entry: dict[str, Any] | None) -> str | None:
    """ "from 01/06/2024" or "01/06/2024 to 30/09/2026" from a referral's agency row."""
    if not entry:
        return None
    start, end = (_shown_date(entry.get(key)) for key in ("involved_from", "involved_to"))
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else None


def _shown_date(value: Any) -> str | None:
    return format_date(value) or None if isinstance(value, str) else None


def _agency_row(
    name: str, referred: dict[str, Any] | None, report: Record | None
) -> dict[str, Any]:
    """What the case knows of one agency: the referral says it was involved (and when); its
    own report, once filled in, says so too and sums up its contact with the family."""
    answers = report.values if report is not None else {}
    row: dict[str, Any] = {"agency": name}
    involved = answers.get("involved") or ("Yes" if referred is not None else None)
    if involved:
        row["involved"] = involved
    period = _period(referred)
    if period:
        row["period"] = period
    if answers.get("involvement_summary"):
        row["summary"] = answers["involvement_summary"]
    return row


def _agency_rows(case: Case) -> list[dict[str, Any]]:
    """A rapid review agency row for every agency asked for a report (then the referral's)."""
    referred = _referred_agencies(case)
    reports = {name.casefold(): record for name, record in agency_records(case).items()}
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for request in case.agency_reports:
        name = request.agency.strip()
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        report = reports.get(name.casefold())
        row = _agency_row(name, referred.get(name.casefold()), report)
        role = request.author_role
        if not role.strip() and _contact_is_author(case, name):
            # (the referral's contact writes it: their role is the author's; ninth hand run)
            role = str((referred.get(name.casefold()) or {}).get("contact_role") or "")
        author = ", ".join(part for part in (request.author, role.strip()) if part)
        if author:
            row["author"] = author
        # a form answer: the stored (ISO) form of the date
        received = request.received_date.isoformat() if request.received_date else None
        if not received and report is not None and report.status == RecordStatus.COMPLETE:
            received = report.updated_at[:10] or None  # finished in the vault: received then
        if received:
            row["report_received_date"] = received
        rows.append(row)
    for key, entry in referred.items():
        if key not in seen:
            seen.add(key)
            name = str(entry["agency"]).strip()
            rows.append(_agency_row(name, entry, reports.get(key)))
    return rows


def _involved_agencies(case: Case) -> list[str]:
    """The agencies a review looks at: those in the rapid review not marked as uninvolved."""
    rows = _answer(case, "rapid_review", "agency_involvement")
    names = []
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get("agency") and row.get("involved") != "No":
            names.append(str(row["agency"]))
    if not names:
        names = [row["agency"] for row in _agency_rows(case)]
    return names


def _decision_makers(case: Case) -> Any:
    """Who decided: the partners who signed the rapid review off ("Jo Example (LA), ...")."""
    rows = _answer(case, "rapid_review", "signoffs")
    names = [
        f"{row['name']} ({row['partner']})" if row.get("partner") else str(row["name"])
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict) and row.get("name")
    ]
    return ", ".join(names) or None


def _stage_entered(stage: Stage) -> Callable[[Case], Any]:
    """The day the case last moved into `stage` (e.g. the rapid review's start)."""

    def read(case: Case) -> Any:
        days = [change.at[:10] for change in case.history if change.to_stage == stage]
        return days[-1] if days else None

    return read


def _review_type(case: Case) -> Any:
    return _RR_TO_REVIEW_TYPE.get(str(_answer(case, "rapid_review", "decision") or ""))


def _copy(form_id: str, field_id: str) -> tuple[str, Callable[[Case], Any]]:
    return form_id, lambda case: _answer(case, form_id, field_id)


def _first_of(*sources: tuple[str, Callable[[Case], Any]]) -> tuple[str, Callable[[Case], Any]]:
    """The first source that has an answer (e.g. the notification, else the referral)."""

    def pick(case: Case) -> Any:
        for _name, read in sources:
            value = read(case)
            if not is_empty(value):
                return value
        return None

    def name(case: Case) -> str:
        for source, read in sources:
            if not is_empty(read(case)):
                return source
        return sources[0][0]

    pick.source_of = name  # type: ignore[attr-defined]
    return sources[0][0], pick


def _referred_row(case: Case, agency: str | None) -> dict[str, Any] | None:
    """The referral's "agencies involved" row for `agency` (any letter case), or None."""
    return _referred_agencies(case).get((agency or "").strip().casefold()) if agency else None


def _request_of(case: Case, agency: str | None) -> Any:
    wanted = (agency or "").strip().casefold()
    return next((r for r in case.agency_reports if r.agency.strip().casefold() == wanted), None)


def _contact_is_author(case: Case, agency: str | None) -> bool:
    """The referral's contact at `agency` writes its report: no author was named with the
    request, or the one named is that contact. Only then are the contact's role and details
    the author's (another author's role is not the contact's)."""
    row = _referred_row(case, agency)
    if not row or not str(row.get("contact_name") or "").strip():
        return False
    request = _request_of(case, agency)
    named = (request.author if request is not None else "").strip()
    return not named or named.casefold() == str(row["contact_name"]).strip().casefold()


def _contact(agency: str | None, key: str) -> Callable[[Case], Any]:
    """The referral contact's name, role or details, for the report that contact writes."""

    def read(case: Case) -> Any:
        if not _contact_is_author(case, agency):
            return None
        return (_referred_row(case, agency) or {}).get(key)

    return read


def _from_referred_row(agency: str | None, key: str) -> Callable[[Case], Any]:
    return lambda case: (_referred_row(case, agency) or {}).get(key)


def _listed_as_involved(agency: str | None) -> Callable[[Case], Any]:
    """The referral lists the agency among those involved: its report starts from "Yes"."""
    return lambda case: "Yes" if _referred_row(case, agency) is not None else None


def _valid_days(values: Iterable[Any]) -> list[str]:
    days = []
    for value in values:
        try:
            days.append(iso_date(value).isoformat())
        except (TypeError, ValueError):
            continue
    return days


def _report_periods(case: Case, key: str) -> list[str]:
    """Every agency report's "period covered" from or to (readable ISO days only)."""
    return _valid_days(record.values.get(key) for record in agency_records(case).values())


def _review_period_from(case: Case) -> tuple[str, Any]:
    """The review's period starts at the earliest day the case knows an agency was involved:
    an agency report's period covered, or the referral's "involved from" for an agency
    that has not reported (or reported a shorter period)."""
    reported = _report_periods(case, "period_from")
    referred = _valid_days(row.get("involved_from") for row in _referred_agencies(case).values())
    if reported and (not referred or min(reported) <= min(referred)):
        return "agency_reports", min(reported)
    return "referral", min(referred) if referred else None


def _review_period_to(case: Case) -> tuple[str, Any]:
    """The review's period ends where the latest agency report's period covered ends, else
    at the incident the referral describes."""
    reported = _report_periods(case, "period_to")
    if reported:
        return "agency_reports", max(reported)
    incident = _valid_days([_answer(case, "referral", "incident_date")])
    return "referral", incident[0] if incident else None


def _sourced(read: Callable[[Case], tuple[str, Any]]) -> tuple[str, Callable[[Case], Any]]:
    """A reader that also says which of its sources answered (see `_first_of`)."""

    def pick(case: Case) -> Any:
        return read(case)[1]

    pick.source_of = lambda case: read(case)[0]  # type: ignore[attr-defined]
    return "referral", pick


# target form -> target field -> (source form, reader). One rule in one place.
RULES: dict[str, dict[str, tuple[str, Callable[[Case], Any]]]] = {
    "screening": {
        "date_received": _copy("referral", "referral_date"),
    },
    "notification": {
        "la_aware_date": _copy("referral", "aware_date"),
        "resident_la": ("referral", lambda case: _first_child(case, "la_of_residence")),
        "notifying_la": ("referral", _notifying_la),
        "incident_location_type": _copy("referral", "incident_location"),
    },
    "rapid_review": {
        "partners_aware_date": _first_of(
            _copy("notification", "la_aware_date"), _copy("referral", "aware_date")
        ),
        "rr_start_date": ("case_history", _stage_entered(Stage.RAPID_REVIEW)),
        "agency_involvement": ("agency_requests", _agency_rows),
        "parallel_processes": _copy("referral", "parallel_processes"),
        "reg11_criteria": _copy("referral", "criteria"),
    },
    "review": {
        "review_type": ("rapid_review", _review_type),
        "decision_makers": ("rapid_review", _decision_makers),
        "decision_rationale": _copy("rapid_review", "decision_rationale"),
        "reg11_criteria": _first_of(
            _copy("rapid_review", "reg11_criteria"), _copy("referral", "criteria")
        ),
        "agencies_in_scope": ("rapid_review", _involved_agencies),
        "scope_from": _sourced(_review_period_from),
        "scope_to": _sourced(_review_period_to),
    },
}


def _agency_report_rules(agency: str | None) -> dict[str, tuple[str, Callable[[Case], Any]]]:
    """One agency's report starts from the referral's row for that agency (its contact, when
    they write it; when the agency was involved), and covers the review's period once the
    terms of reference set one, else the agency's involvement the referral gives."""
    return {
        "author_name": ("referral", _contact(agency, "contact_name")),
        "author_role": ("referral", _contact(agency, "contact_role")),
        "author_contact": ("referral", _contact(agency, "contact_details")),
        "period_from": _first_of(
            _copy("review", "scope_from"), ("referral", _from_referred_row(agency, "involved_from"))
        ),
        "period_to": _first_of(
            _copy("review", "scope_to"), ("referral", _from_referred_row(agency, "involved_to"))
        ),
        "involved": ("referral", _listed_as_involved(agency)),
        "still_involved": ("referral", _from_referred_row(agency, "still_involved")),
    }


def _rules(
    form_id: str, agency: str | None, partnership: str | None
) -> dict[str, tuple[str, Callable[[Case], Any]]]:
    """The carry-over rules of one form (an agency report's are its agency's own)."""
    rules = dict(RULES.get(form_id, {}))
    if form_id == "agency_report":
        rules.update(_agency_report_rules(agency))
    if form_id == "notification" and partnership and partnership.strip():
        name = partnership.strip()
        rules["lead_partnership"] = ("settings", lambda _case: name)
    return rules


def _names_in_words(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _reviewer_names(values: Mapping[str, Any]) -> Any:
    rows = values.get("reviewers")
    names = [
        str(row["name"]).strip()
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict) and str(row.get("name") or "").strip()
    ]
    return _names_in_words(names) if names else None


# Within one form: target form -> target field -> (source, reader of the form's answers).
WITHIN: dict[str, dict[str, tuple[str, Callable[[Mapping[str, Any]], Any]]]] = {
    "review": {"reviewer_name": ("reviewers", _reviewer_names)},
}


def _fit(field: Field, value: Any) -> Any:
    """The part of `value` the target field accepts (None when nothing fits)."""
    if is_empty(value):
        return None
    if field.type == "multi_choice":
        picked = value if isinstance(value, list) else [value]
        kept = [v for v in picked if v in field.choices]
        return kept or None
    if field.type == "choice":
        return value if value in field.choices else None
    if field.type == "repeat":
        if not isinstance(value, list):
            return None
        rows = []
        for row in value:
            fitted = {
                sub.id: fit
                for sub in field.fields
                if sub.is_input
                for fit in [_fit(sub, row.get(sub.id))]
                if fit is not None
            }
            if fitted:
                rows.append(fitted)
        return rows or None
    try:
        parsed = field.parse(field.format(value))
    except ValueError:
        return None
    return None if is_empty(parsed) or field.check_value(parsed) else parsed


def carry_over(
    case: Case,
    form: Form,
    answered: Mapping[str, Any] | None = None,
    *,
    agency: str | None = None,
    partnership: str | None = None,
) -> dict[str, Carried]:
    """The answers a new `form` of `case` starts with, by field id, each with its source.

    `answered`: the answers the record already holds (a record the workflow opened, such as
    the review the LCSPR decision starts); those are kept, only the empty ones are carried.
    `agency`: whose report, for an agency report. `partnership`: the partnership's name as
    the settings give it (the notification's lead partnership).
    """
    carried: dict[str, Carried] = {}
    for field_id, (source, read) in _rules(form.id, agency, partnership).items():
        field = form.field(field_id)
        if field is None or not field.is_input:
            continue
        if answered is not None and not is_empty(answered.get(field_id)):
            continue
        value = _fit(field, read(case))
        if value is None:
            continue
        source_of = getattr(read, "source_of", None)
        carried[field_id] = Carried(value, source_of(case) if source_of else source)
    return carried


def carry_within(
    form: Form, section: Section, values: Mapping[str, Any], offered: Iterable[str] = ()
) -> dict[str, Carried]:
    """The empty answers of `section` that the form's own earlier answers give (the report's
    reviewer name from the list of reviewers), each once: `offered` are those already given
    this time the form is open, so an answer the reviewer cleared stays cleared."""
    carried: dict[str, Carried] = {}
    rules = WITHIN.get(form.id, {})
    skip = set(offered)
    for field in section.fields:
        rule = rules.get(field.id)
        if rule is None or field.id in skip or not is_empty(values.get(field.id)):
            continue
        source, read = rule
        value = _fit(field, read(values))
        if value is not None:
            carried[field.id] = Carried(value, source)
    return carried


def opened_by_the_workflow(record: Record | None) -> bool:
    """A record no one has yet opened in its form (none, or one a stage change started):
    carry-over fills its empty answers. Once a draft is saved the reviewer's answers stand."""
    return record is None or (
        record.status == RecordStatus.DRAFT and record.current_section is None
    )


def carried_paths(carried: dict[str, Carried]) -> Iterable[str]:
    """Every value path a carried answer fills (rows of a group included)."""
    for field_id, item in carried.items():
        yield field_id
        if isinstance(item.value, list) and item.value and isinstance(item.value[0], dict):
            for index, row in enumerate(item.value):
                for key in row:
                    yield f"{field_id}[{index}].{key}"


def next_agency_to_ask(case: Case) -> str | None:
    """The first agency the referral lists as involved that has not been asked for a report:
    the request dialog starts on it, so three requests need no searching of the list."""
    asked = {request.agency.strip().casefold() for request in case.agency_reports}
    for key, entry in _referred_agencies(case).items():
        if key not in asked:
            return str(entry["agency"]).strip()
    return None


def referral_contact(case: Case, agency: str) -> str | None:
    """The referral's contact at `agency`: who a report request names as its author unless
    the reviewer names someone else (their role and details then carry into the report)."""
    name = str((_referred_row(case, agency) or {}).get("contact_name") or "").strip()
    return name or None
