"""Choose an export and its options; the exporter runs in a worker with a progress bar.

The dialog offers only the exporters that exist in `cspr_tui.exports`, gathers options
into a request and hands it to the export service in a worker; the service writes the file
and its audit entry together or not at all and reports progress, which the bar shows. The
dialog says where the file went and that the file is not encrypted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, ProgressBar, Select, Static

from cspr_tui.domain.quarter import Quarter, current_quarter
from cspr_tui.errors import CsprError
from cspr_tui.tui.dialogs.confirm import DIALOG_CSS, DIALOG_TEXT_WIDTH
from cspr_tui.tui.widgets.drop_down import DropDown
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.ticks import TickBox
from cspr_tui.tui.words import (
    held_finding,
    path_lines,
    quarter_words,
    review_again,
    review_needed,
)

KINDS = {
    "tracker": "Quarterly recommendations tracker (Excel)",
    "agency": "Agency information report (Word)",
    "case": "Case report (Word)",
}
EXPORTER_NAMES = {
    "tracker": ("write_tracker", "cspr_tui.exports.xlsx_tracker"),
    "agency": ("write_agency_report", "cspr_tui.exports.fillable"),
    "case": ("write_case_report", "cspr_tui.exports.docx_report"),
}


def find_exporter(kind: str) -> Callable[..., Path] | None:
    """The exporter function if the exports layer provides it (facade first)."""
    name, module_name = EXPORTER_NAMES[kind]
    for candidate in ("cspr_tui.exports", module_name):
        try:
            module = importlib.import_module(candidate)
        except ImportError:
            continue
        function = getattr(module, name, None)
        if callable(function):
            return function
    return None


def available_kinds() -> list[str]:
    return [kind for kind in KINDS if find_exporter(kind) is not None]


def _request(kind: str, options: dict[str, Any]) -> Any:
    """The export service's request for what the dialog gathered."""
    from cspr_tui.exports.service import AgencyReportExport, CaseReportExport, TrackerExport

    if kind == "tracker":
        return TrackerExport(quarter=options["quarter"])
    if kind == "agency":
        return AgencyReportExport(options["ref"], options["agency"])
    return CaseReportExport(options["ref"], options["report"], redact=bool(options["redact"]))


def quarter_choices(now: Quarter, back: int = 8) -> list[tuple[str, str]]:
    """The quarter to export, in words ("Q3 2026-27 (Oct-Dec)"): the next one, this one
    and the `back` before it, newest first; the tracker's quarter code is the value."""
    quarters = [now.next()]
    quarter = now
    for _ in range(back + 1):
        quarters.append(quarter)
        quarter = quarter.previous()
    return [(quarter_words(q.code), q.code) for q in quarters]


@dataclass(frozen=True)
class ExportDone:
    path: Path
    kind: str
    redacted: bool = False


class ExportDialog(ModalScreen[ExportDone | None]):
    """Tracker (quarter), agency report (case, agency) or case report (kind, redacted)."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="ExportDialog")
        + """
    ExportDialog Select, ExportDialog Input, ExportDialog Checkbox {
        margin-bottom: 1;
    }
    ExportDialog #where {
        color: $success;
        height: auto;
    }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "Export", priority=True, id="export.go"),
        Binding("escape", "cancel", "Close", id="export.cancel"),
    ]

    def __init__(self, kind: str = "tracker", ref: str | None = None) -> None:
        super().__init__()
        self.kinds = available_kinds()
        self.kind = kind if kind in self.kinds else (self.kinds[0] if self.kinds else "")
        self.ref = ref
        self.written: ExportDone | None = None
        self.to_review: list[str] = []  # cases whose findings held the last export up
        self.held: set[str] = set()  # the ids of those findings (the review lists them)
        self._reviewing = False  # the redaction review opened from here is on top
        self._suggested_report: str | None = None  # the report the list started on

    def compose(self) -> ComposeResult:
        store = self.app.store
        cases = [(f"{c.ref} {c.pseudonym}", c.ref) for c in store.list_cases()]
        with Vertical():
            yield Static("Export", classes="dialog-title")
            if not self.kinds:
                yield Static("No exporter is installed yet.")
            else:
                yield DropDown(
                    [(KINDS[k], k) for k in self.kinds],
                    value=self.kind,
                    allow_blank=False,
                    compact=True,
                    id="kind",
                )
                yield Static("Quarter (financial year: Q1 is April to June)", id="quarter-label")
                now = current_quarter(self.app.today())
                yield DropDown(
                    quarter_choices(now),
                    value=now.code,
                    allow_blank=False,
                    compact=True,
                    id="quarter",
                )
                refs = [ref for _, ref in cases]
                yield DropDown(
                    cases,
                    value=self.ref if self.ref in refs else Select.NULL,
                    prompt="Case",
                    compact=True,
                    id="case",
                )
                yield DropDown([], prompt="Agency", compact=True, id="agency")
                yield DropDown(
                    self._report_kinds(), prompt="Report", compact=True, id="report-kind"
                )
                yield TickBox(
                    "Redacted (pseudonyms only, for publication)", compact=True, id="redact"
                )
            yield ProgressBar(total=3, show_eta=False, id="progress")
            # Plain text: a finding's id in brackets ("[a78324fdc6] possible name...") is
            # not markup, and a path may hold brackets too.
            yield Static("", classes="dialog-error", markup=False)
            yield Static("", id="where", markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self.kinds:
                    yield Button("Export", id="go", variant="primary", compact=True)
                yield Button("Close", id="close", compact=True)
                if self.kinds:
                    yield Button("Review redaction", id="review", compact=True)
        yield KeysFooter(compact=True)

    def _report_kinds(self) -> list[tuple[str, str]]:
        try:
            from cspr_tui.exports.context import CASE_REPORT_KINDS
        except ImportError:
            return []
        return [(spec.title, kind) for kind, spec in CASE_REPORT_KINDS.items()]

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        if self.kinds:
            self._kind_changed()
            self._case_changed()
            self.query_one("#kind").focus()

    @on(Select.Changed, "#kind")
    def _kind_changed(self) -> None:
        kind = self.query_one("#kind", Select).value
        self.kind = str(kind)
        self.query_one("#quarter").display = self.kind == "tracker"
        self.query_one("#quarter-label").display = self.kind == "tracker"
        self.query_one("#case").display = self.kind in ("agency", "case")
        self.query_one("#agency").display = self.kind == "agency"
        self.query_one("#report-kind").display = self.kind == "case"
        self.query_one("#redact").display = self.kind == "case"
        self.query_one("#review").display = self.kind == "case"

    @on(Select.Changed, "#case")
    def _case_changed(self) -> None:
        ref = self.query_one("#case", Select).value
        agencies: list[str] = []
        if ref != Select.NULL:
            try:
                from cspr_tui.exports.context import case_agencies

                agencies = case_agencies(self.app.store.get(str(ref)))
            except ImportError:
                agencies = list(self.app.store.get(str(ref)).agencies)
        self.query_one("#agency", Select).set_options([(a, a) for a in agencies])
        self._suggest_report(None if ref == Select.NULL else str(ref))

    def _suggest_report(self, ref: str | None) -> None:
        """Start the report list on the latest report the case has the forms for (the
        final report once there is a review, else the rapid review report, else the
        referral), unless the reviewer chose one: it started on its "Report" prompt, three
        more keys each export of a published case (seen by hand)."""
        box = self.query_one("#report-kind", Select)
        if box.value != Select.NULL and box.value != self._suggested_report:
            return  # the reviewer's own choice stays
        records = self.app.store.get(ref).records if ref else {}
        kinds = [kind for _title, kind in self._report_kinds()]
        suggested = next(
            (
                kind
                for kind, form in (
                    ("final", "review"),
                    ("rapid-review", "rapid_review"),
                    ("referral", "referral"),
                )
                if form in records and kind in kinds
            ),
            None,
        )
        self._suggested_report = suggested
        box.value = suggested if suggested is not None else Select.NULL

    def _chosen(self, selector: str) -> Any:
        value = self.query_one(selector, Select).value
        return None if value == Select.NULL else value

    def action_export(self) -> None:
        """The footer's way to the Export button (a new reviewer sees the key)."""
        if not self.query_one("#go", Button).disabled:
            self._go()

    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        error = self.query_one(".dialog-error", Static)
        error.update("")
        options: dict[str, Any] = {}
        if self.kind == "tracker":
            try:
                options["quarter"] = Quarter.parse(str(self.query_one("#quarter", Select).value))
            except CsprError as exc:
                error.update(exc.message)
                return
        else:
            ref = self._chosen("#case")
            if ref is None:
                error.update("Choose the case.")
                return
            options["ref"] = str(ref)
            if self.kind == "agency":
                agency = self._chosen("#agency")
                if agency is None:
                    error.update("Choose the agency (the case names no agency yet?).")
                    return
                options["agency"] = str(agency)
            else:
                report = self._chosen("#report-kind")
                if report is None:
                    error.update("Choose which report.")
                    return
                options["report"] = str(report)
                options["redact"] = self.query_one("#redact", Checkbox).value
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=3, progress=0)
        bar.display = True
        self.query_one("#go", Button).disabled = True
        self.query_one("#where", Static).update("Exporting…")
        self.export_worker(self.kind, options)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_worker(self, kind: str, options: dict[str, Any]) -> None:
        from cspr_tui.exports.service import run_export

        app = self.app

        def progress(done: int, total: int, what: str) -> None:
            app.call_from_thread(self._show_progress, done, total, what)

        from cspr_tui.exports.redaction.review import RedactionReviewNeeded

        try:
            result = run_export(app.store, _request(kind, options), progress=progress)
        except RedactionReviewNeeded as exc:
            refs = [ref for ref in exc.ref.split(", ") if ref]
            held = [held_finding(finding, app.forms) for finding in exc.findings]
            shown = "\n".join([review_needed(len(held), refs), *held[:6]])
            if len(held) > 6:
                shown += f"\n… and {len(held) - 6} more on the redaction review screen."
            app.call_from_thread(self._failed, shown, refs, {f.id for f in exc.findings})
            return
        except CsprError as exc:
            # What, where and how to fix: the refusal's own lines, as the command line shows.
            shown = "\n".join([exc.message, *exc.details[:6]])
            if len(exc.details) > 6:
                shown += f"\n… and {len(exc.details) - 6} more on the redaction review screen."
            app.call_from_thread(self._failed, shown)
            return
        except Exception as exc:
            app.call_from_thread(self._failed, f"The export failed ({exc.__class__.__name__}).")
            return
        app.call_from_thread(self._done, ExportDone(result.path, kind, result.redacted))

    def _show_progress(self, done: int, total: int, what: str) -> None:
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)
        if done < total:
            self.query_one("#where", Static).update(f"{what}…")

    def _failed(
        self, message: str, to_review: list[str] | None = None, held: set[str] | None = None
    ) -> None:
        self.to_review = to_review or []
        self.held = held or set()
        if self.to_review:  # the way to the findings, whatever the export (the tracker too)
            self.query_one("#review").display = True
        self.query_one("#go", Button).disabled = False
        self.query_one("#progress").display = False
        self.query_one("#where", Static).update("")
        self.query_one(".dialog-error", Static).update(message)

    def _done(self, done: ExportDone) -> None:
        from cspr_tui.exports.export_file import NOT_ENCRYPTED

        self.written = done
        self.query_one("#go", Button).disabled = False
        bar = self.query_one("#progress", ProgressBar)
        bar.update(progress=bar.total)
        version = (
            "Redacted: people are named by their pseudonyms."
            if done.redacted
            else "Not redacted: it holds real names (tick Redacted for the version to publish)."
        )
        where = self.query_one("#where", Static)
        width = where.content_size.width or DIALOG_TEXT_WIDTH
        written = path_lines(done.path, width, "Written to ")
        shown = f"{written}\n{version if done.kind == 'case' else ''}"
        where.update(f"{shown.rstrip()}\n{NOT_ENCRYPTED}")
        self.query_one("#close").focus()

    @on(Button.Pressed, "#review")
    def _review(self) -> None:
        """The redaction review of the chosen case (the tracker: of each case in turn)."""
        from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen

        ref = self._chosen("#case") if self.kind == "case" else None
        if ref is None and self.to_review:
            ref = self.to_review[0]  # the tracker: the first case it was held up by
        if ref is None:
            self.query_one(".dialog-error", Static).update(
                "Choose the case whose redaction findings you want to review."
            )
            return
        self._reviewing = True
        self.app.push_screen(RedactionReviewScreen(str(ref), held=self.held))

    @on(events.ScreenResume)
    def _back_from_review(self) -> None:
        """The refusal listed findings the reviewer may just have decided: it no longer
        stands, so it is not left on screen as if it did (the journey's stayed there)."""
        if not self._reviewing:
            return
        self._reviewing = False
        if self.to_review:
            self.query_one(".dialog-error", Static).update(review_again())
            self.query_one("#go", Button).focus()

    @on(Button.Pressed, "#close")
    def action_cancel(self) -> None:
        self.dismiss(self.written)
