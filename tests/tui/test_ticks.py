"""A ticked box shows an X and an unticked one an empty box, not only another colour."""

from __future__ import annotations

from pathlib import Path

from cspr_tui.settings import Settings
from cspr_tui.tui.widgets.ticks import TickBox, TickList
from tests.tui.conftest import build_app, burst, new_referral, seed_vault, unlock, wait_for


def lines_of(widget: TickList) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.option_count)]


async def test_a_multiple_choice_marks_only_the_ticked_options(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+n", "ctrl+n")  # C. Children, its entry open
        form = app.screen
        status = form.editors["children[0].legal_status"].input
        assert isinstance(status, TickList)
        assert all(line.startswith("▐ ▌ ") for line in lines_of(status))
        status.focus()
        await burst(pilot, "down", "space")  # Child in need
        assert form.values["children"][0]["legal_status"] == ["Child in need"]
        shown = lines_of(status)
        assert shown[1].startswith("▐X▌ Child in need")
        assert [line[:3] for i, line in enumerate(shown) if i != 1] == ["▐ ▌"] * (len(shown) - 1)


async def test_a_check_box_shows_its_tick(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "r")  # the recommendations screen's Overdue filter
        box = app.screen.query_one("#filter-overdue", TickBox)
        assert str(box.render()).startswith("▐ ▌")
        box.value = True
        await pilot.pause()
        assert str(box.render()).startswith("▐X▌")


async def test_a_sentence_typed_on_a_tick_list_ticks_nothing_and_says_why(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand: a sentence meant for the next box, typed on a tick list after one Tab
    too many, unticked an agency with each of its spaces, with no sign."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+n", "ctrl+n")  # C. Children, its entry open
        form = app.screen
        status = form.editors["children[0].legal_status"].input
        status.focus()
        await burst(pilot, "down", "space")  # Child in need, ticked on purpose
        assert form.values["children"][0]["legal_status"] == ["Child in need"]
        await burst(pilot, *"her mother and partner")  # three spaces among the letters
        await pilot.pause()
        assert form.values["children"][0]["legal_status"] == ["Child in need"]
        assert status.selected == ["Child in need"]
        notices = [str(n.message) for n in app._notifications]
        assert sum("tick list" in notice for notice in notices) == 1  # once, not per letter
        # A Space on its own, after a pause, ticks as ever.
        status._typed_at = float("-inf")  # the pause, without waiting a second
        await burst(pilot, "down", "space")
        assert len(form.values["children"][0]["legal_status"]) == 2


async def test_a_tick_list_of_up_to_ten_options_shows_them_all(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand (the seventh run, 80x24): the child's "Legal or service status"
    showed 6 of its 7 options, "Unknown" only by scrolling inside the box; the referral's
    criteria, harm types and parallel processes have 10 each."""
    from tests.tui.test_form_steps import visible_lines

    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+n", "ctrl+n")  # C. Children, its entry open
        form = app.screen
        status = form.editors["children[0].legal_status"].input
        assert isinstance(status, TickList) and status.option_count == 7
        status.focus()
        await pilot.pause()
        assert status.scrollable_content_region.height >= status.option_count
        assert status.max_scroll_y == 0
        # On the screen itself, once the step has scrolled to the list (in its own time
        # on a loaded machine).
        options = [str(status.get_option_at_index(i).prompt) for i in range(7)]

        def all_shown() -> bool:
            shown = "\n".join(visible_lines(app, 80))
            return all(option in shown for option in options)

        await wait_for(pilot, all_shown, timeout=10.0)
        await burst(pilot, *["ctrl+n"] * 4)  # G. Why this should be reviewed
        criteria = form.editors["criteria"].input
        assert isinstance(criteria, TickList) and criteria.option_count == 10
        assert criteria.scrollable_content_region.height >= criteria.option_count
        assert criteria.max_scroll_y == 0


def options_as_shown(widget: TickList) -> list[str]:
    """Each option's words as the list draws them: its box's line and the lines under it
    (an option too long for the width goes on, indented, on the next)."""
    shown: list[str] = []
    for y in range(widget.scrollable_content_region.height):
        line = widget.render_line(y).text.rstrip()
        if line[:1] == "▐":
            shown.append(line[4:].strip())
        elif line.strip() and shown:
            assert line.startswith(" " * 4), f"not indented under its option: {line!r}"
            shown[-1] += " " + line.strip()
    return shown


async def test_a_long_option_wraps_whole_under_its_text(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand (the seventh run, 80x24): the referral's first criterion read "Serious
    child safeguarding case (abuse or neglect known or suspec…", its own words cut."""
    from tests.tui.test_form_steps import visible_lines

    async with new_referral(settings, vault_path) as (app, pilot):
        form = app.screen
        await burst(pilot, *["ctrl+n"] * 6)  # G. Why this should be reviewed
        criteria = form.editors["criteria"].input
        assert isinstance(criteria, TickList) and criteria.option_count == 10
        options = [str(criteria.get_option_at_index(i).prompt) for i in range(10)]
        assert max(len(option) for option in options) > criteria.size.width  # a long one
        criteria.focus()
        await pilot.pause()
        assert criteria.max_scroll_y == 0  # still all shown, none inside a scroll
        assert options_as_shown(criteria) == options  # every word, none cut
        assert "…" not in "".join(criteria.render_line(y).text for y in range(12))

        def on_screen() -> bool:
            shown = "\n".join(visible_lines(app, 80))
            return "Serious child safeguarding case" in shown and "harmed)" in shown

        await wait_for(pilot, on_screen, timeout=10.0)
        assert not any("…" in line for line in visible_lines(app, 80) if "▐" in line)
        # The keys still move and tick, the box on the first line of each option.
        await burst(pilot, "down", "space")
        assert form.values["criteria"] == [options[1]]
        assert criteria.render_line(0).text.startswith("▐ ▌ Serious")
        ticked = [criteria.render_line(y).text for y in range(12)]
        assert [line for line in ticked if line.startswith("▐X▌")] == [
            next(line for line in ticked if options[1][:20] in line)
        ]
