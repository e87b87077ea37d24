"""The home screen: every case with its next deadline, a deadlines panel and stage counts.

Deadlines are computed by the domain on reload (not per keystroke; the store keeps each
case's next deadline until it changes), and the filter asks the store's in-memory whole-word
search, so typing stays instant with thousands of cases.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from cspr_tui.domain.case import STAGE_LABELS, STAGE_ORDER, Stage
from cspr_tui.domain.deadline import DeadlineStatus
from cspr_tui.domain.derived_cache import DerivedCache
from cspr_tui.domain.store import CaseStore, CaseSummary
from cspr_tui.forms.dates import format_date
from cspr_tui.tui.scroll_bar import show_vertical_bar
from cspr_tui.tui.session import built_aside
from cspr_tui.tui.styled_screen import StyledOnceScreen
from cspr_tui.tui.widgets.case_table import CaseRow, CaseTable, status_text
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.line_input import LineInput
from cspr_tui.tui.widgets.stage_bar import clip
from cspr_tui.tui.words import sentence

FILTER_DELAY = 0.12  # seconds of quiet typing before the table is filtered
DEADLINE_ROWS = 50  # the panel lists the most urgent ones; the CLI lists them all


DashboardRows = tuple[list[CaseSummary], dict[str, CaseRow], list]  # summaries, rows, panel


def work_out_rows(store: CaseStore, derived: DerivedCache, today: date) -> DashboardRows:
    """Every case's row (its next deadline) and the deadlines panel, as of `today`.

    Runs in a thread: the dashboard's worker, or the unlock's worker straight after the
    vault opens, so the dashboard is drawn once with its rows. The store reads each case's
    summary and deadline plan, stored beside it at every save (`ReadModel.dashboard`), so
    no case is built; each case's open deadlines are kept until that case, the day or the
    settings change. (`derived`, the app's cache of ratings, is not needed here.)"""
    summaries, next_due, found = store.dashboard(today)
    stage_index = {stage: i for i, stage in enumerate((*STAGE_ORDER, Stage.PAUSED))}
    rows: dict[str, CaseRow] = {}
    for summary in summaries:
        deadline = next_due[summary.ref]
        rows[summary.ref] = CaseRow(
            ref=summary.ref,
            pseudonym=summary.pseudonym,
            stage=summary.stage_label or summary.stage.label,  # a deferral is named
            stage_index=stage_index.get(summary.stage, 99),
            deadline_label=deadline.label if deadline else "",
            due=deadline.due if deadline else None,
            days_left=deadline.days_left if deadline else None,
            status=str(deadline.status) if deadline else "",
        )
    return summaries, rows, found


# Shorter names for the counts line when the full ones do not fit on it (the table's
# Stage column keeps the full names).
SHORT_STAGE_LABELS: dict[Stage, str] = {
    Stage.REFERRAL_RECEIVED: "Referral",
    Stage.SCREENING: "Screening",
    Stage.NOTIFIED: "Notified",
    Stage.RAPID_REVIEW: "Rapid review",
    Stage.DECISION: "Decision",
    Stage.REVIEW_IN_PROGRESS: "Review",
    Stage.REPORT_DRAFTED: "Drafted",
    Stage.PUBLISHED: "Published",
    Stage.MONITORING: "Monitoring",
    Stage.CLOSED: "Closed",
}


def counts_line(summaries: list[CaseSummary], overdue: int, width: int) -> Text:
    """How many cases, how many overdue and paused, then how many at each stage, on ONE
    line of `width` cells: at 80 columns with cases at every stage the full stage names
    took three lines and the paused count, last, was cut off. The totals come first and
    always show; the stages use their full names when all fit, else short names, else as
    many as fit and "+N more stages" (the table's Stage column has the rest)."""
    counts = Counter(summary.stage for summary in summaries)
    total = len(summaries)
    head = Text(f"{total:,} case{'s' if total != 1 else ''}", style="bold")
    if overdue:
        head.append(f" · {overdue:,} overdue", style="bold reverse")
    if counts[Stage.PAUSED]:
        head.append(f" · {counts[Stage.PAUSED]:,} paused", style="bold")
    if not total:
        head.append("  no cases yet: press n")
        return head
    at = [stage for stage in STAGE_ORDER if counts[stage]]
    room = width - head.cell_len - 2
    for names in (STAGE_LABELS, SHORT_STAGE_LABELS):
        parts = [f"{names[stage]} {counts[stage]:,}" for stage in at]
        if len(" · ".join(parts)) <= room:
            head.append("  " + " · ".join(parts))
            return head
    shown: list[str] = []
    for index, part in enumerate(parts):
        left = len(parts) - index - 1
        tail = [f"+{left} more stage{'s' if left != 1 else ''}"] if left else []
        if len(" · ".join([*shown, part, *tail])) > room:
            break
        shown.append(part)
    rest = len(parts) - len(shown)
    if rest:
        shown.append(f"+{rest} more stage{'s' if rest != 1 else ''}")
    line = " · ".join(shown)
    if len(line) <= room:
        head.append("  " + line)
    return head


class CountsLine(Static):
    """The counts line, fitted to its width when it is drawn (`counts_line`): a change of
    terminal size redraws it without asking for another layout of the dashboard."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.summaries: list[CaseSummary] = []
        self.overdue = 0
        self.counted = False

    def show(self, summaries: list[CaseSummary], overdue: int) -> None:
        self.summaries, self.overdue, self.counted = summaries, overdue, True
        self.refresh()

    def render(self) -> Text:
        if not self.counted:
            return Text("")
        return counts_line(self.summaries, self.overdue, self.size.width)


class DashboardScreen(StyledOnceScreen[None]):
    """Cases, deadlines (overdue first) and how many cases sit at each stage."""

    ALLOW_SELECT = False
    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#cases"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the key bar: the filter box itself says "/ to filter" (room for f1 Help).
        Binding("slash,ctrl+f", "focus_filter", "Find", show=False, id="dashboard.filter"),
        Binding("n", "app.new_case", "New", id="dashboard.new"),
        # Not in the key bar either: the caption names it ("sorted by next deadline (s)").
        Binding("s", "cycle_sort", "Sort", show=False, id="dashboard.sort"),
        Binding("d", "focus_deadlines", "Dates", id="dashboard.deadlines"),
        Binding("r", "app.show_recs", "Recs", id="dashboard.recs"),
        Binding("x", "app.export('tracker')", "Export", id="dashboard.export"),
        Binding("i", "app.import_cases", "Import", id="dashboard.import"),
        Binding("o", "app.show_settings", "Setup", id="dashboard.settings"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="dashboard.clear"),
        Binding(
            "left_square_bracket", "page(-1)", "Previous page", show=False, id="dashboard.prev"
        ),
        Binding("right_square_bracket", "page(1)", "Next page", show=False, id="dashboard.next"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, CaseRow] = {}
        self._filter_timer: Timer | None = None
        self._caption_shown = ""  # the cases caption as last drawn
        self.loaded_for: tuple = ()
        self.filtered_by: str | None = None  # the filter text the table shows (None: not yet)

    def compose(self) -> ComposeResult:
        yield CountsLine(id="counts")
        yield LineInput(
            placeholder="/ to filter by reference, pseudonym or any answer",
            compact=True,
            id="filter",
        )
        yield Static("", id="cases-caption")
        yield CaseTable(id="cases")
        yield Static("Deadlines, overdue first", id="deadlines-title")
        deadlines = DataTable(id="deadlines", cursor_type="row", zebra_stripes=True)
        yield deadlines
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        deadlines = self.query_one("#deadlines", DataTable)
        deadlines.add_column("Case", key="ref", width=13)
        # The label takes whatever the fixed columns leave (29 at 80 columns, more if wider).
        self.label_width = max(29, self.app.size.width - 51)
        deadlines.add_column("Deadline", key="label", width=self.label_width)
        deadlines.add_column("Due", key="due", width=10)
        deadlines.add_column("Days", key="days", width=4)
        deadlines.add_column("Status", key="status", width=8)
        ready = self.app.session.take_first_rows(self.app.today()) if self.app.session else None
        if ready is not None:  # worked out by the unlock: drawn once, with its rows
            self.loaded_for = self._signature()
            self._loaded(*ready)
        else:
            self.reload()

    def on_screen_resume(self) -> None:
        if self.app.session is not None and not self._same(self._signature(), self.loaded_for):
            self.reload()  # something changed while another screen was on top

    def _signature(self) -> tuple:
        """What the rows depend on: each case's summary (the store keeps the same object
        until the case changes), the day and the settings. Cheap: no deadline is computed."""
        store = self.app.store
        return (self.app.today(), repr(store.settings), *store.summaries())

    @staticmethod
    def _same(now: tuple, before: tuple) -> bool:
        """The same day, settings and summary objects (held, so identity cannot be reused)."""
        return (
            len(now) == len(before)
            and now[:2] == before[:2]
            and all(a is b for a, b in zip(now[2:], before[2:], strict=True))
        )

    def reload(self) -> None:
        """Recompute rows and deadlines off the event loop (thousands of cases take a moment)."""
        self.loaded_for = self._signature()
        self.load_worker(self.app.store, self.app.today())

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def load_worker(self, store: CaseStore, today: date) -> None:
        """Rows from the store's summaries, and the panel from every case's open deadlines
        (`work_out_rows`)."""
        with built_aside():
            worked_out = work_out_rows(store, self.app.derived, today)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, *worked_out)

    def _loaded(self, summaries: list[CaseSummary], rows: dict[str, CaseRow], found: list) -> None:
        if not self.is_attached or self.app.session is None:
            return
        self.rows = rows
        self.app.freeze_heap()  # the cases are loaded: the collector can leave them be
        self._show_counts(summaries)
        self._show_deadlines(found)
        self.apply_filter()  # shows the caption too

    def _show_counts(self, summaries: list[CaseSummary]) -> None:
        overdue = sum(1 for row in self.rows.values() if row.status == DeadlineStatus.OVERDUE)
        self.query_one("#counts", CountsLine).show(summaries, overdue)

    def _show_deadlines(self, found: list) -> None:
        table = self.query_one("#deadlines", DataTable)
        table.clear()
        theme_vars = self.app.theme_variables
        for index, deadline in enumerate(found[:DEADLINE_ROWS]):
            table.add_row(
                deadline.case_ref,
                clip(sentence(deadline.label), self.label_width),
                format_date(deadline.due) if deadline.due else "",
                "" if deadline.days_left is None else str(deadline.days_left),
                status_text(str(deadline.status), theme_vars),
                key=f"{deadline.case_ref}|{deadline.rule}|{index}",
            )
        # More rows than its height holds: its bar from the first layout, not found by it
        # and laid out again (scroll_bar.py).
        limit = table.styles.max_height
        header = 1 if table.show_header else 0
        if limit is not None and limit.is_cells and table.row_count + header > limit.value:
            show_vertical_bar(table)
        shown = min(len(found), DEADLINE_ROWS)
        self.query_one("#deadlines-title", Static).update(
            f"Deadlines, overdue first ({shown} of {len(found)} open)"
            if len(found) > shown
            else f"Deadlines, overdue first ({len(found)} open)"
        )

    # -- filter and sort ---------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_typed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self.apply_filter)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.apply_filter()
        self.query_one("#cases").focus()

    def apply_filter(self) -> None:
        """Whole-word matches from the store, plus references starting with what is typed
        (so "CSPR-2026-00" lists those cases); an exact reference or pseudonym comes first,
        under the cursor, so Enter opens the case the reviewer named."""
        text = self.query_one("#filter", Input).value
        phrase = " ".join(text.casefold().split())
        table = self.query_one(CaseTable)
        self.filtered_by = text
        if not phrase:
            table.show_rows(list(self.rows.values()))
            self._show_caption()
            return
        refs = {summary.ref for summary in self.app.store.query_summaries(text=phrase)}
        rows = [
            row
            for ref, row in self.rows.items()
            if ref in refs or ref.casefold().startswith(phrase)
        ]
        exact = [
            row.ref
            for row in rows
            if phrase in (row.ref.casefold(), " ".join(row.pseudonym.casefold().split()))
        ]
        table.show_rows(rows, first=exact)
        self._show_caption()  # with the rows, not a message later (the count must not lag)

    @on(CaseTable.PageChanged, "#cases")
    def _show_caption(self) -> None:
        """How many cases are listed (of how many), and in which order."""
        table = self.query_one(CaseTable)
        total = len(self.rows)
        shown = len(table.items)
        if self.query_one("#filter", Input).value.strip():
            words = f"{shown:,} of {total:,} shown"
            if shown > table.page_rows:
                words += f" (this page {table.caption('cases').split(' of ')[0]})"
        else:
            words = table.caption("cases")
        caption = self.query_one("#cases-caption", Static)
        text = f"{words} · sorted by {table.sort_name} (s)"
        if text != self._caption_shown:  # (the page's message repeats the rows' own)
            self._caption_shown = text
            caption.update(text)

    def action_page(self, delta: int) -> None:
        self.query_one(CaseTable).action_turn_page(delta)

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.value:
            field.value = ""
            self.apply_filter()
        self.query_one("#cases").focus()

    def action_cycle_sort(self) -> None:
        table = self.query_one(CaseTable)
        table.cycle_sort()
        self.apply_filter()  # the caption above the table names the new order

    def action_focus_deadlines(self) -> None:
        self.query_one("#deadlines").focus()

    # -- opening -----------------------------------------------------------------------------

    @on(CaseTable.CaseSelected)
    def _open_case(self, event: CaseTable.CaseSelected) -> None:
        self.app.action_open_case(event.ref)

    @on(DataTable.RowSelected, "#deadlines")
    def _open_deadline_case(self, event: DataTable.RowSelected) -> None:
        ref = str(event.row_key.value).split("|", 1)[0]
        self.app.action_open_case(ref)
