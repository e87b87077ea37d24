"""Keys typed just after the idle lock are not kept as the start of a passphrase.

A reviewer typing an answer does not see the vault lock itself: the next keys went into the
unlock screen's passphrase box, dots showing, and the passphrase typed after them was
refused with no clue why. Keys in the moment after an idle lock are now not kept, and the
screen says so; a passphrase typed after that, and a manual lock, work as before."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.unlock import UnlockScreen
from tests.tui.conftest import PASSPHRASE, burst, key_events, new_referral, settle, until_quiet

ANSWER = "the child was seen at school"


def message(app) -> str:
    return str(app.screen.query_one("#message", Static).content)


async def idle_lock(app) -> None:
    app.idle_lock_seconds = 60
    app.last_activity = time.monotonic() - 61
    await app.lock_if_idle()


@pytest.mark.parametrize("when", ["queued as it locks", "just after"])
async def test_keys_typed_just_after_the_idle_lock_are_not_kept(
    when: str, settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        if when == "just after":
            await idle_lock(app)
            await burst(pilot, *ANSWER)  # still typing the answer, the lock not seen
        else:  # the keys reach the app while the lock is under way
            for event in key_events(ANSWER):
                event.set_sender(app)
                app.post_message(event)
            await idle_lock(app)
            await until_quiet(pilot)
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert app.screen.query_one("#passphrase", Input).value == ""
        text = message(app)
        assert "locked itself" in text and "idle" in text
        assert "not kept" in text
        assert ANSWER not in text
        # Then, having read it, the reviewer types the passphrase: it unlocks.
        await pilot.pause(1.6)
        await pilot.press(*PASSPHRASE, "enter")
        await settle(pilot)
        assert app.session is not None
        assert not isinstance(app.screen, UnlockScreen)


async def test_a_passphrase_typed_after_a_quiet_idle_lock_unlocks(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        await idle_lock(app)
        await settle(pilot)
        assert "not kept" not in message(app)  # nothing was typed: nothing to say
        await pilot.pause(1.1)
        await pilot.press(*PASSPHRASE)
        assert app.screen.query_one("#passphrase", Input).value == PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        assert app.session is not None


async def test_keys_after_a_manual_lock_go_into_the_passphrase_box(
    settings: Settings, vault_path: Path
) -> None:
    """The reviewer's own lock is seen: what follows it is the passphrase, as before."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+l", *PASSPHRASE, "enter")
        await settle(pilot)
        assert app.session is not None
        assert not isinstance(app.screen, UnlockScreen)
