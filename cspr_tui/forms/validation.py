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
    RecordAnswers,
    Severity,
    check_condition,
    is_empty,
    make_scope,
)
from cspr_tui.forms.expression import Scope

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
    errors_only: bool = False,
) -> list[Issue]:
    """Every issue of a record, in form order; with `errors_only`, the errors alone (the
    same ones, in the same order): an import refuses on errors and words no warning, and
    its thousands of records have a few warnings each."""
    if not isinstance(values, Mapping):
        message = f"The {form.title} record is not a set of answers."
        return [Issue("", form.title, message, code=IssueCode.NOT_ANSWERS)]
    checker = _Checker(values, finishing, lenient, today, errors_only)
    for section in form.sections:
        if section.is_visible(values, scope=checker.scope(section.form, None, None, 0, False)):
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
    """One record's check. A field's conditions are tested in a scope shared by the fields
    of its row (or of the form, outside a repeat), not one made for each field: what is
    shown and required sees the clock's today (as `Field.is_visible` and `is_required`
    do), the constraints the `today` asked for."""

    values: Mapping[str, Any]
    finishing: bool
    lenient: bool
    today: dt.date | None
    errors_only: bool = False
    issues: list[Issue] = field(default_factory=list)
    _answers: dict[int, RecordAnswers] = field(default_factory=dict)
    _scopes: dict[tuple[int, int, int, int, bool], Scope] = field(default_factory=dict)

    def scope(
        self,
        form: Form | None,
        repeat: Field | None,
        row: Mapping[str, Any] | None,
        position: int,
        dated: bool,
    ) -> Scope:
        """The scope `make_scope(form, values, repeat, row, position)` would give, with
        today=`self.today` when `dated` (a constraint's), else none (visibility's)."""
        key = (id(form), id(repeat), id(row), position, dated and self.today is not None)
        found = self._scopes.get(key)
        if found is None:
            answers = self._answers.get(id(form))
            if answers is None:
                answers = self._answers[id(form)] = RecordAnswers(form, self.values)
            today = self.today if dated else None
            found = self._scopes[key] = make_scope(
                form, self.values, repeat, row, position, today=today, answers=answers
            )
        return found

    def field(
        self, item: Field, row: Mapping[str, Any] | None, position: int, where: _Row | None
    ) -> None:
        kind = item.type
        if kind == "note":  # not an input
            return
        values = self.values
        value: Any = (row if row is not None else values).get(item.id)
        empty = is_empty(value)
        if (
            empty
            and kind != "repeat"
            and not (self.finishing and (item.required or item.required_if is not None))
        ):
            return  # nothing to say of it, shown or hidden: its show_if need not be tested
        scope = self.scope(item.form, item.parent, row, position, False)
        if not item.is_visible(values, row, position, scope=scope):
            return
        if empty:
            if self.finishing and item.is_required(values, row, position, scope=scope):
                path, label = _named(item, where)
                self.issues.append(
                    Issue(path, label, f"{item.label} is required.", code=IssueCode.REQUIRED)
                )
                return
            if kind != "repeat":
                return
            value = []
        problem = item.check_value(value)
        if problem:
            severity = Severity.ERROR
            if self.lenient and kind in ("choice", "multi_choice"):
                # The choice list changed since this record was captured.
                if self.errors_only:
                    return
                severity = Severity.WARNING
                problem += " (the form has changed since this was recorded)"
            path, label = _named(item, where)
            self.issues.append(Issue(path, label, problem, severity, IssueCode.INVALID))
            return
        if item.constraints:
            scope = self.scope(item.form, item.parent, row, position, True)
            for constraint in item.constraints:
                if check_condition(constraint.rule, scope) is False:
                    message, severity = constraint.message, constraint.severity
                    if self.errors_only and severity != Severity.ERROR:
                        continue
                    path, label = _named(item, where)
                    self.issues.append(Issue(path, label, message, severity, IssueCode.CONSTRAINT))
        if kind == "repeat":
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
