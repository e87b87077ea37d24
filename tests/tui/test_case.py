"""The case screen: the stage bar, advancing with one key, and the domain's refusal shown."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from cspr_tui.domain.case import Stage
from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.confirm import ConfirmDialog
from cspr_tui.tui.dialogs.message import MessageDialog
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.widgets.stage_bar import StageBar
from tests.domain import case_values
from tests.tui.conftest import build_app, choose, read_store, seed_vault, settle, type_into, unlock


def seed_at_screening(store) -> None:
    """Referral done and at screening; screening, notification and a rapid review recorded,
    the rapid review signed off by two partners of three."""
    ref = case_values.case_at_stage(store, "screening")
    store.save_record(ref, "screening", case_values.screening(), finish=True)
    store.save_record(ref, "notification", case_values.notification(), finish=True)
    store.save_record(
        ref,
        "rapid_review",
        case_values.rapid_review(signoffs=case_values.SIGNOFFS[:2], rr_sent_to_panel_date=None),
        finish=True,
    )


def bar_text(app) -> str:
    return str(app.screen.query_one(StageBar).content)


async def advance(pilot) -> None:
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("enter")
    await settle(pilot)


async def test_advance_through_screening_and_rapid_review_refused_for_a_signoff(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_at_screening)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        ref = app.screen.ref
        assert "Screening" in bar_text(app)
        assert "press a to move on" in bar_text(app)

        await advance(pilot)
        assert app.screen.case.stage == Stage.NOTIFIED
        await advance(pilot)
        assert app.screen.case.stage == Stage.RAPID_REVIEW
        assert "ICB" in bar_text(app)  # the stage bar says what is missing

        await pilot.press("a")  # refused: one partner has not signed off
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert "ICB" in app.screen.text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.case.stage == Stage.RAPID_REVIEW

        # Add the missing sign-off through the guided rapid review form.
        await pilot.press("5", "e")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        while not str(app.screen.query_one("#form-step", Static).content).endswith("the Panel"):
            await pilot.press("ctrl+n")
            await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        editors = app.screen.editors
        await choose(pilot, editors["signoffs[2].partner"].input, "ICB")
        await type_into(pilot, editors["signoffs[2].name"].input, "Jo Fictional")
        await type_into(pilot, editors["signoffs[2].role"].input, "Chief nurse")
        await type_into(pilot, editors["signoffs[2].organisation"].input, "ICB")
        await type_into(pilot, editors["signoffs[2].date"].input, "25/03/2026")
        await type_into(pilot, editors["rr_sent_to_panel_date"].input, "26/03/2026")
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen), app.screen.query_one("#form-issues").content
        assert "press a to move on" in bar_text(app)
        await advance(pilot)
        assert app.screen.case.stage == Stage.DECISION

    vault, store = read_store(vault_path)
    try:
        case = store.get(ref)
        assert case.stage == Stage.DECISION
        assert [c.to_stage for c in case.history][-3:] == [
            Stage.NOTIFIED,
            Stage.RAPID_REVIEW,
            Stage.DECISION,
        ]
        assert any(s["partner"] == "ICB" for s in case.value("rapid_review", "signoffs"))
    finally:
        vault.close()


async def test_pause_asks_why_and_resume(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path, lambda store: store.create_case(pseudonym="Child A"))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        assert "reason is needed" in str(app.screen.query_one(".dialog-error").content)
        await pilot.press(*"trial", "enter")
        await settle(pilot)
        assert app.screen.case.stage == Stage.PAUSED
        assert "resume" in bar_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.case.stage == Stage.REFERRAL_RECEIVED
        await pilot.press("9")  # the audit tab lists both changes with the reason
        await pilot.pause()
        audit = app.screen.query_one("#table-audit")
        rows = [audit.get_row_at(i) for i in range(audit.row_count)]
        assert any(row[2] == "case paused" and row[3] == "trial" for row in rows)
