"""Every recommendation across cases, filtered as the quarterly meeting asks, updated in place.

RAG and "overdue" come from the domain (`compute_rag`, `is_overdue`); the screen only filters
what the domain computed and sends quarterly updates and status changes to the store.
"""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Select, Static
from textual.widgets.select import InvalidSelectValueError

from cspr_tui.domain.case import Rag, RecommendationStatus
from cspr_tui.domain.derived_cache import RatedRecommendation
from cspr_tui.domain.rag import effective_target
from cspr_tui.forms.dates import format_date
from cspr_tui.tui.styled_screen import StyledOnceScreen
from cspr_tui.tui.widgets.choice_select import CompactSelect
from cspr_tui.tui.widgets.footer import KeysFooter
from cspr_tui.tui.widgets.paged_table import PagedTable
from cspr_tui.tui.widgets.stage_bar import clip
from cspr_tui.tui.widgets.ticks import TickBox
from cspr_tui.tui.words import quarter_words

FILTERS = ("#filter-agency", "#filter-status", "#filter-rag", "#filter-review")
COLUMNS = (
    ("id", "Id"),
    ("agency", "Agency"),
    ("target", "Target"),
    ("status", "Status"),
    ("rag", "RAG"),
    ("action", "Action"),
)


def column_widths(screen_width: int) -> tuple[int, ...]:
    """Each column's width for the screen's width: the id, target and RAG whole (an id is
    up to 21 characters, "Amber !" 7); agency, status and action share what is left, so
    every heading shows at 80 columns and wider screens show more of each (cut cells end
    in an ellipsis, and the line below the table shows the highlighted one in full)."""
    fixed = (21, 10, 7)
    # Each of the six columns has a cell of padding either side; the scrollbar takes 2.
    spare = max(0, screen_width - 2 - 2 * len(COLUMNS) - sum(fixed) - 28)
    agency = 8 + spare // 4
    status = 11 + spare // 4  # "Not started" and "In progress" whole
    action = 9 + spare - 2 * (spare // 4)
    return (fixed[0], agency, fixed[1], status, fixed[2], action)


RecRow = RatedRecommendation  # a row: the recommendation, its case, its RAG, overdue or not


class RecommendationsScreen(StyledOnceScreen[None]):
    """The tracker as a table: filter by agency, status, RAG, overdue and review."""

    ALLOW_SELECT = False
    CSS_PATH = "recommendations.tcss"
    AUTO_FOCUS = "#recs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "quarterly_update", "Update", id="recs.update"),
        Binding("n", "add", "Add", id="recs.add"),
        Binding("t", "revise_target", "Target", id="recs.revise"),
        Binding("g", "override_rag", "RAG", id="recs.rag"),
        Binding("f", "focus_filters", "Filters", id="recs.filters"),
        Binding("x", "app.export('tracker')", "Export", id="recs.export"),
        Binding("escape", "app.pop_screen", "Back", id="recs.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RecRow] = []
        self._pending_filters: dict[str, str] = {}  # kept filters waiting for their options

    def compose(self) -> ComposeResult:
        yield Static("Recommendations", id="recs-title")
        with Horizontal(id="recs-filters"):
            yield CompactSelect([], prompt="Agency", compact=True, id="filter-agency")
            yield CompactSelect(
                [(s.value, s.value) for s in RecommendationStatus],
                prompt="Status",
                compact=True,
                id="filter-status",
            )
            yield CompactSelect(
                [(r.value, r.value) for r in Rag], prompt="RAG", compact=True, id="filter-rag"
            )
            yield CompactSelect([], prompt="Review", compact=True, id="filter-review")
            yield TickBox("Overdue", compact=True, id="filter-overdue")
        yield PagedTable(id="recs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="recs-detail")
        # Nine actions fill 80 columns: the palette hint gives way (ctrl+p still opens it).
        yield KeysFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#recs", DataTable)
        self.widths = column_widths(self.app.size.width)
        for (key, heading), width in zip(COLUMNS, self.widths, strict=True):
            table.add_column(heading, key=key, width=width)
        self._restore_filters()
        self.reload()

    def _restore_filters(self) -> None:
        """The filters as the reviewer left them (kept by the app until the vault locks)."""
        kept = getattr(self.app, "recs_filters", None) or {}
        self._pending_filters = {
            selector: kept[selector] for selector in FILTERS if kept.get(selector) is not None
        }
        if kept.get("#filter-overdue"):
            box = self.query_one("#filter-overdue", Checkbox)
            with box.prevent(Checkbox.Changed):
                box.value = True

    def _keep_filters(self) -> None:
        kept = {selector: self._filter_value(selector) for selector in FILTERS}
        kept["#filter-overdue"] = self.query_one("#filter-overdue", Checkbox).value
        self.app.recs_filters = kept

    def reload(self) -> None:
        today = self.app.today()
        # RAG and "overdue" per case, kept by the app until that case (or the day) changes.
        # Read from the case documents: a recommendation is built when shown or rated.
        rows = self.app.derived.all_ratings_of(self.app.store.entries(), today)
        self.rows = rows
        agencies = sorted({r.lead_agency for r in rows if r.lead_agency})
        reviews = sorted({r.ref for r in rows})
        self._set_options("#filter-agency", agencies)
        self._set_options("#filter-review", reviews)
        for selector, value in self._pending_filters.items():
            select = self.query_one(selector, Select)
            # A kept filter whose option is gone (that agency has no more) is dropped.
            with select.prevent(Select.Changed), suppress(InvalidSelectValueError):
                select.value = value
        self._pending_filters = {}
        self.apply_filters()

    def _set_options(self, selector: str, items: list[str]) -> None:
        select = self.query_one(selector, Select)
        keep = select.value
        with select.prevent(Select.Changed):
            select.set_options([(item, item) for item in items])
            if keep != Select.NULL and keep in items:
                select.value = keep

    def _filter_value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value == Select.NULL else str(value)

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def apply_filters(self) -> None:
        agency = self._filter_value("#filter-agency")
        status = self._filter_value("#filter-status")
        rag = self._filter_value("#filter-rag")
        review = self._filter_value("#filter-review")
        overdue = self.query_one("#filter-overdue", Checkbox).value
        table = self.query_one("#recs", PagedTable)
        current = self.selected
        shown: list[RecRow] = []
        for row in self.rows:
            if agency and row.lead_agency != agency:
                continue
            if status and row.status != status:
                continue
            if rag and row.rag != rag:
                continue
            if review and row.ref != review:
                continue
            if overdue and not row.overdue:
                continue
            shown.append(row)

        widths = self.widths

        def render(row: RecRow) -> tuple:
            rec = row.rec
            target = effective_target(rec)
            cells = (
                rec.id,
                rec.lead_agency,
                format_date(target) if target else "",
                str(rec.status),
                row.rag.value + (" !" if row.overdue else ""),
                " ".join((rec.action or rec.text).split()),
            )
            return tuple(clip(cell, width) for cell, width in zip(cells, widths, strict=True))

        keep = f"{current[0]}|{current[1]}" if current else None
        table.show(shown, render, lambda row: f"{row.ref}|{row.id}", keep=keep)
        title = f"Recommendations: {len(shown):,} of {len(self.rows):,} shown"
        if len(shown) > table.page_rows:
            title += f", {table.caption().split(' rows')[0]}"
        if shown:
            title += " ('!' marks overdue)"
        self.query_one("#recs-title", Static).update(title)
        if self.is_mounted:
            self._keep_filters()
        self._show_detail()

    @property
    def selected(self) -> tuple[str, str] | None:
        table = self.query_one("#recs", DataTable)
        if not table.row_count:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        ref, rec_id = str(key.value).split("|", 1)
        return ref, rec_id

    @on(DataTable.RowHighlighted, "#recs")
    def _show_detail(self) -> None:
        detail = self.query_one("#recs-detail", Static)
        chosen = self.selected
        row = next((r for r in self.rows if chosen and (r.ref, r.id) == chosen), None)
        if row is None:
            self._set_detail(
                detail,
                "No recommendation matches these filters."
                if self.rows
                else "No recommendations yet: press n to add one.",
            )
            return
        latest = row.rec.updates[-1] if row.rec.updates else None
        text = f"{row.rec.id} · {row.rec.lead_agency or 'no lead agency'} · {row.rec.status}\n"
        text += f"{row.rec.text}"
        if row.rec.action and row.rec.action != row.rec.text:
            text += f"\nAction: {row.rec.action}"
        if latest is not None:
            text += (
                f"\nLatest update, {quarter_words(latest.quarter)}, {format_date(latest.date)}: "
                f"{latest.narrative}"
            )
        if row.rec.revised_target_date:
            text += (
                f"\nTarget revised from {format_date(row.rec.target_date) or 'none'}: "
                f"{row.rec.revision_reason}"
            )
        if row.rec.rag_override:
            rag = row.rec.rag_override.value
            text += f"\nRAG set to {rag} by hand: {row.rec.rag_override_reason}"
        self._set_detail(detail, text)

    @staticmethod
    def _set_detail(detail: Static, text: str) -> None:
        """The line below the table, changed only when its words change: the table's
        highlight message repeats the row the filters just showed, and every `update`
        lays the screen out again (a second whole layout on opening the screen)."""
        if str(detail.content) != text:
            detail.update(text)

    @on(DataTable.RowSelected, "#recs")
    def _row_chosen(self) -> None:
        self.action_quarterly_update()

    def action_focus_filters(self) -> None:
        self.query_one("#filter-agency").focus()

    def action_quarterly_update(self) -> None:
        chosen = self.selected
        if chosen is None:
            return
        row = next(r for r in self.rows if (r.ref, r.id) == chosen)
        from cspr_tui.tui.dialogs.quarterly_update import QuarterlyUpdateDialog

        self.app.push_screen(
            QuarterlyUpdateDialog(row.ref, row.rec), lambda done: self.reload() if done else None
        )

    def action_add(self) -> None:
        from cspr_tui.tui.dialogs.recommendation import RecommendationDialog

        chosen = self.selected
        self.app.push_screen(
            RecommendationDialog(chosen[0] if chosen else None),
            lambda done: self.reload() if done else None,
        )

    def _chosen_row(self) -> RecRow | None:
        chosen = self.selected
        return next((r for r in self.rows if (r.ref, r.id) == chosen), None)

    def action_revise_target(self) -> None:
        """A new target date; the store asks for the reason and counts the revision."""
        row = self._chosen_row()
        if row is None:
            return
        from cspr_tui.tui.dialogs.amend import AmendDialog, Answers

        store = self.app.store

        def save(answers: Answers) -> None:
            store.update_recommendation(
                row.ref,
                row.rec.id,
                {"revised_target_date": answers.day},
                answers.reason,
            )

        original = format_date(row.rec.target_date) or "none"
        self.app.push_screen(
            AmendDialog(
                f"Revise the target date: {row.rec.id}",
                f"Original target {original}; revised {row.rec.revisions} time(s) so far.",
                save,
                date_label="Revised target date",
                day=row.rec.revised_target_date,
            ),
            lambda done: self.reload() if done else None,
        )

    def action_override_rag(self) -> None:
        """Set the RAG by hand (or give it back to the computed rating), with the reason."""
        row = self._chosen_row()
        if row is None:
            return
        from cspr_tui.tui.dialogs.amend import AmendDialog, Answers

        store = self.app.store
        computed = "computed"

        def save(answers: Answers) -> None:
            rag = None if answers.choice == computed else answers.choice
            store.update_recommendation(row.ref, row.rec.id, {"rag_override": rag}, answers.reason)

        self.app.push_screen(
            AmendDialog(
                f"Override the RAG rating: {row.rec.id}",
                f'Now {row.rag.value}. Choose "As computed" to remove an override.',
                save,
                choices=[("As computed", computed), *[(r.value, r.value) for r in Rag]],
                choice_label="RAG rating",
                choice=row.rec.rag_override.value if row.rec.rag_override else None,
            ),
            lambda done: self.reload() if done else None,
        )
