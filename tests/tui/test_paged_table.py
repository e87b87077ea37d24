"""A paged table given the same rows in the same order redraws only the cells that changed
(a screen coming back after one case was saved); any other list is laid out afresh."""

from __future__ import annotations

from textual.app import App, ComposeResult

from cspr_tui.tui.widgets.paged_table import PagedTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PagedTable(page_rows=5, id="table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.add_column("Ref", key="ref")
        table.add_column("Stage", key="stage")


def _render(row: tuple[str, str]) -> tuple[str, str]:
    return row


async def test_only_changed_cells_are_redrawn_and_other_lists_are_laid_out_afresh() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PagedTable)
        rows = [(f"C{i}", "Referral") for i in range(8)]
        table.show(rows, _render, lambda row: row[0])
        await pilot.pause()
        added, updated = [], []
        real_add, real_update = table.add_row, table.update_cell
        table.add_row = lambda *a, **k: added.append(a) or real_add(*a, **k)
        table.update_cell = lambda *a, **k: updated.append(a) or real_update(*a, **k)
        table.move_cursor(row=3)
        changed = list(rows)
        changed[3] = ("C3", "Screening")
        table.show(changed, _render, lambda row: row[0], keep="C3")
        await pilot.pause()
        assert added == [] and [(str(k), c.value) for k, c, _v in updated] == [("C3", "stage")]
        assert table.get_row("C3") == ["C3", "Screening"] and table.cursor_row == 3
        table.show(changed[1:], _render, lambda row: row[0])  # another list: laid out again
        await pilot.pause()
        assert len(added) == 5 and [r[0] for r in added] == ["C1", "C2", "C3", "C4", "C5"]
        assert table.get_row_at(0) == ["C1", "Referral"]
