"""One question of a guided form: its label, the right input for its type, and its error line.

The editor never decides whether an answer is valid: `FieldValidator` asks the forms engine
(`Field.validate_value`) so the screen and `Form.validate` apply the very same rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea

from cspr_tui.forms.model import YES_NO, YES_NO_UNKNOWN, Field, is_empty
from cspr_tui.tui.widgets.date_input import DateInput
from cspr_tui.tui.widgets.drop_down import DropDown
from cspr_tui.tui.widgets.key_choice import MAX_KEYED_CHOICES, KeyChoice
from cspr_tui.tui.widgets.line_input import LineInput
from cspr_tui.tui.widgets.text_box import TextBox
from cspr_tui.tui.widgets.ticks import TickList
from cspr_tui.tui.words import run_together

# (values of the whole form, the repeat row or None, the row's 0-based position)
Context = tuple[Mapping[str, Any], Mapping[str, Any] | None, int]


def widget_id(path: str) -> str:
    """A DOM id for a value path such as `children[0].dob` (ids allow no brackets or dots)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


class FieldValidator(Validator):
    """Asks the forms engine about one typed answer, in the context of the others, with
    the app's day as `today()` (the store checks a save with its own clock; the boxes
    checked with the machine's date, so the two could disagree about "in the future")."""

    def __init__(
        self,
        field: Field,
        context: Callable[[], Context],
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__()
        self.field = field
        self.context = context
        self.today = today

    def validate(self, value: str) -> ValidationResult:
        values, row, position = self.context()
        problem = self.field.validate_value(
            value,
            values,
            row=row,
            position=position,
            today=self.today() if self.today is not None else None,
        )
        return self.success() if problem is None else self.failure(problem)


def choices_for(field: Field) -> tuple[str, ...]:
    if field.type == "yes_no":
        return YES_NO
    if field.type == "yes_no_unknown":
        return YES_NO_UNKNOWN
    return field.choices


class AnswerArea(TextBox):
    """A long answer's box: a `TextBox` (wrapped at its real width) whose wrapping, as its
    width becomes known, does not ask for a layout of the whole screen.

    The box's size is fixed by the stylesheet (five lines), so the size of the text inside
    it (its "virtual size") moves only its own scroll bar, which asks for a layout itself
    when it comes or goes. Textual's `TextArea` rewraps once it is first laid out and its
    new virtual size asked for a second layout and full redraw of the form (about 30 ms on
    opening a step with a long answer). A box sized by its text still asks as before."""

    def _refresh_size(self) -> None:
        if self.styles.auto_dimensions:
            super()._refresh_size()
            return
        # `Reactive._layout` is Textual's private flag (styled_screen.py does the same for
        # a whole screen's layout; tests/tui/test_layouts.py fails loudly if it goes).
        virtual_size = Widget.virtual_size
        layout = virtual_size._layout
        virtual_size._layout = False
        try:
            super()._refresh_size()
        finally:
            virtual_size._layout = layout


class FieldEditor(Vertical):
    """Label + input + error line for one field at one value path."""

    DEFAULT_CSS = """
    FieldEditor {
        height: auto;
        margin-bottom: 1;
    }
    FieldEditor > .field-label {
        color: $text;
        text-style: bold;
    }
    FieldEditor > .field-label.required {
        color: $accent;
    }
    FieldEditor > .field-error {
        color: $error;
        display: none;
    }
    FieldEditor.-has-error > .field-error {
        display: block;
    }
    FieldEditor > Input, FieldEditor > Select > SelectCurrent, FieldEditor > KeyChoice {
        background: $boost;
        border-left: wide $panel-lighten-2;
    }
    FieldEditor > Input:focus, FieldEditor > KeyChoice:focus,
    FieldEditor > Select:focus > SelectCurrent {
        background: $primary 40%;
        border-left: wide $accent;
    }
    FieldEditor > TextArea {
        height: 5;
        border: round $panel-lighten-2;
    }
    FieldEditor > TextArea:focus {
        border: round $accent;
    }
    FieldEditor.-carried > .field-label {
        color: $text-muted;
    }
    FieldEditor > SelectionList {
        height: auto;  /* up to ten options, however they wrap (TickList's own height) */
    }
    FieldEditor > .note {
        color: $warning;
        border-left: thick $warning;
        padding-left: 1;
    }
    """

    def __init__(
        self,
        field: Field,
        path: str,
        value: Any,
        context: Callable[[], Context],
        *,
        raw: str | None = None,
        required: bool = False,
        carried_from: str | None = None,
    ) -> None:
        super().__init__(id=widget_id(path))
        self.carried_from = carried_from
        self.field = field
        self.path = path
        self.value = value
        self.raw = raw
        self.context = context
        self.required = required

    def compose(self) -> ComposeResult:
        field = self.field
        if field.type == "note":
            yield Static(field.text or field.label, classes="note")
            return
        yield Static(
            self._label_text(), classes="field-label" + (" required" if self.required else "")
        )
        yield self._make_input()
        yield Static("", classes="field-error")

    def _label_text(self) -> str:
        label = self.field.label + (" *" if self.required else "")
        if self.field.type == "date":
            label += "  (DD/MM/YYYY)"
        if self.carried_from:
            label += f"  · carried over from {self.carried_from}"
        return label

    def set_required(self, required: bool) -> None:
        """Show `*` as soon as an answer elsewhere makes this question required."""
        if required == self.required or self.field.type == "note":
            return
        self.required = required
        if self.is_mounted:
            label = self.query_one(".field-label", Static)
            label.update(self._label_text())
            label.set_class(required, "required")

    def mark_carried(self, source: str | None) -> None:
        """Say (or stop saying) that the answer came from an earlier form."""
        self.carried_from = source
        if self.field.type != "note" and self.is_mounted:
            self.query_one(".field-label", Static).update(self._label_text())
            self.set_class(bool(source), "-carried")

    def _make_input(self) -> Widget:
        field, value = self.field, self.value
        if field.type == "long_text":
            area = AnswerArea(str(value or ""), soft_wrap=True, tab_behavior="focus", id="input")
            area.show_line_numbers = False
            return area
        short = field.type != "choice" or len(choices_for(field)) <= MAX_KEYED_CHOICES
        if field.type in ("yes_no", "yes_no_unknown", "choice") and short:
            current = value if value in choices_for(field) else None
            return KeyChoice(choices_for(field), current, id="input")
        if field.type in ("yes_no", "yes_no_unknown", "choice"):
            options = [(choice, choice) for choice in choices_for(field)]
            current = value if value in choices_for(field) else Select.NULL
            return DropDown(
                options, value=current, allow_blank=True, compact=True, id="input", prompt="Choose…"
            )
        if field.type == "multi_choice":
            picked = set(value or [])
            return TickList(
                *[(choice, choice, choice in picked) for choice in field.choices], id="input"
            )
        text = self.raw if self.raw is not None else field.format(value)
        placeholder = {"date": "DD/MM/YYYY", "number": "a number"}.get(field.type, "")
        kind = DateInput if field.type == "date" else LineInput
        return kind(
            text,
            placeholder=placeholder,
            compact=True,
            id="input",
            validators=[FieldValidator(field, self.context, self._today)],
            validate_on=["blur", "submitted"],
            restrict=r"[0-9/.\-]*" if field.type == "date" else None,
        )

    def _today(self) -> date | None:
        """The app's day (tests and the demo set it), else the machine's."""
        today = getattr(self.app, "today", None)
        return today() if callable(today) else None

    @property
    def input(self) -> Widget | None:
        if self.field.type == "note":
            return None
        return self.query_one("#input")

    def read_raw(self) -> Any:
        """What the reviewer has typed or picked, before parsing."""
        widget = self.input
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, KeyChoice):
            return widget.value
        if isinstance(widget, Select):
            return None if widget.value == Select.NULL else widget.value
        if isinstance(widget, SelectionList):
            return list(widget.selected)
        if isinstance(widget, Input):
            return widget.value
        return None

    def show_error(self, message: str | None) -> None:
        if self.field.type == "note":
            return
        self.query_one(".field-error", Static).update(message or "")
        self.set_class(bool(message), "-has-error")

    def check(self, *, finishing: bool = False) -> str | None:
        """Validate what is typed now through the engine and show the answer under the field."""
        values, row, position = self.context()
        problem = self.field.validate_value(
            self.read_raw(),
            values,
            row=row,
            position=position,
            finishing=finishing,
            today=self._today(),
        )
        self.show_error(problem)
        return problem

    def check_as_typed(self) -> str | None:
        """`check`, for an answer still being typed in its box: one that cannot be read yet
        ("20" on the way to 20/11/2026) clears the old message but is not called wrong
        until the reviewer leaves the box or presses Enter (the input's own validation)."""
        widget = self.input
        if isinstance(widget, Input) and widget.has_focus:
            try:
                self.field.parse(self.read_raw())
            except ValueError:
                self.show_error(None)
                return None
        return self.check()


class RepeatRow(Vertical):
    """One entry of a repeatable group: expanded (its questions) or one summary line.

    Only one entry of a group is expanded at a time: a long group stays readable at 80x24
    and the screen keeps few widgets, so typing stays quick.
    """

    DEFAULT_CSS = """
    RepeatRow {
        height: auto;
        border: round $primary-darken-2;
        padding: 0 1;
        margin-bottom: 1;
    }
    RepeatRow.-collapsed {
        border: none;
        padding: 0;
        margin-bottom: 0;
    }
    RepeatRow > .row-bar {
        height: 1;
    }
    RepeatRow > .row-bar > .row-title {
        width: 1fr;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;  /* a summary cut at the buttons says so */
    }
    RepeatRow > .row-bar > Button {
        margin-left: 1;
        width: auto;
        min-width: 4;
    }
    """

    def __init__(
        self,
        group: Field,
        index: int,
        count: int,
        editors: list[FieldEditor],
        *,
        summary: str = "",
    ) -> None:
        super().__init__(id=widget_id(f"{group.id}[{index}]"))
        self.group = group
        self.index = index
        self.count = count
        self.editors = editors
        self.summary = summary
        self.set_class(not editors, "-collapsed")

    def compose(self) -> ComposeResult:
        title = self.group.row_label(self.index)
        if not self.editors:
            title += f": {self.summary}" if self.summary else " (empty)"
        with Horizontal(classes="row-bar"):
            yield Static(title, classes="row-title")
            if not self.editors:
                yield Button("Edit", compact=True, classes="row-edit")
            moves = [
                Button("Up", compact=True, classes="row-up", disabled=self.index == 0),
                Button(
                    "Down", compact=True, classes="row-down", disabled=self.index >= self.count - 1
                ),
                Button("Remove", compact=True, classes="row-remove", variant="error"),
            ]
            for button in moves:
                # No Tab stops: a closed entry is one (Edit), an open one its questions.
                # Tab went from Edit to Remove and on through every entry's buttons, and
                # from the question above an open entry to its Remove, where the answer
                # then typed was lost. ctrl+r and alt+up/down act on the entry holding the
                # focus; the mouse still presses them.
                button.can_focus = False
                yield button
        yield from self.editors


SUMMARY_TEXT = 44  # cells of a long answer shown on a closed entry's line


def row_summary(group: Field, row: Mapping[str, Any]) -> str:
    """A collapsed entry's line: its first few answers, as a reviewer reads them. Long
    answers are left out beside short ones; an entry with only long answers (a finding, a
    learning point, a line of enquiry) shows the start of its first, with an ellipsis: it
    read "Finding 1 (empty)" while it held the finding, which invites typing it again."""
    parts = []
    for sub in group.fields:
        if sub.is_input and sub.type not in ("long_text", "repeat"):
            shown = sub.format(row.get(sub.id))
            if shown:
                parts.append(shown)
        if len(parts) == 3:
            break
    if not parts:
        for sub in group.fields:
            text = " ".join(str(row.get(sub.id) or "").split()) if sub.type == "long_text" else ""
            if text:
                cut = len(text) > SUMMARY_TEXT
                return text[: SUMMARY_TEXT - 1].rstrip() + "…" if cut else text
    return run_together(parts, ", ")


class RepeatGroup(Vertical):
    """A repeatable group: its rows and an add button; the screen owns the list of rows."""

    DEFAULT_CSS = """
    RepeatGroup {
        height: auto;
        margin-bottom: 1;
    }
    RepeatGroup > .group-label {
        text-style: bold;
    }
    RepeatGroup > Button {
        width: auto;
        min-width: 4;
    }
    RepeatGroup > .field-error {
        color: $error;
    }
    """

    def __init__(
        self,
        group: Field,
        rows: list[RepeatRow],
        *,
        required: bool = False,
        carried_from: str | None = None,
    ) -> None:
        super().__init__(id=widget_id(group.id))
        self.carried_from = carried_from
        self.field = group
        self.path = group.id
        self.rows = rows
        self.required = required
        self.error_line = Static("", classes="field-error")

    def compose(self) -> ComposeResult:
        label = self.field.label + (" *" if self.required else "")
        count = len(self.rows)
        line = f"{label}  ({count} {'entry' if count == 1 else 'entries'}"
        if self.carried_from:
            line += f", carried over from {self.carried_from}"
        yield Static(line + ")", classes="group-label")
        yield from self.rows
        noun = (self.field.item_label or "entry").lower()
        yield Button(f"Add {noun}", compact=True, classes="row-add", variant="primary")
        yield self.error_line

    def show_error(self, message: str | None) -> None:
        self.error_line.update(message or "")


def row_count(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def has_answer(value: Any) -> bool:
    return not is_empty(value)
