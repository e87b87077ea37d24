"""One case: its stage bar, a tab per part of the process, and the keys that move it on.

Moving on is one key; the store decides, and a refusal is shown with the domain's own words
(what is missing). Form tabs show the answers read-only; `e` opens the guided form.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from cspr_tui.domain.case import Case, Stage
from cspr_tui.errors import CsprError
from cspr_tui.forms.dates import format_date
from cspr_tui.forms.model import Form
from cspr_tui.tui.widgets.stage_bar import StageBar

# (tab id, title, form id or None)
TABS: tuple[tuple[str, str, str | None], ...] = (
    ("summary", "Summary", None),
    ("referral", "Referral", "referral"),
    ("screening", "Screening", "screening"),
    ("notification", "SIN", "notification"),
    ("rapid_review", "Rapid review", "rapid_review"),
    ("agency", "Agencies", "agency_report"),
    ("review", "Review", "review"),
    ("recs", "Recs", None),
    ("audit", "Audit", None),
)


def format_record(form: Form, values: dict[str, Any]) -> Text:
    """A record's answers as labelled lines, section by section, in form order."""
    text = Text()
    for section in form.sections:
        if not section.is_visible(values):
            continue
        lines: list[tuple[str, str]] = []
        for field in section.fields:
            if not field.is_input or not field.is_visible(values):
                continue
            value = values.get(field.id)
            if field.type == "repeat" and isinstance(value, list):
                for index, row in enumerate(value):
                    parts = [
                        f"{sub.label}: {sub.format(row.get(sub.id))}"
                        for sub in field.fields
                        if sub.is_input and sub.format(row.get(sub.id))
                    ]
                    lines.append((field.row_label(index), "; ".join(parts) or "(empty)"))
            elif field.format(value):
                lines.append((field.label, field.format(value)))
        if not lines:
            continue
        text.append(f"{section.title}\n", style="bold underline")
        for label, shown in lines:
            text.append(f"{label}: ", style="bold")
            text.append(f"{shown}\n")
        text.append("\n")
    return text


class CaseScreen(Screen[None]):
    """Everything about one case, a tab per part of the process."""

    ALLOW_SELECT = False
    CSS_PATH = "case.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "advance", "Advance", id="case.advance"),
        Binding("e", "edit", "Edit", id="case.edit"),
        Binding("p", "pause", "Pause", id="case.pause"),
        Binding("m", "add_recommendation", "Add rec", id="case.add_rec"),
        Binding("x", "export", "Export", id="case.export"),
        Binding("escape", "app.pop_screen", "Back", id="case.back"),
        *[
            Binding(str(number), f"tab({index})", title, show=False, id=f"case.tab{number}")
            for index, (number, (_, title, _f)) in enumerate(zip(range(1, 10), TABS, strict=True))
        ],
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.case: Case | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="case-title")
        yield StageBar(id="stage-bar")
        with TabbedContent(id="tabs"):
            for tab_id, title, _form in TABS:
                with TabPane(title, id=f"tab-{tab_id}"):
                    if tab_id in ("recs", "audit", "agency"):
                        yield DataTable(id=f"table-{tab_id}", cursor_type="row", zebra_stripes=True)
                    if tab_id != "recs" and tab_id != "audit":
                        with VerticalScroll(classes="tab-body"):
                            yield Static("", id=f"body-{tab_id}")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        recs = self.query_one("#table-recs", DataTable)
        recs.add_columns("Id", "Agency", "Target", "Status", "RAG", "Action")
        audit = self.query_one("#table-audit", DataTable)
        audit.add_columns("When", "Who", "What", "Reason")
        agency = self.query_one("#table-agency", DataTable)
        agency.add_columns("Agency", "Requested", "Due", "Received", "Depth")
        self.reload()

    def on_screen_resume(self) -> None:
        if self.app.session is not None:
            self.reload()

    def reload(self) -> None:
        store = self.app.store
        case = store.get(self.ref)
        self.case = case
        self.query_one("#case-title", Static).update(
            Text.assemble(
                (f"{case.ref}", "bold"),
                f"  {case.pseudonym}",
                f"  · {case.review_type}" if case.review_type else "",
            )
        )
        self.query_one(StageBar).show_case(case, store.transition_check(case))
        self._fill_summary(case)
        for tab_id, _title, form_id in TABS:
            if form_id is not None:
                self._fill_form_tab(tab_id, form_id, case)
        self._fill_recommendations(case)
        self._fill_audit()
        self._fill_agency(case)
        self.refresh_bindings()

    def _fill_summary(self, case: Case) -> None:
        text = Text()
        text.append("Stage: ", style="bold")
        text.append(f"{case.stage.label}\n")
        if case.created_at:
            text.append("Created: ", style="bold")
            text.append(f"{format_date(case.created_at[:10])}\n")
        if case.agencies:
            text.append("Agencies: ", style="bold")
            text.append(", ".join(case.agencies) + "\n")
        text.append("\nDeadlines\n", style="bold underline")
        deadlines = self.app.store.case_deadlines(case.ref, self.app.today())
        for deadline in deadlines:
            if deadline.due is None:
                text.append(f"{deadline.label}: {deadline.status}\n")
                continue
            days = "" if deadline.days_left is None else f", {deadline.days_left} working days"
            text.append(
                f"{deadline.label}: {format_date(deadline.due)} ({deadline.status}{days})\n"
            )
        if not deadlines:
            text.append("None yet.\n")
        text.append("\nForms\n", style="bold underline")
        for _tab, title, form_id in TABS:
            if form_id is None:
                continue
            record = case.record(form_id)
            state = "not started" if record is None else str(record.status)
            text.append(f"{title}: {state}\n")
        self.query_one("#body-summary", Static).update(text)

    def _fill_form_tab(self, tab_id: str, form_id: str, case: Case) -> None:
        body = self.query_one(f"#body-{tab_id}", Static)
        try:
            form = self.app.forms[form_id]
        except KeyError:
            body.update("This form's template is missing.")
            return
        record = case.record(form_id)
        if record is None:
            body.update(Text(f"Not started. Press e to fill in the {form.title}.", style="italic"))
            return
        text = Text()
        text.append(f"{form.title}: {record.status}", style="bold")
        if record.updated_at:
            text.append(f" (by {record.updated_by}, {format_date(record.updated_at[:10])})")
        text.append("  · press e to edit\n\n")
        text.append_text(format_record(form, record.values))
        body.update(text)

    def _fill_recommendations(self, case: Case) -> None:
        from cspr_tui.domain.quarter import quarter_of
        from cspr_tui.domain.rag import compute_rag

        table = self.query_one("#table-recs", DataTable)
        table.clear()
        today = self.app.today()
        for rec in case.recommendations:
            target = rec.revised_target_date or rec.target_date
            table.add_row(
                rec.id,
                rec.lead_agency,
                format_date(target),
                str(rec.status),
                str(compute_rag(rec, today, quarter_of(today))),
                rec.action or rec.text,
                key=rec.id,
            )

    def _fill_audit(self) -> None:
        table = self.query_one("#table-audit", DataTable)
        table.clear()
        for entry in reversed(self.app.store.audit_trail(self.ref)):
            when = f"{format_date(entry.at[:10])} {entry.at[11:16]}"
            table.add_row(when, entry.who, entry.action, entry.reason)

    def _fill_agency(self, case: Case) -> None:
        table = self.query_one("#table-agency", DataTable)
        table.clear()
        for request in case.agency_reports:
            table.add_row(
                request.agency,
                format_date(request.requested_date),
                format_date(request.due_date),
                format_date(request.received_date),
                request.depth,
            )

    # -- actions -----------------------------------------------------------------------------

    def current_tab(self) -> tuple[str, str, str | None]:
        active = self.query_one(TabbedContent).active.removeprefix("tab-")
        return next(t for t in TABS if t[0] == active)

    def action_tab(self, index: int) -> None:
        self.query_one(TabbedContent).active = f"tab-{TABS[index][0]}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit" and self.is_mounted:
            try:
                return self.current_tab()[2] is not None
            except Exception:
                return True
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def action_edit(self) -> None:
        form_id = self.current_tab()[2]
        if form_id is None:
            return
        from cspr_tui.tui.screens.form import FormScreen

        self.app.push_screen(FormScreen(self.ref, form_id))

    def action_advance(self) -> None:
        assert self.case is not None
        check = self.app.store.transition_check(self.case)
        if self.case.stage == Stage.PAUSED:
            self.notify("The case is paused: press p to resume it first.", severity="warning")
            return
        if not check.allowed or check.next_stage is None:
            self._refused(check.next_stage, check.missing)
            return
        from cspr_tui.tui.dialogs.confirm import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.advance_worker()

        self.app.push_screen(
            ConfirmDialog(
                "Move the case on",
                f"Move {self.ref} from {self.case.stage.label} to {check.next_stage.label}? "
                "This is recorded in the audit trail.",
                yes="Move on",
            ),
            confirmed,
        )

    def _refused(self, goal: Stage | None, missing: list[str], message: str = "") -> None:
        from cspr_tui.tui.dialogs.message import MessageDialog

        goal_text = goal.label if goal else "another stage"
        body = message or f"{self.ref} cannot move to {goal_text} yet."
        if missing:
            body += "\n\nStill missing:\n" + "\n".join(f"• {item}" for item in missing)
        self.app.push_screen(MessageDialog("Not yet", body))

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def advance_worker(self) -> None:
        try:
            case = self.app.store.advance(self.ref)
        except CsprError as exc:
            self.app.call_from_thread(self._refused, None, exc.details, exc.message)
            return
        self.app.call_from_thread(self._moved, f"{case.ref} is now at {case.stage.label}.")

    def _moved(self, message: str) -> None:
        self.notify(message)
        self.reload()

    def action_pause(self) -> None:
        assert self.case is not None
        if self.case.stage == Stage.PAUSED:
            self.change_worker("resume", "")
            return
        from cspr_tui.tui.dialogs.confirm import ReasonDialog

        def reason_given(reason: str | None) -> None:
            if reason:
                self.change_worker("pause", reason)

        self.app.push_screen(
            ReasonDialog("Pause the case", "Why is the case paused or deferred?"), reason_given
        )

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def change_worker(self, what: str, reason: str) -> None:
        store = self.app.store
        try:
            case = store.pause(self.ref, reason) if what == "pause" else store.resume(self.ref)
        except CsprError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._moved, f"{case.ref} is now {case.stage.label.lower()}.")

    def action_add_recommendation(self) -> None:
        from cspr_tui.tui.dialogs.recommendation import RecommendationDialog

        self.app.push_screen(RecommendationDialog(self.ref), lambda _r: self.reload())

    def action_export(self) -> None:
        self.app.action_export("case", self.ref)
