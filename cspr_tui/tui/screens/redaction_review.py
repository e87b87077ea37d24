"""The redaction review: every finding of a case's redacted outputs, decided one by one.

The screen lists what the engine found (document, field path, the sentence with the hit
marked, what it becomes) and records the reviewer's decisions through the store, where they
are audited and reused by every later export. Nothing here decides what is identifying.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from cspr_tui.errors import CsprError
from cspr_tui.tui.widgets.columns import cut_to_fit, fitted_widths
from cspr_tui.tui.widgets.footer import KeysFooter

FINDING_HEADINGS = ("Id", "Status", "Kind", "Where", "Becomes")
# (minimum, share of the spare width): the id, status and kind whole ("possible name"),
# where and what it becomes share the rest; the line below shows the highlighted one whole.
FINDING_COLUMNS = ((10, 0), (8, 0), (13, 0), (14, 3), (10, 2))


class RedactionReviewScreen(Screen[None]):
    """Findings for one case (or one Word document redacted against its key)."""

    ALLOW_SELECT = False
    CSS_PATH = "redaction_review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", id="review.accept"),
        Binding("r", "reject", "Reject", id="review.reject"),
        Binding("A", "accept_all", "Accept all", id="review.accept_all"),
        Binding("k", "people", "Pseudonym key", id="review.people"),
        Binding("f", "show_all", "All findings", id="review.all"),
        Binding("escape", "app.pop_screen", "Back", id="review.back"),
    ]

    def __init__(self, ref: str, docx: Path | None = None, held: Collection[str] = ()) -> None:
        """`held`: the ids of the findings that held an export up, listed on their own
        (the export named them; the case's other outputs may hold many more) until `f`."""
        super().__init__()
        self.ref = ref
        self.docx = docx
        self.held = frozenset(held)
        self.showing_all = not self.held
        self.findings: list[Any] = []  # those listed (and what `A` accepts when open)
        self.widths = fitted_widths(80, FINDING_COLUMNS)

    def compose(self) -> ComposeResult:
        what = f" of {self.docx.name}" if self.docx else ""
        yield Static(f"Redaction review{what}: {self.ref}", id="review-title")
        yield Static("Finding what redaction would change…", id="review-status")
        yield DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="review-detail")
        # Their actions fill 80 columns: the palette hint gives way (ctrl+p still opens it).
        yield KeysFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#findings", DataTable)
        self.widths = fitted_widths(self.app.size.width, FINDING_COLUMNS)
        for heading, width in zip(FINDING_HEADINGS, self.widths, strict=True):
            table.add_column(heading, width=width)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.app.session is not None:
            self.reload()

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def reload(self) -> None:
        from cspr_tui.exports.redaction.review import case_findings, case_redactor, listing

        store = self.app.store
        try:
            case = store.get(self.ref)
            if self.docx is not None:
                from cspr_tui.exports.redaction.docx_file import docx_findings

                found = docx_findings(self.docx, case_redactor(case, store.settings))
            else:
                found = case_findings(case, settings=store.settings, today=store.today())
        except CsprError as exc:
            self.app.call_from_thread(self._show_error, exc.message)
            return
        self.app.call_from_thread(self._show, listing(found))

    def _show_error(self, message: str) -> None:
        self.query_one("#review-status", Static).update(Text(message, style="bold red"))

    def _show(self, findings: list[Any]) -> None:
        from cspr_tui.exports.redaction.review import readable_where

        every = len(findings)
        if not self.showing_all:
            findings = [f for f in findings if f.id in self.held]
        self.findings = findings
        table = self.query_one("#findings", DataTable)
        keep = table.cursor_row
        table.clear()
        for f in findings:
            status = f.outcome.value if f.outcome else "open"
            becomes = f.replacement if f.withheld else "(kept as written)"
            cells = (
                f.id,
                status,
                f.kind,
                readable_where(f, self.app.store.forms, short=True),
                becomes,
            )
            table.add_row(*(cut_to_fit(str(c)) for c in cells), key=f.id)
        open_count = sum(f.open for f in findings)
        listed = (
            f"The {len(findings)} that held the export up ({every} in all: f lists them). "
            if not self.showing_all
            else ""
        )
        self.query_one("#review-status", Static).update(
            f"{listed}{open_count} open of {len(findings)}: a for accept, r to reject with a "
            "reason, A to accept every open one listed, k to add a person to the key."
            if findings
            else "Nothing to review: a redacted export can be written."
        )
        if findings:
            table.move_cursor(row=min(keep, len(findings) - 1))
        self._detail()

    @on(DataTable.RowHighlighted, "#findings")
    def _detail(self) -> None:
        from cspr_tui.exports.redaction.review import readable_where

        finding = self.current()
        detail = self.query_one("#review-detail", Static)
        if finding is None:
            detail.update("")
            return
        text = Text()
        text.append(f"{readable_where(finding, self.app.store.forms)}\n", style="bold")
        text.append(f"{finding.snippet}\n")
        proposal = (
            f"replace with {finding.replacement!r}" if finding.withhold else "keep as written"
        )
        text.append(f"Proposal: {proposal}")
        text.append(f" ({finding.reason})")
        if finding.decided_reason:
            text.append(f"\nReviewer's reason: {finding.decided_reason}")
        detail.update(text)

    def current(self) -> Any:
        table = self.query_one("#findings", DataTable)
        if not table.row_count or not self.findings:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((f for f in self.findings if f.id == key.value), None)

    def _record(self, decisions: list[Any]) -> None:
        if not decisions:
            return
        try:
            self.app.store.record_redaction_decisions(self.ref, decisions)
        except CsprError as exc:
            self.notify(exc.message, severity="error")
            return
        self.reload()

    def action_accept(self) -> None:
        from cspr_tui.domain.case import RedactionOutcome
        from cspr_tui.exports.redaction import decision

        finding = self.current()
        if finding is not None:
            self._record([decision(finding, RedactionOutcome.ACCEPTED)])

    def action_accept_all(self) -> None:
        from cspr_tui.exports.redaction.review import accepting

        self._record(accepting(self.findings))

    def action_reject(self) -> None:
        from cspr_tui.domain.case import RedactionOutcome
        from cspr_tui.exports.redaction import decision
        from cspr_tui.tui.dialogs.confirm import ReasonDialog

        finding = self.current()
        if finding is None:
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self._record([decision(finding, RedactionOutcome.REJECTED, reason)])

        self.app.push_screen(
            ReasonDialog("Reject this finding", f"Why is this wrong? {finding.snippet}"), chosen
        )

    def action_show_all(self) -> None:
        """Every finding of the case's outputs, not only those that held the export up."""
        self.showing_all = True
        self.refresh_bindings()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_all":
            return not self.showing_all  # (shown only while the list is the held ones)
        return True

    def action_people(self) -> None:
        self.app.action_show_people(self.ref)
