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
        await filtered(pilot, "child a")
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
        await filtered(pilot, child_h[:-1])
        assert table.row_count == 3
        await pilot.press("ctrl+a", "ctrl+k", *"adolescent")
        await filtered(pilot, "adolescent")
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == [child_h]
        await pilot.press("ctrl+a", "ctrl+k", *"adolesc")  # not a whole word
        await filtered(pilot, "adolesc")
        assert table.row_count == 0


def _visible_lines(app, width: int) -> list[str]:
    import os

    from rich.console import Console

    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


async def test_the_counts_of_a_thousand_cases_fit_on_one_line_at_80_columns(
    settings: Settings, vault_path: Path
) -> None:
    """With 1,001 cases at every stage, the counts took three lines at 80x24 and the paused
    count, drawn last, was cut off. Now one line: the totals and the paused count first."""
    from cspr_tui.domain.case import STAGE_ORDER, Case, Stage

    def many(store) -> None:
        stages = [*STAGE_ORDER]
        cases = [
            Case(ref=f"CSPR-2025-{i:04d}", pseudonym=f"Child {i}", stage=stages[i % len(stages)])
            for i in range(1, 1001)
        ]
        cases.append(
            Case(
                ref="CSPR-2026-0001",
                pseudonym="Child Paused",
                stage=Stage.PAUSED,
                paused_from=Stage.SCREENING,
            )
        )
        store.import_cases(cases)

    seed_vault(vault_path, many)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await settle(pilot)
        lines = _visible_lines(app, 80)
        counts = next(i for i, line in enumerate(lines) if "1,001 cases" in line)
        assert "1 paused" in lines[counts]
        assert "Referral" in lines[counts] and "more stages" in lines[counts]
        # The next line is the filter box: the counts took one line, not three.
        assert "/ to filter" in lines[counts + 1]
        assert all(len(line.rstrip()) <= 80 for line in lines)

        await pilot.resize_terminal(240, 30)
        await settle(pilot)
        wide = _visible_lines(app, 240)
        line = next(line for line in wide if "1,001 cases" in line)
        assert "1 paused" in line and "more stages" not in line
        assert "Referral received 100" in line and "Closed 100" in line
