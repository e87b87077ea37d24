"""Tick boxes whose tick is a mark, not only a colour.

Textual draws a ticked and an unticked box alike ("▐X▌") and tells them apart by colour
alone: on a 16-colour terminal, or read back as plain text, every box looks ticked. In the
fifth hand journey a "Parallel processes" answer carried over from the referral was
unticked by a Space meant to tick it, and the answer typed next was lost with the question
it hid. Here an unticked box is drawn empty ("▐ ▌"), a ticked one keeps its X.
"""

from __future__ import annotations

from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

EMPTY = " "
TICK = Checkbox.BUTTON_INNER  # Textual's mark ("X"), which the selection list draws too


class TickList(SelectionList[str]):
    """A multiple choice whose unticked options show an empty box."""

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
