"""A drop-down for a long list whose type-to-search never lands on the blank prompt.

Textual's `Select` searches every option, the blank "Choose…" prompt included, so typing
"Ch" for "Children's social care" picked "Choose…" (an earlier match) and Enter left the
question unanswered. Its search also forgets what was typed after 0.7 s, which a busy
machine can exceed between two keys of one word. This overlay searches the real choices
only and keeps the typed word a little longer.

A letter typed on the closed list was dropped without a sign (only Enter or an arrow opened
it), so "Po" then Tab for Police left the question blank. Opening the list on the letter
(sessions 7-9) then left a list open that needed Enter or Tab to take, drawn past the edge
of a small dialog ("In" on the quarterly update's status, session 14). Letters typed on the
closed list now pick the first choice holding them where it stands and the list stays shut;
Tab or Enter moves on, Escape puts back the answer they replaced. Enter, Space or an arrow
on a list not typed on open it to look through.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from textual import events
from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

SEARCH_KEEPS_FOR = 1.5  # seconds the typed word is kept after its last key


def first_holding(prompts: Sequence[str], word: str) -> int | None:
    """The index of the prompt holding `word` earliest in its words (the first such prompt),
    case aside; None when none holds it."""
    word = word.casefold()
    hits = [
        (found, index)
        for index, prompt in enumerate(prompts)
        if (found := prompt.casefold().find(word)) >= 0
    ]
    return min(hits)[1] if hits else None


class ChoiceOverlay(SelectOverlay):
    """The open list: searches the choices, never the blank prompt above them."""

    def __init__(self, *, type_to_search: bool = True, blank_first: bool = True) -> None:
        super().__init__(type_to_search=type_to_search)
        self.blank_first = blank_first
        self._search_reset_delay = SEARCH_KEEPS_FOR

    def _find_search_match(self, query: str) -> int | None:
        first = 1 if self.blank_first else 0
        prompts = [
            str(self.get_option_at_index(index).prompt) for index in range(first, self.option_count)
        ]
        found = first_holding(prompts, query)
        return None if found is None else found + first


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
    """`Select` with `ChoiceOverlay` as its list; letters typed on it closed pick a choice."""

    _typed = ""  # the word typed on the closed list, kept for SEARCH_KEEPS_FOR
    _typed_at = 0.0
    _before_letters: object = None  # the answer the letters replaced, until Escape or leaving

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield compact_like(
            ChoiceOverlay(type_to_search=self._type_to_search, blank_first=self._allow_blank),
            self,
        )

    async def _on_key(self, event: events.Key) -> None:
        """A letter typed on the closed list adds to the typed word and picks the first
        choice holding it ("in p": In progress), the list left shut. After letters, Enter
        takes their choice and moves on, as Tab does, and Escape puts back the answer
        they replaced."""
        # `app.focused`, not `has_focus`: that follows a Focus message, which a key typed
        # straight after Tab can overtake.
        if self.app.focused is not self or self.expanded or not self._type_to_search:
            return  # a key bubbling up from the open list, or no search at all
        now = time.monotonic()
        if now - self._typed_at > SEARCH_KEEPS_FOR:
            self._typed = ""
        character = event.character or ""
        letters = self._before_letters is not None  # letters picked since the focus came
        if event.key in ("enter", "escape") and letters:
            if event.key == "escape":
                self.value = self._before_letters
            self._before_letters, self._typed = None, ""
            if event.key == "enter":
                self.screen.focus_next()
        elif event.key == "space" and self._typed:
            self._typed += " "  # a word of two ("in p"): the next letter picks on from it
        elif event.is_printable and character and not character.isspace():
            self._pick_holding(character)
        else:
            return  # Space, Enter and the arrows open the list, as in Textual's `Select`
        event.stop()
        event.prevent_default()
        self._typed_at = now

    def _pick_holding(self, character: str) -> None:
        """Pick the first choice holding the typed word and `character` after it, or else
        `character` alone (a new word); nothing holds either: the answer stays."""
        index = self._choice_holding(self._typed + character)
        if index is None and self._typed:
            index = self._choice_holding(character)
            if index is not None:
                self._typed = ""
        if index is None:
            return
        self._typed += character
        if self._before_letters is None:
            self._before_letters = self.value
        self.value = self._choices()[index][1]

    def _on_blur(self, event: events.Blur) -> None:
        self._before_letters = None  # left (or opened to look through): the letters stand

    def _choices(self) -> list[tuple[object, str]]:
        """The real choices, without the blank prompt."""
        first = 1 if self._allow_blank else 0
        return [(prompt, str(value)) for prompt, value in self._options[first:]]

    def _choice_holding(self, word: str) -> int | None:
        return first_holding([str(prompt) for prompt, _ in self._choices()], word)
