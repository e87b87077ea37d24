"""What conditions see of a record's answers, and what a check reports about them.

Below both the model (`model.py`: fields and forms use these to decide what is shown or
required) and the record check (`validation.py`), so that neither imports the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cspr_tui.forms.dates import DateFormatError, parse_iso_date
from cspr_tui.forms.expression import Expression, Scope

if TYPE_CHECKING:
    from cspr_tui.forms.model import Field, Form

__all__ = [
    "Issue",
    "IssueCode",
    "RecordAnswers",
    "Severity",
    "check_condition",
    "is_empty",
    "issue_line",
    "make_scope",
    "typed_value",
]


class Severity(StrEnum):
    ERROR = "error"  # blocks saving (an impossible answer) or finishing (a missing one)
    WARNING = "warning"  # shown, never blocks


class IssueCode(StrEnum):
    """What kind of problem an Issue is."""

    REQUIRED = "required"  # missing when finishing
    INVALID = "invalid"  # an impossible value (31/02, a choice the form lacks)
    CONSTRAINT = "constraint"  # a rule of the template not met
    TOO_FEW = "too_few"  # fewer entries in a repeat than the template asks
    NOT_ANSWERS = "not_answers"  # the record is not a set of answers at all


@dataclass(frozen=True)
class Issue:
    """One validation finding, addressed by path (`children[0].dob`) for the screens.

    `code` says what kind of problem it is, for a caller that acts on it rather than
    printing it; `severity` whether it blocks (an error) or only warns.
    """

    path: str
    label: str
    message: str
    severity: Severity = Severity.ERROR
    code: IssueCode = IssueCode.INVALID


def issue_line(issue: Issue) -> str:
    """One finding as the command line prints it, field by field: the answer's path, then
    the words the form screen shows beside that field (an entry of a group named first, as
    "Child 2: ..."), so a reviewer can find it on either front door."""
    entry = issue.label.rpartition(": ")[0] if "[" in issue.path else ""
    message = f"{entry}: {issue.message}" if entry else issue.message
    note = "" if issue.severity == Severity.ERROR else " (a warning; it does not stop saving)"
    return f"{issue.path}: {message}{note}" if issue.path else f"{message}{note}"


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def typed_value(item: Field | None, value: Any) -> Any:
    """An answer as conditions see it: dates as dates, impossible or empty answers as None."""
    if is_empty(value):
        return None
    if item is None:
        return value
    if item.type == "date":
        try:
            return parse_iso_date(value)
        except DateFormatError:
            return None
    if item.type == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return None
    return value


class RecordAnswers:
    """What conditions see of one record's answers, each worked out once: a record check
    asks the same names for every field and every row (an incident date in every child's
    rules), and the answers do not change while it runs."""

    def __init__(self, form: Form | None, values: Mapping[str, Any]) -> None:
        self.form, self.values = form, values
        self._tops: dict[str, Any] = {}
        self._groups: dict[tuple[str, str], Any] = {}

    def top(self, name: str) -> Any:
        """A top-level answer as conditions see it (`typed_value`)."""
        if name not in self._tops:
            form = self.form
            self._tops[name] = typed_value(
                form.field(name) if form else None, self.values.get(name)
            )
        return self._tops[name]

    def group(self, group: str, name: str) -> Any:
        """Every row's typed answer to `name` in the group `group`, the empty ones left out
        (None when the group holds no rows)."""
        key = (group, name)
        if key not in self._groups:
            form = self.form
            item, rows = (form.field(group) if form else None), self.values.get(group)
            found: Any = None
            if isinstance(rows, list):
                sub = item.field(name) if item else None
                typed = [typed_value(sub, r.get(name)) for r in rows if isinstance(r, Mapping)]
                found = [v for v in typed if v is not None]
            self._groups[key] = found
        return self._groups[key]


def make_scope(
    form: Form | None,
    values: Mapping[str, Any],
    repeat: Field | None,
    row: Mapping[str, Any] | None,
    position: int,
    *,
    today: dt.date | None = None,
    answers: RecordAnswers | None = None,
) -> Scope:
    """Resolve names for a condition: the current row's fields first, then the form's.
    `answers`, shared by the scopes of one record check, works each answer out once."""
    record = answers if answers is not None else RecordAnswers(form, values)

    def lookup(parts: tuple[str, ...]) -> Any:
        if len(parts) == 1:
            name = parts[0]
            if repeat is not None and row is not None:
                sub = repeat.field(name)
                if sub is not None:
                    return typed_value(sub, row.get(name))
            return record.top(name)
        group, name = parts
        if repeat is not None and row is not None and group == repeat.id:
            return typed_value(repeat.field(name), row.get(name))
        return record.group(group, name)

    return Scope(lookup, position=position + 1 if repeat is not None else None, today=today)


def check_condition(expression: Expression, scope: Scope) -> bool | None:
    """Evaluate a condition; a value the condition cannot handle counts as unknown."""
    return expression.truth(scope)
