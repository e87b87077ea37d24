"""Tick boxes whose tick is a mark, not only a colour.

Textual draws a ticked and an unticked box alike ("▐X▌") and tells them apart by colour
alone: on a 16-colour terminal, or read back as plain text, every box looks ticked. In the
fifth hand journey a "Parallel processes" answer carried over from the referral was
unticked by a Space meant to tick it, and the answer typed next was lost with the question
it hid. Here an unticked box is drawn empty ("▐ ▌"), a ticked one keeps its X.
"""

from __future__ import annotations

from time import monotonic
from typing import cast

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

EMPTY = " "
TICK = Checkbox.BUTTON_INNER  # Textual's mark ("X"), which the selection list draws too
SHOWN_WHOLE = 10  # a tick list of up to this many options shows them all, none scrolled
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

    DEFAULT_CSS = """
    TickList {
        text-wrap: wrap;  /* an option too long for the width goes on under its text */
        text-overflow: fold;
    }
    """

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

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The lines of the first `SHOWN_WHOLE` options (all of a shorter list), each as
        many lines as its words need beside the box: a list of up to ten shows whole,
        however its options wrap, and a longer one scrolls inside ten. (Textual's own sum
        measures the options at the widget's whole width, the box's four cells included,
        so a wrapped option would be cut off at the bottom.)"""
        rules = cast(RulesMap, self.styles)
        padding = self.get_component_styles("option-list--option").padding.width
        text_width = max(width - self._get_left_gutter_width() - padding, 1)
        return sum(
            self._get_visual(option).get_height(rules, text_width)
            for option in self.options[:SHOWN_WHOLE]
        )

    def render_line(self, y: int) -> Strip:
        """An option's first line with its box, blank inside when not ticked; the lines an
        option wraps onto indented under its text.

        Textual's `SelectionList.render_line` takes line y for option y, which holds only
        while every option is one line; this reads which option (and which of its lines) y
        is from the option list's own line map (`_lines`, Textual's private name;
        tests/test_library_internals.py fails if an upgrade drops it)."""
        line = OptionList.render_line(self, y)
        try:
            index, line_offset = self._lines[self.scroll_offset.y + y]
            option = self.get_option_at_index(index)
        except (IndexError, OptionDoesNotExist):
            return line  # past the last option: no box
        underlying = next(iter(line)).style or self.rich_style
        if line_offset:
            indent = " " * self._get_left_gutter_width()
            segments = [Segment(indent, underlying + Style(meta={"option": index})), *line]
            return Strip(segments)
        component = "selection-list--button"
        ticked = option.value in self._selected
        if ticked:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component) + Style(meta={"option": index})
        side = Style.from_color(button.bgcolor, underlying.bgcolor) + Style(meta={"option": index})
        return Strip(
            [
                Segment(Checkbox.BUTTON_LEFT, side),
                Segment(TICK if ticked else EMPTY, button),
                Segment(Checkbox.BUTTON_RIGHT, side),
                Segment(" ", underlying),
                *line,
            ]
        )


class TickBox(Checkbox):
    """A check box that shows an empty box when unticked."""

    @property
    def _button(self) -> Content:
        """Textual's box with its inner mark for the value (`_button` is Textual's private
        name; tests/tui/test_ticks.py fails if an upgrade stops using it)."""
        self.BUTTON_INNER = TICK if self.value else EMPTY
        return super()._button
