"""The form-definition model: forms, sections and fields built from the template files.

A `Field` knows how to read what a reviewer typed (`parse`), check a stored answer
(`check_value`), show it (`format`) and whether it is shown or required given the other
answers, so the TUI draws and validates a single input with the same rules that
`Form.validate` applies to a whole record. Stored answers are plain JSON values:

- text, long_text, choice: str; date: ISO "YYYY-MM-DD"; number: int or float;
- yes_no: "Yes" | "No"; yes_no_unknown: "Yes" | "No" | "Unknown";
- multi_choice: list[str]; repeat: list of dicts keyed by the row's field ids.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from cspr_tui.forms.answers import (
    Issue,
    IssueCode,
    Severity,
    check_condition,
    is_empty,
    make_scope,
)
from cspr_tui.forms.dates import DateFormatError, format_date, parse_date, parse_iso_date
from cspr_tui.forms.expression import Expression, Scope
from cspr_tui.forms.validation import validate_record

__all__ = [
    "FIELD_TYPES",
    "Constraint",
    "Field",
    "FieldValueError",
    "Form",
    "FormSet",
    "Issue",
    "IssueCode",
    "Section",
    "Severity",
    "TemplateProblem",
    "check_condition",
    "is_empty",
    "make_scope",
]

FIELD_TYPES = (
    "text",
    "long_text",
    "date",
    "number",
    "yes_no",
    "yes_no_unknown",
    "choice",
    "multi_choice",
    "repeat",
    "note",
)
CHOICE_TYPES = ("choice", "multi_choice")
YES_NO = ("Yes", "No")
YES_NO_UNKNOWN = ("Yes", "No", "Unknown")
DEFAULT_MAX_LENGTH = {"text": 500, "long_text": 50_000}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# The largest whole number every JSON reader (and the vault's 64-bit serializer) keeps
# exactly; a bigger answer would be silently rounded or refused when the record is saved.
LARGEST_NUMBER = 2**53 - 1


class FieldValueError(ValueError):
    """What a reviewer typed cannot be stored in this field; the message says why."""


@dataclass(frozen=True)
class TemplateProblem:
    """A fault in a template file, reported as `file: field: problem`."""

    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}"


@dataclass(frozen=True)
class Constraint:
    rule: Expression
    message: str
    severity: Severity = Severity.ERROR


@dataclass(eq=False)
class Field:
    """One question (or a repeatable group of questions, or a read-only note)."""

    id: str
    type: str
    label: str
    help: str = ""
    text: str = ""  # a note's body
    required: bool = False
    required_if: Expression | None = None
    show_if: Expression | None = None
    choices: tuple[str, ...] = ()
    choice_list: str | None = None  # the shared list the choices came from
    constraints: tuple[Constraint, ...] = ()
    default: Any = None
    minimum: float | None = None  # number: smallest value; repeat: fewest rows
    maximum: float | None = None  # number: largest value; repeat: most rows
    max_length: int | None = None
    fields: tuple[Field, ...] = ()  # a repeat's row fields
    item_label: str = ""  # a repeat row's name, e.g. "Child"
    parent: Field | None = dc_field(default=None, repr=False)
    form: Form | None = dc_field(default=None, repr=False)

    # -- structure --------------------------------------------------------------------
    @property
    def path(self) -> str:
        """`children.dob` for a row field, `outcome` otherwise (used in messages and checks)."""
        return f"{self.parent.id}.{self.id}" if self.parent else self.id

    @property
    def is_input(self) -> bool:
        return self.type != "note"

    def field(self, field_id: str) -> Field | None:
        """A row field by id (the first of that id), through a table built once per `fields`
        tuple: conditions look row fields up for every row of every record validated."""
        table = self.__dict__.get("_row_table")
        if table is None or table[0] is not self.fields:
            by_id: dict[str, Field] = {}
            for child in self.fields:
                by_id.setdefault(child.id, child)
            table = self.__dict__["_row_table"] = (self.fields, by_id)
        return table[1].get(field_id)

    def row_label(self, index: int) -> str:
        return f"{self.item_label or self.label} {index + 1}"

    # -- conditions ---------------------------------------------------------------------
    def is_visible(
        self,
        values: Mapping[str, Any],
        row: Mapping[str, Any] | None = None,
        position: int = 0,
        *,
        scope: Scope | None = None,
    ) -> bool:
        """A field shows unless its `show_if` is false or unknown (a hidden field is ignored).
        `scope`: one already made for this row (a record check shares one per row)."""
        if self.show_if is None:
            return True
        return check_condition(self.show_if, scope or self._scope(values, row, position)) is True

    def is_required(
        self,
        values: Mapping[str, Any],
        row: Mapping[str, Any] | None = None,
        position: int = 0,
        *,
        scope: Scope | None = None,
    ) -> bool:
        if self.required:
            return True
        if self.required_if is None:
            return False
        return (
            check_condition(self.required_if, scope or self._scope(values, row, position)) is True
        )

    def _scope(
        self, values: Mapping[str, Any], row: Mapping[str, Any] | None, position: int
    ) -> Scope:
        return make_scope(self.form, values, self.parent, row, position)

    # -- values -------------------------------------------------------------------------
    def parse(self, raw: Any) -> Any:
        """Turn what the reviewer typed or picked into the stored value (None when empty)."""
        if self.type in ("note", "repeat"):
            return raw
        if self.type == "multi_choice":
            items = raw if isinstance(raw, list | tuple) else str(raw or "").split(";")
            picked = [self._match_choice(str(item)) for item in items if str(item).strip()]
            return picked or None
        text = "" if raw is None else str(raw).strip()
        if not text:
            return None
        if self.type == "date":
            try:
                return parse_date(text).isoformat()
            except DateFormatError as exc:
                raise FieldValueError(f"{self.label}: {exc}") from None
        if self.type == "number":
            if not _NUMBER.fullmatch(text.replace(",", "")):
                raise FieldValueError(f"{self.label} must be a number, for example 3 or 2.5.")
            digits = text.replace(",", "")
            if "." not in digits:
                # int(), not float(): float() would round a 17-digit number without a word.
                if len(digits.lstrip("-")) > 16 or abs(whole := int(digits)) > LARGEST_NUMBER:
                    raise FieldValueError(f"{self.label} is too large a number.")
                return whole
            return float(digits)
        if self.type in ("yes_no", "yes_no_unknown"):
            allowed = YES_NO if self.type == "yes_no" else YES_NO_UNKNOWN
            aliases = {"y": "Yes", "n": "No", "true": "Yes", "false": "No", "u": "Unknown"}
            word = aliases.get(text.lower(), text.capitalize())
            if word not in allowed:
                raise FieldValueError(f"{self.label} must be {_either(allowed)}.")
            return word
        if self.type == "choice":
            return self._match_choice(text)
        return text

    def _match_choice(self, text: str) -> str:
        wanted = text.strip().casefold()
        for choice in self.choices:
            if choice.casefold() == wanted:
                return choice
        raise FieldValueError(f"{self.label}: {text.strip()!r} is not one of the choices.")

    def check_value(self, value: Any) -> str | None:
        """Why a stored (non-empty) answer is impossible for this field, or None if fine."""
        kind = self.type
        if kind in ("text", "long_text"):
            if not isinstance(value, str):
                return f"{self.label} must be text."
            limit = self.max_length or DEFAULT_MAX_LENGTH[kind]
            if len(value) > limit:
                return f"{self.label} is too long ({len(value)} characters; at most {limit})."
            return None
        if kind == "date":
            try:
                parse_iso_date(value)
            except DateFormatError:
                return f"{self.label} must be a real date (DD/MM/YYYY)."
            return None
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"{self.label} must be a number."
            if isinstance(value, float) and not math.isfinite(value):
                return f"{self.label} must be a number."
            if abs(value) > LARGEST_NUMBER:
                return f"{self.label} is too large a number."
            if self.minimum is not None and value < self.minimum:
                return f"{self.label} cannot be less than {_num(self.minimum)}."
            if self.maximum is not None and value > self.maximum:
                return f"{self.label} cannot be more than {_num(self.maximum)}."
            return None
        if kind in ("yes_no", "yes_no_unknown"):
            allowed = YES_NO if kind == "yes_no" else YES_NO_UNKNOWN
            return None if value in allowed else f"{self.label} must be {_either(allowed)}."
        if kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                return f"{self.label}: {value!r} is not one of the choices."
            return None
        if kind == "multi_choice":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"{self.label} must be a list of choices."
            unknown = [v for v in value if v not in self.choices]
            if unknown:
                return f"{self.label}: {unknown[0]!r} is not one of the choices."
            if len(set(value)) != len(value):
                return f"{self.label} lists the same choice twice."
            return None
        if kind == "repeat":
            if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
                return f"{self.label} must be a list of entries."
            if self.maximum is not None and len(value) > self.maximum:
                return f"{self.label} can have at most {_num(self.maximum)} entries."
            return None
        return None

    def format(self, value: Any) -> str:
        """The answer as a reviewer reads it (dates DD/MM/YYYY, lists joined by '; ')."""
        if is_empty(value):
            return ""
        if self.type == "date":
            return format_date(value)
        if self.type == "multi_choice" and isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if self.type == "repeat" and isinstance(value, list):
            return f"{len(value)} {'entry' if len(value) == 1 else 'entries'}"
        if self.type == "number" and isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def default_value(self, today: dt.date | None = None) -> Any:
        if self.default is None:
            return [] if self.type == "repeat" else None
        if self.type == "date" and self.default == "today":
            return (today or dt.date.today()).isoformat()
        return list(self.default) if isinstance(self.default, list) else self.default

    def new_row(self, today: dt.date | None = None) -> dict[str, Any]:
        """A blank repeat row holding its fields' defaults."""
        return {
            f.id: f.default_value(today)
            for f in self.fields
            if f.is_input and f.default is not None
        }

    def validate_value(
        self,
        raw: Any,
        values: Mapping[str, Any],
        *,
        row: Mapping[str, Any] | None = None,
        position: int = 0,
        finishing: bool = False,
        today: dt.date | None = None,
    ) -> str | None:
        """Check one input on blur: parse it, check it, run its error constraints.

        `values` are the form's other answers; for a field inside a repeat pass the row's
        answers as `row` and its 0-based index as `position`. Returns the first error
        message, or None. Empty is fine unless `finishing` and the field is required.
        `today` is what `today()` means in the rules (the app's clock; default the date).
        """
        try:
            parsed = self.parse(raw)
        except FieldValueError as exc:
            return str(exc)
        if is_empty(parsed):
            if finishing and self.is_required(values, row, position):
                return f"{self.label} is required."
            return None
        problem = self.check_value(parsed)
        if problem:
            return problem
        if self.parent is not None:
            row = {**(row or {}), self.id: parsed}
        else:
            values = {**values, self.id: parsed}
        scope = make_scope(self.form, values, self.parent, row, position, today=today)
        for constraint in self.constraints:
            blocking = constraint.severity == Severity.ERROR
            if blocking and check_condition(constraint.rule, scope) is False:
                return constraint.message
        return None

    def walk(self) -> Iterator[Field]:
        yield self
        for child in self.fields:
            yield from child.walk()


@dataclass(eq=False)
class Section:
    """A step of the guided form: a heading, F1 help and its fields."""

    id: str
    title: str
    help: str = ""
    fields: tuple[Field, ...] = ()
    show_if: Expression | None = None
    form: Form | None = dc_field(default=None, repr=False)

    def is_visible(self, values: Mapping[str, Any], *, scope: Scope | None = None) -> bool:
        if self.show_if is None:
            return True
        scope = scope or make_scope(self.form, values, None, None, 0)
        return check_condition(self.show_if, scope) is True


@dataclass(eq=False)
class Form:
    """A form template: sections of fields, and the rules every record of it must meet."""

    id: str
    version: int
    title: str
    description: str = ""
    sections: tuple[Section, ...] = ()
    source: Path | None = None

    def __post_init__(self) -> None:
        self._by_id: dict[str, Field] = {}
        self._section_of: dict[str, Section] = {}
        for section in self.sections:
            section.form = self
            for item in section.fields:
                self._by_id[item.id] = item
                self._section_of[item.id] = section
                for nested in item.walk():
                    nested.form = self

    @property
    def fields(self) -> list[Field]:
        """Top-level fields in order (repeats carry their row fields)."""
        return list(self._by_id.values())

    def field(self, path: str) -> Field | None:
        """A field by id or by `group.field` path (a `children[0].dob` index is ignored)."""
        if "." not in path and "[" not in path:  # a plain id, as conditions ask
            return self._by_id.get(path)
        parts = re.sub(r"\[\d+\]", "", path).split(".")
        found = self._by_id.get(parts[0])
        for part in parts[1:]:
            found = found.field(part) if found else None
        return found

    def section_of(self, field_id: str) -> Section | None:
        return self._section_of.get(field_id)

    def field_count(self) -> int:
        """Questions a reviewer answers: every input field, row fields included, notes not."""
        return sum(1 for top in self.fields for f in top.walk() if f.is_input)

    def visible_fields(self, values: Mapping[str, Any]) -> list[Field]:
        """Top-level fields shown for these answers (hidden sections hide all their fields)."""
        shown: list[Field] = []
        for section in self.sections:
            if not section.is_visible(values):
                continue
            shown.extend(f for f in section.fields if f.is_visible(values))
        return shown

    def initial_values(self, today: dt.date | None = None) -> dict[str, Any]:
        """A new record's answers: each field's default (e.g. `today` for a referral date)."""
        return {
            f.id: f.default_value(today)
            for f in self.fields
            if f.is_input and (f.default is not None or f.type == "repeat")
        }

    def validate(
        self,
        values: Mapping[str, Any],
        *,
        finishing: bool = True,
        template_version: int | None = None,
        today: dt.date | None = None,
        errors_only: bool = False,
    ) -> list[Issue]:
        """Every problem with a record, errors and warnings, in form order (the errors
        alone with `errors_only`: the same ones, in the same order).

        `finishing=False` checks a draft: missing answers are fine, impossible ones are not.
        A record captured with an older `template_version` is read leniently: answers the
        form no longer knows are kept and ignored, and choices since removed are warnings.
        `today` is what `today()` means in the rules (the store's clock; default the date).
        """
        lenient = template_version is not None and template_version < self.version
        return validate_record(
            self, values, finishing=finishing, lenient=lenient, today=today, errors_only=errors_only
        )


class FormSet(Mapping[str, Form]):
    """The forms in use: shipped templates with the workspace's overrides applied.

    `problems` lists what was wrong with any file that was skipped; `sources` says which
    file each form came from, so a screen can show "using your partnership's template".
    """

    def __init__(
        self,
        forms: Mapping[str, Form],
        *,
        problems: list[TemplateProblem] | None = None,
        choice_lists: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._forms = dict(forms)
        self.problems = list(problems or [])
        self.choice_lists = dict(choice_lists or {})

    def __getitem__(self, form_id: str) -> Form:
        try:
            return self._forms[form_id]
        except KeyError:
            raise KeyError(f"no form template called {form_id!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._forms)

    def __len__(self) -> int:
        return len(self._forms)

    @property
    def sources(self) -> dict[str, Path | None]:
        return {form_id: form.source for form_id, form in self._forms.items()}


def _either(options: tuple[str, ...]) -> str:
    return ", ".join(options[:-1]) + f" or {options[-1]}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
