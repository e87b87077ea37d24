"""A drop-down for a long list whose type-to-search never lands on the blank prompt.

Textual's `Select` searches every option, the blank "Choose…" prompt included, so typing
"Ch" for "Children's social care" picked "Choose…" (an earlier match) and Enter left the
question unanswered. Its search also forgets what was typed after 0.7 s, which a busy
machine can exceed between two keys of one word. This overlay searches the real choices
only and keeps the typed word a little longer.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

SEARCH_KEEPS_FOR = 1.5  # seconds the typed word is kept after its last key


class ChoiceOverlay(SelectOverlay):
    """The open list: searches the choices, never the blank prompt above them."""

    def __init__(self, *, type_to_search: bool = True, blank_first: bool = True) -> None:
        super().__init__(type_to_search=type_to_search)
        self.blank_first = blank_first
        self._search_reset_delay = SEARCH_KEEPS_FOR

    def _find_search_match(self, query: str) -> int | None:
        """The choice holding `query` earliest in its words (the first such choice)."""
        query = query.casefold()
        first = 1 if self.blank_first else 0
        hits = [
            (found, index)
            for index in range(first, self.option_count)
            if (found := str(self.get_option_at_index(index).prompt).casefold().find(query)) >= 0
        ]
        return min(hits)[1] if hits else None


class ChoiceSelect(Select[str]):
    """`Select` with `ChoiceOverlay` as its list."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield ChoiceOverlay(
            type_to_search=self._type_to_search, blank_first=self._allow_blank
        ).data_bind(compact=Select.compact)
