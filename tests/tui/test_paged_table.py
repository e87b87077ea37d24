"""A paged table given the same rows in the same order redraws only the cells that changed
(a screen coming back after one case was saved); any other list is laid out afresh."""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.widgets import DataTable

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


class SideBySide(App[None]):
    """A PagedTable beside a plain DataTable holding the same rows."""

    def __init__(self, widths: tuple[int | None, int | None]) -> None:
        super().__init__()
        self.widths = widths

    def compose(self) -> ComposeResult:
        yield PagedTable(page_rows=50, id="paged")
        yield DataTable(id="plain")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.styles.height = 8
            table.add_column("Ref", key="ref", width=self.widths[0])
            table.add_column("Stage", key="stage", width=self.widths[1])


def _lines(table: DataTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def _shown_side_by_side(
    widths: tuple[int | None, int | None], monkeypatch
) -> tuple[list[str], list[str], int]:
    measured = []
    data_table_module = inspect.getmodule(DataTable)  # where DataTable looks `measure` up
    real_measure = data_table_module.measure
    monkeypatch.setattr(
        data_table_module, "measure", lambda *a, **k: measured.append(a) or real_measure(*a, **k)
    )
    rows = [(f"C{i}", "Rapid review meeting held" if i == 3 else "Referral") for i in range(20)]
    app = SideBySide(widths)
    async with app.run_test(size=(60, 20)) as pilot:
        paged = app.query_one("#paged", PagedTable)
        plain = app.query_one("#plain", DataTable)
        await pilot.pause()
        measured.clear()
        paged.show(rows, _render, lambda row: row[0])
        await pilot.pause()
        paged_measures = len(measured)
        for row in rows:
            plain.add_row(*row, key=row[0])
        await pilot.pause()
        assert paged.virtual_size == plain.virtual_size
        return _lines(paged), _lines(plain), paged_measures


async def test_a_page_of_fixed_width_columns_is_not_measured_and_looks_the_same(
    monkeypatch,
) -> None:
    paged, plain, measures = await _shown_side_by_side((6, 12), monkeypatch)
    assert measures == 0
    assert paged == plain
    assert any("Rapid review" in line and "meeting" not in line for line in paged)  # cut at 12


async def test_an_auto_width_column_is_still_measured_and_widened(monkeypatch) -> None:
    paged, plain, measures = await _shown_side_by_side((6, None), monkeypatch)
    assert measures >= 20
    assert paged == plain
    assert any("Rapid review meeting held" in line for line in paged)
