"""Recommendations across cases: add one, filter, and a quarterly update that needs a reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Select

from cspr_tui.domain.case import Rag, RecommendationStatus
from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.amend import AmendDialog
from cspr_tui.tui.dialogs.quarterly_update import QuarterlyUpdateDialog
from cspr_tui.tui.dialogs.recommendation import RecommendationDialog
from cspr_tui.tui.screens.recommendations import RecommendationsScreen
from tests.tui.conftest import build_app, burst, choose, read_store, seed_vault, settle, unlock


def seed(store) -> None:
    store.create_case(pseudonym="Child A")
    other = store.create_case(pseudonym="Child B").ref
    store.add_recommendation(
        other, text="Train staff.", lead_agency="Police", target_date="2026-01-31"
    )


async def test_add_a_recommendation_then_a_quarterly_update_with_a_reason(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RecommendationsScreen)
        table = app.screen.query_one("#recs", DataTable)
        assert table.row_count == 1

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecommendationDialog)
        await choose(
            pilot, app.screen.query_one("#case", Select), "CSPR-2026-001 Child A", "CSPR-2026-001"
        )
        await pilot.press("tab", *"Share notes", "enter", *"Audit", "enter", *"ICB", "enter")
        await pilot.press(*"31/12/2026", "enter")
        await pilot.press(*"Head of audit", "enter", *"Quinn Madeup")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecommendationsScreen)
        assert table.row_count == 2
        added = app.store.get("CSPR-2026-001").recommendations[0]
        assert (added.lead_officer, added.lead_officer_name) == ("Head of audit", "Quinn Madeup")

        # Filter: overdue only leaves the January one (today is 15/06/2026).
        app.screen.query_one("#filter-overdue", Checkbox).value = True
        await pilot.pause()
        assert table.row_count == 1
        assert table.get_row_at(0)[1] == "Police"
        app.screen.query_one("#filter-overdue", Checkbox).value = False
        await pilot.pause()
        await choose(pilot, app.screen.query_one("#filter-agency", Select), "ICB")
        assert table.row_count == 1
        rec_id = table.get_row_at(0)[0]
        assert rec_id == "CSPR-2026-001-R1-A1"

        table.focus()
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, QuarterlyUpdateDialog)
        assert not app.screen.query_one("#reason").display
        await pilot.press(*"On hold")
        await choose(pilot, app.screen.query_one("#status", Select), "Paused")
        assert app.screen.query_one("#reason").display  # this status needs a reason
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "needs a reason" in str(app.screen.query_one(".dialog-error").content)
        app.screen.query_one("#reason").focus()
        await pilot.press(*"Court case")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecommendationsScreen)
        assert table.get_row_at(0)[3] == "Paused"

    vault, store = read_store(vault_path)
    try:
        rec = next(r for r in store.get("CSPR-2026-001").recommendations if r.id == rec_id)
        assert rec.status == RecommendationStatus.PAUSED
        assert rec.status_reason == "Court case"
        assert rec.target_date == date(2026, 12, 31)
        assert [u.narrative for u in rec.updates] == ["On hold"]
    finally:
        vault.close()


async def test_revise_the_target_date_and_override_the_rag_each_with_a_reason(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#recs", DataTable)
        assert table.get_row_at(0)[4] == "Red !"  # January target, still not started

        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, AmendDialog)
        await pilot.press(*"30/09/2026", "enter", "enter")  # no reason yet
        await settle(pilot)
        assert "needs a reason" in str(app.screen.query_one(".dialog-error").content)
        await pilot.press(*"Training moved to autumn", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert table.get_row_at(0)[2] == "30/09/2026"
        assert "Training moved to autumn" in str(screen.query_one("#recs-detail").content)

        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, AmendDialog)
        await choose(pilot, app.screen.query_one("#choice", Select), "Amber")
        await pilot.press("tab", *"Plan agreed", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert table.get_row_at(0)[4].startswith("Amber")

    vault, store = read_store(vault_path)
    try:
        rec = store.get("CSPR-2026-002").recommendations[0]
        assert (rec.revised_target_date, rec.revision_reason) == (
            date(2026, 9, 30),
            "Training moved to autumn",
        )
        assert rec.revisions == 1 and rec.target_date == date(2026, 1, 31)
        assert (rec.rag_override, rec.rag_override_reason) == (Rag.AMBER, "Plan agreed")
    finally:
        vault.close()


def seed_long(store) -> None:
    """A recommendation whose agency, status and action are longer than any column."""
    ref = store.create_case(pseudonym="Child C").ref
    rec = store.add_recommendation(
        ref,
        text="Make sure that every practitioner knows the escalation policy.",
        action="Audit thirty cases against the revised escalation standard and report back.",
        lead_agency="Integrated Care Board for the whole county",
        target_date="2027-01-31",
    )
    del rec


async def test_the_table_uses_the_width_with_every_heading_whole(
    settings: Settings, vault_path: Path
) -> None:
    """At 80 columns every heading shows (Action too); wider, the cells show more; a cut cell
    ends in an ellipsis and the line below the table gives it in full."""
    seed_vault(vault_path, seed_long)
    shown: dict[int, tuple[str, str]] = {}
    for width in (80, 120):
        app = build_app(settings, vault_path)
        async with app.run_test(size=(width, 24)) as pilot:
            await unlock(pilot)
            await pilot.press("r")
            await settle(pilot)
            table = app.screen.query_one("#recs", DataTable)
            header = table.render_line(0).text
            row = table.render_line(1).text
            for heading in ("Id", "Agency", "Target", "Status", "RAG", "Action"):
                assert heading in header.split(), (width, header)
            assert len(header.rstrip()) <= width
            assert "…" in row  # the agency and the action are cut, and say so
            assert "CSPR-2026-001-R1" in row  # the id is never cut
            detail = str(app.screen.query_one("#recs-detail").render())
            assert "Integrated Care Board for the whole county" in detail
            shown[width] = (header, row)
            await app.action_quit()
    narrow_action = shown[80][1].split("…")[-2]
    wide_action = shown[120][1].split("…")[-2]
    assert len(wide_action) > len(narrow_action)


def seed_many(store) -> None:
    for number in range(30):
        ref = store.create_case(pseudonym=f"Child {number}").ref
        store.add_recommendation(
            ref,
            text="Agencies share what they know at the strategy meeting. " * 3,
            lead_agency="Children's social care",
            target_date="2026-01-31",
        )


async def test_at_80_columns_the_table_needs_no_sideways_scrolling(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand at 80x24: the table was 78 columns wide for columns made for 80, so
    with its vertical scrollbar it scrolled sideways and the bar took a row of the list."""
    seed_vault(vault_path, seed_many)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("r")
        await settle(pilot)
        table = app.screen.query_one("#recs", DataTable)
        assert table.show_vertical_scrollbar  # 30 rows: more than fit
        assert table.region.width == 80
        assert not table.show_horizontal_scrollbar
        assert table.virtual_size.width <= table.scrollable_content_region.width


def seed_one_recommendation(store) -> None:
    ref = store.create_case(pseudonym="Child B").ref
    store.add_recommendation(
        ref, text="Train staff.", lead_agency="Police", target_date="2027-01-31"
    )


async def test_a_recommendation_added_keeps_the_scope_chosen(
    settings: Settings, vault_path: Path
) -> None:
    """Found in the ninth hand run: the add dialog never asked the scope, so every
    recommendation was saved as "Multi-agency", a single agency's too. Letters on the
    scope pick it, as on every drop-down; left alone it stays the form's default."""
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        for letters, scope in (("sing", "Single-agency"), ("", "Multi-agency")):
            await burst(pilot, "r", "n")
            dialog = app.screen
            assert isinstance(dialog, RecommendationDialog)
            await choose(
                pilot, dialog.query_one("#case", Select), "CSPR-2026-001 Child A", "CSPR-2026-001"
            )
            await burst(pilot, "tab", *"Share notes", "tab", *"Audit", "tab", *"Police", "tab")
            await burst(pilot, *"31/12/2026", "tab", *"Head of audit", "tab", "tab", *letters)
            assert dialog.query_one("#scope", Select).value == scope
            await burst(pilot, "ctrl+s")
            assert isinstance(app.screen, RecommendationsScreen)
            added = app.store.get("CSPR-2026-001").recommendations[-1]
            assert added.scope.value == scope
            await burst(pilot, "escape")


@pytest.mark.parametrize(
    ("letters", "status", "next_box"),
    [("In", "In progress", "#barrier"), ("Pa", "Paused", "#reason")],
    ids=["in-progress", "paused"],
)
async def test_letters_on_the_update_status_pick_it_without_opening_the_list(
    settings: Settings, vault_path: Path, letters: str, status: str, next_box: str
) -> None:
    """Found by hand at 80x24: "In" on the status opened its list ("esc Dismiss menu" in
    the key bar), drawn past the dialog's bottom edge. Letters pick the status where it
    stands, as in the forms, and Tab moves on to the next box."""
    seed_vault(vault_path, seed_one_recommendation)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "r", "u", *"Started", "tab", *letters)
        dialog = app.screen
        assert isinstance(dialog, QuarterlyUpdateDialog)
        select = dialog.query_one("#status", Select)
        assert select.value == status
        assert not select.expanded
        assert not select.query_one("SelectOverlay").display
        keys = [active.binding.description for active in app.active_bindings.values()]
        assert "Dismiss menu" not in keys
        await burst(pilot, "tab")
        assert select.value == status
        assert not select.expanded
        assert app.focused is dialog.query_one(next_box)
