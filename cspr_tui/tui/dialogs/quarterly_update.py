"""A quarterly update for one recommendation: narrative, new status, and a reason when needed."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from cspr_tui.domain.case import Recommendation, RecommendationStatus
from cspr_tui.domain.workflow import REASON_REQUIRED_STATUSES
from cspr_tui.errors import CsprError
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS
from cspr_tui.tui.widgets.drop_down import DropDown
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput
from cspr_tui.tui.widgets.ticks import TickBox


class QuarterlyUpdateDialog(ModalScreen[bool]):
    """Dismisses True once the store has recorded the update."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="QuarterlyUpdateDialog")
        + """
    QuarterlyUpdateDialog TextArea {
        height: 5;
    }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="update.cancel"),
        Binding("ctrl+s", "save", "Record update", priority=True, id="update.save"),
    ]

    def __init__(self, ref: str, rec: Recommendation) -> None:
        super().__init__()
        self.ref = ref
        self.rec = rec

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Quarterly update: {self.rec.id}", classes="dialog-title")
            yield Static(self.rec.action or self.rec.text)
            yield Static("What has happened this quarter?")
            yield TextArea(id="narrative", soft_wrap=True, tab_behavior="focus")
            yield Static("Status after this update")
            yield DropDown(  # letters pick a status where it stands ("in p": In progress)
                [(s.value, s.value) for s in RecommendationStatus],
                value=self.rec.status.value,
                allow_blank=False,
                compact=True,
                id="status",
            )
            yield LineInput(placeholder="Reason for this status (recorded)", id="reason")
            yield TickBox("A barrier needs escalating", compact=True, id="barrier")
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Record update", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self._status_changed()
        self.query_one("#narrative").focus()

    def _needs_reason(self) -> bool:
        status = RecommendationStatus(self.query_one("#status", Select).value)
        return status != self.rec.status and status in REASON_REQUIRED_STATUSES

    @on(Select.Changed, "#status")
    def _status_changed(self) -> None:
        self.query_one("#reason").display = self._needs_reason()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        narrative = self.query_one("#narrative", TextArea).text.strip()
        reason = self.query_one("#reason", Input).value.strip()
        error = self.query_one(".dialog-error", Static)
        if not narrative:
            error.update("Write what has happened this quarter.")
            self.query_one("#narrative").focus()
            return
        if self._needs_reason() and not reason:
            error.update("This status needs a reason.")
            self.query_one("#reason").focus()
            return
        status = str(self.query_one("#status", Select).value)
        barrier = self.query_one("#barrier", Checkbox).value
        self.save_worker(narrative, status, reason, barrier)

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def save_worker(self, narrative: str, status: str, reason: str, barrier: bool) -> None:
        try:
            self.app.store.add_quarterly_update(
                self.ref, self.rec.id, narrative, status, reason=reason, barrier=barrier
            )
        except CsprError as exc:
            self.app.call_from_thread(self.query_one(".dialog-error", Static).update, exc.message)
            return
        self.app.call_from_thread(self.dismiss, True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
