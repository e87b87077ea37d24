"""The guided form: a step per template section, drawn from the template, saved as a draft.

Everything the screen knows about questions comes from the forms engine (types, labels,
help, conditions, validation); everything about saving comes from the case store, which
keeps drafts in the encrypted vault. The answers being edited live in `self.values`,
exactly as a record stores them, so a draft can be saved at any moment and resumed.
"""

from __future__ import annotations

import copy
import re
from time import monotonic
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input, Select, SelectionList, Static, TextArea

from cspr_tui.domain import agency_report
from cspr_tui.domain.carry_over import (
    carried_paths,
    carry_over,
    carry_within,
    opened_by_the_workflow,
)
from cspr_tui.domain.case import Case, Record
from cspr_tui.domain.form_mapping import AGENCY_REPORT_FORM, agency_record
from cspr_tui.errors import CsprError, ValidationFailed
from cspr_tui.forms.model import Field, Form, Issue, Section, is_empty
from cspr_tui.tui.styled_screen import StyledOnceScreen
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.form_field import (
    Context,
    FieldEditor,
    RepeatGroup,
    RepeatRow,
    row_summary,
    widget_id,
)
from cspr_tui.tui.widgets.key_choice import KeyChoice
from cspr_tui.tui.widgets.ticks import TYPING_PAUSE
from cspr_tui.tui.widgets.typed_on import type_on_in
from cspr_tui.tui.words import step_title

_NONE = object()  # "the answers had no such key"
_INDEX = re.compile(r"^(?P<group>[^\[.]+)\[(?P<index>\d+)\]\.(?P<field>.+)$")


def root_of(path: str) -> str:
    """The top-level field id of a value path (`children[0].dob` -> `children`)."""
    return re.split(r"[\[.]", path, maxsplit=1)[0]


class StepPane(Vertical):
    """One step's widgets, built once and kept while the form is open (hidden when another
    step is shown), with the editors it holds by value path."""

    DEFAULT_CSS = """
    StepPane {
        height: auto;
    }
    """

    def __init__(self, section_id: str, editors: dict[str, FieldEditor], *children: Widget):
        super().__init__(*children, id=widget_id(f"step-{section_id}"))
        self.editors = editors


STEPS_KEY = "   ctrl+g: steps"


def fitted_step_line(head: str, title: str, cells: list[str], current: int, width: int) -> str:
    """The step line in `width` columns: "Step 3 of 9: title   1✓ 2✓ [3•] ...   ctrl+g: steps".

    "ctrl+g: steps" always shows; a long title ends in an ellipsis so that the current step's
    mark and its neighbours still fit; the strip of marks then shows as many steps around the
    current one as there is room for, "…" where some are left out (sixteen steps need 54
    columns). Before, the line ran off the screen and took the key with it."""
    strip_min = len(" ".join(cells[max(0, current - 1) : current + 2])) + 4  # "… " either side
    room = width - len(head) - len(STEPS_KEY) - 3 - min(strip_min, len(" ".join(cells)))
    if len(title) > room:
        title = title[: max(room - 1, 1)].rstrip() + "…"
    left = width - len(head) - len(title) - 3 - len(STEPS_KEY)
    first, last = current, current + 1  # the window of cells shown, widened while it fits

    def drawn(a: int, b: int) -> int:
        return len(" ".join(cells[a:b])) + (a > 0) * 2 + (b < len(cells)) * 2

    grown = True
    while grown:  # one step to the right, then one to the left, while they fit
        grown = False
        if last < len(cells) and drawn(first, last + 1) <= left:
            last, grown = last + 1, True
        if first > 0 and drawn(first - 1, last) <= left:
            first, grown = first - 1, True
    shown = [f"[reverse]{c}[/]" if i == current else c for i, c in enumerate(cells)]
    strip = " ".join(shown[first:last])
    strip = ("… " if first > 0 else "") + strip + (" …" if last < len(cells) else "")
    return f"{head}{title}   {strip}{STEPS_KEY}"


def fitted_title(title: str, tag: str, width: int) -> str:
    """The title line in `width` columns, the tag ("[complete: editing]") always whole: a
    long title ends in an ellipsis instead. At 80 columns the tag was cut off, and with it
    the only sign that a finished form was being changed."""
    if len(title) + len(tag) <= width:
        return title + tag
    return title[: max(width - len(tag) - 1, 1)].rstrip() + "…" + tag


class FormScreen(StyledOnceScreen[bool]):
    """Fill one form of one case, a section at a time; dismisses True when finished."""

    ALLOW_SELECT = False
    CSS_PATH = "form.tcss"
    # No focus until the step is built (`show_step` focuses its first question): Textual's
    # own first focus lands on the empty step container, and moving it on restyles the
    # whole step (every question) a second time.
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save_draft", "Save", priority=True, id="form.save"),
        Binding("ctrl+n", "next_step", "Next", priority=True, id="form.next"),
        Binding("ctrl+b", "previous_step", "Back", priority=True, id="form.back"),
        Binding("ctrl+t", "finish", "Finish", priority=True, id="form.finish"),
        Binding("ctrl+g", "step_list", "Steps", priority=True, id="form.steps"),
        Binding("f1", "field_help", "Help", show=False, id="form.help"),
        Binding("ctrl+o", "add_row", "Add", id="form.add_row"),
        Binding("ctrl+r", "remove_row", "Remove", show=False, id="form.remove_row"),
        Binding("alt+up", "move_row(-1)", "Row up", show=False, id="form.row_up"),
        Binding("alt+down", "move_row(1)", "Row down", show=False, id="form.row_down"),
        Binding("escape", "leave", "Close", id="form.leave"),
    ]

    def __init__(self, ref: str, form_id: str, *, agency: str | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.form_id = form_id
        self.agency = agency  # whose report, for the one-per-agency information reports
        self.form: Form | None = None
        self.values: dict[str, Any] = {}
        self.raw: dict[str, str] = {}  # typed text that is not (yet) a valid answer
        self.editors: dict[str, FieldEditor] = {}
        self.expanded: dict[str, int] = {}  # the one open entry of each repeatable group
        self.carried: dict[str, str] = {}  # value path -> where its answer came from
        self.carried_within: set[str] = set()  # answers a step took from an earlier one
        self.given: frozenset[str] = frozenset()  # answers an agency report's request owns
        self.step = 0
        self._title = ""  # "Referral · CSPR-2026-001 (Child A)", fitted to the width
        self._title_tag = ""  # "  [complete: editing]" when a finished form is changed
        self.issues_shown: tuple[str, bool] | None = None  # (heading, finishing) while listed
        self.panes: dict[str, StepPane] = {}  # each visited step's widgets, by section id
        # Required groups opened with one blank entry: group id -> (the blank entry, what the
        # answers held before). An entry still blank is not saved (see `_without_blank`).
        self.opened_blank: dict[str, tuple[dict[str, Any], Any]] = {}
        self._offered: tuple = ()  # what the footer offered when last refreshed
        self._edits = 0  # changes made so far
        self._saved_edits = 0  # how many of them the vault holds
        self.closing = False
        # The step line follows a long answer once typing pauses for this long (seconds):
        # redrawn on every key, it would check the whole form each time.
        self.step_line_delay = 0.3
        self._typed_at = 0.0  # when a long answer last changed
        self._step_line_timer: Timer | None = None
        self._left: Widget | None = None  # the widget the cursor last left
        self._typed_on_button_at = float("-inf")  # when letters last came on a button

    @property
    def dirty(self) -> bool:
        """Changes the vault does not hold yet."""
        return self._edits != self._saved_edits

    @dirty.setter
    def dirty(self, value: bool) -> None:
        if value:
            self._edits += 1
        else:
            self._saved_edits = self._edits

    # -- building ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The answers and the step first: the key bar composes its keys with the screen,
        # from `check_action`, which asks which step is shown (Back, Add). Worked out in
        # `on_mount`, after the bar had composed for step 1, a draft reopened on a later
        # step redrew the whole bar and laid the screen out once more (about 40 ms).
        title = self._load()
        yield Static(title, id="form-title")
        yield Static("", id="form-step")
        yield VerticalScroll(id="form-fields")
        yield Static("", id="form-issues")
        yield KeysFooter(compact=True)

    async def on_mount(self) -> None:
        await self.show_step()

    def _load(self) -> str:
        """Read the case: the form, its answers (with what carries over) and the step to
        open on; returns the title line."""
        store = self.app.store
        self.form = self.app.forms[self.form_id]
        case = store.get(self.ref)
        record = self._record(case)
        if record is not None and self.form_id == AGENCY_REPORT_FORM and self.agency:
            # the record's own answers with the facts its request owns
            self.values = copy.deepcopy(agency_report.report_answers(case, self.agency))
        elif record is not None:
            self.values = copy.deepcopy(record.values)
        else:
            self.values = self.form.initial_values(self.app.today())
            self.values.update(self._from_request(case))
        request = agency_report.find(case, self.agency) if self.agency else None
        if self.form_id == AGENCY_REPORT_FORM and request is not None:
            # the agency, author and dates were given with the request: not typed again
            self.given = frozenset(agency_report.answers_from_request(request))
        if opened_by_the_workflow(record):  # e.g. the review the LCSPR decision opened
            carried = carry_over(
                case,
                self.form,
                self.values if record else None,
                agency=self.agency,
                partnership=self.app.settings.partnership_set,
            )
            for field_id, item in carried.items():
                self.values[field_id] = copy.deepcopy(item.value)
            self.carried = {
                path: carried[root_of(path)].source_name for path in carried_paths(carried)
            }
        sections = self.sections()
        if record is not None and record.current_section:
            ids = [s.id for s in sections]
            if record.current_section in ids:
                self.step = ids.index(record.current_section)
        whose = f" · {self.agency}" if self.agency else ""
        self._title = f"{self.form.title}{whose} · {case.ref} ({case.pseudonym})"
        self._title_tag = (
            "  [complete: editing]" if record is not None and record.status == "complete" else ""
        )
        return fitted_title(self._title, self._title_tag, self.app.size.width - 2)

    def _record(self, case: Case) -> Record | None:
        """The record being edited: an agency report is the chosen agency's own."""
        if self.form_id != AGENCY_REPORT_FORM:
            return case.record(self.form_id)
        return agency_record(case, self.agency) if self.agency else None

    def _from_request(self, case: Case) -> dict[str, Any]:
        """A new agency report starts from what the request already says."""
        if self.form_id != AGENCY_REPORT_FORM or not self.agency:
            return {}
        request = agency_report.find(case, self.agency)
        if request is None:
            return {"agency": self.agency}
        return agency_report.answers_from_request(request)

    def sections(self) -> list[Section]:
        """The steps shown for the answers so far (a section may depend on an answer)."""
        assert self.form is not None
        return [s for s in self.form.sections if s.is_visible(self.values)]

    @property
    def section(self) -> Section:
        sections = self.sections()
        self.step = max(0, min(self.step, len(sections) - 1))
        return sections[self.step]

    def _required(self, field: Field, row: dict | None = None, position: int = 0) -> bool:
        return field.is_required(self.values, row, position)

    def _answer_context(self, group: Field | None, index: int) -> Context:
        if group is None:
            return self.values, None, 0
        rows = self.values.get(group.id) or []
        row = rows[index] if index < len(rows) else {}
        return self.values, row, index

    def _make_editor(
        self, field: Field, path: str, value: Any, group: Field | None = None, index: int = 0
    ) -> FieldEditor:
        row = self._answer_context(group, index)[1] if group else None
        editor = FieldEditor(
            field,
            path,
            value,
            lambda: self._answer_context(group, index),
            raw=self.raw.get(path),
            required=self._required(field, row, index),
            carried_from=self.carried.get(path),
        )
        self.editors[path] = editor
        return editor

    def _group(self, field: Field) -> RepeatGroup:
        rows_value = self.values.get(field.id)
        rows_list = rows_value if isinstance(rows_value, list) else []
        open_index = self.expanded.get(field.id, 0 if len(rows_list) == 1 else -1)
        rows = []
        for index, row in enumerate(rows_list):
            if index == open_index:
                editors = [
                    self._make_editor(
                        sub, f"{field.id}[{index}].{sub.id}", row.get(sub.id), field, index
                    )
                    for sub in field.fields
                ]
                rows.append(RepeatRow(field, index, len(rows_list), editors))
            else:
                rows.append(
                    RepeatRow(field, index, len(rows_list), [], summary=row_summary(field, row))
                )
        return RepeatGroup(
            field, rows, required=self._required(field), carried_from=self.carried.get(field.id)
        )

    def _carry_within(self, section: Section) -> bool:
        """Fill the step's empty answers that earlier steps give (the report's reviewer name
        from the list of reviewers), once each; True when any was filled."""
        assert self.form is not None
        carried = carry_within(self.form, section, self.values, self.carried_within)
        for field_id, item in carried.items():
            self.values[field_id] = copy.deepcopy(item.value)
            self.carried[field_id] = item.source_name
            self.carried_within.add(field_id)
        return bool(carried)

    async def show_step(self, focus_path: str | None = None, *, rebuild: bool = False) -> None:
        """Show the current section: built from the template the first time it is visited,
        then kept (hidden) and shown again, so moving between steps mounts nothing and
        applies no CSS. `rebuild`: the section's entries changed (added, removed, moved,
        another one opened), so its widgets are built again.

        A step built again is swapped in one `App.batch_update`: the old step stays drawn
        until the new one is mounted. Done as it came, the screen was drawn between the
        old step's removal and the new one's mount, the form blank for as long as building
        the step took (a third of a second per entry added in a burst of agencies);
        tests/tui/test_form_entries.py looks at every frame."""
        if self._carry_within(self.section):
            rebuild = True  # a kept step shows the answer an earlier step now gives
        if not rebuild or self.pane is None:
            await self._show_step(focus_path, rebuild=False)
            return
        with self.app.batch_update():
            await self._show_step(focus_path, rebuild=True)
        self.check_idle()  # the screen's idle turn draws it: none may come of its own

    async def _show_step(self, focus_path: str | None, *, rebuild: bool) -> None:
        section = self.section
        container = self.query_one("#form-fields", VerticalScroll)
        pane = self.panes.get(section.id)
        if pane is not None and rebuild:
            del self.panes[section.id]
            await pane.remove()
            pane = None
        if pane is None:
            self._open_required_groups(section)
            self.editors = {}
            widgets: list[Widget] = []
            if section.help:
                widgets.append(Static(section.help, classes="section-help"))
            for field in section.fields:
                if field.type == "repeat":
                    widgets.append(self._group(field))
                else:
                    widgets.append(self._make_editor(field, field.id, self.values.get(field.id)))
            pane = StepPane(section.id, self.editors, *widgets)
            self.panes[section.id] = pane
            await container.mount(pane)
        else:
            self.editors = pane.editors
            for editor in self.editors.values():
                if editor.has_class("-has-error"):
                    editor.show_error(None)  # as when the step was first drawn
        for other in self.panes.values():
            if other is not pane and other.display:
                other.display = False
        pane.display = True
        self.issues_shown = None
        self.query_one("#form-issues", Static).update("")
        self.refresh_visibility()
        self._expect_scrollbar(container, pane)
        self._show_step_line()
        self._refresh_bindings_if_changed()
        container.scroll_home(animate=False)
        self.focus_path(focus_path)

    def _expect_scrollbar(self, container: VerticalScroll, pane: StepPane) -> None:
        """Show the step's scroll bar before the step is laid out when its questions cannot
        fit: each takes at least three lines (label, answer, the gap below). Textual shows
        the bar only once a layout finds the step too tall, and then lays the whole screen
        out and draws it again, narrower (about 30 ms on opening a long step). A step that
        might fit is left to Textual, which still shows or hides the bar as it finds."""
        lines = 0
        for child in pane.children:
            if not child.display:
                continue
            if isinstance(child, FieldEditor) and child.field.type != "note":
                lines += 3
            else:
                lines += 2
        room = (self.size.height or self.app.size.height) - 3  # title, step line, key bar
        if lines > room and not container.show_vertical_scrollbar:
            container.show_vertical_scrollbar = True

    def _open_required_groups(self, section: Section) -> None:
        """A required group with no entry opens with one blank entry, ready to type (not
        after ctrl+o): once per group while the form is open, so an entry removed stays
        removed. Carried-over entries count as entries."""
        for field in section.fields:
            if field.type != "repeat" or field.id in self.opened_blank:
                continue
            needed = self._required(field) or (field.minimum or 0) >= 1
            if not needed or not field.is_visible(self.values):
                continue
            rows = self.values.get(field.id)
            if isinstance(rows, list) and rows:
                continue
            blank = field.new_row(self.app.today())
            self.opened_blank[field.id] = (copy.deepcopy(blank), self.values.get(field.id, _NONE))
            self.values[field.id] = [blank]
            self.expanded[field.id] = 0

    def _blank_untouched(self, group_id: str, values: dict[str, Any] | None = None) -> bool:
        """The group holds only the blank entry it opened with, nothing typed in it."""
        if group_id not in self.opened_blank:
            return False
        rows = (self.values if values is None else values).get(group_id)
        typed = any(path.startswith(f"{group_id}[") for path in self.raw)
        return rows == [self.opened_blank[group_id][0]] and not typed

    def _without_blank(self, values: dict[str, Any]) -> dict[str, Any]:
        """The answers to save: an entry the form opened and nobody filled is not an answer
        (a draft left there keeps no empty child, and reopens with a blank entry again)."""
        for group_id, (_blank, before) in self.opened_blank.items():
            if self._blank_untouched(group_id, values):
                if before is _NONE:
                    values.pop(group_id, None)
                else:
                    values[group_id] = before
        return values

    def _refresh_bindings_if_changed(self) -> None:
        """The footer is redrawn only when what it offers changes (Add/Remove, Back)."""
        offered = (self.check_action("add_row", ()), self.check_action("previous_step", ()))
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    @property
    def pane(self) -> StepPane | None:
        """The shown step's widgets."""
        return self.panes.get(self.section.id) if self.form is not None else None

    def focus_path(self, path: str | None) -> None:
        """Focus the editor at `path`, else the first visible input of the step."""
        target: Widget | None = None
        if path and path in self.editors and self.editors[path].display:
            target = self.editors[path].input
        if target is None:
            # Answers the app filled in (carried over, or a default such as today's date)
            # are not typed again: the cursor starts on the first question past them.
            # Nor are the reviewer's own: back on a step (ctrl+b, the step list) the cursor
            # went to its first question, answered or not, and the next key replaced that
            # answer (a date typed for the question still open wiped the referrer's name).
            shown = [e for e in self.editors.values() if e.display and e.input is not None]
            open_ = [e for e in shown if not self._filled_in(e.path, e.field)]
            first = next((e for e in open_ if is_empty(self._value_at(e.path))), None)
            first = first or (open_[0] if open_ else None) or (shown[0] if shown else None)
            target = first.input if first is not None else None
        if target is None:
            pane = self.pane
            buttons = list(pane.query(Button).results()) if pane is not None else []
            target = buttons[0] if buttons else None
        if target is not None:
            # The cursor put on an answer by the app goes after it, not round it: Tab
            # still selects a box's text to type over, but a step opened must not wipe an
            # answer with the first key typed. (Restored once the box has handled its Focus
            # event, posted to its queue by set_focus ahead of the restoring callback.)
            keep = isinstance(target, Input) and bool(target.value) and target.select_on_focus
            if keep:
                target.select_on_focus = False
            # At once, not `focus()` (which waits its turn in the app's queue behind keys).
            self.set_focus(target, scroll_visible=False)
            if keep:
                target.call_later(setattr, target, "select_on_focus", True)
            self.call_after_refresh(target.scroll_visible, animate=False)

    def _value_at(self, path: str) -> Any:
        """The answer held at `path`: a top-level question's, or an entry's (`group[i].field`)."""
        match = _INDEX.match(path)
        if not match:
            return self.values.get(path)
        rows = self.values.get(match["group"]) or []
        index = int(match["index"])
        row = rows[index] if index < len(rows) and isinstance(rows[index], dict) else {}
        return row.get(match["field"])

    def _filled_in(self, path: str, field: Field) -> bool:
        """The answer at `path` is one the app gave: carried over, or the field's default."""
        if path in self.carried or path in self.given:
            return True
        if field.default is None:
            return False
        value = self._value_at(path)
        return not is_empty(value) and value == field.default_value(self.app.today())

    def refresh_visibility(self) -> None:
        """Show and hide questions live as `show_if` conditions change (only what changed)."""
        for path, editor in self.editors.items():
            match = _INDEX.match(path)
            if match:
                index = int(match["index"])
                _values, row, _ = self._answer_context(editor.field.parent, index)
                shown = editor.field.is_visible(self.values, row, index)
            else:
                shown = editor.field.is_visible(self.values)
            if editor.display != shown:
                editor.display = shown
            if shown:
                row = (
                    self._answer_context(editor.field.parent, int(match["index"]))[1]
                    if (match)
                    else None
                )
                editor.set_required(
                    self._required(editor.field, row, int(match["index"]) if match else 0)
                )
        pane = self.pane
        for group in pane.query(RepeatGroup) if pane is not None else ():
            shown = group.field.is_visible(self.values)
            if group.display != shown:
                group.display = shown

    def step_states(self) -> list[tuple[Section, str]]:
        """Each visible step and its state: "done", "needs answers", "has errors" or "empty"."""
        assert self.form is not None
        issues = self.form.validate(self.values, finishing=True, today=self.app.today())
        editor = self._editor_of(self.focused) if self.focused is not None else None
        typing = editor.path if editor is not None else None
        states = []
        for section in self.sections():
            ids = self._section_paths(section)
            mine = [i for i in issues if root_of(i.path) in ids and i.severity == "error"]
            # What cannot be read yet is an error once its box is left, not while the
            # cursor is in it (a date half typed), as the box's own message says nothing
            typed = any(root_of(p) in ids for p in self.raw if p != typing)
            answered = any(not is_empty(self.values.get(i)) for i in ids)
            required = [i for i in mine if i.message.endswith("is required.")]
            if typed or len(mine) > len(required):
                state = "has errors"
            elif mine:
                state = "needs answers"
            elif answered or not any(f.is_input for f in section.fields):
                state = "done"
            else:
                state = "empty"
            states.append((section, state))
        return states

    def _show_step_line(self, states: list[tuple[Section, str]] | None = None) -> None:
        marks = {"done": "✓", "needs answers": "•", "has errors": "!", "empty": " "}
        states = self.step_states() if states is None else states
        cells = [f"{i + 1}{marks[state]}" for i, (_section, state) in enumerate(states)]
        width = (self.size.width or self.app.size.width) - 2  # the line's padding
        shown = fitted_step_line(
            f"Step {self.step + 1} of {len(cells)}: ",
            step_title(self.section.title),
            cells,
            self.step,
            width,
        )
        widget = self.query_one("#form-step", Static)
        if str(widget.content) != shown:
            widget.update(shown)

    def on_resize(self) -> None:
        if self.form is not None and self.is_mounted:
            self._show_step_line()
            title = fitted_title(self._title, self._title_tag, self.size.width - 2)
            widget = self.query_one("#form-title", Static)
            if str(widget.content) != title:
                widget.update(title)

    async def action_step_list(self) -> None:
        """Every step with its state; Enter jumps there."""
        from cspr_tui.tui.dialogs.step_list import StepListDialog

        async def chosen(index: int | None) -> None:
            if index is not None and index != self.step:
                self.step = index
                await self.show_step()
            else:
                self._show_step_line()

        # The line behind the list says what the list says (it lagged a long answer).
        step_states = self.step_states()
        self._show_step_line(step_states)
        states = [(step_title(section.title), state) for section, state in step_states]
        self.app.push_screen(StepListDialog(states, self.step_to_offer(states)), chosen)

    def step_to_offer(self, states: list[tuple[str, str]]) -> int:
        """Where the step list opens: the first step that still needs answers or has errors
        (the one a reviewer goes back for), else the current step."""
        wanted = ("needs answers", "has errors")
        return next((i for i, (_title, state) in enumerate(states) if state in wanted), self.step)

    # -- answers -----------------------------------------------------------------------------

    def _editor_of(self, widget: Widget) -> FieldEditor | None:
        for node in widget.ancestors_with_self:
            if isinstance(node, FieldEditor):
                return node
        return None

    def store_answer(self, editor: FieldEditor) -> None:
        """Copy the editor's input into `values` when the engine can read it."""
        raw = editor.read_raw()
        before_raw = self.raw.get(editor.path)
        try:
            value = editor.field.parse(raw)
        except ValueError:
            self.raw[editor.path] = raw if isinstance(raw, str) else ""
            value = None
        else:
            self.raw.pop(editor.path, None)
        match = _INDEX.match(editor.path)
        if match:
            rows = self.values.setdefault(match["group"], [])
            index = int(match["index"])
            if index >= len(rows):
                return
            target, key = rows[index], match["field"]
        else:
            target, key = self.values, editor.path
        before = target.get(key)
        if is_empty(value):
            target.pop(key, None)
        else:
            target[key] = value
        # Widgets report their first value as a change when they mount: not an edit.
        if before != target.get(key) or before_raw != self.raw.get(editor.path):
            self.dirty = True
            if self.carried.pop(editor.path, None) is not None:
                editor.mark_carried(None)  # the reviewer's own answer now
            self.refresh_visibility()
            self._refresh_issues()
            self._recheck_others(editor)

    def _recheck_others(self, changed: FieldEditor) -> None:
        """An error shown under another question may depend on this answer ("Date published
        is set, but the anonymisation check has not been done"): check it again, so it goes
        as soon as the answer that fixes it is given."""
        for other in self.editors.values():
            if other is not changed and other.display and other.has_class("-has-error"):
                other.check()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(KeyChoice.Changed)
    def _answer_changed(self, event) -> None:
        widget = getattr(event, "control", None) or getattr(event, "text_area", None)
        if widget is None:
            return
        editor = self._editor_of(widget)
        if editor is None or not editor.is_mounted:
            return
        self.store_answer(editor)
        if isinstance(widget, (Select, SelectionList, KeyChoice)):
            editor.check()  # a pick is complete at once: check it (and its constraints) now
            self._show_step_line()
        elif editor.has_class("-has-error"):
            # Fixing a shown error clears it as soon as it is right; a date half typed is
            # not called wrong meanwhile.
            editor.check_as_typed()
        if isinstance(widget, (TextArea, Input)):
            self._step_line_soon()

    def _step_line_soon(self) -> None:
        """Redraw the step line once typing pauses. A long answer is typed without leaving
        its box (the last one in a step often is), and the line kept "7•" for a step that
        was done until the reviewer left it (the seventh run); a date put right in its box
        kept the step's "!" (the eighth). One timer at a time, moved on by each key rather
        than made again."""
        self._typed_at = monotonic()
        if self._step_line_timer is None:
            self._step_line_timer = self.set_timer(self.step_line_delay, self._step_line_due)

    def _step_line_due(self) -> None:
        waited = monotonic() - self._typed_at
        if waited < self.step_line_delay:  # typed again meanwhile: wait for the rest
            self._step_line_timer = self.set_timer(
                self.step_line_delay - waited, self._step_line_due
            )
            return
        self._step_line_timer = None
        if self.is_attached and self.form is not None:
            self._show_step_line()

    @on(Input.Blurred)
    def _input_left(self, event: Input.Blurred) -> None:
        editor = self._editor_of(event.input)
        if editor is None:
            return
        result = event.validation_result
        editor.show_error(
            None if result is None or result.is_valid else result.failure_descriptions[0]
        )
        if editor.is_attached and self.is_attached:
            self._show_step_line()  # the step's state as the reviewer leaves an answer

    def on_descendant_blur(self, event) -> None:
        widget = event.widget if hasattr(event, "widget") else None
        self._left = widget
        if isinstance(widget, TextArea):
            editor = self._editor_of(widget)
            if editor is not None:
                editor.check()
                if self.is_attached:
                    self._show_step_line()  # the step's mark, as when leaving a one-line box

    @on(Input.Submitted)
    def _input_submitted(self) -> None:
        self.focus_next()

    def on_key(self, event: events.Key) -> None:
        """Letters typed on an entry's button ("Add learning point", "Edit") go on in the
        box the cursor just left, as in the small dialogs; when that was no box (a
        drop-down or a tick list, where letters would search or tick), they are refused
        with a word. In the seventh run 85 letters typed on "Add learning point", one Tab
        short, went nowhere without a sign, and the answers after them landed one
        question early. (Textual's button is pressed by Enter, not Space: a Space is
        typing here too.)"""
        button = self.focused
        if not (event.is_printable and isinstance(button, Button)):
            return
        if not (button.has_class("row-add") or button.has_class("row-edit")):
            return
        event.stop()
        event.prevent_default()
        box = self._left
        editor = self._editor_of(box) if box is not None else None
        pane = self.pane
        is_box = isinstance(box, (Input, TextArea)) and pane is not None
        shown = editor is not None and editor.display and pane in editor.ancestors
        if not (is_box and shown and box is not None and box.is_attached):
            self._say_typed_on(button, None)
            return
        self._say_typed_on(button, editor)
        if isinstance(box, (Input, TextArea)):
            type_on_in(box, event.character or "")

    def _say_typed_on(self, button: Button, editor: FieldEditor | None) -> None:
        """Once a burst of typing, not once a letter: where the letters went, or that they
        were not kept."""
        now = monotonic()
        quiet = now - self._typed_on_button_at >= TYPING_PAUSE
        self._typed_on_button_at = now
        if not quiet:
            return
        label = str(button.label)
        adds = button.has_class("row-add")
        if editor is None:
            what = "add an entry" if adds else "open the entry"
            self.notify(
                f"Letters typed on the {label} button were not kept: press Enter to {what}, "
                "or Tab to the next question.",
                title="Not typed",
                severity="warning",
            )
        else:
            what = "adds an entry" if adds else "opens the entry"
            self.notify(
                f'Letters typed on the {label} button were put in "{editor.field.label}", '
                f"the box you had just left. On the button, Enter {what} and Tab goes on "
                "to the next question.",
                title="Typed in the box before",
            )

    # -- repeat groups -----------------------------------------------------------------------

    def _row_of_focus(self) -> tuple[Field, int] | None:
        focused = self.focused
        if focused is None:
            return None
        for node in focused.ancestors_with_self:
            if isinstance(node, RepeatRow):
                return node.group, node.index
            if isinstance(node, RepeatGroup):
                return node.field, -1
        return None

    def _group_in_step(self) -> Field | None:
        groups = [
            f for f in self.section.fields if f.type == "repeat" and f.is_visible(self.values)
        ]
        return groups[0] if len(groups) == 1 else None

    async def add_row(self, group: Field) -> None:
        if self._blank_untouched(group.id):
            # the blank entry the group opened with is the new entry: go to it, not a second
            await self.expand_row(group, 0)
            return
        rows = self.values.get(group.id)
        if not isinstance(rows, list):
            rows = []
            self.values[group.id] = rows
        if group.maximum is not None and len(rows) >= group.maximum:
            self.notify(
                f"{group.label} can have at most {int(group.maximum)} entries.", severity="warning"
            )
            return
        rows.append(group.new_row(self.app.today()))
        self.expanded[group.id] = len(rows) - 1
        self.dirty = True
        first = next((sub for sub in group.fields if sub.is_input), None)
        focus = f"{group.id}[{len(rows) - 1}].{first.id}" if first else None
        await self.show_step(focus, rebuild=True)

    async def remove_row(self, group: Field, index: int) -> None:
        rows = self.values.get(group.id) or []
        if not 0 <= index < len(rows):
            return
        del rows[index]
        self._shift_raw(group.id, index, None)
        self.expanded[group.id] = min(index, len(rows) - 1)
        self.dirty = True
        await self.show_step(None, rebuild=True)

    async def move_row(self, group: Field, index: int, delta: int) -> None:
        rows = self.values.get(group.id) or []
        other = index + delta
        if not (0 <= index < len(rows) and 0 <= other < len(rows)):
            return
        rows[index], rows[other] = rows[other], rows[index]
        self._shift_raw(group.id, index, other)
        if self.expanded.get(group.id) in (index, other):
            self.expanded[group.id] = other if self.expanded[group.id] == index else index
        self.dirty = True
        first = next((sub for sub in group.fields if sub.is_input), None)
        await self.show_step(f"{group.id}[{other}].{first.id}" if first else None, rebuild=True)

    def _shift_raw(self, group_id: str, index: int, swap_with: int | None) -> None:
        """Keep typed-but-invalid text, and the "carried over" marks, with their row when
        rows move or go (a moved carried entry kept another row's marks)."""
        for by_path in (self.raw, self.carried):
            moved: dict[str, str] = {}
            for path, text in list(by_path.items()):
                match = _INDEX.match(path)
                if not match or match["group"] != group_id:
                    continue
                i = int(match["index"])
                del by_path[path]
                if swap_with is None:
                    if i == index:
                        continue
                    i = i - 1 if i > index else i
                elif i == index:
                    i = swap_with
                elif i == swap_with:
                    i = index
                moved[f"{group_id}[{i}].{match['field']}"] = text
            by_path.update(moved)

    @on(Button.Pressed, ".row-add")
    async def _add_pressed(self, event: Button.Pressed) -> None:
        group = next(n for n in event.button.ancestors if isinstance(n, RepeatGroup))
        await self.add_row(group.field)

    async def expand_row(self, group: Field, index: int, focus: str | None = None) -> None:
        """Open one entry of a group (closing the one that was open)."""
        self.expanded[group.id] = index
        inputs = [sub for sub in group.fields if sub.is_input]
        # The entry's first question past those the app filled in (a carried-over agency).
        first = next(
            (sub for sub in inputs if not self._filled_in(f"{group.id}[{index}].{sub.id}", sub)),
            inputs[0] if inputs else None,
        )
        default = f"{group.id}[{index}].{first.id}" if first else None
        await self.show_step(focus or default, rebuild=True)

    @on(Button.Pressed, ".row-edit")
    async def _edit_pressed(self, event: Button.Pressed) -> None:
        row = next(n for n in event.button.ancestors if isinstance(n, RepeatRow))
        await self.expand_row(row.group, row.index)

    @on(Button.Pressed, ".row-remove, .row-up, .row-down")
    async def _row_button(self, event: Button.Pressed) -> None:
        row = next(n for n in event.button.ancestors if isinstance(n, RepeatRow))
        if event.button.has_class("row-remove"):
            await self.remove_row(row.group, row.index)
        else:
            await self.move_row(row.group, row.index, -1 if event.button.has_class("row-up") else 1)

    async def action_add_row(self) -> None:
        where = self._row_of_focus()
        group = where[0] if where else self._group_in_step()
        if group is None:
            self.notify("Move into a repeatable group first (Tab), then press ctrl+o.")
            return
        await self.add_row(group)

    async def action_remove_row(self) -> None:
        where = self._row_of_focus()
        if where is None or where[1] < 0:
            self.notify("Move into the entry to remove first.")
            return
        await self.remove_row(*where)

    async def action_move_row(self, delta: int) -> None:
        where = self._row_of_focus()
        if where is not None and where[1] >= 0:
            await self.move_row(where[0], where[1], delta)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.form is None:  # still loading: offer what the first step will offer
            return action not in ("add_row", "remove_row", "previous_step")
        if action in ("add_row", "remove_row"):
            return any(f.type == "repeat" for f in self.section.fields)
        if action == "previous_step":
            return self.step > 0
        return True

    # -- steps and validation ----------------------------------------------------------------

    def _section_paths(self, section: Section) -> set[str]:
        return {f.id for f in section.fields}

    def step_issues(self, *, finishing: bool) -> list:
        assert self.form is not None
        ids = self._section_paths(self.section)
        issues = self.form.validate(self.values, finishing=finishing, today=self.app.today())
        return [i for i in issues if root_of(i.path) in ids]

    def show_issues(
        self, issues: list, heading: str, *, finishing: bool = False, typing: bool = False
    ) -> None:
        """List `issues` under `heading` and under their questions. `typing`: the list is
        following keys as they are typed, so the answer in the focused box is not judged
        before it is complete (see `FieldEditor.check_as_typed`)."""
        for editor in self.editors.values():
            editor.show_error(None)
        lines = []
        for issue in issues:
            editor = self.editors.get(issue.path)
            if editor is not None and issue.severity == "error":
                editor.show_error(issue.message)
            marker = "!" if issue.severity == "error" else "·"
            lines.append(f"{marker} {self.entry_message(issue.path, issue.message)}")
        for path, text in self.raw.items():
            if root_of(path) in self._section_paths(self.section) and text:
                editor = self.editors.get(path)
                if editor is not None:
                    problem = editor.check_as_typed() if typing else editor.check()
                    if problem:
                        lines.insert(0, f"! {self.entry_message(path, problem)}")
        text = heading + "\n" + "\n".join(lines[:6]) if lines else ""
        if len(lines) > 6:
            text += f"\n… and {len(lines) - 6} more"
        self.issues_shown = (heading, finishing) if lines else None
        self.query_one("#form-issues", Static).update(text)
        self._show_step_line()

    def _refresh_issues(self) -> None:
        """Once a list of problems is shown, it follows the answers: a fix takes its line away."""
        if self.issues_shown is None:
            return
        heading, finishing = self.issues_shown
        self.show_issues(
            self.step_issues(finishing=finishing), heading, finishing=finishing, typing=True
        )

    def entry_message(self, path: str, message: str) -> str:
        """A message about one entry of a group names it: "Agency 2: Date … future"."""
        match = _INDEX.match(path)
        group = self.form.field(match["group"]) if match and self.form else None
        if group is None:
            return message
        return f"{group.row_label(int(match['index']))}: {message}"

    def _blocking(self) -> list:
        """Impossible answers in this step (a draft may be incomplete, never wrong)."""
        errors = [i for i in self.step_issues(finishing=False) if i.severity == "error"]
        typed = [p for p in self.raw if root_of(p) in self._section_paths(self.section)]
        return errors + typed

    async def action_next_step(self) -> None:
        if self._blocking():
            await self._show_blocking("Fix these before moving on:")
            return
        missing = [i for i in self.step_issues(finishing=True) if i.severity == "error"]
        if self.step >= len(self.sections()) - 1:
            await self.action_finish()
            return
        self.step += 1
        await self.show_step()
        if missing:
            count = len(missing)
            self.notify(
                f"{count} answer{'s' if count != 1 else ''} in the step you left "
                f"{'are' if count != 1 else 'is'} still needed before the form can be finished.",
                title="For later",
            )

    async def _show_blocking(self, heading: str) -> None:
        errors = [i for i in self.step_issues(finishing=False) if i.severity == "error"]
        if errors:
            await self.reveal(errors[0].path)
        self.show_issues(self.step_issues(finishing=False), heading)
        self._focus_first_error()

    async def action_previous_step(self) -> None:
        if self.step == 0:
            return
        self.step -= 1
        await self.show_step()

    def _focus_first_error(self) -> None:
        for editor in self.editors.values():
            if editor.has_class("-has-error") and editor.display and editor.input is not None:
                editor.input.focus()
                editor.input.scroll_visible(animate=False)
                return

    def action_field_help(self) -> None:
        editor = self._editor_of(self.focused) if self.focused else None
        if editor is not None:
            text = editor.field.help or "No help for this question."
            title = editor.field.label
        else:
            text = self.section.help or "Tab moves between questions; ctrl+n goes to the next step."
            title = step_title(self.section.title)
        from cspr_tui.tui.dialogs.message import MessageDialog

        self.app.push_screen(MessageDialog(title, text))

    # -- saving ------------------------------------------------------------------------------

    def _save(self, *, finish: bool, values: dict[str, Any] | None = None) -> None:
        """The one call to the store (runs in a worker, or directly when locking).

        `values`: the answers as they were when the save was asked for (copied on the
        event loop: keys typed while the worker runs change `self.values` meanwhile)."""
        self.app.store.save_record(
            self.ref,
            self.form_id,
            values if values is not None else self._without_blank(copy.deepcopy(self.values)),
            finish=finish,
            current_section=self.section.id,
            agency=self.agency,
        )
        if self.form_id == AGENCY_REPORT_FORM and not self.agency:
            self.agency = str(self.values.get("agency") or "").strip() or None

    def action_save_draft(self) -> None:
        self.query_one("#form-issues", Static).update("Saving the draft…")
        self._start_save(finish=False, then_close=False)

    def _start_save(self, *, finish: bool, then_close: bool) -> None:
        """Save the answers as they are now, off the event loop."""
        self.save_worker(
            finish=finish,
            then_close=then_close,
            values=self._without_blank(copy.deepcopy(self.values)),
            edits=self._edits,
        )

    async def action_finish(self) -> None:
        if self._blocking():
            await self._show_blocking("Fix these before finishing:")
            return
        self.query_one("#form-issues", Static).update("Checking and saving…")
        self._start_save(finish=True, then_close=True)

    def action_leave(self) -> None:
        if not self.dirty:
            self.closing = True
            self.dismiss(False)
            return
        self.query_one("#form-issues", Static).update("Saving the draft…")
        self._start_save(finish=False, then_close=True)

    # A fixed description: Textual's default one is the repr of the arguments (the answers).
    @work(
        thread=True,
        exclusive=True,
        group="form-save",
        exit_on_error=False,
        description="saving the form",
    )
    def save_worker(
        self,
        *,
        finish: bool,
        then_close: bool,
        values: dict[str, Any],
        edits: int,
    ) -> None:
        try:
            self._save(finish=finish, values=values)
        except ValidationFailed as exc:
            kept = False
            if finish:  # not finished yet, but nothing typed is lost: keep it as a draft
                try:
                    self._save(finish=False, values=values)
                    kept = True
                except CsprError:
                    pass
            self.app.call_from_thread(self.save_failed, exc, finish, kept, edits)
            return
        except CsprError as exc:
            self.app.call_from_thread(self.save_failed, exc, finish)
            return
        except Exception as exc:
            self.app.call_from_thread(
                self.save_failed,
                CsprError(f"The draft could not be saved ({exc.__class__.__name__})."),
                finish,
            )
            return
        self.app.call_from_thread(self.saved, finish, then_close, edits)

    def saved(self, finish: bool, then_close: bool, edits: int | None = None) -> None:
        # Clean only up to what was saved: keys typed while the worker ran stay unsaved.
        self._saved_edits = self._edits if edits is None else max(self._saved_edits, edits)
        if finish:
            self.notify(f"{self.form.title} finished and saved.", title="Complete")
        else:
            self.notify("Draft saved in the vault.", timeout=2)
        self.query_one("#form-issues", Static).update("")
        if then_close:
            self.closing = True
            self.dismiss(finish)

    async def save_failed(
        self, exc: CsprError, finish: bool, kept: bool = False, edits: int | None = None
    ) -> None:
        issues_box = self.query_one("#form-issues", Static)
        if kept:
            self._saved_edits = self._edits if edits is None else max(self._saved_edits, edits)
        if not isinstance(exc, ValidationFailed) or self.form is None:
            issues_box.update(f"! {exc.message}")
            return
        # The store's own finding (its clock, the record's template version), not a second
        # validation here.
        errors = [i for i in exc.issues if isinstance(i, Issue) and i.severity == "error"]
        if not errors:  # a refusal the form itself does not explain: show the store's words
            issues_box.update("\n".join([exc.message, *exc.details[:6]]))
            return
        await self.reveal(errors[0].path)
        here = [i for i in errors if root_of(i.path) in self._section_paths(self.section)]
        elsewhere = len(errors) - len(here)
        count = len(errors)
        heading = (
            f"The {self.form.title} cannot be finished yet: {count} "
            f"problem{'s' if count != 1 else ''}"
            + (f" ({elsewhere} in other steps)" if elsewhere else "")
            + (". Your answers are saved as a draft." if kept else ".")
        )
        self.show_issues(here, heading, finishing=finish)
        self._focus_first_error()

    async def reveal(self, path: str) -> None:
        """Go to the step of `path` and open its entry if it sits in a repeatable group."""
        assert self.form is not None
        section = self.form.section_of(root_of(path))
        ids = [s.id for s in self.sections()]
        changed = False
        if section is not None and section.id in ids and ids.index(section.id) != self.step:
            self.step = ids.index(section.id)
            changed = True
        match = _INDEX.match(path)
        reopen = False
        if match and self.expanded.get(match["group"]) != int(match["index"]):
            self.expanded[match["group"]] = int(match["index"])
            changed = reopen = True
        if changed:
            await self.show_step(path, rebuild=reopen)

    def save_before_leaving(self) -> None:
        """Keep the work when the screen is taken away (lock, jump to the dashboard)."""
        if self.closing or not self.dirty or self.form is None:
            return
        try:
            self._save(finish=False)
            self.dirty = False
        except CsprError:
            pass  # a draft with an impossible answer cannot be kept; the vault stays as it was
