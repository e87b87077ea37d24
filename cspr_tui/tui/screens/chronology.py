"""The integrated multi-agency chronology of one case, to read for patterns and gaps.

The merge is the domain's (`domain.chronology.integrate_case`); this screen only filters
and shows it: entries several agencies recorded on the same day are marked, periods with
no contact from any agency appear as their own rows.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from cspr_tui.domain.chronology import Gap, integrate_case
from cspr_tui.errors import CsprError
from cspr_tui.forms.dates import DateFormatError, format_date, parse_date
from cspr_tui.tui.widgets.choice_select import CompactSelect
from cspr_tui.tui.widgets.columns import cut_to_fit, fitted_widths
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput
from cspr_tui.tui.words import path_lines

NOTICE_GUTTER = 5  # a notice's text is this much narrower than the screen (75 of 80 columns)
CHRONOLOGY_HEADINGS = ("Date", "Time", "Agency", "Source", "What happened", "RAG", "Also")
# (minimum, share of the spare width): every heading whole at 80 columns.
CHRONOLOGY_COLUMNS = ((10, 0), (5, 0), (10, 2), (6, 1), (14, 6), (5, 0), (4, 1))


class ChronologyScreen(Screen[None]):
    """One row per event (and per silence), filtered by agency and period."""

    ALLOW_SELECT = False
    CSS_PATH = "chronology.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "filters", "Filters", id="chronology.filters"),
        Binding("x", "export", "Export", id="chronology.export"),
        Binding("escape", "app.pop_screen", "Back", id="chronology.back"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.widths = fitted_widths(80, CHRONOLOGY_COLUMNS)
        self.shown: list[tuple[str, ...]] = []  # each row's cells in full, in table order

    def compose(self) -> ComposeResult:
        yield Static("", id="chronology-title")
        with Horizontal(id="chronology-filters"):
            yield CompactSelect([], prompt="All agencies", compact=True, id="chronology-agency")
            yield LineInput(placeholder="From DD/MM/YYYY", id="chronology-from", compact=True)
            yield LineInput(placeholder="To DD/MM/YYYY", id="chronology-to", compact=True)
        yield DataTable(id="chronology", cursor_type="row", zebra_stripes=True)
        yield Static("", id="chronology-detail")
        yield Static("", id="chronology-status")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#chronology", DataTable)
        # Date and time whole; agency, source, what happened and "also recorded by" share
        # the rest (cut cells end in an ellipsis).
        self.widths = fitted_widths(self.app.size.width, CHRONOLOGY_COLUMNS)
        for heading, width in zip(CHRONOLOGY_HEADINGS, self.widths, strict=True):
            table.add_column(heading, width=width)
        case = self.app.store.get(self.ref)
        agencies = integrate_case(case).agencies
        self.query_one("#chronology-agency", Select).set_options([(a, a) for a in agencies])
        self.query_one("#chronology-title", Static).update(
            f"Integrated chronology  {case.ref}  {case.pseudonym}"
        )
        self.refresh_rows()
        table.focus()

    def _day(self, widget_id: str):
        text = self.query_one(widget_id, Input).value.strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except DateFormatError as exc:
            self.query_one("#chronology-status", Static).update(str(exc))
            return None

    @on(Select.Changed)
    @on(Input.Submitted)
    def refresh_rows(self) -> None:
        agency = self.query_one("#chronology-agency", Select).value
        agencies = None if agency in (Select.NULL, None) else [str(agency)]
        start, end = self._day("#chronology-from"), self._day("#chronology-to")
        case = self.app.store.get(self.ref)
        chronology = integrate_case(case, agencies=agencies, start=start, end=end)
        table = self.query_one("#chronology", DataTable)
        table.clear()
        self.shown = []
        for row in chronology.rows():
            if isinstance(row, Gap):
                cells: tuple[str, ...] = (
                    format_date(row.start),
                    "",
                    "—",
                    "",
                    f"No contact from any agency until {format_date(row.end)} ({row.days} days)",
                    "",
                    "",
                )
            else:
                what = f"{row.who}: {row.what}" if row.who else row.what
                cells = (
                    format_date(row.when),
                    row.time,
                    row.agency,
                    row.source,
                    " ".join(what.replace("\n", " / ").split()),
                    row.significance,
                    ", ".join(row.same_event_as),
                )
            self.shown.append(cells)
            table.add_row(*(cut_to_fit(cell) for cell in cells))
        self._show_detail()
        shared = sum(1 for e in chronology.entries if e.same_event_as)
        status = (
            f"{len(chronology.entries)} entries from {len(chronology.agencies)} agencies; "
            f"{shared} recorded by more than one agency; {len(chronology.gaps)} gaps."
        )
        if not chronology.agencies:
            status = "No agency has returned a chronology yet (import returns on the Agencies tab)."
        self.query_one("#chronology-status", Static).update(status)

    @on(DataTable.RowHighlighted, "#chronology")
    def _show_detail(self) -> None:
        """The highlighted row in full (its cells may be cut to fit)."""
        table = self.query_one("#chronology", DataTable)
        detail = self.query_one("#chronology-detail", Static)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            detail.update("")
            return
        when, time, agency, source, what, rag, also = self.shown[table.cursor_row]
        head = " · ".join(p for p in (f"{when} {time}".strip(), agency, source, rag) if p)
        detail.update(Text(f"{head}\n{what}" + (f"\nAlso recorded by {also}" if also else "")))

    def action_filters(self) -> None:
        self.query_one("#chronology-agency", Select).focus()

    def action_export(self) -> None:
        """Write the chronology as a landscape Word table (`cspr export chronology` for Excel
        or the redacted version), through the one export service."""
        self.query_one("#chronology-status", Static).update("Writing the chronology…")
        self.export_worker()

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_worker(self) -> None:
        from cspr_tui.exports.export_file import NOT_ENCRYPTED
        from cspr_tui.exports.service import ChronologyExport, run_export

        try:
            result = run_export(self.app.store, ChronologyExport(self.ref))
        except CsprError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        wrote = path_lines(result.path, self.app.size.width - NOTICE_GUTTER, "Wrote ")
        self.app.call_from_thread(self.notify, f"{wrote}\n{NOT_ENCRYPTED}")
