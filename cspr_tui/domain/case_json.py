"""The case JSON format: one schema for the vault's documents, imports and exports.

`case_to_data` / `case_from_data` convert between the dataclasses of `case.py` and plain
JSON data (dates as ISO strings, enums as their values): the one place a case's dates are
read (`forms.dates.iso_date`) and written (`date.isoformat`). `CASE_FILE_SCHEMA` is the JSON
Schema (draft 2020-12) of an import/export file; `docs/case-schema.json` is a copy of it that
a test keeps identical. `parse_case_file` checks a whole file and reports every problem with
its JSON path, so an import is all or nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, fields, is_dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from jsonschema import Draft202012Validator

from cspr_tui.domain import schema_check
from cspr_tui.domain.case import (
    RECOMMENDATION_DATE_FIELDS,
    AgencyReportRequest,
    Case,
    DeadlineOverride,
    Pause,
    Person,
    PersonKind,
    QuarterlyUpdate,
    Rag,
    Recommendation,
    RecommendationStatus,
    Record,
    RecordStatus,
    RedactionDecision,
    RedactionOutcome,
    ReportDepth,
    ReviewType,
    Scope,
    Stage,
    StageChange,
)
from cspr_tui.domain.form_mapping import (
    AGENCY_REPORT_FORM,
    adopt_shared_answers,
    record_key,
    split_record_key,
)
from cspr_tui.domain.plain_json import plain_json
from cspr_tui.errors import CsprError, UsageError, ValidationFailed
from cspr_tui.forms.dates import iso_date, optional_iso_date

__all__ = [
    "CASE_FILE_SCHEMA",
    "CASE_SCHEMA",
    "FILE_FORMAT",
    "FORMAT_VERSION",
    "case_from_data",
    "case_problems",
    "case_record_problems",
    "case_to_data",
    "dump_cases",
    "parse_case_file",
    "plain_json",
    "read_case_file",
    "unknown_field_problems",
    "write_case_file",
]

FILE_FORMAT = "cspr-cases"
FORMAT_VERSION = 1
REF_PATTERN = r"^CSPR-[0-9]{4}-[0-9]{3,}$"

_D = TypeVar("_D")
_E = TypeVar("_E", bound=Enum)

_DATE = {"type": "string", "format": "date"}
_OPT_DATE = {"type": ["string", "null"], "format": "date"}
_TEXT = {"type": "string"}
_STAGES = [s.value for s in Stage]


def _object(properties: dict[str, Any], required: Iterable[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(required),
        "additionalProperties": False,
    }


_RECORD = _object(
    {
        "form_id": _TEXT,
        "template_version": {"type": "integer", "minimum": 1},
        "values": {"type": "object", "description": "answers keyed by the form's field ids"},
        "status": {"enum": [s.value for s in RecordStatus]},
        "updated_at": _TEXT,
        "updated_by": _TEXT,
        "current_section": {"type": ["string", "null"]},
    },
    ["form_id", "template_version", "values", "status"],
)
_TEXTS = {"type": "array", "items": _TEXT}
_PERSON = _object(
    {
        "real_name": {"type": "string", "minLength": 1},
        "pseudonym": {"type": "string", "minLength": 1},
        "role": _TEXT,
        "kind": {"enum": [k.value for k in PersonKind]},
        "variants": {**_TEXTS, "description": "aliases, nicknames, other spellings"},
        "date_of_birth": _OPT_DATE,
        "addresses": _TEXTS,
        "postcode": _TEXT,
        "nhs_number": _TEXT,
        "school": _TEXT,
        "gp_practice": _TEXT,
        "phones": _TEXTS,
        "emails": _TEXTS,
    },
    ["real_name", "pseudonym", "role"],
)
_REDACTION_DECISION = _object(
    {
        "finding_id": {"type": "string", "minLength": 1},
        "outcome": {"enum": [o.value for o in RedactionOutcome]},
        "reason": _TEXT,
        "kind": _TEXT,
        "hit": _TEXT,
        "snippet": _TEXT,
        "by": _TEXT,
        "at": _TEXT,
        "decided": {"enum": ["", "withheld", "kept"]},
    },
    ["finding_id", "outcome"],
)
_AGENCY_REPORT = _object(
    {
        "agency": {"type": "string", "minLength": 1},
        "author": _TEXT,
        "author_role": _TEXT,
        "requested_date": _OPT_DATE,
        "due_date": _OPT_DATE,
        "received_date": _OPT_DATE,
        "depth": {"enum": [d.value for d in ReportDepth]},
        "version": {"type": "integer", "minimum": 1},
        "sent_date": _OPT_DATE,
        "token": _TEXT,
        "return_contact": _TEXT,
        "return_address": _TEXT,
    },
    ["agency"],
)
_UPDATE = _object(
    {
        "quarter": {"type": "string", "pattern": r"^[0-9]{4}-Q[1-4]$"},
        "date": _DATE,
        "narrative": _TEXT,
        "status_before": {"enum": [s.value for s in RecommendationStatus]},
        "status_after": {"enum": [s.value for s in RecommendationStatus]},
        "updated_by": _TEXT,
    },
    ["quarter", "date", "narrative", "status_before", "status_after", "updated_by"],
)
_RECOMMENDATION = _object(
    {
        "id": {"type": "string", "minLength": 1},
        "number": {"type": "integer", "minimum": 1},
        "text": {"type": "string", "minLength": 1},
        "action_number": {"type": "integer", "minimum": 1},
        "action": _TEXT,
        "scope": {"enum": [s.value for s in Scope]},
        "lead_agency": _TEXT,
        "lead_officer": _TEXT,
        "lead_officer_name": _TEXT,
        "target_date": _OPT_DATE,
        "revised_target_date": _OPT_DATE,
        "revision_reason": _TEXT,
        "revisions": {"type": "integer", "minimum": 0},
        "status": {"enum": [s.value for s in RecommendationStatus]},
        "status_reason": _TEXT,
        "rag_override": {"enum": [*(r.value for r in Rag), None]},
        "rag_override_reason": _TEXT,
        "theme_tags": {"type": "array", "items": _TEXT},
        "impact_measure": _TEXT,
        "impact_evidence": _TEXT,
        "evidence": _TEXT,
        "date_completed": _OPT_DATE,
        "date_closed": _OPT_DATE,
        "oversight_comments": _TEXT,
        "barrier": {"type": "boolean"},
        "created_date": _OPT_DATE,
        "updates": {"type": "array", "items": _UPDATE},
        "last_updated": _OPT_DATE,
        "last_updated_by": _TEXT,
    },
    ["id", "number", "text", "status"],
)
_PAUSE = _object(
    {
        "start": _DATE,
        "reason": {"type": "string", "minLength": 1},
        "end": _OPT_DATE,
        "deadline": {"type": ["string", "null"]},
    },
    ["start", "reason"],
)
_OVERRIDE = _object(
    {
        "deadline": {"type": "string", "minLength": 1},
        "due_date": _DATE,
        "reason": {"type": "string", "minLength": 1},
        "by": _TEXT,
        "at": _TEXT,
    },
    ["deadline", "due_date", "reason", "by", "at"],
)
_STAGE_CHANGE = _object(
    {
        "from_stage": {"enum": [*_STAGES, None]},
        "to_stage": {"enum": _STAGES},
        "at": _TEXT,
        "by": _TEXT,
        "reason": _TEXT,
    },
    ["to_stage", "at", "by"],
)

CASE_SCHEMA: dict[str, Any] = _object(
    {
        "ref": {"type": "string", "pattern": REF_PATTERN},
        "pseudonym": {"type": "string", "minLength": 1},
        "stage": {"enum": _STAGES},
        "created_at": _TEXT,
        "review_type": {"enum": [t.value for t in ReviewType]},
        "review_method": _TEXT,
        "records": {
            "type": "object",
            "description": (
                "one record per form, keyed by form id; agency information reports are kept "
                "one per agency, keyed 'agency_report:<Agency>'"
            ),
            "additionalProperties": _RECORD,
        },
        "people": {"type": "array", "items": _PERSON},
        "redaction_decisions": {"type": "array", "items": _REDACTION_DECISION},
        "agencies": {"type": "array", "items": _TEXT},
        "agency_reports": {"type": "array", "items": _AGENCY_REPORT},
        "recommendations": {"type": "array", "items": _RECOMMENDATION},
        "pauses": {"type": "array", "items": _PAUSE},
        "overrides": {"type": "array", "items": _OVERRIDE},
        "history": {"type": "array", "items": _STAGE_CHANGE},
        "paused_from": {"enum": [*_STAGES, None]},
        "notes": _TEXT,
    },
    ["ref", "pseudonym", "stage"],
)

CASE_FILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://cspr-tui.invalid/case-schema.json",
    "title": "cspr-tui case import/export file",
    "description": (
        "Cases of a safeguarding partnership's review vault. Dates are ISO (YYYY-MM-DD); "
        "form answers live in records.<form_id>.values keyed by the template's field ids."
    ),
    "type": "object",
    "properties": {
        "format": {"const": FILE_FORMAT},
        "version": {"const": FORMAT_VERSION},
        "cases": {"type": "array", "items": {"$ref": "#/$defs/case"}},
    },
    "required": ["format", "version", "cases"],
    "additionalProperties": False,
    "$defs": {"case": CASE_SCHEMA},
}

_FILE_VALIDATOR = Draft202012Validator(
    CASE_FILE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
_CASE_VALIDATOR = Draft202012Validator(
    CASE_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
# Says only "certainly valid" (about 40 times quicker); jsonschema words any problem.
_CASE_FITS = schema_check.compile_check(
    CASE_SCHEMA, formats={"date": schema_check.format_test(_CASE_VALIDATOR, "date")}
)


_SCALARS = frozenset({str, int, float, bool, type(None)})


# How a value of each non-JSON type becomes JSON data, worked out once per type (the
# isinstance and dataclass tests cost more than the conversion itself).
_AS_ENUM, _AS_DATACLASS, _AS_DATE, _AS_MAPPING, _AS_SEQUENCE, _AS_OTHER = range(6)
_HOW: dict[type, int] = {}


def _how(value: Any) -> int:
    if isinstance(value, Enum):
        return _AS_ENUM
    if is_dataclass(value):
        return _AS_DATACLASS
    if isinstance(value, date):
        return _AS_DATE
    if isinstance(value, Mapping):
        return _AS_MAPPING
    if isinstance(value, list | tuple):
        return _AS_SEQUENCE
    return _AS_OTHER


def _plain(value: Any) -> Any:
    """Dataclasses, enums, dates and containers as fresh JSON data (no shared lists).

    Scalars inside a container are taken as they are, without a call (most values of a
    case are), and what to do with any other type is looked up, not tested again."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    scalars = _SCALARS
    if kind is dict:
        return {str(k): v if type(v) in scalars else _plain(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in scalars else _plain(v) for v in value]
    how = _HOW.get(kind)
    if how is None:
        how = _how(value)
        if not isinstance(value, type):  # a class as a value: its own class decides
            _HOW[kind] = how
    if how == _AS_ENUM:
        return value._value_  # what `.value` gives, without the descriptor
    if how == _AS_DATACLASS:
        return {k: v if type(v) in scalars else _plain(v) for k, v in vars(value).items()}
    if how == _AS_DATE:
        return value.isoformat()
    if how == _AS_MAPPING:
        return {str(k): _plain(v) for k, v in value.items()}
    if how == _AS_SEQUENCE:
        return [_plain(v) for v in value]
    return value


def case_to_data(case: Case) -> dict[str, Any]:
    """The case as plain JSON data (the vault document and one item of an export file)."""
    data: dict[str, Any] = _plain(case)
    return data


_MISSING: Any = object()  # a required field the data lacks
_FACTORY: Any = object()  # a field whose default is made fresh for each object


def _builder(cls: type[_D]) -> Callable[[Mapping[str, Any]], _D]:
    """A fast constructor for a plain dataclass from a JSON object.

    Same result as `cls(**data)` (every field in declaration order, defaults filled, a fresh
    list or dict for each default factory, TypeError for an unknown or missing field), but
    the object's `__dict__` is built in one dict merge instead of through keyword arguments:
    loading thousands of cases from the vault creates hundreds of thousands of these.
    """
    spec = fields(cls)  # type: ignore[arg-type]
    template = {
        f.name: (
            f.default
            if f.default is not MISSING
            else _FACTORY
            if f.default_factory is not MISSING
            else _MISSING
        )
        for f in spec
    }
    allowed = frozenset(template)
    required = tuple(name for name, value in template.items() if value is _MISSING)
    factories = tuple((f.name, f.default_factory) for f in spec if f.default_factory is not MISSING)
    new = object.__new__

    def build(data: Mapping[str, Any]) -> _D:
        if not allowed.issuperset(data):
            extra = ", ".join(sorted(set(data) - allowed))
            raise TypeError(f"{cls.__name__} has no field {extra}")
        values = {**template, **data}
        for name in required:
            if values[name] is _MISSING:
                raise TypeError(f"{cls.__name__} needs {name}")
        for name, factory in factories:
            if values[name] is _FACTORY:
                values[name] = factory()
        obj = new(cls)
        obj.__dict__ = values
        return obj

    return build


_person_builder = _builder(Person)
_decision_builder = _builder(RedactionDecision)
_agency_report = _builder(AgencyReportRequest)
_pause = _builder(Pause)
_override = _builder(DeadlineOverride)
_update = _builder(QuarterlyUpdate)
_recommendation = _builder(Recommendation)
_record = _builder(Record)
_stage_change = _builder(StageChange)
_case = _builder(Case)


def _enum_lookup(enum: type[_E]) -> Callable[[Any], _E]:
    """`enum(value)` through the value map (the enum call is slow); ValueError as before."""
    members: dict[Any, _E] = {member.value: member for member in enum}

    def lookup(value: Any) -> _E:
        try:
            return members[value]
        except (KeyError, TypeError):
            return enum(value)

    return lookup


_stage_of = _enum_lookup(Stage)
_record_status = _enum_lookup(RecordStatus)
_rec_status = _enum_lookup(RecommendationStatus)
_rag = _enum_lookup(Rag)
_scope = _enum_lookup(Scope)
_review_type = _enum_lookup(ReviewType)
_depth = _enum_lookup(ReportDepth)


def _agency_report_from(a: Mapping[str, Any]) -> AgencyReportRequest:
    request = _agency_report(a)
    request.depth = _depth(request.depth)
    request.requested_date = optional_iso_date(request.requested_date)
    request.due_date = optional_iso_date(request.due_date)
    request.received_date = optional_iso_date(request.received_date)
    request.sent_date = optional_iso_date(request.sent_date)
    return request


def _update_from(u: Mapping[str, Any]) -> QuarterlyUpdate:
    update = _update(u)
    update.date = iso_date(update.date)
    return update


def _pause_from(p: Mapping[str, Any]) -> Pause:
    pause = _pause(p)
    pause.start = iso_date(pause.start)
    pause.end = optional_iso_date(pause.end)
    return pause


def _override_from(o: Mapping[str, Any]) -> DeadlineOverride:
    override = _override(o)
    override.due_date = iso_date(override.due_date)
    return override


def _stage(value: Any) -> Stage | None:
    return None if value is None else _stage_of(value)


def _current_key(key: str, record: Mapping[str, Any], records: Mapping[str, Any]) -> str:
    """A record's key today: an agency report saved when a case held only one (key
    `agency_report`) moves to its agency's key, so old vaults and files read as new ones."""
    if key != AGENCY_REPORT_FORM:
        return key
    agency = str((record.get("values") or {}).get("agency") or "").strip()
    if not agency:
        return key
    new_key = record_key(AGENCY_REPORT_FORM, agency)
    return key if new_key in records else new_key


def _record_from(r: Mapping[str, Any]) -> Record:
    return _record(
        {
            "form_id": r["form_id"],
            "template_version": r["template_version"],
            "values": dict(r.get("values") or {}),
            "status": _record_status(r.get("status", "draft")),
            "updated_at": r.get("updated_at", ""),
            "updated_by": r.get("updated_by", ""),
            "current_section": r.get("current_section"),
        }
    )


def _recommendation_from(r: Mapping[str, Any]) -> Recommendation:
    data = dict(r)
    data["status"] = _rec_status(data.get("status", "Not started"))
    rag = data.get("rag_override")
    data["rag_override"] = _rag(rag) if rag else None
    data["scope"] = _scope(data.get("scope", Scope.MULTI_AGENCY))
    data["theme_tags"] = list(data.get("theme_tags") or [])
    data["updates"] = [_update_from(u) for u in data.get("updates") or []]
    for name in RECOMMENDATION_DATE_FIELDS:
        value = data.get(name)
        if value is not None:
            data[name] = iso_date(value)
    return _recommendation(data)


def recommendation_from_data(data: Mapping[str, Any]) -> Recommendation:
    """One recommendation of a case document (as `case_from_data` builds it)."""
    return _recommendation_from(data)


def _person(data: Mapping[str, Any]) -> Person:
    """A key line; files from before the key carried identifiers hold only the first four
    fields, and read as people with no identifiers besides their name."""
    person = _person_builder(data)
    person.kind = PersonKind(data.get("kind", PersonKind.FAMILY))
    person.date_of_birth = optional_iso_date(person.date_of_birth, remember=False)
    for name in ("variants", "addresses", "phones", "emails"):
        setattr(person, name, list(getattr(person, name)))
    return person


def case_from_data(data: Mapping[str, Any]) -> Case:
    """Build a Case from data already known to fit `CASE_SCHEMA` (fast: no checking).

    Nested containers of form answers are shared with `data`; the store gives callers
    private copies. Raises KeyError, TypeError or ValueError for data that does not fit.
    """
    raw_records = data.get("records") or {}
    case = _case(
        {
            "ref": data["ref"],
            "pseudonym": data["pseudonym"],
            "stage": _stage_of(data.get("stage", Stage.REFERRAL_RECEIVED)),
            "created_at": data.get("created_at", ""),
            "review_type": _review_type(data.get("review_type", "")),
            "review_method": data.get("review_method", ""),
            "records": {
                _current_key(key, r, raw_records): _record_from(r) for key, r in raw_records.items()
            },
            "people": [_person(p) for p in data.get("people") or []],
            "redaction_decisions": [
                _decision_builder({**d, "outcome": RedactionOutcome(d["outcome"])})
                for d in data.get("redaction_decisions") or []
            ],
            "agencies": list(data.get("agencies") or []),
            "agency_reports": [_agency_report_from(a) for a in data.get("agency_reports") or []],
            "recommendations": [_recommendation_from(r) for r in data.get("recommendations") or []],
            "pauses": [_pause_from(p) for p in data.get("pauses") or []],
            "overrides": [_override_from(o) for o in data.get("overrides") or []],
            "history": [
                _stage_change(
                    {
                        "from_stage": _stage(h.get("from_stage")),
                        "to_stage": _stage_of(h["to_stage"]),
                        "at": h["at"],
                        "by": h["by"],
                        "reason": h.get("reason", ""),
                    }
                )
                for h in data.get("history") or []
            ],
            "paused_from": _stage(data.get("paused_from")),
            "notes": data.get("notes", ""),
        }
    )
    adopt_shared_answers(case)  # an agency report saved with its request's facts
    return case


def _describe(error: Any) -> str:
    path = error.json_path
    if error.validator == "format" and error.validator_value == "date":
        return f"{path}: {error.instance!r} is not a real date (use YYYY-MM-DD)."
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return f"{path}: {error.instance!r} is not one of {allowed}."
    if error.validator == "additionalProperties":
        return f"{path}: {error.message}."
    if error.validator == "pattern" and path.endswith(".ref"):
        return f"{path}: {error.instance!r} is not a case reference like CSPR-2026-004."
    return f"{path}: {error.message}."


def case_problems(data: Any, path: str = "$") -> list[str]:
    """Every way `data` fails the case schema, each with its JSON path (empty when valid)."""
    if _CASE_FITS(data):
        return []
    errors = sorted(_CASE_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [_describe(e).replace("$", path, 1) for e in errors]


# A case that certainly fits the schema: it takes the place of every case that certainly
# fits (`_CASE_FITS`) when jsonschema words a file's problems, so a refused file of
# thousands of cases is not walked by jsonschema case by case (about 7 ms each). The case
# schema judges each case on its own, so the problems, their paths and their order are
# those of the file as it is.
_STAND_IN: dict[str, Any] = {
    "ref": "CSPR-2026-001",
    "pseudonym": "Child A",
    "stage": "referral_received",
}


def _with_stand_ins(data: Any) -> Any:
    items = data.get("cases") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        return data
    lighter = [_STAND_IN if type(i) is dict and _CASE_FITS(i) else i for i in items]
    return {**data, "cases": lighter}


def parse_case_file(data: Any, forms: Any = None) -> list[Case]:
    """Check a whole import file and return its cases, or raise listing every problem.

    With `forms` (a FormSet), each record's answers are also checked by its form, leniently
    for drafts, so an impossible date inside a form answer is caught as well.
    """
    problems = [
        _describe(e)
        for e in sorted(
            _FILE_VALIDATOR.iter_errors(_with_stand_ins(data)), key=lambda e: list(e.absolute_path)
        )
    ]
    items = data.get("cases") if isinstance(data, Mapping) else None
    seen: dict[str, int] = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, Mapping):
            continue
        where = f"$.cases[{index}]"
        ref = item.get("ref")
        if isinstance(ref, str):
            if ref in seen:
                problems.append(f"{where}.ref: {ref} appears twice (also $.cases[{seen[ref]}]).")
            seen.setdefault(ref, index)
        problems.extend(case_record_problems(item, where, forms))
    cases = [] if problems else [case_from_data(item) for item in data["cases"]]
    if problems:
        raise ValidationFailed(
            f"the import file has {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
            "nothing was imported.",
            details=problems,
        )
    return cases


def case_record_problems(item: Mapping[str, Any], where: str, forms: Any = None) -> list[str]:
    """What is wrong with one case's records (form id, agency, answers by their form), each
    with its JSON path under `where` (the case's own path)."""
    problems: list[str] = []
    records = item.get("records")
    for key, record in records.items() if isinstance(records, Mapping) else ():
        if isinstance(record, Mapping) and isinstance(record.get("values"), Mapping):
            problems.extend(_record_problems(forms, key, record, _member(f"{where}.records", key)))
    return problems


def _member(path: str, key: str) -> str:
    """A JSON path to a member: `.key`, or `['key']` when the key is not a plain name."""
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{key!r}]"


def _record_problems(forms: Any, key: str, record: Mapping[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    form_id, agency = split_record_key(key)
    if record.get("form_id") != form_id:
        problems.append(f"{where}.form_id: must be {form_id!r}, the key it is stored under.")
    named = str(record["values"].get("agency") or "").strip()
    if agency is not None and named.casefold() != agency.strip().casefold():
        problems.append(
            f"{where}.values.agency: must be {agency!r}, the agency of the key it is stored under."
        )
    if forms is None:
        return problems
    try:
        form = forms[form_id]
    except (KeyError, LookupError):
        return [*problems, f"{where}: there is no form called {form_id!r}."]
    finishing = record.get("status") == RecordStatus.COMPLETE.value
    version = record.get("template_version")
    if not (isinstance(version, int) and version < form.version):
        # A record of the current template cannot hold answers the form does not ask;
        # older versions keep answers since retired (the form reads them leniently).
        problems.extend(unknown_field_problems(form, record["values"], f"{where}.values"))
    issues = form.validate(
        dict(record["values"]),
        finishing=finishing,
        template_version=version if isinstance(version, int) else None,
        errors_only=True,  # the warnings were filtered out here: none is worded now
    )
    for issue in issues:
        if getattr(issue, "severity", "error") != "error":
            continue
        field_path = str(getattr(issue, "path", "") or "")
        label = getattr(issue, "label", "") or field_path
        problems.append(f"{where}.values.{field_path}: {label}: {issue.message}")
    return problems


def unknown_field_problems(form: Any, values: Mapping[str, Any], where: str) -> list[str]:
    """Answers under ids the form does not have (top level and inside repeat rows)."""
    problems = []
    for key, value in values.items():
        field = form.field(key) if isinstance(key, str) and key else None
        if field is None:
            problems.append(
                f"{_member(where, str(key))}: {form.id!r} has no field {key!r}; "
                "check the spelling against the form template."
            )
            continue
        if getattr(field, "type", "") == "repeat" and isinstance(value, list):
            known = {f.id for f in field.fields}
            for index, row in enumerate(value):
                if not isinstance(row, Mapping):
                    continue
                for name in row:
                    if name not in known:
                        problems.append(
                            f"{_member(where, key)}[{index}].{name}: {form.id!r} has no field "
                            f"{key}.{name!s}; check the spelling against the form template."
                        )
    return problems


def dump_cases(cases: Iterable[Case]) -> dict[str, Any]:
    """The file content for these cases, in reference order so exports are reproducible."""
    return {
        "format": FILE_FORMAT,
        "version": FORMAT_VERSION,
        "cases": [case_to_data(c) for c in sorted(cases, key=lambda c: c.ref)],
    }


def read_case_file(path: Path) -> Any:
    """The parsed JSON of an import file; unreadable or malformed JSON is one located problem.

    The strict reader (json_reader.py) names the byte offset of bad UTF-8 and the JSON path
    of duplicate keys, over-deep nesting and oversized numbers, and accepts a UTF-8 BOM.
    """
    from cspr_tui.domain.json_reader import load_strict_json

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(
            f"{path.absolute()} does not exist; give the path of a case JSON file."
        ) from None
    except IsADirectoryError:
        raise UsageError(
            f"{path.absolute()} is a folder; give the path of a case JSON file."
        ) from None
    except OSError as exc:
        raise CsprError(f"cannot read {path.absolute()} ({exc.strerror or exc}).") from None
    return load_strict_json(data, str(path.absolute()))


def write_case_file(cases: Iterable[Case], path: Path, *, force: bool = False) -> Path:
    """Write the export with owner-only permissions; never replace a file unless `force`."""
    payload = (json.dumps(dump_cases(cases), indent=2, ensure_ascii=False) + "\n").encode()
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; choose another name or add --force.")
    if not path.parent.is_dir():
        raise UsageError(f"the folder {path.parent} does not exist.")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
