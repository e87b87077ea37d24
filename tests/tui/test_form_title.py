"""The form's title line keeps "[complete: editing]" whole at any width."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import fitted_title
from tests.domain import case_values
from tests.tui.conftest import build_app, seed_vault
from tests.tui.test_carry_over import open_form


def test_a_long_title_ends_in_an_ellipsis_before_the_tag() -> None:
    title = "Serious incident notification · CSPR-2026-0001 (Child Alpha-Bravo)"
    tag = "  [complete: editing]"
    fitted = fitted_title(title, tag, 60)
    assert len(fitted) == 60
    assert fitted.endswith("…" + tag)
    assert fitted.startswith("Serious incident")
    assert fitted_title("Referral · R1 (Child A)", tag, 60) == "Referral · R1 (Child A)" + tag


async def test_the_tag_shows_whole_at_80_columns_and_after_a_resize(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand at 80x24: "Serious incident notification · ... [complete:" was cut at
    the screen's edge, so the one sign that a finished form was being changed was lost."""
    seed_vault(vault_path, lambda store: case_values.case_at_stage(store, "rapid_review"))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(60, 24)) as pilot:
        form = await open_form(pilot, "4")
        await pilot.pause()
        line = str(form.query_one("#form-title", Static).content)
        assert line.endswith("[complete: editing]"), line
        assert len(line) <= 58
        await pilot.resize_terminal(200, 24)
        await pilot.pause()
        wide = str(form.query_one("#form-title", Static).content)
        assert "…" not in wide and wide.endswith("[complete: editing]")
        assert len(wide) > len(line)
