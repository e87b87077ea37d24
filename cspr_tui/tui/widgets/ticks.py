"""Tick boxes whose tick is a mark, not only a colour.

Textual draws a ticked and an unticked box alike ("▐X▌") and tells them apart by colour
alone: on a 16-colour terminal, or read back as plain text, every box looks ticked. In the
fifth hand journey a "Parallel processes" answer carried over from the referral was
unticked by a Space meant to tick it, and the answer typed next was lost with the question
it hid. Here an unticked box is drawn empty ("▐ ▌"), a ticked one keeps its X.
"""

from __future__ import annotations

from time import monotonic

from textual import events
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

EMPTY = " "
TICK = Checkbox.BUTTON_INNER  # Textual's mark ("X"), which the selection list draws too
TYPING_PAUSE = 1.0  # seconds after a refused letter in which a Space is taken as typing
TYPED_ON_A_LIST = (
    "This question is a tick list: Space ticks or unticks the highlighted option, "
    "the arrows move, Tab goes on to the next question."
)


class TickList(SelectionList[str]):
    """A multiple choice whose unticked options show an empty box.

    Letters typed on it are refused with a word, and a Space among them is taken as part of
    the typing, not as a tick: in the sixth hand journey a sentence meant for the next box
    (one Tab too many) unticked an agency with each of its spaces, without a sign."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._typed_at = float("-inf")  # when a letter was last refused

    def on_key(self, event: events.Key) -> None:
        character = event.character or ""
        now = monotonic()
        if event.key == "space":
            if now - self._typed_at < TYPING_PAUSE:
                self._typed_at = now
                event.stop()
                event.prevent_default()
            return
        if character and character.isprintable():
            event.stop()
            event.prevent_default()
            if now - self._typed_at >= TYPING_PAUSE:  # once a burst, not once a letter
                self.app.notify(TYPED_ON_A_LIST, title="Not typed", severity="warning")
            self._typed_at = now

    def render_line(self, y: int) -> Strip:
        """Textual's line, its box's inner mark blanked when the option is not ticked."""
        line = super().render_line(y)
        segments = list(line)
        if len(segments) < 3 or segments[1].text != TICK:
            return line  # no box on this line (past the last option)
        _x, scroll_y = self.scroll_offset
        try:
            option = self.get_option_at_index(scroll_y + y)
        except Exception:  # OptionDoesNotExist: nothing to blank
            return line
        if option.value in self.selected:
            return line
        segments[1] = segments[1]._replace(text=EMPTY)
        return Strip(segments, line.cell_length)


class TickBox(Checkbox):
    """A check box that shows an empty box when unticked."""

    @property
    def _button(self) -> Content:
        """Textual's box with its inner mark for the value (`_button` is Textual's private
        name; tests/tui/test_ticks.py fails if an upgrade stops using it)."""
        self.BUTTON_INNER = TICK if self.value else EMPTY
        return super()._button
