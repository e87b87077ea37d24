"""One small change that the workflow records with a reason: a revised target date, a RAG
override, a deadline's new due date, a request for an agency report.

The dialog only gathers the answers (a choice, a date typed DD/MM/YYYY, free text, a
reason) and hands them to `save`, which calls the store in a worker; whether a reason is
needed, and whether the change is allowed, is the store's word, shown here as it says it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from cspr_tui.errors import CsprError
from cspr_tui.forms.dates import DateFormatError, format_date, parse_date
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS
from cspr_tui.tui.widgets.date_input import DateInput
from cspr_tui.tui.widgets.drop_down import DropDown
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput
from cspr_tui.tui.widgets.typed_on import type_on_in


@dataclass
class Answers:
    """What the reviewer gave: the choice, the date, the extra text fields, the reason."""

    choice: str | None = None
    day: date | None = None
    texts: dict[str, str] = field(default_factory=dict)
    reason: str = ""


class AmendDialog(ModalScreen[bool]):
    """Dismisses True once `save` (run in a worker) succeeded; its refusals stay on screen."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="AmendDialog").replace(
            "AmendDialog > Vertical", "AmendDialog > VerticalScroll"
        )
        + """
    AmendDialog > VerticalScroll {
        max-height: 100%;
    }
    AmendDialog .field-label {
        margin-top: 1;
    }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="amend.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="amend.save"),
    ]

    def __init__(
        self,
        title: str,
        explanation: str,
        save: Callable[[Answers], object],
        *,
        choices: Sequence[tuple[str, str]] = (),
        choice_label: str = "",
        choice: str | None = None,
        date_label: str = "",
        day: date | str | None = None,
        texts: Sequence[tuple[str, str]] = (),
        reason_label: str = "Reason (recorded in the audit trail)",
        ok: str = "Save",
        suggest: Callable[[str | None], Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.explanation = explanation
        self.save = save
        self.choices = list(choices)
        self.choice_label = choice_label
        self.choice = choice
        self.date_label = date_label
        self.day = day
        self.texts = list(texts)
        self.reason_label = reason_label
        self.ok = ok
        # What the case already knows for the text fields, given the choice (a request's
        # author: the referral's contact at that agency); the reviewer's own words stay.
        self.suggest = suggest
        self._suggested: dict[str, str] = {}
        self._last_box: Input | None = None  # the box the cursor was last in

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.title_text, classes="dialog-title")
            if self.explanation:
                yield Static(self.explanation)
            if self.choices:
                yield Static(self.choice_label, classes="field-label")
                values = [value for _prompt, value in self.choices]
                yield DropDown(
                    self.choices,
                    value=self.choice if self.choice in values else Select.NULL,
                    prompt="Choose…",
                    compact=True,
                    id="choice",
                )
            for text_id, label in self.texts:
                if self.suggest is not None:
                    # A filled-in suggestion hides the placeholder: say what the box is.
                    yield Static(label, classes="field-label")
                yield LineInput(placeholder=label, id=f"text-{text_id}")
            if self.date_label:
                yield DateInput(
                    value=format_date(self.day) if self.day else "",
                    placeholder=f"{self.date_label} DD/MM/YYYY",
                    restrict=r"[0-9/.\-]*",
                    id="day",
                )
            if self.reason_label:
                yield LineInput(placeholder=self.reason_label, id="reason")
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok, id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        # A choice already made (the next agency the referral names): start on the typing,
        # past the text the case already gave.
        chosen = self.choices and self.choice in [value for _prompt, value in self.choices]
        self._suggest(self.choice if chosen else None)
        inputs = list(self.query(Input))
        empty = [box for box in inputs if not box.value]
        first = (empty or inputs)[0] if chosen and inputs else self.query("Select, Input").first()
        first.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Input):
            self._last_box = event.widget

    def on_key(self, event: events.Key) -> None:
        """Letters or digits typed with a button focused go into the box the cursor just
        left, where they were meant (found by hand: the request dialog starts on the due
        date, one Tab too many went to Request, and the date typed there was dropped
        without a sign, so the request was saved with no due date)."""
        box = self._last_box
        typed = event.is_printable and event.key != "space"  # Space presses the button
        if not (typed and isinstance(self.focused, Button) and box is not None):
            return
        event.stop()
        event.prevent_default()
        type_on_in(box, event.character or "")

    @on(Select.Changed, "#choice")
    def _choice_changed(self, event: Select.Changed) -> None:
        self._suggest(None if event.value == Select.NULL else str(event.value))

    def _suggest(self, choice: str | None) -> None:
        """Fill the text fields from what the case knows for `choice`, except those the
        reviewer has typed in (a suggestion left as it was follows the choice)."""
        if self.suggest is None:
            return
        given = self.suggest(choice) if choice else {}
        for text_id, _label in self.texts:
            box = self.query_one(f"#text-{text_id}", Input)
            if box.value.strip() and box.value != self._suggested.get(text_id):
                continue
            box.value = given.get(text_id, "")
            box.cursor_position = len(box.value)
            self._suggested[text_id] = box.value

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "reason" or event.input is list(self.query(Input))[-1]:
            self.action_save()
        else:
            self.focus_next()

    def _error(self, message: str) -> None:
        self.query_one(".dialog-error", Static).update(message)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        answers = Answers()
        if self.choices:
            value = self.query_one("#choice", Select).value
            if value == Select.NULL:
                self._error(f"Choose: {self.choice_label}.")
                self.query_one("#choice").focus()
                return
            answers.choice = str(value)
        for text_id, _label in self.texts:
            answers.texts[text_id] = self.query_one(f"#text-{text_id}", Input).value.strip()
        if self.date_label:
            typed = self.query_one("#day", Input).value.strip()
            if typed:
                try:
                    answers.day = parse_date(typed)
                except DateFormatError as exc:
                    self._error(f"{self.date_label}: {exc}")
                    self.query_one("#day").focus()
                    return
        if self.reason_label:
            answers.reason = self.query_one("#reason", Input).value.strip()
        self.save_worker(answers)

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def save_worker(self, answers: Answers) -> None:
        try:
            self.save(answers)
        except CsprError as exc:
            self.app.call_from_thread(self._error, exc.message)
            return
        self.app.call_from_thread(self.dismiss, True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
