"""The cases table: one row per case with its next deadline, coloured AND worded by status."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import DataTable

from cspr_tui.forms.dates import format_date
from cspr_tui.tui.widgets.paged_table import PagedTable

# Status words come from the domain's DeadlineStatus values; the style only adds colour.
STATUS_STYLES: dict[str, str] = {
    "overdue": "bold $error",
    "due soon": "$warning",
    "on track": "$success",
    "paused": "$text-muted",
    "awaited": "$warning",
    "met late": "$warning",
    "met": "$success",
}


_VARIABLE = re.compile(r"\$([A-Za-z0-9_-]+)")


def _clip(text: str, room: int) -> str:
    """Cut to the column with an ellipsis, never silently."""
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


@dataclass(frozen=True)
class CaseRow:
    """What the table shows about a case, computed once per reload (not per keystroke)."""

    ref: str
    pseudonym: str
    stage: str
    stage_index: int
    deadline_label: str
    due: object  # datetime.date | None
    days_left: int | None
    status: str


def status_text(status: str, app_theme_vars: dict[str, str] | None = None) -> Text:
    """The status word, styled; the word itself carries the meaning for colour-blind users."""
    style = STATUS_STYLES.get(status, "")
    if app_theme_vars and style:
        # Only the variables the style names (a theme has over a hundred).
        style = _VARIABLE.sub(lambda m: app_theme_vars.get(m[1], m[0]), style)
    if "$" in style:
        style = "bold" if "bold" in style else ""
    return Text(status or "–", style=style)


class CaseTable(PagedTable[CaseRow]):
    """Rows keyed by case reference; Enter or a click opens the case."""

    DEFAULT_CSS = """
    CaseTable {
        height: 1fr;
    }
    """

    SORTS: tuple[tuple[str, str], ...] = (
        ("next deadline", "due"),
        ("reference", "ref"),
        ("stage", "stage_index"),
        ("pseudonym", "pseudonym"),
    )

    class CaseSelected(Message):
        """The reviewer chose a case to open."""

        def __init__(self, ref: str) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.sort_index = 0
        self.to_top = False
        self.pseudonym_width = 9
        self.stage_width = 19

    def on_mount(self) -> None:
        # Pseudonym and stage take the width the fixed columns leave (80 columns: 9 and 19).
        spare = max(0, self.app.size.width - 77)
        self.pseudonym_width = 9 + spare // 4
        self.stage_width = 19 + spare - spare // 4
        self.add_column("Reference", key="ref", width=13)
        self.add_column("Pseudonym", key="pseudonym", width=self.pseudonym_width)
        self.add_column("Stage", key="stage", width=self.stage_width)
        self.add_column("Next due", key="due", width=10)
        self.add_column("Days", key="days", width=4)
        self.add_column("Status", key="status", width=8)

    @property
    def sort_name(self) -> str:
        return self.SORTS[self.sort_index][0]

    def cycle_sort(self) -> str:
        self.sort_index = (self.sort_index + 1) % len(self.SORTS)
        self.to_top = True  # a new order starts at its top
        return self.sort_name

    def sorted_rows(self, rows: list[CaseRow]) -> list[CaseRow]:
        attribute = self.SORTS[self.sort_index][1]
        if attribute == "due":
            # Open deadlines first, soonest (most overdue) first; cases without one last.
            return sorted(rows, key=lambda r: (r.due is None, r.due or 0, r.ref))
        return sorted(rows, key=lambda r: (getattr(r, attribute), r.ref))

    def show_rows(self, rows: list[CaseRow], first: Iterable[str] = ()) -> None:
        """Replace the rows, keeping the cursor on the same case where it is still listed.

        `first`: references shown before the rest (an exact match for the filter), with the
        cursor on the first of them, so Enter opens the case that was asked for.
        """
        current = self.selected_ref
        theme_vars = self.app.theme_variables if self.app else None
        leading = set(first)
        ordered = self.sorted_rows(rows)
        if leading:
            ordered = [r for r in ordered if r.ref in leading] + [
                r for r in ordered if r.ref not in leading
            ]

        def render(row: CaseRow) -> tuple:
            return (
                row.ref,
                _clip(row.pseudonym, self.pseudonym_width),
                _clip(row.stage, self.stage_width),
                format_date(row.due) if row.due else "",
                "" if row.days_left is None else str(row.days_left),
                status_text(row.status, theme_vars),
            )

        top = self.to_top or bool(leading and ordered and ordered[0].ref in leading)
        self.to_top = False
        self.show(ordered, render, lambda row: row.ref, keep=current, top=top)

    @property
    def selected_ref(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return key.value

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(self.CaseSelected(event.row_key.value))
