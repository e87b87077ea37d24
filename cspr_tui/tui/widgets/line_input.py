"""A one-line answer box whose typing never lays the whole screen out again.

Textual's `Input` sets its virtual size to the length of its text on every change, and a
new virtual size asks for a layout of the whole screen: in a form step of 180 widgets that
was a whole layout (about 25 ms) for every letter typed, so a burst of 68 letters took two
seconds to appear. The box's own size is fixed by the stylesheet; its text's length only
moves its own horizontal scrolling, which reads the virtual size directly.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input


class LineInput(Input):
    """Textual's `Input`, without the whole layout its virtual size asks for as it changes
    (a box sized by its text, `width: auto`, still asks: Textual does that itself)."""

    def _watch_value(self, value: str) -> None:
        # `_watch_value` is Textual's own watcher and `Reactive._layout` its private flag
        # (widgets/form_field.py's `AnswerArea` does the same; tests/test_library_internals.py
        # fails loudly if either goes).
        virtual_size = Widget.virtual_size
        layout = virtual_size._layout
        virtual_size._layout = False
        try:
            super()._watch_value(value)
        finally:
            virtual_size._layout = layout
