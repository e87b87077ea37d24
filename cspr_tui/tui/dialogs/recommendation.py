"""Add one recommendation action to a case: text, SMART action, lead agency, target date,
lead officer and scope (single-agency, multi-agency or partnership)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from cspr_tui.domain.case import Scope
from cspr_tui.errors import CsprError
from cspr_tui.forms.dates import DateFormatError, parse_date
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS
from cspr_tui.tui.widgets.date_input import DateInput
from cspr_tui.tui.widgets.drop_down import DropDown
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput


class RecommendationDialog(ModalScreen[bool]):
    """Dismisses True once the store has added the recommendation."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="RecommendationDialog").replace(
            "RecommendationDialog > Vertical", "RecommendationDialog > VerticalScroll"
        )
        + """
    RecommendationDialog > VerticalScroll {
        max-height: 100%;
    }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rec.cancel"),
        Binding("ctrl+s", "save", "Add", priority=True, id="rec.save"),
    ]

    def __init__(self, ref: str | None) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        # (the stored summaries: no case is read to list them)
        cases = [(f"{c.ref} {c.pseudonym}", c.ref) for c in self.app.store.summaries()]
        refs = [ref for _, ref in cases]
        with VerticalScroll():
            yield Static("Add a recommendation", classes="dialog-title")
            yield DropDown(  # letters pick a case: its number or its pseudonym
                cases,
                value=self.ref if self.ref in refs else Select.NULL,
                prompt="Case",
                compact=True,
                id="case",
            )
            yield LineInput(placeholder="Recommendation text", id="text")
            yield LineInput(placeholder="SMART action", id="action")
            yield LineInput(placeholder="Lead agency", id="agency")
            yield DateInput(
                placeholder="Target date DD/MM/YYYY", id="target", restrict=r"[0-9/.\-]*"
            )
            yield LineInput(placeholder="Lead officer's role", id="officer")
            yield LineInput(placeholder="Lead officer's name (optional)", id="officer_name")
            yield Static("Scope (who owns the action):")
            yield DropDown(  # the tracker's "Scope" column; letters pick one
                [(scope.value, scope.value) for scope in Scope],
                value=Scope.MULTI_AGENCY.value,
                prompt="Scope",
                allow_blank=False,
                compact=True,
                id="scope",
            )
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#text" if self.ref else "#case").focus()

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        error = self.query_one(".dialog-error", Static)
        ref = self.query_one("#case", Select).value
        if ref == Select.NULL:
            error.update("Choose the case.")
            return
        target_text = self.query_one("#target", Input).value.strip()
        target = None
        if target_text:
            try:
                target = parse_date(target_text)
            except DateFormatError as exc:
                error.update(f"Target date: {exc}")
                self.query_one("#target").focus()
                return
        self.save_worker(
            str(ref),
            self.query_one("#text", Input).value,
            self.query_one("#action", Input).value,
            self.query_one("#agency", Input).value,
            target,
            self.query_one("#officer", Input).value,
            self.query_one("#officer_name", Input).value,
            str(self.query_one("#scope", Select).value),
        )

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def save_worker(
        self,
        ref: str,
        text: str,
        action: str,
        agency: str,
        target,
        officer: str,
        name: str,
        scope: str,
    ) -> None:
        try:
            self.app.store.add_recommendation(
                ref,
                text=text,
                action=action,
                lead_agency=agency,
                lead_officer=officer,
                lead_officer_name=name,
                target_date=target,
                scope=scope,
            )
        except CsprError as exc:
            self.app.call_from_thread(self.query_one(".dialog-error", Static).update, exc.message)
            return
        self.app.call_from_thread(self.dismiss, True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
