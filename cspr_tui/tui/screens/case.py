"""One case: its stage bar, a tab per part of the process, and the keys that move it on.

Moving on is one key; the store decides, and a refusal is shown with the domain's own words
(what is missing). Form tabs show the answers read-only; `e` opens the guided form.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widget import AwaitMount, Widget
from textual.widgets import ContentSwitcher, DataTable, Static, TabbedContent, TabPane

from cspr_tui.domain.agency_report import find as find_request
from cspr_tui.domain.agency_return import ReturnStatus, request_status
from cspr_tui.domain.case import AgencyReportRequest, Case, Stage
from cspr_tui.domain.deadline import RETURN_RULE_PREFIX
from cspr_tui.domain.form_mapping import (
    AGENCY_REPORT_FORM,
    agency_record,
    agency_records,
    report_answers,
)
from cspr_tui.domain.workflow import PROCEEDINGS, can_defer_publication, stage_label
from cspr_tui.errors import CsprError, ValidationFailed
from cspr_tui.forms.dates import format_date
from cspr_tui.forms.model import Form
from cspr_tui.tui.scroll_bar import show_vertical_bar
from cspr_tui.tui.styled_screen import StyledOnceScreen
from cspr_tui.tui.widgets.columns import cut_to_fit, fitted_widths
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.stage_bar import StageBar, clip
from cspr_tui.tui.words import (
    audit_action,
    change_lines,
    missing_item,
    quarter_words,
    report_asked,
    run_together,
    sentence,
    step_title,
    working_days,
)

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
    ("people", "People", None),  # the pseudonym key; k (or e here) opens it for editing
)
TAB_KEYS = "1234567890"

# The Agencies table: (heading, (minimum, share)). Seven columns need 107 screen columns;
# narrower, the dates received and requested and what was asked for are left to the line
# under the table (`CaseScreen._request_line`), and the agency's name takes what is left.
_AGENCY_ALL = (
    ("Agency", (22, 1)),
    ("Report", (11, 0)),
    ("Due", (10, 0)),
    ("Received", (10, 0)),
    ("Requested", (10, 0)),
    ("Asked for", (19, 0)),
    ("Return", (9, 0)),
)
_AGENCY_NARROW = ("Agency", "Report", "Due", "Return")
# The Recs table: (heading, key, (minimum, share)); the agency and the recommendation take
# what a wider screen has to spare, and a cut cell ends in an ellipsis.
_RECS = (
    ("No.", "id", (6, 0)),
    ("Agency", "agency", (12, 1)),
    ("Target", "target", (10, 0)),
    ("Status", "status", (12, 0)),
    ("RAG", "rag", (5, 0)),
    ("Recommendation", "text", (19, 3)),
)


def agency_columns(screen_width: int) -> list[tuple[str, tuple[int, int]]]:
    """The Agencies table's columns for this screen width."""
    wide = screen_width - 2 - 2 * len(_AGENCY_ALL) >= sum(m for _h, (m, _s) in _AGENCY_ALL)
    if wide:
        return list(_AGENCY_ALL)
    narrow = [c for c in _AGENCY_ALL if c[0] in _AGENCY_NARROW]
    room = screen_width - 2 - 2 * len(narrow) - sum(m for h, (m, _s) in narrow if h != "Agency")
    return [(h, (max(8, room), 0)) if h == "Agency" else (h, fit) for h, fit in narrow]


def audit_what_width(table_width: int) -> int:
    """The audit list's "What" column: what When (16) and Who (12), each cell's padding and
    the scrollbar leave, so that the list never scrolls sideways (the line below it shows
    the highlighted entry in full)."""
    return max(20, table_width - 2 - 2 * 3 - 16 - 12)


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
                    lines.append((field.row_label(index), run_together(parts) or "(empty)"))
            elif field.format(value):
                lines.append((field.label, field.format(value)))
        if not lines:
            continue
        text.append(f"{step_title(section.title)}\n", style="bold underline")
        for label, shown in lines:
            text.append(f"{label}: ", style="bold")
            text.append(f"{shown}\n")
        text.append("\n")
    return text


class CaseScreen(StyledOnceScreen[None]):
    """Everything about one case, a tab per part of the process."""

    ALLOW_SELECT = False
    CSS_PATH = "case.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "advance", "Advance", id="case.advance"),
        Binding("e", "edit", "Edit", id="case.edit"),
        Binding("r", "request_report", "Request", id="case.request_report"),
        Binding("d", "override_deadline", "Dates", id="case.deadline"),
        Binding("p", "pause", "Pause", id="case.pause"),
        Binding("m", "add_recommendation", "Add rec", id="case.add_rec"),
        Binding("u", "quarterly_update", "Update", id="case.update"),
        Binding("x", "export", "Export", id="case.export"),
        Binding("c", "chronology", "Chronology", show=False, id="case.chronology"),
        Binding("i", "import_return", "Import return", show=False, id="case.import_return"),
        Binding("k", "people", "Key", show=False, id="case.people"),
        Binding("escape", "app.pop_screen", "Back", id="case.back"),
        *[
            Binding(str(number), f"tab({index})", title, show=False, id=f"case.tab{number}")
            for index, (number, (_, title, _f)) in enumerate(zip(TAB_KEYS, TABS, strict=False))
        ],
    ]

    def __init__(self, ref: str, *, tab: str | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.case: Case | None = None
        self.audit_entries: dict[str, Any] = {}  # the Audit tab's rows, by sequence number
        self.start_tab = tab  # e.g. back on the tab the reviewer was on when the vault locked
        self.filled: set[str] = set()  # the tabs filled since the last reload
        self.built: set[str] = set()  # the tabs whose widgets are made (each when first opened)
        # Each tab's text, by tab id: a box mounted inside a scroller that is itself just
        # being mounted is not found by a query until both have mounted.
        self.bodies: dict[str, Static] = {}
        self.loaded_for: tuple = ()

    def compose(self) -> ComposeResult:
        yield Static("", id="case-title")
        yield StageBar(id="stage-bar")
        start = self._start_tab_id()
        with TabbedContent(id="tabs", initial=f"tab-{start}"):
            for tab_id, title, _form in TABS:
                # Only the tab it opens on is built now; the others when first opened (most
                # visits look at one or two of the ten).
                yield TabPane(
                    title,
                    *(self._tab_widgets(tab_id) if tab_id == start else ()),
                    id=f"tab-{tab_id}",
                )
        self.built = {start}
        # Nine actions fill 80 columns: the palette hint gives way (ctrl+p still opens it).
        yield KeysFooter(compact=True, show_command_palette=False)

    def _start_tab_id(self) -> str:
        return self.start_tab if any(t[0] == self.start_tab for t in TABS) else TABS[0][0]

    def _tab_widgets(self, tab_id: str) -> list[Widget]:
        """One tab's widgets: its list (with the highlighted row in full), else its text."""
        widgets: list[Widget] = []
        # A tab's tables are as wide as its pane: the screen less the pane's padding (case.tcss)
        width = self.app.size.width - 2
        if tab_id in ("recs", "audit", "agency", "people"):
            table: DataTable = DataTable(
                id=f"table-{tab_id}", cursor_type="row", zebra_stripes=True
            )
            if tab_id == "recs":
                widths = fitted_widths(width, [fit for _h, _k, fit in _RECS])
                for (heading, key, _fit), width in zip(_RECS, widths, strict=True):
                    table.add_column(heading, key=key, width=width)
            elif tab_id == "audit":
                table.add_column("When", key="when", width=16)
                table.add_column("Who", key="who", width=12)
                table.add_column("What", key="what", width=audit_what_width(width))
            elif tab_id == "agency":
                columns = agency_columns(width)
                widths = fitted_widths(width, [c[1] for c in columns])
                for (heading, _fit), width in zip(columns, widths, strict=True):
                    table.add_column(heading, key=heading, width=width)
            else:
                table.add_columns("Pseudonym", "Role", "Kind", "Real name", "Identifiers held")
            widgets.append(table)
        if tab_id in ("recs", "audit"):  # the highlighted row in full
            widgets.append(Static("", id=f"detail-{tab_id}", classes="tab-detail"))
        if tab_id not in ("recs", "audit", "people"):
            body = self.bodies[tab_id] = Static("", id=f"body-{tab_id}")
            widgets.append(VerticalScroll(body, classes="tab-body"))
        return widgets

    def _build_tab(self, tab_id: str) -> AwaitMount | None:
        """Put a tab's widgets in it the first time it is opened (None if they are there)."""
        if tab_id in self.built:
            return None
        self.built.add(tab_id)
        return self.query_one(f"#tab-{tab_id}", TabPane).mount_all(self._tab_widgets(tab_id))

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.app.session is not None and self._signature() != self.loaded_for:
            self.reload()  # the case changed while a form or dialog was on top

    def _signature(self) -> tuple:
        """What the screen shows depends on: the case (the store keeps the same summary
        object until the case is saved again), its audit trail (an export is recorded
        there only), the day and the settings."""
        store = self.app.store
        summary = next((s for s in store.summaries() if s.ref == self.ref), None)
        return (id(summary), summary, store.audit_head(), self.app.today(), repr(store.settings))

    def reload(self) -> None:
        """Show the case as the store has it now: the title, the stage bar and the open tab;
        every other tab is filled when it is opened (most visits look at one or two)."""
        store = self.app.store
        self.loaded_for = self._signature()
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
        self.filled = set()
        tab_id = self.current_tab()[0]
        self.fill_tab(tab_id)
        if tab_id in self.built:  # not when its widgets are still being mounted
            self._scrollbar_before_layout(self.query_one(f"#tab-{tab_id}", TabPane))
        self.refresh_bindings()

    def fill_tab(self, tab_id: str) -> None:
        """Fill one tab from the case, once per reload."""
        case = self.case
        if case is None or tab_id in self.filled:
            return
        self._build_tab(tab_id)
        self.filled.add(tab_id)
        form_id = next(t[2] for t in TABS if t[0] == tab_id)
        if tab_id == "summary":
            self._fill_summary(case)
        elif tab_id == "recs":
            self._fill_recommendations(case)
        elif tab_id == "audit":
            self._fill_audit()
        elif tab_id == "people":
            self._fill_people(case)
        elif form_id == AGENCY_REPORT_FORM:
            self._fill_agency(case)
        elif form_id is not None:
            self._fill_form_tab(tab_id, form_id, case)

    def _fill_people(self, case: Case) -> None:
        from cspr_tui.domain.people import person_summary

        table = self.query_one("#table-people", DataTable)
        table.clear()
        for person in case.people:
            table.add_row(
                person.pseudonym,
                person.role,
                person.kind.label,
                person.real_name,
                person_summary(person),
            )

    def _fill_summary(self, case: Case) -> None:
        text = Text()
        text.append("Stage: ", style="bold")
        text.append(f"{stage_label(case)}\n")
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
                text.append(f"{sentence(deadline.label)}: {deadline.status}\n")
                continue
            days = working_days(deadline.days_left)
            state = str(deadline.status)
            # "overdue, 5 working days overdue" says it twice: the days say it alone.
            shown = days if days.endswith("overdue") else ", ".join(p for p in (state, days) if p)
            text.append(f"{sentence(deadline.label)}: {format_date(deadline.due)} ({shown})\n")
        if deadlines:
            text.append(
                "Press d to set a due date by hand (the reason is recorded).\n", style="italic"
            )
        else:
            text.append("None yet.\n")
        text.append("\nForms\n", style="bold underline")
        for _tab, title, form_id in TABS:
            if form_id is None:
                continue
            if form_id == AGENCY_REPORT_FORM:
                reports = agency_records(case)
                done = sum(1 for r in reports.values() if r.status == "complete")
                text.append(f"{title}: {len(reports)} report(s), {done} complete\n")
                continue
            record = case.record(form_id)
            state = "not started" if record is None else str(record.status)
            text.append(f"{title}: {state}\n")
        self.bodies["summary"].update(text)

    def _fill_form_tab(self, tab_id: str, form_id: str, case: Case) -> None:
        body = self.bodies[tab_id]
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
        from cspr_tui.domain.rag import compute_rag, effective_target

        table = self.query_one("#table-recs", DataTable)
        table.clear()
        today = self.app.today()
        for rec in case.recommendations:
            target = effective_target(rec)
            table.add_row(
                f"R{rec.number}" + (f".{rec.action_number}" if rec.action_number > 1 else ""),
                cut_to_fit(rec.lead_agency),
                format_date(target),
                cut_to_fit(str(rec.status)),
                str(compute_rag(rec, today, quarter_of(today))),
                cut_to_fit(rec.text or rec.action),
                key=rec.id,
            )
        self._show_rec_detail()

    def chosen_recommendation(self):
        """The recommendation highlighted in the Recs tab, or None."""
        table = next(self.query("#table-recs").results(DataTable), None)
        if self.case is None or table is None or not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((r for r in self.case.recommendations if r.id == key.value), None)

    @on(DataTable.RowHighlighted, "#table-recs")
    def _show_rec_detail(self) -> None:
        detail = self.query_one("#detail-recs", Static)
        rec = self.chosen_recommendation()
        if rec is None:
            detail.update(Text("No recommendations yet: press m to add one.", style="italic"))
            return
        text = Text()
        text.append(f"{rec.id}: ", style="bold")
        text.append(rec.text)
        if rec.action and rec.action != rec.text:
            text.append("\nAction: ", style="bold")
            text.append(rec.action)
        if rec.updates:
            latest = rec.updates[-1]
            # "Latest update, Q3 2026-27 (Oct-Dec):" (it read "Latest (Q3 2026-27 (Oct-Dec))")
            text.append(f"\nLatest update, {quarter_words(latest.quarter)}: ", style="bold")
            text.append(latest.narrative)
        text.append("\nu or Enter: quarterly update", style="italic")
        detail.update(text)

    @on(DataTable.RowSelected, "#table-recs")
    def _rec_chosen(self) -> None:
        self.action_quarterly_update()

    def action_quarterly_update(self) -> None:
        rec = self.chosen_recommendation()
        if rec is None:
            self.notify("This case has no recommendations yet: press m to add one.")
            return
        from cspr_tui.tui.dialogs.quarterly_update import QuarterlyUpdateDialog

        self.app.push_screen(
            QuarterlyUpdateDialog(self.ref, rec), lambda done: self.reload() if done else None
        )

    def _fill_audit(self) -> None:
        table = self.query_one("#table-audit", DataTable)
        table.clear()
        forms = self.app.forms
        self.audit_entries = {}
        for entry in reversed(self.app.store.audit_trail(self.ref)):
            when = f"{format_date(entry.at[:10])} {entry.at[11:16]}"
            key = str(entry.seq)
            self.audit_entries[key] = entry
            room = audit_what_width(self.app.size.width - 2)
            table.add_row(
                when, clip(entry.who, 12), clip(audit_action(entry.action, forms), room), key=key
            )
        self._show_audit_detail()

    @on(DataTable.RowHighlighted, "#table-audit")
    def _show_audit_detail(self) -> None:
        """The highlighted entry: what changed (old → new) and the reason, in full."""
        detail = self.query_one("#detail-audit", Static)
        table = self.query_one("#table-audit", DataTable)
        if not table.row_count:
            detail.update("")
            return
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        entry = self.audit_entries.get(str(key.value))
        if entry is None:
            return
        forms = self.app.forms
        text = Text()
        text.append(f"{audit_action(entry.action, forms)}", style="bold")
        text.append(f" by {entry.who}\n")
        if entry.reason:
            text.append("Reason: ", style="bold")
            text.append(f"{entry.reason}\n")
        lines = [
            line
            for change in entry.changes
            for line in change_lines(change.field, change.old, change.new, forms)
        ]
        for line in lines[:8]:
            text.append(f"• {line}\n")
        if len(lines) > 8:
            text.append(f"… and {len(lines) - 8} more changes\n", style="italic")
        detail.update(text)

    def agency_names(self, case: Case) -> list[str]:
        """Every agency asked for a report, then any with a report but no request."""
        names = [request.agency for request in case.agency_reports]
        known = {name.casefold() for name in names}
        names += [name for name in agency_records(case) if name.casefold() not in known]
        return names

    def _fill_agency(self, case: Case) -> None:
        table = self.query_one("#table-agency", DataTable)
        keep = self.chosen_agency()
        table.clear()
        requests = {r.agency.casefold(): r for r in case.agency_reports}
        shown = [str(column.key.value) for column in table.ordered_columns]
        for name in self.agency_names(case):
            request = requests.get(name.casefold()) or AgencyReportRequest(agency=name)
            record = agency_record(case, name)
            cells = {
                "Agency": cut_to_fit(name),
                "Report": "not started" if record is None else str(record.status),
                "Due": format_date(request.due_date),
                "Received": format_date(request.received_date),
                "Requested": format_date(request.requested_date),
                "Asked for": report_asked(request.depth),
                "Return": str(request_status(request, self.app.today())),
            }
            table.add_row(*(cells[heading] for heading in shown), key=name)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        self._show_agency_report()

    def chosen_agency(self) -> str | None:
        """The agency highlighted in the Agencies tab (None when nobody was asked yet)."""
        tables = self.query("#table-agency").results(DataTable)  # none until the tab opens
        table = next(tables, None)
        if table is None or not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(key.value)

    @on(DataTable.RowHighlighted, "#table-agency")
    def _show_agency_report(self) -> None:
        body = self.bodies["agency"]
        agency = self.chosen_agency()
        if self.case is None or agency is None:
            body.update(
                Text(
                    "No agency has been asked for a report yet. Press r to request one, "
                    "or e to fill in a report.",
                    style="italic",
                )
            )
            return
        form = self.app.forms[AGENCY_REPORT_FORM]
        record = agency_record(self.case, agency)
        if record is None:
            text = Text(f"{agency}: no report yet. Press e to fill it in.\n", style="italic")
            text.append(self._request_line(agency))
            body.update(text)
            return
        text = Text()
        text.append(f"{agency}: {record.status}", style="bold")
        if record.updated_at:
            text.append(f" (by {record.updated_by}, {format_date(record.updated_at[:10])})")
        text.append("  · press e to edit\n")
        text.append(self._request_line(agency) + "\n\n")
        text.append_text(format_record(form, report_answers(self.case, agency)))
        body.update(text)

    def _request_line(self, agency: str) -> str:
        """The request in full, whatever columns the table had room for."""
        assert self.case is not None
        request = find_request(self.case, agency)
        if request is None:
            return "Not requested: no report was asked of this agency."
        requested = format_date(request.requested_date)
        parts = [
            report_asked(request.depth),
            f"requested {requested}" if requested else "requested (date not recorded)",
            f"due {format_date(request.due_date)}" if request.due_date else "no due date",
        ]
        if request.sent_date:
            parts.append(f"sent {format_date(request.sent_date)}")
        if request.received_date:
            parts.append(f"received {format_date(request.received_date)}")
        elif request_status(request, self.app.today()) is ReturnStatus.OVERDUE:
            parts.append("not received yet, overdue")
        else:
            parts.append("not received yet")
        return " · ".join(parts)

    @on(DataTable.RowSelected, "#table-agency")
    def _agency_chosen(self) -> None:
        self.action_edit()

    # -- actions -----------------------------------------------------------------------------

    def current_tab(self) -> tuple[str, str, str | None]:
        active = self.query_one(TabbedContent).active.removeprefix("tab-")
        return next(t for t in TABS if t[0] == active)

    async def action_tab(self, index: int) -> None:
        """Show a tab as one change of the screen: one layout and one redraw.

        Done as it comes, a first visit laid the whole screen out three times: for the tabs
        shown and hidden, again once the tab's widgets had mounted, and again once the key
        bar had rebuilt its keys for the new tab (each a full redraw: at 80x24 with a long
        record, nearly half of the 160 ms). The tab is built, filled and shown, and its keys
        put in the bar, before Textual lays the screen out (`App.batch_update`);
        tests/tui/test_layouts.py counts.
        """
        await self._show_tab(TABS[index][0], switch=True)

    @on(TabbedContent.TabActivated)
    async def _tab_changed(self) -> None:
        """A tab chosen on the tab row (arrows or the mouse), or shown by `action_tab`."""
        tab_id = self.current_tab()[0]
        if tab_id not in self.filled or not self.query_one(KeysFooter).shows_keys_of(self):
            await self._show_tab(tab_id, switch=False)
        self.refresh_bindings()

    async def _show_tab(self, tab_id: str, *, switch: bool) -> None:
        """Build, fill and (if `switch`) show a tab and put its keys in the bar, all in one
        `App.batch_update`: the screen is laid out once for all of it."""
        batch = ExitStack()
        batch.enter_context(self.app.batch_update())
        try:
            built = self._build_tab(tab_id)
            if built is not None:
                await built  # filled once mounted: a box filled before asks for a layout after
            self.fill_tab(tab_id)  # now, not when the tab's message comes round
            pane = self.query_one(f"#tab-{tab_id}", TabPane)
            self._scrollbar_before_layout(pane)
            if switch:
                self.query_one(TabbedContent).active = f"tab-{tab_id}"
                # Focus goes into the new tab: its list (arrows and Enter work there), else
                # its body (arrows scroll it). Left on a list in the tab just hidden, the
                # focus would move to that tab's body and TabbedContent would switch
                # straight back to it.
                target = pane.query(f"#table-{tab_id}") or pane.query(".tab-body")
                if target:
                    self.set_focus(target.first())
            await self.query_one(KeysFooter).show_keys()
        finally:
            # Once the app has run what this queued for it: Textual finishes removing the
            # bar's old keys there too, and asks for a layout again when it has.
            self.app.call_next(batch.close)

    def _scrollbar_before_layout(self, pane: TabPane) -> None:
        """Give a tab's text its scroll bar before the tab is laid out, if it will have one.

        Textual finds that a scroller needs a bar only once it has laid it out, and then
        lays the whole screen out again, one column narrower, and draws it again: for a long
        record, every line of it wrapped and drawn twice. A tab is as big as the one shown
        before it, so whether its text is taller than that is known beforehand; the bar is
        shown exactly when Textual would show it (the text measured without it, as Textual
        measures it). Only a tab whose pane holds its scroller alone is measured."""
        scroller = next(iter(pane.children), None)
        if len(pane.children) != 1 or not isinstance(scroller, VerticalScroll):
            return
        switcher = self.query_one(TabbedContent).query_one(ContentSwitcher)
        room = switcher.size if switcher.size.area else self._switcher_room()
        width, height = room - pane.styles.gutter.totals - scroller.styles.gutter.totals
        if width <= 0 or height <= 0:
            return  # no room worked out: Textual finds out for itself
        if scroller.get_content_height(Size(width, height), self.app.size, width) > height:
            show_vertical_bar(scroller)

    def _switcher_room(self) -> Size:
        """The tabs' room before the screen's first layout (the case just opened, its
        summary taller than the room): the screen less the rows of the widgets around the
        tabs, each at its fixed height or its content's. A wrong guess costs only the
        second layout Textual would have made anyway."""
        screen_width, screen_height = self.app.size
        taken = 0
        tabbed = self.query_one(TabbedContent)
        around = [child for child in self.children if child is not tabbed]
        around += [child for child in tabbed.children if not isinstance(child, ContentSwitcher)]
        for widget in around:
            if not widget.display:
                continue
            styles = widget.styles
            if styles.height is not None and styles.height.is_cells:
                taken += int(styles.height.value)
                continue
            inner = max(screen_width - styles.gutter.width, 1)
            rows = widget.get_content_height(self.app.size, self.app.size, inner)
            rows += styles.gutter.height
            if styles.max_height is not None and styles.max_height.is_cells:
                rows = min(rows, int(styles.max_height.value))
            taken += rows
        return Size(screen_width, max(screen_height - taken, 0))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "request_report", "override_deadline", "quarterly_update"):
            try:
                tab_id, _title, form_id = self.current_tab()
            except Exception:  # not mounted yet: the tab it opens on (the key bar is drawn
                start = self.start_tab or TABS[0][0]  # once, not again when it mounts)
                tab_id, _title, form_id = next((t for t in TABS if t[0] == start), TABS[0])
            if action == "request_report":
                return form_id == AGENCY_REPORT_FORM
            if action == "override_deadline":  # the deadlines are listed on the summary
                return tab_id == "summary"
            if action == "quarterly_update":
                return tab_id == "recs"
            return form_id is not None or tab_id == "people"
        return True

    def action_edit(self) -> None:
        if self.current_tab()[0] == "people":
            self.action_people()
            return
        form_id = self.current_tab()[2]
        if form_id is None:
            return
        from cspr_tui.tui.screens.form import FormScreen

        agency = self.chosen_agency() if form_id == AGENCY_REPORT_FORM else None
        self.app.push_screen(FormScreen(self.ref, form_id, agency=agency))

    def action_advance(self) -> None:
        assert self.case is not None
        check = self.app.store.transition_check(self.case)
        if self.case.stage == Stage.PAUSED:
            why = check.missing[0] if check.missing else "the case is paused"
            self.notify(f"{why[0].upper()}{why[1:]} (p resumes it).", severity="warning")
            return
        if (
            check.next_stage is not None
            and check.overridable
            and (set(check.missing) <= set(check.overridable))
        ):
            self._offer_override(check.next_stage, check.missing)
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
            body += "\n\nStill missing:\n" + "\n".join(f"• {missing_item(i)}" for i in missing)
        self.app.push_screen(MessageDialog("Not yet", sentence(body)))

    def _offer_override(self, goal: Stage, waivable: list[str]) -> None:
        """Only an overridable rule stands in the way: the reviewer may accept it, with a reason."""
        from cspr_tui.tui.dialogs.confirm import ReasonDialog

        def reason_given(reason: str | None) -> None:
            if reason:
                self.advance_worker(reason, override=True)

        self.app.push_screen(
            ReasonDialog(
                f"Move to {goal.label} with an override",
                "\n".join(f"• {missing_item(item)}" for item in waivable)
                + "\n\nWhy is this accepted? The override and its reason go in the audit trail.",
            ),
            reason_given,
        )

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def advance_worker(self, reason: str = "", *, override: bool = False) -> None:
        try:
            case = self.app.store.advance(self.ref, reason, override=override)
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
        if can_defer_publication(self.case):
            self._pause_or_defer()
            return
        from cspr_tui.tui.dialogs.confirm import ReasonDialog

        def reason_given(reason: str | None) -> None:
            if reason:
                self.change_worker("pause", reason)

        self.app.push_screen(
            ReasonDialog("Pause the case", "Why is the case paused or deferred?"), reason_given
        )

    def _pause_or_defer(self) -> None:
        """A review may be deferred pending proceedings (the domain names it so) or paused."""
        from cspr_tui.tui.dialogs.amend import AmendDialog, Answers

        store, ref, other = self.app.store, self.ref, "pause"

        def save(answers: Answers) -> None:
            if answers.choice == other:
                store.pause(ref, answers.reason)
            else:
                store.defer_publication(ref, answers.choice or "", answers.reason)

        self.app.push_screen(
            AmendDialog(
                "Pause the case",
                "Every clock stops until you resume the case (p).",
                save,
                choices=[
                    *[(f"Publication deferred: {kind.lower()}", kind) for kind in PROCEEDINGS],
                    ("Paused for another reason", other),
                ],
                choice_label="Why",
                reason_label="Details (recorded in the audit trail)",
                ok="Pause",
            ),
            lambda done: self.reload() if done else None,
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

    def action_chronology(self) -> None:
        """The integrated chronology of every agency's returned chronology."""
        from cspr_tui.tui.screens.chronology import ChronologyScreen

        self.app.push_screen(ChronologyScreen(self.ref))

    def action_import_return(self) -> None:
        """Read a completed agency report (.docx) or Excel chronology, show what would be
        stored, and store it once the reviewer confirms; a refused file changes nothing."""
        from cspr_tui.exports.returns import judge_any_return
        from cspr_tui.tui.dialogs.amend import AmendDialog, Answers

        store, ref, today = self.app.store, self.ref, self.app.today()
        judged: list[Any] = []

        def check(answers: Answers) -> None:
            from pathlib import Path

            path = Path(answers.texts.get("path", "")).expanduser()
            if not path.is_file():
                raise ValidationFailed(f"There is no file {path}; type the full path.")
            found = judge_any_return(
                path,
                store.forms[AGENCY_REPORT_FORM],
                lambda wanted: store.get(wanted) if wanted in store else None,
                today=today,
                settings=store.settings,
            )
            if found.case.ref != ref:
                raise ValidationFailed(
                    f"{path.name} is {found.request.agency}'s report for {found.case.ref}, "
                    f"not {ref}; open that case to import it."
                )
            if not found.result.accepted:
                raise ValidationFailed(
                    f"Refused, nothing stored: {len(found.result.errors)} problem(s)\n"
                    + "\n".join(str(p) for p in found.result.problems)
                )
            judged.append(found)

        self.app.push_screen(
            AmendDialog(
                "Import a returned agency report",
                "The completed Word report (.docx) or Excel chronology (.xlsx) an agency sent "
                "back. It is checked against the agency report template first; a refused "
                "file changes nothing and every problem is listed here.",
                check,
                texts=[("path", "File, e.g. ~/Downloads/CSPR-2026-004_Police_v1.docx")],
                reason_label="",
                ok="Check",
            ),
            lambda ok: self._confirm_return(judged[-1]) if ok and judged else None,
        )

    def _confirm_return(self, judged: Any) -> None:
        from cspr_tui.exports.returns import summarise
        from cspr_tui.tui.dialogs.confirm import ConfirmDialog

        lines = summarise(judged, self.app.store.forms[AGENCY_REPORT_FORM])
        self.app.push_screen(
            ConfirmDialog("Store this return?", "\n".join(lines), yes="Store"),
            lambda yes: self.store_return_worker(judged) if yes else None,
        )

    @work(thread=True, exclusive=True, group="case-save", exit_on_error=False)
    def store_return_worker(self, judged: Any) -> None:
        try:
            self.app.store.receive_agency_return(
                self.ref,
                judged.request.agency,
                judged.result.values,
                source=judged.path.name,
                complete=judged.complete,
            )
        except CsprError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        rows = len(judged.result.values.get("chronology") or [])
        self.app.call_from_thread(self.reload)
        self.app.call_from_thread(
            self.notify, f"Stored {judged.request.agency}'s report: {rows} chronology row(s)."
        )

    def action_people(self) -> None:
        """The pseudonym key: who redaction replaces, and with what."""
        from cspr_tui.tui.screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen(self.ref), lambda _r: self.reload())

    def action_request_report(self) -> None:
        """Ask an agency for its information report (who writes it and by when)."""
        from cspr_tui.domain.carry_over import next_agency_to_ask, referral_contact
        from cspr_tui.tui.dialogs.amend import AmendDialog, Answers

        field = self.app.forms[AGENCY_REPORT_FORM].field("agency")
        asked = {r.agency.casefold() for r in self.case.agency_reports} if self.case else set()
        choices = [(c, c) for c in field.choices if c.casefold() not in asked]
        store, ref, today = self.app.store, self.ref, self.app.today()

        def save(answers: Answers) -> None:
            store.request_agency_report(
                ref,
                AgencyReportRequest(
                    agency=answers.choice or "",
                    author=answers.texts.get("author", ""),
                    requested_date=today,
                    due_date=answers.day,
                ),
            )

        self.app.push_screen(
            AmendDialog(
                "Request an agency report",
                f"Asked today ({format_date(today)}); the agency's report is then filled in "
                "from this tab (e).",
                save,
                choices=choices,
                choice_label="Agency",
                choice=next_agency_to_ask(self.case) if self.case else None,
                texts=[("author", "Author (who will write it)")],
                date_label="Date due",
                reason_label="",
                ok="Request",
                suggest=lambda agency: (
                    {"author": referral_contact(self.case, agency) or ""} if self.case else {}
                ),
            ),
            lambda done: self.reload() if done else None,
        )

    def action_override_deadline(self) -> None:
        """Set a deadline's due date by hand (e.g. agreed with the Panel), with the reason."""
        from cspr_tui.tui.dialogs.amend import AmendDialog, Answers

        deadlines = [
            d
            for d in self.app.store.case_deadlines(self.ref, self.app.today())
            if not d.rule.startswith(RETURN_RULE_PREFIX)  # a return's due date is the request's
        ]
        if not deadlines:
            self.notify("This case has no deadlines yet.")
            return
        choices = [
            (f"{d.label} ({format_date(d.due) or 'not started'})", d.rule) for d in deadlines
        ]
        store, ref = self.app.store, self.ref

        def save(answers: Answers) -> None:
            if answers.day is None:
                raise ValidationFailed("Type the new due date (DD/MM/YYYY).")
            store.override_deadline(ref, answers.choice or "", answers.day, answers.reason)

        self.app.push_screen(
            AmendDialog(
                "Override a deadline",
                "The new due date replaces the computed one for this case.",
                save,
                choices=choices,
                choice_label="Deadline",
                choice=next((d.rule for d in deadlines if d.is_open), None),
                date_label="New due date",
            ),
            lambda done: self.reload() if done else None,
        )
