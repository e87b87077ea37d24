"""A long answer's box wraps at its width wherever on the step it was first laid out."""

from __future__ import annotations

from pathlib import Path

from cspr_tui.settings import Settings
from tests.tui.conftest import burst, new_referral, settle
from tests.tui.test_form_steps import visible_lines

WORDS = (
    "Jade, aged 10, was taken to hospital with a fractured arm and older bruising. Her "
    "mother's partner was arrested. School had recorded marks on her arms twice."
)


async def test_a_long_answer_below_the_fold_wraps_as_it_is_typed(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand at 80x24: in the referral's incident step, the description (laid out
    below the part of the step in view) showed a long answer as one line running off the
    box, the rest unseen; so did the reasons in "Why this should be reviewed". Textual
    sends such a box no Resize when a layout gives it its size after a scroll-only pass
    already placed it, so it stayed wrapped at width 0. Which pass comes first depends on
    timing, so the step is built afresh and typed into several times (without the fix
    the first try showed one line about half of the time, on a loaded machine)."""
    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        await burst(pilot, "y", "tab", "y", "ctrl+n", "ctrl+n", "ctrl+n")
        for attempt in range(4):
            if attempt:  # the step built afresh, the box laid out again
                form.step = 3
                await form.show_step(rebuild=True)
                await settle(pilot)
            area = form.editors["incident_description"].input
            area.focus()
            await burst(pilot, *WORDS)
            assert area.text == WORDS
            lines = visible_lines(app, 80)
            inside = [line.strip(" │▆▃▅▂▇▄▁") for line in lines if line.startswith(" │")]
            # Every word is on screen, over the box's three lines, none cut at its edge.
            assert WORDS in " ".join(part for part in inside if part)
            assert area.wrapped_document.height == 3
            form.values.pop("incident_description", None)
