"""The whole-record validator as it was before its fast path (session 5), kept verbatim
as the reference the differential test compares with: the fast path must find exactly
the same issues, in the same order, with the same words, for every record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspr_tui.forms.answers import (
    Issue,
    IssueCode,
    Severity,
    check_condition,
    is_empty,
    typed_value,
)
from cspr_tui.forms.expression import Scope

if TYPE_CHECKING:
    from cspr_tui.forms.model import Field, Form

__all__ = ["reference_validate"]


def reference_validate(
    form: Form,
    values: Mapping[str, Any],
    *,
    finishing: bool,
    lenient: bool,
    today: dt.date | None = None,
) -> list[Issue]:
    if not isinstance(values, Mapping):
        message = f"The {form.title} record is not a set of answers."
        return [Issue("", form.title, message, code=IssueCode.NOT_ANSWERS)]
    checker = _Checker(values, finishing, lenient, today)
    for section in form.sections:
        if (
            section.show_if is None
            or check_condition(section.show_if, make_scope(form, values, None, None, 0)) is True
        ):
            for item in section.fields:
                checker.field(item, None, 0, item.id, item.label)
    return checker.issues


@dataclass
class _Checker:
    values: Mapping[str, Any]
    finishing: bool
    lenient: bool
    today: dt.date | None
    issues: list[Issue] = field(default_factory=list)

    def field(
        self, item: Field, row: Mapping[str, Any] | None, position: int, path: str, label: str
    ) -> None:
        values = self.values
        if not item.is_input or not _visible(item, values, row, position):
            return
        value: Any = (row if row is not None else values).get(item.id)
        if is_empty(value):
            if self.finishing and _required(item, values, row, position):
                self.issues.append(
                    Issue(path, label, f"{item.label} is required.", code=IssueCode.REQUIRED)
                )
                return
            if item.type != "repeat":
                return
            value = []
        problem = item.check_value(value)
        if problem:
            severity = Severity.ERROR
            if self.lenient and item.type in ("choice", "multi_choice"):
                # The choice list changed since this record was captured.
                severity = Severity.WARNING
                problem += " (the form has changed since this was recorded)"
            self.issues.append(Issue(path, label, problem, severity, IssueCode.INVALID))
            return
        scope = make_scope(item.form, values, item.parent, row, position, today=self.today)
        for constraint in item.constraints:
            if check_condition(constraint.rule, scope) is False:
                message, severity = constraint.message, constraint.severity
                self.issues.append(Issue(path, label, message, severity, IssueCode.CONSTRAINT))
        if item.type == "repeat":
            self.rows(item, value, path)

    def rows(self, group: Field, rows: list[Mapping[str, Any]], path: str) -> None:
        if self.finishing and group.minimum and len(rows) < group.minimum:
            wanted = int(group.minimum)
            noun = "entry" if wanted == 1 else "entries"
            message = f"{group.label} needs at least {wanted} {noun}."
            self.issues.append(Issue(path, group.label, message, code=IssueCode.TOO_FEW))
        for index, row in enumerate(rows):
            for item in group.fields:
                self.field(
                    item,
                    row,
                    index,
                    f"{path}[{index}].{item.id}",
                    f"{group.row_label(index)}: {item.label}",
                )


# -- the scope and conditions as they were (linear field lookups, a scope per field) -----


def _child(group: Field, name: str) -> Field | None:
    return next((f for f in group.fields if f.id == name), None)


def _top(form: Form | None, path: str) -> Field | None:
    if form is None:
        return None
    parts = re.sub(r"\[\d+\]", "", path).split(".")
    found = form._by_id.get(parts[0])
    for part in parts[1:]:
        found = _child(found, part) if found else None
    return found


def make_scope(
    form: Form | None,
    values: Mapping[str, Any],
    repeat: Field | None,
    row: Mapping[str, Any] | None,
    position: int,
    *,
    today: dt.date | None = None,
) -> Scope:
    def top(name: str) -> tuple[Field | None, Any]:
        return _top(form, name), values.get(name)

    def lookup(parts: tuple[str, ...]) -> Any:
        if len(parts) == 1:
            name = parts[0]
            if repeat is not None and row is not None and _child(repeat, name) is not None:
                return typed_value(_child(repeat, name), row.get(name))
            item, value = top(name)
            return typed_value(item, value)
        group, name = parts
        if repeat is not None and row is not None and group == repeat.id:
            return typed_value(_child(repeat, name), row.get(name))
        item, rows = top(group)
        if not isinstance(rows, list):
            return None
        sub = _child(item, name) if item else None
        found = [typed_value(sub, r.get(name)) for r in rows if isinstance(r, Mapping)]
        return [v for v in found if v is not None]

    return Scope(lookup, position=position + 1 if repeat is not None else None, today=today)


def _visible(item: Field, values: Mapping[str, Any], row: Any, position: int) -> bool:
    if item.show_if is None:
        return True
    scope = make_scope(item.form, values, item.parent, row, position)
    return check_condition(item.show_if, scope) is True


def _required(item: Field, values: Mapping[str, Any], row: Any, position: int) -> bool:
    if item.required:
        return True
    if item.required_if is None:
        return False
    scope = make_scope(item.form, values, item.parent, row, position)
    return check_condition(item.required_if, scope) is True
