"""A drop-down for a long list whose type-to-search never lands on the blank prompt.

Textual's `Select` searches every option, the blank "Choose…" prompt included, so typing
"Ch" for "Children's social care" picked "Choose…" (an earlier match) and Enter left the
question unanswered. Its search also forgets what was typed after 0.7 s, which a busy
machine can exceed between two keys of one word. This overlay searches the real choices
only and keeps the typed word a little longer.

A letter typed on the closed list was dropped without a sign (only Enter or an arrow opened
it), so "Po" then Tab for Police left the question blank: a letter now opens the list at the
first choice holding it, and Enter takes it.

A command key pressed on a list opened by typing ("In" then ctrl+s in the quarterly update)
saved the old choice: the command ran with the list still open. `take_typed_choice` lets
the app take the choice the letters found first, as Tab does.
"""

from __future__ import annotations

from textual import events, on
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
        self._seeded = False  # the list opened on a typed letter: its focus keeps the word

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

    def watch_has_focus(self, value: bool) -> None:
        """Taking the focus clears the typed word, except the letter that opened the list
        (the focus arrives after it, as a message)."""
        word, seeded = self._search_query, self._seeded
        self._seeded = False
        super().watch_has_focus(value)
        if value and seeded:
            self._search_query = word

    def search_for(self, character: str) -> None:
        """Add `character` to the typed word and highlight the first choice holding it."""
        self._seeded = not self.has_focus
        self._search_query += character
        self._search_reset_timer.reset()
        index = self._find_search_match(self._search_query)
        if index is not None:
            self.select(index)


def compact_like(overlay: SelectOverlay, select: Select) -> SelectOverlay:
    """The list, made as compact as its `Select` before it is mounted, then bound to it.

    Textual's `Select` binds its list's `compact` to its own: the binding sets it once the
    list is mounted, which adds a class and so restyles the list there and then (a list of
    a thousand reviews costs about 10 ms, four filters of the recommendations screen over
    20). Set before mounting, the class is there when the list is first styled, and the
    binding then changes nothing."""
    overlay.compact = select.compact
    return overlay.data_bind(compact=Select.compact)


class CompactSelect(Select[str]):
    """Textual's `Select`, its list styled once (`compact_like`)."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield compact_like(SelectOverlay(type_to_search=self._type_to_search), self)


class ChoiceSelect(Select[str]):
    """`Select` with `ChoiceOverlay` as its list."""

    _typed_open = False  # the open list was opened by a letter: Tab takes its choice

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield compact_like(
            ChoiceOverlay(type_to_search=self._type_to_search, blank_first=self._allow_blank),
            self,
        )

    @staticmethod
    def _opens_on(event: events.Key) -> bool:
        """A letter or digit (Space already opens the list, as Enter does)."""
        return bool(event.is_printable and event.character and not event.character.isspace())

    async def _on_key(self, event: events.Key) -> None:
        """A letter typed on the closed list opens it and starts the search with it."""
        # `app.focused`, not `has_focus`: that follows a Focus message, which a key typed
        # straight after Tab can overtake.
        if self.app.focused is not self or self.expanded or not self._type_to_search:
            return  # a key bubbling up from the open list, or no search at all
        if not self._opens_on(event):
            return
        event.stop()
        event.prevent_default()
        self.action_show_overlay()
        self._typed_open = True
        overlay = self.query_one(ChoiceOverlay)
        # At once (`focus()` waits its turn, and taking the focus clears the typed word),
        # so the next letter, already on its way, reaches the open list and adds to it.
        self.screen.set_focus(overlay, scroll_visible=False)
        overlay.search_for(event.character or "")

    @on(SelectOverlay.Dismiss)
    def _take_typed_choice(self, event: SelectOverlay.Dismiss) -> None:
        """Tab out of a list opened by typing takes the choice the letters found, as a
        reviewer who types "Po" then Tab expects (Escape still leaves it unchanged)."""
        typed, self._typed_open = self._typed_open, False
        if not (typed and event.lost_focus):
            return
        overlay = self.query_one(ChoiceOverlay)
        first = 1 if self._allow_blank else 0
        index = overlay.highlighted
        if index is not None and index >= first and index < len(self._options):
            self.value = self._options[index][1]


def take_typed_choice(focused: object) -> bool:
    """If `focused` is the open list of a `ChoiceSelect` opened by typing, take the choice
    its letters found and close it (as Tab would); True when a choice was taken."""
    if not isinstance(focused, ChoiceOverlay):
        return False
    select = focused.parent
    if not isinstance(select, ChoiceSelect) or not (select._typed_open and select.expanded):
        return False
    select._typed_open = False
    first = 1 if select._allow_blank else 0
    index = focused.highlighted
    taken = index is not None and first <= index < len(select._options)
    if taken:
        select.value = select._options[index][1]
    select.expanded = False
    select.screen.set_focus(select, scroll_visible=False)
    return taken
