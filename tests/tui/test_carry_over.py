"""A later form opens with what the case already knows, marked, and editable."""

from __future__ import annotations

from pathlib import Path

from cspr_tui.domain.case import AgencyReportRequest
from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from tests.domain import case_values
from tests.tui.conftest import build_app, burst, read_store, seed_vault, unlock


def seed_referral_with_requests(store) -> None:
    ref = case_values.case_at_stage(store, "screening")
    for agency in ("Police", "Health visiting", "Children's social care"):
        store.request_agency_report(ref, AgencyReportRequest(agency=agency, author="A. Author"))


async def open_form(pilot, tab: str) -> FormScreen:
    await unlock(pilot)
    await burst(pilot, "enter", tab, "e")  # open the only case, its tab, edit
    assert isinstance(pilot.app.screen, FormScreen)
    return pilot.app.screen


async def test_the_notification_opens_with_the_referral_answers(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "4")
        referral = case_values.referral()
        aware = form.editors["la_aware_date"]
        assert form.values["la_aware_date"] == referral["aware_date"]
        assert aware.input.value == "/".join(reversed(referral["aware_date"].split("-")))
        label = str(aware.query_one(".field-label").content)
        assert "carried over from the referral" in label
        # The cursor starts past the carried answers (on the first to type), and
        # shift+tab goes back to this one.
        assert pilot.app.focused is form.editors["sin_submitted_date"].input
        await burst(pilot, "shift+tab")
        assert pilot.app.focused is aware.input
        # Editable: typing over it makes it the reviewer's own answer, and the mark goes.
        await burst(pilot, "ctrl+u", *"05032026")
        assert form.values.get("la_aware_date") == "2026-03-05", (
            aware.input.value,
            pilot.app.focused,
        )
        assert "carried over" not in str(aware.query_one(".field-label").content)


async def test_the_rapid_review_lists_every_agency_asked(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "5")
        rows = form.values["agency_involvement"]
        assert [row["agency"] for row in rows][:3] == [
            "Police",
            "Health visiting",
            "Children's social care",
        ]
        await burst(pilot, "ctrl+s")
        ref = form.ref

    vault, store = read_store(vault_path)
    try:
        saved = store.get(ref).record("rapid_review").values["agency_involvement"]
        assert [row["agency"] for row in saved][:3] == [
            "Police",
            "Health visiting",
            "Children's social care",
        ]
    finally:
        vault.close()


def seed_lcspr_decided(store) -> None:
    """The LCSPR decision made: advancing from Decision opened the review record itself."""
    ref = case_values.case_at_stage(store, "decision")
    store.advance(ref)


async def test_the_review_the_decision_opened_still_starts_from_the_rapid_review(
    settings: Settings, vault_path: Path
) -> None:
    """The review record existed before its form was first opened, so nothing carried:
    the criteria, agencies in scope and rationale were all asked again."""
    seed_vault(vault_path, seed_lcspr_decided)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "7")
        rapid = case_values.rapid_review()
        assert form.values["review_type"] == "LCSPR"  # what the decision wrote stays
        assert form.values["decision_rationale"] == rapid["decision_rationale"]
        assert form.values["agencies_in_scope"]
        label = str(form.editors["decision_rationale"].query_one(".field-label").content)
        assert "carried over from the rapid review" in label
        await burst(pilot, "ctrl+s", "escape")
    vault, store = read_store(vault_path)
    try:
        saved = store.get(store.list_cases()[0].ref).record("review")
        assert saved.values["decision_rationale"] == rapid["decision_rationale"]
    finally:
        vault.close()
