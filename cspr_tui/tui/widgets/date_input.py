"""A date box that puts in its own slashes: 14032024 becomes 14/03/2024 as it is typed."""

from __future__ import annotations

from textual import on
from textual.widgets import Input

from cspr_tui.tui.widgets.line_input import LineInput


def auto_slash(text: str) -> str:
    """Digits typed without slashes, shown as DD/MM/YYYY so far (`1403` -> `14/03`).

    Text the reviewer gave slashes of their own (`1/3/2024`) is left as typed: the forms
    engine reads it; only the app's own slash pattern is redrawn, so backspace just works.
    """
    digits = text.replace("/", "")
    if not digits.isdigit() or len(digits) > 8:
        return text
    if "/" in text and not _is_own_pattern(text):
        return text
    parts = [digits[:2], digits[2:4], digits[4:]]
    return "/".join(part for part in parts if part)


def _is_own_pattern(text: str) -> bool:
    """Slashes exactly where `auto_slash` puts them (after two and four digits)."""
    pieces = text.split("/")
    return len(pieces) <= 3 and all(len(piece) == 2 for piece in pieces[:-1])


class DateInput(LineInput):
    """An `Input` for DD/MM/YYYY that formats itself while the cursor is at the end."""

    @on(Input.Changed)
    def _reformat(self, event: Input.Changed) -> None:
        if event.input is not self or self.cursor_position != len(self.value):
            return
        shown = auto_slash(self.value)
        if shown != self.value:
            self.value = shown
            self.cursor_position = len(shown)
