"""The screening decision's date considered is checked where it is typed."""

from __future__ import annotations

from pathlib import Path

from cspr_tui.settings import Settings
from tests.domain import case_values
from tests.tui.conftest import build_app, burst, seed_vault
from tests.tui.test_carry_over import open_form


def seed_at_screening(store) -> None:
    case_values.case_at_stage(store, "screening")


async def test_a_date_considered_in_the_future_is_refused_on_that_question(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand at 80x24: tomorrow typed as the date considered was taken, and the
    error came later on another question ("Date feedback sent to the referrer cannot be
    before the date considered"), so the feedback date, which was right, looked wrong."""
    seed_vault(vault_path, seed_at_screening)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "3")
        considered = form.editors["date_considered"]
        assert app.focused is considered.input
        # In the future by any clock (the boxes check against the machine's date).
        await burst(pilot, *"01012099", "tab")
        error = str(considered.query_one(".field-error").render())
        assert "Date considered cannot be in the future." in error
        await burst(pilot, "shift+tab", "ctrl+a", "ctrl+k", *"15062026", "tab")
        assert "future" not in str(considered.query_one(".field-error").render())


async def test_the_boxes_check_dates_against_the_apps_day(
    settings: Settings, vault_path: Path
) -> None:
    """The boxes checked "cannot be in the future" against the machine's date while the
    store checks a save against its clock; the app's day (15/06/2026 in these tests) is
    the one both use now. (Meaningful while the machine's date is after 16/06/2026.)"""
    seed_vault(vault_path, seed_at_screening)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "3")
        considered = form.editors["date_considered"]
        await burst(pilot, *"16062026", "tab")  # the day after the app's day
        error = str(considered.query_one(".field-error").render())
        assert "Date considered cannot be in the future." in error
        issues = [i.message for i in form.step_issues(finishing=False)]
        assert "Date considered cannot be in the future." in issues
