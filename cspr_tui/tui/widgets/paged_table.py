"""A DataTable that holds one page of a long list: thousands of rows stay instant.

Textual's DataTable measures every cell of every row it holds, so adding 10,000 rows (or
re-adding them when a filter changes) takes seconds. The screen keeps the whole list in
memory as plain data and the table holds only the page in view; `[` and `]` turn pages, and
moving past the last row of a page turns to the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from cspr_tui.tui.scroll_bar import show_vertical_bar

T = TypeVar("T")

PAGE_ROWS = 100


class PagedTable(DataTable, Generic[T]):
    """Rows from `show(items, render, key_of)`, a page at a time."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "turn_page(1)", "Next page", show=False),
        Binding("left_square_bracket", "turn_page(-1)", "Previous page", show=False),
    ]

    class PageChanged(Message):
        """The rows in view changed (a new list or another page): captions can follow."""

        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PagedTable:
            return self.table

    def __init__(self, *, page_rows: int = PAGE_ROWS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.page_rows = page_rows
        self.items: Sequence[T] = ()
        self.page = 0
        self._render: Callable[[T], Sequence[Any]] = lambda item: ()
        self._key_of: Callable[[T], Hashable] = id

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // self.page_rows))

    @property
    def first_shown(self) -> int:
        """0-based position in `items` of the first row in view."""
        return self.page * self.page_rows

    def caption(self, noun: str = "rows") -> str:
        """ "1-100 of 1,000 cases" (or "12 cases" when everything fits on one page)."""
        total = len(self.items)
        if total <= self.page_rows:
            return f"{total:,} {noun.removesuffix('s') if total == 1 else noun}"  # "1 case"
        last = min(total, self.first_shown + self.page_rows)
        return f"{self.first_shown + 1:,}-{last:,} of {total:,} {noun} ([ ] pages)"

    def show(
        self,
        items: Sequence[T],
        render: Callable[[T], Sequence[Any]],
        key_of: Callable[[T], Hashable],
        *,
        keep: Hashable | None = None,
        top: bool = False,
    ) -> None:
        """Hold `items`, showing the page with `keep` (else the same page) under the cursor."""
        self.items = items
        self._render = render
        self._key_of = key_of
        if top:
            self.page = 0
        elif keep is not None:
            for index, item in enumerate(items):
                if key_of(item) == keep:
                    self.page = index // self.page_rows
                    break
        self.page = min(self.page, self.pages - 1)
        self._fill(keep if not top else None, at_end=False)

    def _fill(self, keep: Hashable | None, *, at_end: bool) -> None:
        start = self.first_shown
        page = self.items[start : start + self.page_rows]
        keys = [str(self._key_of(item)) for item in page]
        if keys and keys == [row.key.value for row in self.ordered_rows]:
            self._update_changed(keys, page)
        else:
            self.clear()
            for key, item in zip(keys, page, strict=True):
                self.add_row(*self._render(item), key=key)
        if keep is not None and str(keep) in self.rows:
            self.move_cursor(row=self.get_row_index(str(keep)), animate=False)
        elif self.row_count:
            self.move_cursor(row=self.row_count - 1 if at_end else 0, animate=False)
        # A page taller than the terminal is taller than the table, whatever else the
        # screen holds: its bar is there from the screen's first layout (scroll_bar.py).
        header = self.header_height if self.show_header else 0
        if self.is_mounted and self.row_count + header > self.app.size.height:
            show_vertical_bar(self)
        self.post_message(self.PageChanged(self))

    def _update_changed(self, keys: list[str], page: Sequence[T]) -> None:
        """The same rows in the same order (a screen coming back after one case changed):
        only the cells that differ are redrawn. Re-adding a page means measuring every
        cell of every row again."""
        columns = [column.key for column in self.ordered_columns]
        for key, item in zip(keys, page, strict=True):
            shown = self.get_row(key)
            for column, new, old in zip(columns, self._render(item), shown, strict=False):
                if new != old:
                    self.update_cell(key, column, new)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Skip measuring the new rows' cells when nothing would use the measure.

        DataTable measures every cell of every new row to widen auto-width columns (a page
        of 100 rows costs tens of milliseconds on opening a screen). A column given a width
        never uses that measure, nor does a row of height 1 without a label, so such a page
        only needs the table's size worked out again."""
        new_rows = list(new_rows)
        if any(column.auto_width for column in self.columns.values()) or any(
            row.label is not None or row.auto_height
            for key in new_rows
            if (row := self.rows.get(key)) is not None
        ):
            super()._update_dimensions(new_rows)
        else:
            super()._update_dimensions(())

    def action_turn_page(self, delta: int) -> None:
        page = max(0, min(self.pages - 1, self.page + delta))
        if page != self.page:
            self.page = page
            self._fill(None, at_end=delta < 0)

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1 and self.page < self.pages - 1:
            self.action_turn_page(1)
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.page > 0:
            self.action_turn_page(-1)
            return
        super().action_cursor_up()
