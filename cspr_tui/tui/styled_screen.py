"""What every full screen of the app shares: it is not restyled when nothing changed.

Textual restyles a whole screen (every widget in it) each time it resumes, including the
first time it is shown, straight after mounting has styled every one of its widgets from
the same stylesheet (and an unlock's mode switch resumes the dashboard twice). On a case or
form screen that is a few hundred styled parts, tens of milliseconds a key. A resume still
restyles when something it depends on changed since the screen was last styled: the
stylesheet (a theme), or whether the terminal has focus. A widget whose classes change while
its screen is hidden is restyled there and then (it is still mounted).

Nor is it laid out twice at the same size. A screen's first layout sends a `Resize` to every
widget it shows, the screen itself among them, and Textual answers the screen's one with a
second whole layout (and a full redraw) of the screen and of every screen under it, at the
size it was just laid out at: on a case, form or recommendations screen that is 20-40 ms a
key. A real change of size is still laid out, and anything that asks for a layout (a widget
mounted, shown or resized) still gets one on the refresh timer as before.

Nor laid out again once it has mounted. When a screen is pushed, Textual waits for it to
mount and then asks for a layout of it (`App._get_screen` queues an `AwaitMount`); by then
the screen's first layout, on resuming, has already arranged every widget it composed (all
of them are mounted before the screen is), so that second layout and full redraw repeated
the first: 10-20 ms on opening a form or the recommendations. `ScreenMounted` skips it for
a screen laid out since it mounted; whatever changes afterwards asks for its own layout.

Nor drawn whole twice for one layout. A whole layout ends by drawing every cell; a request
to draw the whole screen made during it, a widget's request to be drawn sent before it
began, and the whole redraw Textual's resume handler asks for when the screen has been
drawn whole since it was last hidden, are each done by it (the unlock's dashboard was drawn
whole three times: tests/tui/test_layouts.py).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Generator
from typing import Any, Self, TypeVar

from textual import events, messages, on
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import AwaitMount, Widget

ResultType = TypeVar("ResultType")

# The clock Textual stamps each message with (`Message.time`): monotonic, except on Windows.
get_time = time.perf_counter if sys.platform == "win32" else time.monotonic


class StyledOnceScreen(Screen[ResultType]):
    """A screen whose resume keeps its styles when nothing they depend on has changed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._styled_for: tuple | None = None  # what the styles were worked out for
        self._keep_styles_once = False
        self.laid_out_mounted = False  # laid out since it finished mounting (`ScreenMounted`)
        self._awaiting_mount = 0  # Textual's waits for the screen to mount now running
        self._laid_out_at = float("-inf")  # when its last whole layout began (Textual's clock)
        self._resume_armed = False  # Textual's resume handler is running (its redraw ahead)
        self._drawn_since_suspend = False  # laid out and drawn whole since it was last hidden
        self._drawing_whole = False  # a whole layout is running, to be drawn whole after
        self._drawn_whole_at = float("-inf")  # when the last one drawn whole began

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
        # Textual's handler (next) ends by asking for the whole screen to be drawn again
        # (`refresh`), which repeats a whole drawing made since the screen was last hidden.
        self._resume_armed = self.is_attached

    @on(events.ScreenSuspend)
    def _hidden(self) -> None:
        self._drawn_since_suspend = False

    def update_node_styles(self, animate: bool = True) -> None:
        if self._keep_styles_once:
            self._keep_styles_once = False
            return
        super().update_node_styles(animate)
        self._styled_for = self._style_inputs()

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        """Textual's private layout pass (tests/tui/test_layouts.py fails loudly if it goes),
        without the second whole layout it asks for straight after: a pass sets every
        widget's virtual size from the arrangement it just made, and each change asks for a
        layout again (on a case, form or recommendations screen, half the cost of opening
        it). The arrangement already holds those sizes; a scrollbar that comes or goes still
        asks for its own layout (`Widget._refresh_scrollbars`), as does anything else."""
        whole = not scroll and bool(self.outer_size if size is None else size)
        if whole:
            # A whole layout arranges every widget as it is now, so a layout asked for before
            # it is done by it. Textual clears this flag only after a layout run by its
            # refresh timer; the one a screen runs as it resumes left it set, and the timer
            # then laid the whole screen out again for requests already served (`_layout_
            # required` is Textual's private flag: tests/tui/test_layouts.py). A request
            # made during or after this layout sets it again.
            self._layout_required = False
            self._laid_out_at = get_time()
        virtual_size = Widget.virtual_size
        layout = virtual_size._layout
        virtual_size._layout = False
        # Drawn whole at the end of this pass (`_compositor_refresh`): a request to draw
        # the whole screen made during it is done by it.
        draws_whole = whole and self.is_current and not self.app._batch_count
        self._drawing_whole = draws_whole
        if draws_whole:
            self._drawn_whole_at = get_time()
        try:
            super()._refresh_layout(size, scroll)
        finally:
            virtual_size._layout = layout
            self._drawing_whole = False
        if whole and self.is_mounted:
            self.laid_out_mounted = True
        if draws_whole:
            self._drawn_since_suspend = True  # drawn whole just now (`_compositor_refresh`)

    def refresh(
        self, *regions: Any, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """As Textual's, except the layout and redraw Textual's wait for the mount asks for
        once the screen has been laid out since it mounted (`ScreenMounted`)."""
        if layout and self._awaiting_mount and self.laid_out_mounted and not recompose:
            return self
        if self._drawing_whole and not (regions or layout or recompose):
            return self  # the pass running now ends by drawing every cell
        if self._resume_armed and not (regions or layout or recompose):
            # The resume handler's closing redraw: the first whole one since it was armed.
            self._resume_armed = False
            if self._drawn_since_suspend:
                return self  # a whole layout drew every cell of it since it was last hidden
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    async def _on_layout(self, message: messages.Layout) -> None:
        """Textual's handler of a widget's request for a layout (private: tests/tui/
        test_layouts.py), except a request sent before the screen's last whole layout
        began: that layout arranged the widget as it was then, already changed. A widget
        asks by message, on its next idle after it changed; many ask while a new screen
        mounts and are read only after the screen has been laid out as it resumed, and
        each of those laid the whole screen out and redrew it again."""
        if message.time < self._laid_out_at:
            message.stop()
            message.prevent_default()
            return
        await super()._on_layout(message)

    async def _on_update(self, message: messages.Update) -> None:
        """Textual's handler of a widget's request to be drawn again (private: tests/tui/
        test_layouts.py), except a request sent before the screen's last whole layout that
        drew every cell began: the widget was drawn as it is by it. Widgets ask on their
        next idle after they changed; those that changed while a new screen mounted asked
        only after it had been laid out and drawn, and each was drawn again."""
        if message.time < self._drawn_whole_at:
            message.stop()
            message.prevent_default()
            return
        await super()._on_update(message)

    def _screen_resized(self, size: Size) -> None:
        """Textual's private hook for a `Resize` of the screen (tests/tui/test_layouts.py
        fails loudly if it goes): skipped when the screen was last laid out at `size`."""
        if self._compositor.size == size:
            return  # a layout asked for meanwhile is still done, on the refresh timer
        super()._screen_resized(size)


class ScreenMounted(AwaitMount):
    """Textual's wait for a pushed screen to mount (`AwaitMount`), without the layout it
    then asks for when the screen has been laid out since it mounted (the module's
    docstring). `CsprApp._get_screen` makes Textual's wait one of these; `_parent` and
    `_widgets` are Textual's private names, as is `App._get_screen` (tests/tui/
    test_layouts.py fails loudly if they go)."""

    def __await__(self) -> Generator[Any, None, None]:
        screen = self._parent

        async def await_mount() -> None:
            styled = isinstance(screen, StyledOnceScreen)
            if styled:
                screen._awaiting_mount += 1  # the app's wait, and whoever awaits the push
            try:
                await AwaitMount(screen, self._widgets)  # Textual's own wait
            finally:
                if styled:
                    screen._awaiting_mount -= 1

        return await_mount().__await__()
