"""The key bar, redrawn only when the keys it offers change.

Textual's footer rebuilds all of its keys whenever a screen's bindings *may* have changed,
and Textual asks that on every focus change (each Tab) and every `refresh_bindings`. At
80x24 that is a dozen widgets mounted and styled per key press for a bar that nearly always
looks the same. This footer first compares what it would show (each shown key, its words
and whether it is enabled) with what it shows, and recomposes only when they differ.

Textual's footer is also mounted empty and gets its keys only after the screen's first
layout (the bindings are "not ready" until the screen announces them), so every new screen
was laid out and drawn a second time for its key bar. This one composes its keys with the
screen when the screen can already say what they are; the announcement that follows then
finds the same keys and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from difflib import SequenceMatcher

from textual.app import ComposeResult
from textual.compose import compose
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    """A `Footer` that recomposes only when its keys change."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown_keys: tuple | None = None
        self.redraws = 0  # how many times the keys were rebuilt (tests/tui/test_form_steps.py)

    def compose(self) -> ComposeResult:
        """Textual's keys, each made with the `-compact` class it would otherwise add to
        itself once mounted (one whole restyle per key, per redraw): a key's `compact`
        follows the footer's and toggles that class."""
        if not self._bindings_ready and self.is_attached and self.app.app_focus:
            # With the screen, not after its first layout (the module's docstring);
            # `_bindings_ready` is Textual's private flag (tests/tui/test_layouts.py).
            self.set_reactive(Footer._bindings_ready, True)
            self.shown_keys = self.offered(self.screen)
        for widget in super().compose():
            if isinstance(getattr(type(widget), "compact", None), Reactive):
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        """As Textual's, except that the keys still offered stay: only those that come or go
        are mounted or removed (each key mounted is styled and drawn anew, and a tab or a
        form step changes one or two of the ten)."""
        if not self.is_attached or self._pruning:
            return
        old = list(self.children)
        new = list(compose(self))
        steps = SequenceMatcher(
            a=[_looks(key) for key in old if isinstance(key, FooterKey)],
            b=[_looks(key) for key in new if isinstance(key, FooterKey)],
        )
        changes = [step for step in steps.get_opcodes() if step[0] != "equal"]
        kept = any(tag == "equal" for tag, *_where in steps.get_opcodes())
        if not kept or not all(isinstance(key, FooterKey) for key in (*old, *new)):
            await super().recompose()  # nothing kept, or a group of keys: Textual's way
            return
        async with self.batch():
            gone = [key for _tag, i1, i2, _j1, _j2 in changes for key in old[i1:i2]]
            if gone:
                await self.remove_children(gone)
            mounts = [
                self.mount(*new[j1:j2], after=old[i1 - 1])
                if i1
                else self.mount(*new[j1:j2], before=0)
                for _tag, i1, _i2, j1, j2 in changes
                if j2 > j1
            ]
            for mounted in mounts:
                await mounted

    def offered(self, screen: Screen) -> tuple:
        """What the bar shows for `screen`: (key, words, action, enabled) of each shown key."""
        keys = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        return (keys, self.show_command_palette, self.compact)

    def shows_keys_of(self, screen: Screen) -> bool:
        """Whether the bar shows the keys `screen` offers now."""
        return self.offered(screen) == self.shown_keys

    async def show_keys(self) -> None:
        """Put the screen's keys in the bar now, if they changed: a screen that changes
        several things at once awaits this inside its `App.batch_update`, and the new keys
        are laid out with the rest (Textual rebuilds the bar only after the screen's next
        refresh, and lays the screen out again for it)."""
        screen = self.screen
        if not (self._bindings_ready and screen is screen.app.screen and screen.app.app_focus):
            return  # not shown yet, or covered: Textual's announcement fills it in
        now = self.offered(screen)
        if now == self.shown_keys:
            return
        self.shown_keys = now
        self.redraws += 1
        rebuilt = asyncio.Event()

        async def rebuild() -> None:  # in the footer's own task, as Textual's keys expect
            try:
                await self.recompose()
            finally:
                rebuilt.set()

        self.call_next(rebuild)
        # A bar removed meanwhile never runs it; the screen's batch must still end.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(rebuilt.wait(), timeout=2.0)

    def bindings_changed(self, screen: Screen) -> None:
        if not (self.is_attached and screen is self.screen and screen.app.app_focus):
            super().bindings_changed(screen)  # Textual's own checks and early returns
            return
        if self._bindings_ready and screen is not screen.app.screen:
            return  # covered by another screen: its keys are looked at again when it resumes
        now = self.offered(screen)
        if now == self.shown_keys and self._bindings_ready:
            return
        self.shown_keys = now
        self.redraws += 1
        super().bindings_changed(screen)


def _looks(key: FooterKey) -> tuple:
    """Everything a key shows and does (two keys alike look and act the same)."""
    return (
        key.key,
        key.key_display,
        key.description,
        key.action,
        key.disabled,
        str(key.tooltip or ""),
        frozenset(key.classes),
    )
