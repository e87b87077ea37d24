"""At 80x24 no list scrolls sideways: its columns fit beside its vertical scrollbar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import DataTable

from cspr_tui.settings import Settings
from tests.domain import case_values
from tests.tui.conftest import build_app, seed_vault, settle, unlock


def seed(store) -> None:
    """Enough cases, recommendations and audit entries that every list scrolls down."""
    for number in range(30):
        ref = case_values.case_at_stage(store, "monitoring")
        if number == 0:
            for _ in range(25):
                store.add_recommendation(
                    ref,
                    text="Share what each agency knows before the strategy meeting. " * 3,
                    lead_agency="Children's social care",
                    target_date=date(2026, 12, 31),
                )


def sideways(app) -> list[str]:
    """The shown lists that scroll sideways, with their widths."""
    return [
        f"{table.id}: {table.virtual_size.width} in {table.scrollable_content_region.width}"
        for table in app.screen.query(DataTable)
        if table.display
        and table.region.width
        and (table.show_horizontal_scrollbar or table.region.width < table.parent.region.width - 2)
    ]


async def test_no_list_scrolls_sideways_at_80_columns(settings: Settings, vault_path: Path) -> None:
    """Found by hand at 80x24: the recommendations, the dashboard's cases and the audit
    list each scrolled sideways by two columns, their scrollbar taking a row of the list."""
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        cases = app.screen.query_one("#cases", DataTable)
        assert cases.show_vertical_scrollbar
        assert sideways(app) == []
        await pilot.press("r")
        await settle(pilot)
        assert sideways(app) == []
        await pilot.press("escape")
        await settle(pilot)
        # the case with 25 recommendations more than the rest
        busiest = max(app.store.cases(), key=lambda ref: len(app.store.get(ref).recommendations))
        while app.screen.query_one("#cases", DataTable).cursor_row < 30:
            table = app.screen.query_one("#cases", DataTable)
            row = table.get_row_at(table.cursor_row)
            if busiest in str(row[0]):
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        seen = []
        for tab in "123456789":
            await pilot.press(tab)
            await settle(pilot)
            seen.extend(t.id for t in app.screen.query(DataTable) if t.display and t.region.width)
            assert sideways(app) == [], tab
        assert {"table-agency", "table-recs", "table-audit"} <= set(seen)
        recs = app.screen.query_one("#table-recs", DataTable)
        assert recs.row_count >= 25
