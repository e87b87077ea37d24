"""Typing in a form costs the key, not a layout of the whole step.

Found in the ninth hand run: 68 letters sent at once into a referral answer took 4-8 s to
appear on a quiet machine. Textual's one-line box asked for a whole layout of the screen
for every letter (its text's length is its virtual size), about 25 ms a key in a step of
180 widgets. These tests watch `Screen._refresh_layout`, the door every whole layout goes
through.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen

from cspr_tui.settings import Settings
from cspr_tui.tui.widgets.line_input import LineInput
from tests.tui.conftest import burst, new_referral


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[Screen]:
    seen: list[Screen] = []
    real = Screen._refresh_layout

    def watched(self, size=None, scroll: bool = False) -> None:
        if not scroll:
            seen.append(self)
        real(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", watched)
    return seen


async def test_letters_typed_in_a_one_line_answer_lay_nothing_out(
    settings: Settings, vault_path: Path, layouts: list[Screen]
) -> None:
    text = "Dr Talan Hocking, general practitioner at the fictional Quay Surgery, Porthallow"
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+n")  # the referrer's step: one-line answers
        box = app.focused
        assert isinstance(box, LineInput)
        layouts.clear()
        await burst(pilot, *text)
        assert box.value == text
        assert layouts == []
        # Longer than the box: scrolled to its end, the cursor after the last letter, as
        # Textual's own box is (its virtual size still follows the text).
        assert len(text) > box.content_size.width
        assert box.virtual_size.width == len(text) + 1
        assert box.scroll_x == box.max_scroll_x > 0
