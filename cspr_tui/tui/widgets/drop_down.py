"""A drop-down list that fits where it opens: below its answer, or above it when there is
more room there, never over the key bar, over the answer itself or past its dialog's edge.

Textual's `Select` opens a list up to 12 lines tall below its answer and, when that runs
off the screen, slides it back up over the answer and the key bar; in a dialog it ran past
the dialog's bottom edge (the quarterly update's status at 80x24). Here the list is sized
and placed, as it opens, inside its room: the screen above the key bar, or the dialog's box
on a dialog. It opens below when it fits there or there is no more room above, else above.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widget import Widget

from cspr_tui.tui.widgets.choice_select import ChoiceSelect

MAX_LINES = 10  # a list longer than this scrolls
MIN_LINES = 3
KEY_BAR_LINES = 1


def list_room(widget: Widget) -> Region:
    """Where a list opened from `widget` may be drawn: the screen above the key bar and, on
    a dialog, inside the dialog's box (the screen's child that holds `widget`)."""
    screen = widget.screen
    room = Region(0, 0, screen.size.width, max(0, screen.size.height - KEY_BAR_LINES))
    if isinstance(screen, ModalScreen):
        box = next((node for node in widget.ancestors if node.parent is screen), None)
        if isinstance(box, Widget):
            room = room.intersection(box.content_region)
    return room


class DropDown(ChoiceSelect):
    """A `ChoiceSelect` whose list always fits between its answer and its room's edges."""

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded and self.is_mounted:
            answer = self.query_one("SelectCurrent").region
            room = list_room(self)
            below = room.bottom - answer.bottom
            above = answer.y - room.y
            overlay = self.query_one("SelectOverlay")
            lines = len(self._options) + overlay.styles.gutter.height
            downwards = lines <= below or below >= above
            height = max(MIN_LINES, min(MAX_LINES, lines, below if downwards else above))
            overlay.styles.max_height = height
            # The list is placed under its answer: moved up by its height and the answer's
            # to open above (Textual's `inflect` turns it over only at the screen's edge).
            overlay.styles.offset = (0, 0 if downwards else -(height + answer.height))
        super()._watch_expanded(expanded)
