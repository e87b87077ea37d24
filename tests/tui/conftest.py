"""Real vault files in the test's workspace, and pilot helpers that type like a reviewer."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, key_to_character
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, TextArea

from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.tui import CsprApp, make_app
from cspr_tui.vault import Vault, create_vault, open_vault

PASSPHRASE = "fish-tank"
TODAY = date(2026, 6, 15)  # the date every test app computes deadlines against


@pytest.fixture
def vault_path(workspace: Path) -> Path:
    return workspace / "vault" / "cases.vault"


@pytest.fixture
def settings() -> Settings:
    return Settings(reviewer_name="Reviewer One")


def seed_vault(path: Path, fill: Callable[[CaseStore], object] | None = None) -> None:
    """Create a real vault and fill it through the store, then close it (as another session)."""
    vault = create_vault(path, PASSPHRASE)
    try:
        store = CaseStore(
            vault, Settings(reviewer_name="Seeder"), load_forms(), clock=lambda: TODAY
        )
        if fill is not None:
            fill(store)
    finally:
        vault.close()


def read_store(path: Path) -> tuple[Vault, CaseStore]:
    """Open the vault independently of the app, to check what was really saved."""
    vault = open_vault(path, PASSPHRASE, readonly=True)
    return vault, CaseStore(vault, Settings(), load_forms(), clock=lambda: TODAY)


@contextmanager
def saved_store(path: Path) -> Iterator[CaseStore]:
    """`read_store` as a block: what was really saved, the vault closed afterwards."""
    vault, store = read_store(path)
    try:
        yield store
    finally:
        vault.close()


def build_app(settings: Settings, path: Path, **kwargs) -> CsprApp:
    return make_app(settings, path, today=TODAY, **kwargs)


@asynccontextmanager
async def new_referral(
    settings: Settings, path: Path, *, typed_ahead: bool = False
) -> AsyncIterator[tuple[CsprApp, Pilot]]:
    """An empty vault, the app on it at 80x24, unlocked, and a new case's referral open.

    The case is made as a reviewer makes it: `n`, then Enter to accept the suggested
    pseudonym; `typed_ahead` sends both keys in one burst, before the app handles the first.
    """
    from cspr_tui.tui.screens.form import FormScreen

    seed_vault(path)
    app = build_app(settings, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        if typed_ahead:
            await burst(pilot, "n", "enter")
        else:
            await pilot.press("n")
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, FormScreen)
        yield app, pilot


async def settle(pilot: Pilot, rounds: int = 3, timeout: float = 20.0) -> None:
    """Let workers finish and the resulting messages (screen switches) be processed."""
    deadline = time.monotonic() + timeout
    for _ in range(rounds):
        # A key still waiting in the app's key gate has not started its worker yet.
        while getattr(pilot.app, "keys_pending", 0) or any(
            worker.is_running for worker in pilot.app.workers
        ):
            assert time.monotonic() < deadline, (
                "a worker did not finish",
                [(w.name, str(w.state)) for w in pilot.app.workers],
                getattr(pilot.app, "keys_pending", 0),
            )
            await pilot.pause(0.02)
        await pilot.pause()


async def unlock(pilot: Pilot, passphrase: str = PASSPHRASE, *, typed: bool = False) -> None:
    """Unlock through the unlock screen. Tests about unlocking type the passphrase key by
    key (`typed=True`); the others put it in the masked field at once (a pilot key costs
    ~60 ms) and press Enter, which runs the same worker and screen switch."""
    await pilot.pause()
    if typed:
        await pilot.press(*passphrase, "enter")
    else:
        field = pilot.app.screen.query_one("#passphrase", Input)
        field.value = passphrase
        field.focus()
        await pilot.press("enter")
    await settle(pilot)


async def type_into(pilot: Pilot, widget, text: str) -> None:
    """Focus a field and type, as a reviewer would (previous content removed first).

    `press` already waits until the app is idle after each key, so no extra pauses.
    """
    if isinstance(widget, Input):
        widget.value = ""
    elif isinstance(widget, TextArea):
        widget.clear()
    else:
        raise TypeError(f"cannot type into {widget!r}")
    widget.focus()
    if text:
        await pilot.press(*text)


async def choose(pilot: Pilot, widget, option: str, value: object = None) -> None:
    """Pick an option with the keys a reviewer would use: a short list's own key, or open a
    drop-down, move to the option (arrows when it is near, else type-to-search), Enter."""
    from cspr_tui.tui.widgets.key_choice import KeyChoice

    widget.focus()
    if isinstance(widget, KeyChoice):
        await pilot.pause()
        await pilot.press(widget.keys[widget.choices.index(option)])
        assert widget.value == option, f"picked {widget.value!r}, wanted {option!r}"
        return
    await pilot.press("enter")
    overlay = widget.query_one(OptionList)  # a Select's drop-down is its one OptionList
    prompts = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
    target = prompts.index(option)
    here = overlay.highlighted if overlay.highlighted is not None else -1
    if abs(target - here) <= 3:
        await pilot.press(*(["down" if target > here else "up"] * abs(target - here)))
    else:
        for character in option:
            if overlay.highlighted is not None and prompts[overlay.highlighted] == option:
                break
            await pilot.press(character)
    await pilot.press("enter")
    wanted = option if value is None else value
    assert widget.value == wanted, f"picked {widget.value!r}, wanted {wanted!r}"


async def tick(pilot: Pilot, widget: SelectionList, option: str) -> None:
    """Tick one option of a multiple choice with the keyboard (arrows then space)."""
    widget.focus()
    index = next(
        i for i in range(widget.option_count) if widget.get_option_at_index(i).value == option
    )
    widget.highlighted = index
    await pilot.press("space")
    assert option in widget.selected


def _key_name(character: str) -> str:
    """Textual's name for a typed punctuation character: "," is "comma", "\t" is "tab"."""
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        name = {"\t": "tab"}.get(character, character)
    return KEY_NAME_REPLACEMENTS.get(name, name)


def key_events(keys) -> list:
    """Key events exactly as `Pilot.press` builds them (characters named as Textual names)."""
    built = []
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _key_name(key)
        built.append(events.Key(key, key_to_character(REPLACED_KEYS.get(key, key))))
    return built


async def wait_for(pilot: Pilot, condition, timeout: float = 30.0) -> None:
    """Poll until `condition()` holds: workers and timers (the filter's quiet-typing delay)
    run in their own time on a loaded machine, so a fixed pause is not enough."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the screen did not change in time"
        await settle(pilot)
        await pilot.pause(0.05)


async def filtered(pilot: Pilot, text: str) -> None:
    """Until the filter box holds `text` and the dashboard's table shows it. The box's
    own value is not enough: on a loaded machine the table may already show an earlier,
    shorter value (the box emptied by ctrl+k) while typed keys still wait in the queue."""
    screen = pilot.app.screen
    field = screen.query_one("#filter")
    await wait_for(pilot, lambda: field.value == text and screen.filtered_by == text)


async def burst(pilot: Pilot, *keys: str) -> None:
    """Deliver every key at once, as a terminal does when typing outruns the app: all of
    them are queued before the app handles the first (no pause between keys, unlike
    `Pilot.press`), then wait until the app has settled."""
    app = pilot.app
    for event in key_events(keys):
        event.set_sender(app)
        app.post_message(event)
    await until_quiet(pilot)


async def until_quiet(pilot: Pilot, timeout: float = 20.0) -> None:
    """Until every key is handled, no worker runs and no message or callback waits,
    on three looks in a row (what `bench/tui_latency.py` calls settled)."""
    import asyncio

    from cspr_tui.tui.key_gate import busy

    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3:
        assert time.monotonic() < deadline, "the app did not settle"
        await asyncio.sleep(0.002)
        nodes = [app, *(n for s in app.screen_stack for n in s.walk_children(with_self=True))]
        still = (
            getattr(app, "keys_pending", 0)
            or any(worker.is_running for worker in app.workers)
            or any(busy(node) for node in nodes)
        )
        quiet = 0 if still else quiet + 1
    await pilot.pause()


def typed(text: str) -> list[str]:
    """The key names that type `text` (spaces and punctuation included)."""
    return list(text)
