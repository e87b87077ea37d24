"""A passphrase typed while the app is still starting opens the vault.

At start-up the terminal is still in its line mode until Textual takes it over, and the
line mode turns the Enter a reviewer types (a carriage return) into a newline. Textual
reads a newline as ctrl+j, which an input ignores: the whole passphrase sat in the field,
the Enter was lost, and the passphrase typed again after it was refused as wrong."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.dashboard import DashboardScreen
from cspr_tui.tui.screens.unlock import UnlockScreen
from tests.tui.conftest import PASSPHRASE, build_app, seed_vault, settle, until_quiet


def terminal_events(typed: str) -> list:
    """The events Textual's terminal parser makes of `typed`, as its driver posts them: a
    newline is ctrl+j, a carriage return is Enter (pinned against the parser itself in
    tests/test_library_internals.py)."""
    named = {"\n": "ctrl+j", "\r": "enter"}
    return [events.Key(named.get(c, c), c) for c in typed]


async def post_typed(app, typed: str) -> None:
    for event in terminal_events(typed):
        event.set_sender(app)
        app.post_message(event)


async def test_a_passphrase_typed_during_start_up_unlocks(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        # Typed before the terminal left its line mode: the Enter arrives as a newline.
        await post_typed(app, PASSPHRASE + "\n")
        await until_quiet(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_a_newline_in_the_passphrase_field_never_adds_to_it(
    settings: Settings, vault_path: Path
) -> None:
    """Enter, however it arrives, submits: the passphrase is never typed twice into one
    field (that was the refusal), and a wrong one is still refused."""
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await post_typed(app, "not-it\n")
        await until_quiet(pilot)
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert "Wrong passphrase" in str(app.screen.query_one("#message").content)
        assert app.screen.query_one("#passphrase", Input).value == ""
        await post_typed(app, PASSPHRASE + "\r")  # a raw terminal's own Enter
        await until_quiet(pilot)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
