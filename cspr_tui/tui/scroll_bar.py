"""A scroller's vertical bar, shown before the layout that would find it was needed.

Textual learns that a scroller needs its bar only from laying it out; it then lays the
whole screen out again, one column narrower, and draws it all again: on a case tab with a
long record, or the recommendations list, one more layout and redraw of the screen per key
(tests/tui/test_layouts.py counts them). A caller that knows beforehand that the content is
taller than the scroller can be says so, and the first layout already has the bar.
"""

from __future__ import annotations

from textual.widget import Widget


def show_vertical_bar(scroller: Widget) -> None:
    """Show `scroller`'s vertical bar now, as `Widget._refresh_scrollbars` would after the
    next layout. Only for a scroller whose content will be taller than it: the layout
    keeps a bar it finds needed, and takes away (with a layout more) one it does not."""
    if scroller.styles.overflow_y != "auto" or scroller.show_vertical_scrollbar:
        return
    scroller.show_vertical_scrollbar = True
    scroller.vertical_scrollbar.display = True
