"""What every full screen of the app shares: it is not restyled when nothing changed.

Textual restyles a whole screen (every widget in it) each time it resumes, including the
first time it is shown, straight after mounting has styled every one of its widgets from
the same stylesheet (and an unlock's mode switch resumes the dashboard twice). On a case or
form screen that is a few hundred styled parts, tens of milliseconds a key. A resume still
restyles when something it depends on changed since the screen was last styled: the
stylesheet (a theme), or whether the terminal has focus. A widget whose classes change while
its screen is hidden is restyled there and then (it is still mounted).
"""

from __future__ import annotations

from typing import TypeVar

from textual import events, on
from textual.screen import Screen

ResultType = TypeVar("ResultType")


class StyledOnceScreen(Screen[ResultType]):
    """A screen whose resume keeps its styles when nothing they depend on has changed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._styled_for: tuple | None = None  # what the styles were worked out for
        self._keep_styles_once = False

    def _style_inputs(self) -> tuple:
        # `_css_update_count` is Textual's private stylesheet version (app.styled_already
        # reads it too; tests/tui/test_unlock_speed.py fails if it goes).
        return (self.app._css_update_count, self.app.app_focus)

    @on(events.Mount)
    def _styled_now(self) -> None:
        self._styled_for = self._style_inputs()

    @on(events.ScreenResume)
    def _resuming(self, event: events.ScreenResume) -> None:
        """Runs before Textual's own resume handler (a subclass's handlers come first),
        which restyles the screen when `refresh_styles` is set."""
        self._keep_styles_once = (
            event.refresh_styles
            and self.is_attached
            and self._styled_for is not None
            and self._styled_for == self._style_inputs()
        )

    def update_node_styles(self, animate: bool = True) -> None:
        if self._keep_styles_once:
            self._keep_styles_once = False
            return
        super().update_node_styles(animate)
        self._styled_for = self._style_inputs()
