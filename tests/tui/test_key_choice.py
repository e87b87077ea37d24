"""Short choice lists answered with one key."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.widgets.key_choice import KeyChoice, hotkeys, label_words
from tests.tui.conftest import burst, new_referral


def test_hotkeys_are_first_letters_unless_shared() -> None:
    assert hotkeys(["Yes", "No", "Unknown"]) == ["y", "n", "u"]
    assert hotkeys(["Police", "Probation", "Health"]) == ["1", "2", "h"]


class OneChoice(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield KeyChoice(["Yes", "No", "Unknown"], id="choice")

    def on_key_choice_changed(self, event: KeyChoice.Changed) -> None:
        self.seen.append(event.value)


async def test_one_key_picks_arrows_move_backspace_clears() -> None:
    app = OneChoice()
    async with app.run_test() as pilot:
        choice = app.query_one(KeyChoice)
        choice.focus()
        await pilot.press("n")
        assert choice.value == "No"
        await pilot.press("right")
        assert choice.value == "Unknown"
        await pilot.press("1")  # numbers work too
        assert choice.value == "Yes"
        await pilot.press("backspace")
        assert choice.value is None
        await pilot.press("x")  # not a choice's key: nothing happens
        assert choice.value is None
        assert app.seen == ["No", "Unknown", "Yes", None]
        assert "Yes" in str(choice.render())


class StatusChoice(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyChoice(["Not started", "In progress", "Completed"], id="choice")


async def test_letters_typed_one_after_another_are_read_as_a_word() -> None:
    """Found in the ninth hand run: "In" typed on a status picked "In progress", then
    "Not started" (its "n" taken as that choice's key), with no sign. Letters typed one
    after another now go on from the choice they picked, as on a drop-down; a letter
    that goes on from nothing is a key again, as is one typed after a pause."""
    app = StatusChoice()
    async with app.run_test() as pilot:
        choice = app.query_one(KeyChoice)
        choice.focus()
        await pilot.press(*"In")
        assert choice.value == "In progress"
        await pilot.press(*" prog")  # (a space is no letter: the word goes on after it)
        assert choice.value == "In progress"
        await pilot.press("c")  # "in progc" is in no choice: "c" is Completed's key
        assert choice.value == "Completed"
        choice._typed_at -= 10  # a pause (key times are when each key was read)
        await pilot.press("n")
        assert choice.value == "Not started"
        await pilot.press(*"ot s")
        assert choice.value == "Not started"
        # Only the start of a choice's word: "nk" is inside "Unknown", so "k" is a key.
        # And an arrow or Backspace ends the word: the letter after it is a key again.
        yes_no = KeyChoice(["Known", "Suspected", "Not suspected", "Unknown"], id="other")
        await app.mount(yes_no)
        yes_no.focus()
        await pilot.press("n", "k")
        assert yes_no.value == "Known"
        await pilot.press("s", "left", "u")
        assert yes_no.value == "Unknown"
        await pilot.press("backspace", "n")
        assert yes_no.value == "Not suspected"


class NarrowChoice(App[None]):
    CHOICES = ("England", "Wales", "Scotland", "Northern Ireland", "Outside England")

    def compose(self) -> ComposeResult:
        yield KeyChoice(self.CHOICES, id="choice")


async def test_a_line_breaks_only_between_two_choices() -> None:
    """Found by hand at 80x24: "( ) o" ended one line and "Outside England" began the next,
    so the key no longer stood beside its choice."""
    app = NarrowChoice()
    async with app.run_test(size=(50, 10)) as pilot:
        await pilot.pause()
        choice = app.query_one(KeyChoice)
        lines = [
            "".join(segment.text for segment in line).rstrip()
            for line in choice.render_lines(choice.region.reset_offset)
        ]
        drawn = [line.strip() for line in lines if line.strip()]
        assert len(drawn) == choice.size.height >= 2
        keys = hotkeys(NarrowChoice.CHOICES)
        for key, name in zip(keys, NarrowChoice.CHOICES, strict=True):
            assert any(f"( ) {key} {name}" in line for line in drawn), (name, drawn)
        assert all(len(line) <= choice.size.width for line in lines)


def drawn_lines(choice: KeyChoice) -> list[str]:
    """The choice's lines as drawn on screen (its border and padding included)."""
    return [
        "".join(segment.text for segment in line).rstrip()
        for line in choice.render_lines(choice.region.reset_offset)
    ]


async def test_a_long_choice_keeps_its_short_last_word_with_the_one_before(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand (the seventh run, 80x24): once the family's details box and a scroll
    bar had appeared, the sharing basis read "(•) 2 Safeguarding children at risk (Data
    Protection Act 2018, Schedule" with "8)" alone on the next line."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, *["ctrl+n"] * 8)  # I. Consent and information sharing
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "consent"
        await burst(pilot, "y")  # the family was told: its details box appears
        assert form.query_one("#form-fields").show_vertical_scrollbar
        choice = form.editors["sharing_basis"].input
        assert isinstance(choice, KeyChoice)
        lines = drawn_lines(choice)
        words = [line.lstrip("▎ ").split() for line in lines if line.lstrip("▎ ")]
        assert len(words) == choice.size.height, lines
        assert not any(len(line) == 1 and len(line[0]) <= 3 for line in words), lines
        assert any(line[-2:] == ["Schedule", "8)"] for line in words), lines
        assert all(len(line) <= choice.region.width for line in lines), lines


def test_only_a_short_last_word_is_kept_with_the_one_before() -> None:
    assert label_words("Data Protection Act 2018, Schedule 8)") == [
        *["Data", "Protection", "Act", "2018,"],
        "Schedule 8)",
    ]
    assert label_words("Public task (UK GDPR Article 6(1)(e))") == [
        *["Public", "task", "(UK", "GDPR", "Article", "6(1)(e))"]
    ]
    assert label_words("Other") == ["Other"]
    assert label_words("Act now") == ["Act now"]
