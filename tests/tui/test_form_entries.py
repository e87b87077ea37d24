"""Required repeatable groups open with one blank entry, ready to type (issue 11).

A referral must name at least one child, a rapid review at least one agency: the reviewer
arriving at such a step types straight away, with no ctrl+o first. The blank entry is the
form's offer, not an answer: left untouched it is not saved.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.console import Console

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from tests.domain import case_values
from tests.tui.conftest import build_app, burst, new_referral, saved_store, seed_vault, unlock
from tests.tui.test_form_steps import visible_lines


async def to_children_step(pilot) -> FormScreen:
    """From the referral's first step to "C. Children" (a draft may be incomplete)."""
    await burst(pilot, "ctrl+n", "ctrl+n")
    form = pilot.app.screen
    assert isinstance(form, FormScreen) and form.section.id == "children"
    return form


async def test_a_required_group_opens_with_one_entry_the_cursor_in_it(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        form = await to_children_step(pilot)
        assert len(form.values["children"]) == 1
        assert app.focused is form.editors["children[0].name"].input
        # Typed straight away, in one burst with the keys that reached the step.
        await burst(pilot, *"Poppy", "tab", *"Pip")
        assert [row.get("name") for row in form.values["children"]] == ["Poppy"]
        assert form.values["children"][0].get("other_names") == "Pip"
        # ctrl+o now adds the second child, typed straight after it is mounted.
        await burst(pilot, "ctrl+o", *"Ivy")
        assert [row.get("name") for row in form.values["children"]] == ["Poppy", "Ivy"]
        await burst(pilot, "ctrl+s")
        ref = form.ref
    with saved_store(vault_path) as store:
        saved = store.get(ref).record("referral").values["children"]
        assert [row.get("name") for row in saved] == ["Poppy", "Ivy"]


async def test_the_steps_burst_typed_from_the_first_step_lands_in_the_opened_entry(
    settings: Settings, vault_path: Path
) -> None:
    """ctrl+n ctrl+n and the child's name in one burst: the step is built, its entry opened
    and focused before the name's first key is delivered."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, "ctrl+n", "ctrl+n", *"Rowan")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert [row.get("name") for row in form.values["children"]] == ["Rowan"]


async def test_ctrl_o_on_the_untouched_entry_goes_to_it_rather_than_adding_a_second(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        form = await to_children_step(pilot)
        app.screen.focus_next()  # away from the entry's first question
        await burst(pilot, "ctrl+o", *"Poppy")
        assert [row.get("name") for row in form.values["children"]] == ["Poppy"]


async def test_an_untouched_blank_entry_is_not_saved_and_is_offered_again(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (app, pilot):
        form = await to_children_step(pilot)
        assert form.values["children"] == [{}]
        await burst(pilot, "ctrl+s")
        ref = form.ref
        with saved_store(vault_path) as store:
            assert not store.get(ref).record("referral").values.get("children")
        # Reopened, the draft (saved on "C. Children") offers the blank entry again.
        await burst(pilot, "escape")
        await burst(pilot, "2", "e")  # the case's Referral tab, edit
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "children"
        assert form.values["children"] == [{}]
        assert app.focused is form.editors["children[0].name"].input


async def test_a_removed_blank_entry_stays_removed(settings: Settings, vault_path: Path) -> None:
    async with new_referral(settings, vault_path) as (_app, pilot):
        form = await to_children_step(pilot)
        await burst(pilot, "ctrl+r")
        assert form.values["children"] == []
        await burst(pilot, "ctrl+n", "ctrl+b")  # away and back: no new blank entry
        assert form.section.id == "children"
        assert form.values["children"] == []


async def test_a_group_that_is_not_required_opens_with_no_entry(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path) as (_app, pilot):
        form = await to_children_step(pilot)
        await burst(pilot, *"Poppy")
        ids = [s.id for s in form.sections()]
        form.step = ids.index("family")  # E. Family and significant others: optional
        await form.show_step()
        assert not form.values.get("family")
        await burst(pilot, "ctrl+o", *"Jade")  # added when there is one to add
        assert [row.get("name") for row in form.values["family"]] == ["Jade"]


def seed_referral_with_requests(store) -> None:
    from cspr_tui.domain.case import AgencyReportRequest

    ref = case_values.case_at_stage(store, "screening")
    for agency in ("Police", "Health visiting"):
        store.request_agency_report(ref, AgencyReportRequest(agency=agency, author="A. Author"))


async def test_a_group_carry_over_filled_gets_no_blank_entry(
    settings: Settings, vault_path: Path
) -> None:
    """The rapid review's agency rows come from the case; no empty row is added to them,
    while its other required groups (key practice episodes) open with their blank entry."""
    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "5", "e")
        form = app.screen
        assert isinstance(form, FormScreen)
        ids = [s.id for s in form.sections()]
        form.step = ids.index(form.form.section_of("agency_involvement").id)
        await form.show_step()
        rows = form.values["agency_involvement"]
        assert rows and all(row.get("agency") for row in rows)
        form.step = ids.index(form.form.section_of("key_practice_episodes").id)
        await form.show_step()
        assert len(form.values["key_practice_episodes"]) == 1


def seed_rapid_review(store) -> None:
    case_values.case_at_stage(store, "rapid_review")


async def test_tab_from_the_question_above_goes_into_the_opened_entry(
    settings: Settings, vault_path: Path
) -> None:
    """Found driving the journey by hand: in "Learning and actions", Tab from "Good
    practice" stopped on the opened entry's Remove button, and the learning point typed
    next was lost there. An entry's buttons are no Tab stops (ctrl+r, alt+up/down and the
    mouse still work them)."""
    seed_vault(vault_path, seed_rapid_review)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "5", "e")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.step = [s.id for s in form.sections()].index("learning")
        await form.show_step()
        assert app.focused is form.editors["good_practice"].input
        await burst(pilot, *"Quick strategy meeting", "tab", *"Bruising not shared", "tab")
        await burst(pilot, "space", "tab", *"in", "tab")
        row = form.values["learning"][0]
        assert form.values["good_practice"] == "Quick strategy meeting"
        assert row["point"] == "Bruising not shared"
        assert row["agencies"] and row["theme"] == "Information sharing"
        # ctrl+r still removes the entry holding the focus.
        form.editors["learning[0].point"].input.focus()
        await burst(pilot, "ctrl+r")
        assert form.values["learning"] == []


async def test_a_closed_entry_with_only_a_long_answer_shows_its_start(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand in the review's findings: a finding typed and ctrl+o pressed closed
    it as "Finding 1 (empty)" while it held the text (long answers were left out of the
    summary, and a finding has nothing else), which invites typing it again. The closed
    entry now shows the start of its answer, cut with an ellipsis where the line ends."""
    from cspr_tui.tui.widgets.form_field import RepeatRow
    from tests.tui.test_carry_over import open_form, seed_lcspr_decided

    first = "Police graded domestic incidents without asking about the children."
    second = "Health visitors had no route to tell social care about missed visits."
    seed_vault(vault_path, seed_lcspr_decided)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "7")
        form.step = next(i for i, s in enumerate(form.sections()) if s.id == "outputs")
        await form.show_step()
        await burst(pilot, "ctrl+o", *first, "ctrl+o", *second, "ctrl+o")
        pane = form.pane
        assert pane is not None
        titles = [str(row.query_one(".row-title").render()) for row in pane.query(RepeatRow)]
        assert titles[0].startswith("Finding 1: Police graded"), titles
        assert titles[1].startswith("Finding 2: Health visitors"), titles
        assert [row.get("finding") for row in form.values["findings"][:2]] == [first, second]
        drawn = [line for line in visible_lines(app, 80) if "Finding 1" in line]
        assert drawn and "Finding 1: Police graded" in drawn[0] and "…" in drawn[0]
        assert "Edit" in drawn[0]


def notices(app) -> list[str]:
    return [str(notice.message) for notice in app._notifications]


async def test_letters_typed_on_an_add_button_go_into_the_box_just_left(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand (the seventh run): letters typed on a form's "Add ..." button, one Tab
    past the entry's last box, were dropped without a sign. They now go on in the box the
    cursor just left, as in the small dialogs, and nothing else changes."""
    import copy

    from textual.widgets import Button

    async with new_referral(settings, vault_path) as (app, pilot):
        form = await to_children_step(pilot)
        gp = form.editors["children[0].gp"].input
        gp.focus()
        await burst(pilot, *"Dr Patel", "tab")
        assert isinstance(app.focused, Button) and app.focused.has_class("row-add")
        before = copy.deepcopy(form.values)
        await burst(pilot, *" at Hill Surgery, Leeds")
        assert app.focused is gp
        assert form.values["children"][0]["gp"] == "Dr Patel at Hill Surgery, Leeds"
        before["children"][0]["gp"] = "Dr Patel at Hill Surgery, Leeds"
        assert form.values == before  # no entry added, no other answer touched
        assert [n for n in notices(app) if "Add child" in n] == [  # once, saying where
            'Letters typed on the Add child button were put in "GP practice", the box you '
            "had just left. On the button, Enter adds an entry and Tab goes on to the next "
            "question."
        ]


async def test_letters_typed_on_an_add_button_after_a_drop_down_are_refused_with_a_word(
    settings: Settings, vault_path: Path
) -> None:
    """The seventh run's own slip: the learning point's theme (a drop-down), Tab, and the
    action's words typed on "Add learning point". Letters cannot go back into a drop-down
    (they would search it and change the theme), so they are refused with a notice."""
    import copy

    from textual.widgets import Button

    seed_vault(vault_path, seed_rapid_review)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "5", "e")
        form = app.screen
        assert isinstance(form, FormScreen)
        form.step = [s.id for s in form.sections()].index("learning")
        await form.show_step()
        await burst(pilot, "tab", *"Bruising not shared", "tab", "space", "tab", *"in", "tab")
        assert form.values["learning"][0]["theme"] == "Information sharing"
        assert isinstance(app.focused, Button) and app.focused.has_class("row-add")
        before = copy.deepcopy(form.values)
        await burst(pilot, *"Agree a route for bruising")
        assert form.values == before
        said = [n for n in notices(app) if "Add learning point" in n]
        assert said == [
            "Letters typed on the Add learning point button were not kept: press Enter to "
            "add an entry, or Tab to the next question."
        ]


async def test_letters_typed_on_an_add_button_go_on_in_the_long_answer_just_left(
    settings: Settings, vault_path: Path
) -> None:
    """The same for a long answer: a chronology event's "What happened", then Tab."""
    from textual.widgets import Button

    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, *["ctrl+n"] * 6, "ctrl+o")  # G., a chronology event opened
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "why_review"
        event = form.editors["chronology[0].event"].input
        event.focus()
        await burst(pilot, *"Seen", "tab")
        assert isinstance(app.focused, Button) and str(app.focused.label) == "Add event"
        await burst(pilot, *" by the GP")
        assert app.focused is event
        assert [row.get("event") for row in form.values["chronology"]] == ["Seen by the GP"]


async def test_adding_entries_in_a_burst_never_draws_the_step_blank(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand (the seventh run, 80x24): read during a burst typing three agencies
    (each added with ctrl+o), the screen showed the title, the step line and the key bar,
    the form between them blank. Each ctrl+o builds the step again, and the old step was
    removed (and the screen drawn without it) before the new one was built and mounted:
    a third of a second blank on each entry added. Every frame drawn is looked at here."""
    async with new_referral(settings, vault_path) as (app, pilot):
        await burst(pilot, *["ctrl+n"] * 5)
        form = app.screen
        assert isinstance(form, FormScreen) and form.section.id == "agencies"
        drawn: list[list[str]] = []
        draw = form._compositor_refresh  # Textual's: the one place a screen is drawn

        def draw_and_keep() -> None:
            draw()
            console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
            console.print(form._compositor.render_update(full=True))
            drawn.append(console.export_text().splitlines())

        form._compositor_refresh = draw_and_keep  # type: ignore[method-assign]
        names = ["Sam Jones", "Ann Lee", "Bob Roe", "Kim Poe", "Lee Fox"]
        keys = [key for name in names for key in ("ctrl+o", "tab", *name)]
        await burst(pilot, *keys)
        assert form.values["agencies"][-1]["contact_name"] == "Lee Fox"
        assert drawn, "nothing was drawn"
        blank = [i for i, lines in enumerate(drawn) if not "".join(lines[2:-1]).strip()]
        assert blank == [], f"{len(blank)} of {len(drawn)} frames drawn with the step blank"
        assert "Lee Fox" in "\n".join(drawn[-1])  # and the last frame drawn is up to date
        assert "Lee Fox" in "\n".join(visible_lines(app, 80))
