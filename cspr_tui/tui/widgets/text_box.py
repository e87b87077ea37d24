"""A long answer's box that wraps at its real width, wherever on the step it was first laid out.

Textual's TextArea wraps its text when it gets a `Resize`. A box laid out below the visible
part of a step gets its size in that layout but no `Resize` (Textual sends one only to the
widgets in view, and when the box is scrolled into view its size has not changed, so none
comes then either): it stayed wrapped at width 0, and a long answer typed into it showed as
one line running off the box's right edge (the referral's description of what happened, the
reasons, the concerns). The box now wraps again whenever its width changes, Resize or not.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import TextArea


class TextBox(TextArea):
    """A soft-wrapped TextArea that wraps again whenever its width is not the one it last
    wrapped at."""

    _wrapped_at = -1  # the width the text was last wrapped at

    def _rewrap_and_refresh_virtual_size(self) -> None:
        # Textual's private method, the one its Resize handler calls
        # (tests/tui/test_text_box.py fails if the wrapping goes wrong again).
        self._wrapped_at = self.wrap_width
        super()._rewrap_and_refresh_virtual_size()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual's private hook, called for every widget of a layout, in view or not.
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if self.wrap_width != self._wrapped_at:
            self.call_later(self._rewrap_if_needed)
        return changed

    def _rewrap_if_needed(self) -> None:
        if self.wrap_width != self._wrapped_at:
            self._rewrap_and_refresh_virtual_size()
