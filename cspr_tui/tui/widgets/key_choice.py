"""A short list of choices answered with one key: `y` for Yes, `n` for No, `2` for the second.

A drop-down costs three keys (open, move, pick) and spills over the screen; yes/no and
lists of up to five choices are shown in full on one line instead, each with its key.
Letters typed in one quick run (each within `WORD_GAP` of the one before) are read as the
start of a choice's word, as on a drop-down: "In" keeps "In progress" (its key, then the
word going on), where the "n" alone would pick "Not started". A key pressed after a pause,
or after an arrow or Backspace, is a key again: "u", then "n" a moment later, is No.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

MAX_KEYED_CHOICES = 5  # longer lists stay drop-downs (type to search)
WORD_GAP = 0.25  # seconds between two letters of one typed word (a correction comes later)
SHORT_WORD = 3  # a label's last word this short is never left alone on a line


def label_words(label: str) -> list[str]:
    """A choice's words, the places its line may break between them; a short last word
    ("8)", "Act") stays with the one before it. Left to the terminal's wrapping, "(Data
    Protection Act 2018, Schedule 8)" put "8)" alone on a line once a scroll bar took a
    column (a no-break space does not help: Textual and Rich both break at any space)."""
    words = label.split()
    if len(words) >= 2 and len(words[-1]) <= SHORT_WORD:
        words[-2:] = [f"{words[-2]} {words[-1]}"]
    return words


def hotkeys(choices: Sequence[str]) -> list[str]:
    """Each choice's key: its first letter when no other choice shares it, else its number."""
    firsts = [c[:1].casefold() for c in choices]
    keys = []
    for index, first in enumerate(firsts):
        unique = first.isalpha() and firsts.count(first) == 1
        keys.append(first if unique else str(index + 1))
    return keys


class KeyChoice(Widget, can_focus=True):
    """One line of choices; its key (or the arrows) picks one, backspace clears it."""

    DEFAULT_CSS = """
    KeyChoice {
        height: auto;
        width: 1fr;
        padding: 0 1;
        background: $boost;
    }
    KeyChoice:focus {
        background: $primary 30%;
        text-style: none;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous choice", show=False),
        Binding("right", "move(1)", "Next choice", show=False),
        Binding("backspace,delete", "clear", "Clear", show=False),
    ]

    class Changed(Message):
        """The answer changed (None when cleared)."""

        def __init__(self, choice: KeyChoice, value: str | None) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> KeyChoice:
            return self.choice

    def __init__(
        self, choices: Sequence[str], value: str | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.choices = tuple(choices)
        self.keys = hotkeys(self.choices)
        self.value = value if value in self.choices else None
        self._typed = ""  # the letters typed one after another (kept for SEARCH_KEEPS_FOR)
        self._typed_at = 0.0

    def render(self) -> Text:
        return self._laid_out(self.content_size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._laid_out(width).split("\n")) if width else 0

    def _laid_out(self, width: int) -> Text:
        """The choices, a line broken between two of them, or inside a choice too long for
        a line only between its words (`label_words`): Rich's own wrapping broke a choice
        from its key ("( ) o" on one line, "Outside England" on the next) and left a
        short last word alone ("8)")."""
        text = Text()
        used = 0
        for index, (choice, key) in enumerate(zip(self.choices, self.keys, strict=True)):
            cells = 4 + cell_len(key) + 1 + cell_len(choice)
            if index:
                if width and used + 3 + cells > width:
                    text.append("\n")
                    used = 0
                else:
                    text.append("   ")
                    used += 3
            picked = choice == self.value
            style = "bold reverse" if picked else ""
            text.append("(•) " if picked else "( ) ", style="bold" if picked else "")
            text.append(f"{key} ", style="bold underline")
            used += 4 + cell_len(key) + 1
            for number, word in enumerate(label_words(choice)):
                if number and width and used + 1 + cell_len(word) > width:
                    text.append("\n")
                    used = 0
                elif number:
                    text.append(" ", style=style)
                    used += 1
                text.append(word, style=style)
                used += cell_len(word)
        return text

    def pick(self, value: str | None) -> None:
        if value == self.value:
            return
        self.value = value
        self.refresh(layout=True)
        self.post_message(self.Changed(self, value))

    def on_key(self, event: events.Key) -> None:
        """A choice's key picks it; a letter straight after picks the first choice holding
        the letters so far, as a drop-down's do, and when none holds them it is a key of
        its own again."""
        character = (event.character or "").casefold()
        now = event.time  # when the key was read, however late it is handled
        going_on = bool(self._typed) and now - self._typed_at <= WORD_GAP
        if character == " " and going_on:
            event.stop()  # a word of two ("in p"): the next letter goes on from it
            self._typed, self._typed_at = self._typed + " ", now
            return
        if not character.isalnum():
            self._typed = ""  # an arrow, Backspace, Tab: the next letter is a key again
            return
        typed = self._typed + character if going_on else ""
        found = self._starting(typed) if len(typed) > 1 else None
        if found is None:
            typed, found = character, self._keyed(character)
        if found is None:
            return
        event.stop()
        event.prevent_default()
        self._typed, self._typed_at = typed, now
        self.pick(self.choices[found])

    def _starting(self, typed: str) -> int | None:
        """The first choice with a word starting with `typed` ("in p" starts "In
        progress"; "nk" starts no word of "Unknown")."""
        for index, choice in enumerate(self.choices):
            label = choice.casefold()
            if any(
                label.startswith(typed, at)
                for at in range(len(label))
                if at == 0 or not label[at - 1].isalnum()
            ):
                return index
        return None

    def _keyed(self, character: str) -> int | None:
        """The choice whose key (or number) `character` is."""
        for index, key in enumerate(self.keys):
            if character == key or (character.isdigit() and character == str(index + 1)):
                return index
        return None

    def on_blur(self) -> None:
        self._typed = ""  # (a word is typed on one question)

    def action_move(self, delta: int) -> None:
        self._typed = ""  # (the next letter is a key again)
        index = self.choices.index(self.value) if self.value in self.choices else -1
        if index < 0:
            index = 0 if delta > 0 else len(self.choices) - 1
        else:
            index = (index + delta) % len(self.choices)
        self.pick(self.choices[index])

    def action_clear(self) -> None:
        self._typed = ""
        self.pick(None)
