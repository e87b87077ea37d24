"""The dashboard's filter on a real vault: whole words, reference prefixes, exact match first."""

from __future__ import annotations

from pathlib import Path

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.widgets.case_table import CaseTable
from tests.tui.conftest import build_app, filtered, seed_vault, settle, unlock


def _fill(store) -> None:
    camhs = store.create_case(pseudonym="Child H").ref
    store.save_record(
        camhs,
        "referral",
        {"incident_description": "Referred to Child and adolescent mental health services"},
    )
    store.create_case(pseudonym="Child B", notes="A cousin of Child A")
    store.create_case(pseudonym="Child A")


async def test_filter_matches_whole_words_and_puts_the_named_case_first(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, _fill)
    app = build_app(settings, vault_path)
    async with app.run_test() as pilot:
        await unlock(pilot)
        table = app.screen.query_one(CaseTable)
        refs = sorted(app.store.summaries(), key=lambda s: s.pseudonym)
        child_a, child_b, child_h = (s.ref for s in refs)
        await pilot.press("s")  # by reference: Child B's case (created first) would lead
        await pilot.press("slash", *"child a", "enter")
        await filtered(pilot)
        shown = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert shown == [child_a, child_b]  # Child H only mentions "Child and adolescent..."
        assert table.selected_ref == child_a
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.ref == child_a
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("slash", "ctrl+a", "ctrl+k", *child_h[:-1])  # a reference prefix
        await filtered(pilot)
        assert table.row_count == 3
        await pilot.press("ctrl+a", "ctrl+k", *"adolescent")
        await filtered(pilot)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == [child_h]
        await pilot.press("ctrl+a", "ctrl+k", *"adolesc")  # not a whole word
        await filtered(pilot)
        assert table.row_count == 0
