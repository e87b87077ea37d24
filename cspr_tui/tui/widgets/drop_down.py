"""A drop-down list that fits where it opens: below its answer, or above it when there is
more room there, never over the key bar or over the answer itself.

Textual's `Select` opens a list up to 12 lines tall below its answer and, when that runs
off the screen, slides it back up over the answer and the key bar. Here the list is sized,
as it opens, to the larger of the room below (down to the key bar) and the room above, and
app.tcss lets it open upwards (`constrain: inside inflect`) when it does not fit below.
"""

from __future__ import annotations

from cspr_tui.tui.widgets.choice_select import ChoiceSelect

MAX_LINES = 10  # a list longer than this scrolls
KEY_BAR_LINES = 1


class DropDown(ChoiceSelect):
    """A `ChoiceSelect` whose list always fits between its answer and the screen's edges."""

    def _watch_expanded(self, expanded: bool) -> None:
        if expanded and self.is_mounted:
            answer = self.query_one("SelectCurrent").region
            height = self.screen.size.height
            below = height - KEY_BAR_LINES - answer.bottom
            above = answer.y
            overlay = self.query_one("SelectOverlay")
            overlay.styles.max_height = max(3, min(MAX_LINES, max(below, above)))
        super()._watch_expanded(expanded)
