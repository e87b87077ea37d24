"""Letters typed with a button focused, sent on to the box the cursor just left.

A burst of typing one Tab too far lands on a button, which drops letters without a sign;
the small dialogs and the form's entry buttons send them on to the box they were meant for.
"""

from __future__ import annotations

from textual.widgets import Input, TextArea


def type_on_in(box: Input | TextArea, character: str) -> None:
    """Put the cursor back in `box` and add `character` after what it holds, not over it."""
    box.screen.set_focus(box)
    if isinstance(box, TextArea):
        box.move_cursor(box.document.end)
        box.insert(character)
        return
    keep = box.select_on_focus
    box.select_on_focus = False  # focusing would select the text, and the letter replace it
    box.call_later(setattr, box, "select_on_focus", keep)
    box.cursor_position = len(box.value)
    box.insert_text_at_cursor(character)
