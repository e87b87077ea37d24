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

from textual.app import ComposeResult
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import Footer


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

    def offered(self, screen: Screen) -> tuple:
        """What the bar shows for `screen`: (key, words, action, enabled) of each shown key."""
        keys = tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        return (keys, self.show_command_palette, self.compact)

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
