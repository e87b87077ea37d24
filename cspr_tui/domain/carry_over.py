"""What a new form can start from: answers the case already holds, so nothing is asked twice.

The referral already says when the agency became aware, where it happened and which local
authority the child lives in; the agency report requests already name the agencies asked;
the referral and the rapid review already list the criteria and parallel processes. A form
that opens for the first time starts from those answers, each marked with where it came
from, and the reviewer can change any of them. Only answers the target form accepts are
carried (a choice must be one of its choices), so a carried answer is never an error.

Pure: plain data in, plain data out; no vault, no UI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cspr_tui.domain.case import Case
from cspr_tui.forms.model import Field, Form, is_empty

__all__ = ["Carried", "carried_paths", "carry_over"]

# Form ids as the reviewer reads them, for "carried over from the referral".
SOURCE_NAMES: dict[str, str] = {
    "referral": "the referral",
    "screening": "the screening decision",
    "notification": "the notification",
    "rapid_review": "the rapid review",
    "agency_requests": "the agency report requests",
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


def _agency_rows(case: Case) -> list[dict[str, Any]]:
    """A rapid review agency row for every agency asked for a report (then the referral's)."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for request in case.agency_reports:
        name = request.agency.strip()
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        row: dict[str, Any] = {"agency": name}
        author = ", ".join(part for part in (request.author, request.author_role) if part)
        if author:
            row["author"] = author
        if request.received_date:
            row["report_received_date"] = request.received_date
        rows.append(row)
    referred = _answer(case, "referral", "agencies")
    for entry in referred if isinstance(referred, list) else []:
        name = str((entry or {}).get("agency") or "").strip() if isinstance(entry, dict) else ""
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            rows.append({"agency": name})
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
        "agency_involvement": ("agency_requests", _agency_rows),
        "parallel_processes": _copy("referral", "parallel_processes"),
        "reg11_criteria": _copy("referral", "criteria"),
    },
    "review": {
        "review_type": ("rapid_review", _review_type),
        "reg11_criteria": _first_of(
            _copy("rapid_review", "reg11_criteria"), _copy("referral", "criteria")
        ),
        "agencies_in_scope": ("rapid_review", _involved_agencies),
    },
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


def carry_over(case: Case, form: Form) -> dict[str, Carried]:
    """The answers a new `form` of `case` starts with, by field id, each with its source."""
    carried: dict[str, Carried] = {}
    for field_id, (source, read) in RULES.get(form.id, {}).items():
        field = form.field(field_id)
        if field is None or not field.is_input:
            continue
        value = _fit(field, read(case))
        if value is None:
            continue
        source_of = getattr(read, "source_of", None)
        carried[field_id] = Carried(value, source_of(case) if source_of else source)
    return carried


def carried_paths(carried: dict[str, Carried]) -> Iterable[str]:
    """Every value path a carried answer fills (rows of a group included)."""
    for field_id, item in carried.items():
        yield field_id
        if isinstance(item.value, list) and item.value and isinstance(item.value[0], dict):
            for index, row in enumerate(item.value):
                for key in row:
                    yield f"{field_id}[{index}].{key}"
