"""Keys sent in one burst, faster than the app can handle them, land where the cursor is.

`burst` queues every key before the app handles the first, as a terminal does when the
reviewer types ahead of a slow screen: Tab, Enter, ctrl+o (a new entry is mounted) and
ctrl+n (a new step is built) must each take effect before the next key is delivered.
"""

from __future__ import annotations

from pathlib import Path

from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from tests.tui.conftest import build_app, burst, new_referral, saved_store, seed_vault, unlock


def answers(app) -> dict:
    return app.screen.values


async def test_text_typed_across_tab_lands_in_each_field(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path, typed_ahead=True) as (app, pilot):
        await burst(pilot, "ctrl+n")
        await burst(pilot, *"Sam Example", "tab", *"Nurse", "shift+tab", "end", *" Jr")
        values = answers(app)
        assert values["referrer_name"] == "Sam Example Jr"
        assert values["referrer_job_title"] == "Nurse"


async def test_a_whole_journey_in_one_burst_keeps_every_value(
    settings: Settings, vault_path: Path
) -> None:
    """Two steps, a new entry and typing straight after each change, all in one burst."""
    async with new_referral(settings, vault_path, typed_ahead=True) as (app, pilot):
        keys = [
            "y",  # A. notices: yes/no questions take one key each
            "tab",
            "n",
            "ctrl+n",  # to B. Referrer: typing starts at once in its first question
            *"Sam",
            "tab",
            *"Nurse",
            "enter",  # Enter in a text box moves on too
            "enter",  # open the agency drop-down,
            "down",
            "enter",  # pick the first agency under the blank prompt
            "ctrl+n",  # to C. Children (a draft may be incomplete)
            "ctrl+o",  # a new child: its first question is focused at once
            *"Poppy",
            "tab",
            *"Pip",
            "ctrl+o",  # a second child, typed straight after it is mounted
            *"Ivy",
        ]
        await burst(pilot, *keys)
        assert app.keys_pending == 0
        values = answers(app)
        assert values["ack_not_cp_referral"] == "Yes"
        assert values["discussed_with_lead"] == "No"
        assert values["referrer_name"] == "Sam"
        assert values["referrer_job_title"] == "Nurse"
        first_agency = app.forms["referral"].field("referrer_agency").choices[0]
        assert values["referrer_agency"] == first_agency
        assert [row.get("name") for row in values["children"]] == ["Poppy", "Ivy"]
        assert values["children"][0]["other_names"] == "Pip"
        await burst(pilot, "ctrl+s")
        ref = app.screen.ref

    with saved_store(vault_path) as store:
        saved = store.get(ref).record("referral").values
        assert saved["referrer_name"] == "Sam"
        assert [row.get("name") for row in saved["children"]] == ["Poppy", "Ivy"]


async def test_typing_after_a_step_change_goes_to_the_new_step(
    settings: Settings, vault_path: Path
) -> None:
    async with new_referral(settings, vault_path, typed_ahead=True) as (app, pilot):
        # Back on the step, the cursor is on its first question not yet answered (the
        # job title), not on the name typed already (session 9), so no Tab is needed.
        await burst(pilot, "ctrl+n", *"Ann", "ctrl+b", "ctrl+n", *"Lead")
        values = answers(app)
        assert values["referrer_name"] == "Ann"
        assert values["referrer_job_title"] == "Lead"
        assert app.focused is app.screen.editors["referrer_job_title"].input


async def test_typing_straight_after_new_case_goes_into_its_referral(
    settings: Settings, vault_path: Path
) -> None:
    """The case is created in a worker; the keys after Enter wait for the form it opens."""
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "n", "enter", "y", "tab", "n", "ctrl+n", *"Alex", "tab", *"Nurse")
        assert isinstance(app.screen, FormScreen)
        values = answers(app)
        assert values["ack_not_cp_referral"] == "Yes"
        assert values["discussed_with_lead"] == "No"
        assert values["referrer_name"] == "Alex"
        assert values["referrer_job_title"] == "Nurse"
