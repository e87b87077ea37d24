"""Whole-record validation: the one place the template rules are applied to a set of answers.

Rules, in the order a reviewer would want them: a hidden field (or section) is neither
required nor checked; an empty field is only an error when finishing; a filled field must
hold a possible value before its constraints run; constraints whose answers are missing
are not applied. Answers the form does not know are ignored, never removed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspr_tui.forms.answers import (
    Issue,
    IssueCode,
    Severity,
    check_condition,
    is_empty,
    make_scope,
)

if TYPE_CHECKING:
    from cspr_tui.forms.model import Field, Form

__all__ = ["validate_record"]


def validate_record(
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
        if section.is_visible(values):
            for item in section.fields:
                checker.field(item, None, 0, None)
    return checker.issues


# Where a row field sits: its group, the group's own path and the row's index. The path
# and label of a field are only worded when it has an issue (most fields have none).
_Row = tuple["Field", str, int]


def _named(item: Field, where: _Row | None) -> tuple[str, str]:
    if where is None:
        return item.id, item.label
    group, path, index = where
    return f"{path}[{index}].{item.id}", f"{group.row_label(index)}: {item.label}"


@dataclass
class _Checker:
    values: Mapping[str, Any]
    finishing: bool
    lenient: bool
    today: dt.date | None
    issues: list[Issue] = field(default_factory=list)

    def field(
        self, item: Field, row: Mapping[str, Any] | None, position: int, where: _Row | None
    ) -> None:
        values = self.values
        if item.type == "note":  # not an input
            return
        if item.show_if is not None and not item.is_visible(values, row, position):
            return
        value: Any = (row if row is not None else values).get(item.id)
        if is_empty(value):
            if self.finishing and item.is_required(values, row, position):
                path, label = _named(item, where)
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
            path, label = _named(item, where)
            self.issues.append(Issue(path, label, problem, severity, IssueCode.INVALID))
            return
        if item.constraints:
            scope = make_scope(item.form, values, item.parent, row, position, today=self.today)
            for constraint in item.constraints:
                if check_condition(constraint.rule, scope) is False:
                    message, severity = constraint.message, constraint.severity
                    path, label = _named(item, where)
                    self.issues.append(Issue(path, label, message, severity, IssueCode.CONSTRAINT))
        if item.type == "repeat":
            self.rows(item, value, _named(item, where)[0])

    def rows(self, group: Field, rows: list[Mapping[str, Any]], path: str) -> None:
        if self.finishing and group.minimum and len(rows) < group.minimum:
            wanted = int(group.minimum)
            noun = "entry" if wanted == 1 else "entries"
            message = f"{group.label} needs at least {wanted} {noun}."
            self.issues.append(Issue(path, group.label, message, code=IssueCode.TOO_FEW))
        fields = group.fields
        for index, row in enumerate(rows):
            where = (group, path, index)
            for item in fields:
                self.field(item, row, index, where)
