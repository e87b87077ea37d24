"""A later form opens with what the case already knows, marked, and editable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cspr_tui.domain.case import AgencyReportRequest
from cspr_tui.settings import Settings
from cspr_tui.tui.screens.form import FormScreen
from tests.domain import case_values
from tests.tui.conftest import build_app, burst, read_store, saved_store, seed_vault, unlock


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


POLICE_ROW = {
    "agency": "Police",
    "contact_name": "DC Sam Placeholder",
    "contact_role": "Detective constable",
    "contact_details": "01632 960300",
    "still_involved": "No",
    "involved_from": "2025-01-10",
    "involved_to": "2026-03-02",
}


def seed_police_asked(store) -> None:
    """A referral naming the police contact and when they were involved; Police asked."""
    ref = store.create_case().ref
    store.save_record(ref, "referral", case_values.referral(agencies=[POLICE_ROW]), finish=True)
    store.advance(ref)
    store.request_agency_report(ref, AgencyReportRequest(agency="Police"))


def label(form: FormScreen, path: str) -> str:
    return str(form.editors[path].query_one(".field-label").content)


async def test_the_police_report_opens_with_the_referrals_contact_and_involvement(
    settings: Settings, vault_path: Path
) -> None:
    """The report asked again for the author, role and contact details the referral gave
    for the police, and for the period and involvement the referral's row says."""
    seed_vault(vault_path, seed_police_asked)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "6")
        assert form.agency == "Police"
        assert (form.values["author_name"], form.values["author_role"]) == (
            "DC Sam Placeholder",
            "Detective constable",
        )
        assert form.values["author_contact"] == "01632 960300"
        assert "carried over from the referral" in label(form, "author_role")
        assert form.editors["author_name"].input.value == "DC Sam Placeholder"
        await burst(pilot, "ctrl+n")  # 1. Scope
        assert form.values["period_from"] == "2025-01-10"
        assert form.editors["period_to"].input.value == "02/03/2026"
        assert "carried over from the referral" in label(form, "period_from")
        await burst(pilot, "ctrl+n", "ctrl+n", "ctrl+n")  # 4. Agency involvement
        assert (form.values["involved"], form.values["still_involved"]) == ("Yes", "No")
        await burst(pilot, "ctrl+s")
        ref = form.ref
    with saved_store(vault_path) as store:
        case = store.get(ref)
        request = case.agency_reports[0]
        assert (request.author, request.author_role) == (
            "DC Sam Placeholder",
            "Detective constable",
        )
        saved = store.get(ref).record("agency_report:Police").values
        assert (saved["period_from"], saved["period_to"], saved["involved"]) == (
            "2025-01-10",
            "2026-03-02",
            "Yes",
        )


async def test_the_notification_names_the_partnership_from_the_settings(
    settings: Settings, vault_path: Path
) -> None:
    settings.partnership_name = "Examplebury Safeguarding Children Partnership"
    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "4")
        await burst(pilot, "ctrl+n")  # Areas and responsibility
        assert form.values["lead_partnership"] == settings.partnership_name
        assert form.editors["lead_partnership"].input.value == settings.partnership_name
        assert "carried over from the settings" in label(form, "lead_partnership")


async def test_the_placeholder_partnership_name_is_not_carried(
    settings: Settings, vault_path: Path
) -> None:
    """Until the partnership sets its name, the settings hold a placeholder: the lead
    partnership is asked, not filled in with "Safeguarding Children Partnership"."""
    assert settings.partnership_name == Settings().partnership_name  # the placeholder
    seed_vault(vault_path, seed_referral_with_requests)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "4")
        await burst(pilot, "ctrl+n")  # Areas and responsibility
        assert not form.values.get("lead_partnership")
        assert "carried over" not in label(form, "lead_partnership")


def seed_decided_with_a_police_report(store) -> None:
    """The LCSPR decided after the police report covered 10/01/2025 to 20/02/2026."""
    ref = case_values.case_at_stage(store, "decision")
    store.save_record(
        ref,
        "agency_report",
        {"agency": "Police", "period_from": "2025-01-10", "period_to": "2026-02-20"},
        agency="Police",
    )
    store.advance(ref)


async def test_the_review_opens_on_the_period_the_agency_reports_cover(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed_decided_with_a_police_report)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "7")
        await burst(pilot, "ctrl+n")  # Terms of reference
        assert (form.values["scope_from"], form.values["scope_to"]) == ("2025-01-10", "2026-02-20")
        assert form.editors["scope_from"].input.value == "10/01/2025"
        assert "carried over from the agency reports" in label(form, "scope_to")


def seed_decided_with_earlier_social_care(store) -> None:
    """Social care was involved from 01/06/2024 (the referral), before the police report's
    period (from 10/01/2025)."""
    ref = case_values.case_at_stage(store, "decision")
    agencies = [{"agency": "Children's social care", "involved_from": "2024-06-01"}]
    store.save_record(ref, "referral", case_values.referral(agencies=agencies), finish=True)
    store.save_record(
        ref,
        "agency_report",
        {"agency": "Police", "period_from": "2025-01-10", "period_to": "2026-02-20"},
        agency="Police",
    )
    store.advance(ref)


async def test_the_reviews_period_starts_at_the_earliest_involvement_the_case_knows(
    settings: Settings, vault_path: Path
) -> None:
    """In the journey the review's period started with the police report's (2026), though
    the referral said social care was involved from June 2024: typed again by hand."""
    seed_vault(vault_path, seed_decided_with_earlier_social_care)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "7")
        await burst(pilot, "ctrl+n")  # Terms of reference
        assert (form.values["scope_from"], form.values["scope_to"]) == ("2024-06-01", "2026-02-20")
        assert "carried over from the referral" in label(form, "scope_from")
        assert "carried over from the agency reports" in label(form, "scope_to")


async def test_the_reports_reviewer_name_comes_from_the_reviewers_listed(
    settings: Settings, vault_path: Path
) -> None:
    """The reviewer typed in "Reviewers and method" was asked again, two steps on, as the
    name printed in the report."""
    seed_vault(vault_path, seed_lcspr_decided)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "7")
        await burst(pilot, "ctrl+n", "ctrl+n")  # Reviewers and method
        assert form.section.id == "reviewers"
        if not form.values.get("reviewers"):
            await burst(pilot, "ctrl+o")
        await burst(pilot, *"Dr Alex Example")
        assert form.values["reviewers"][0]["name"] == "Dr Alex Example"
        await burst(pilot, "ctrl+n", "ctrl+n")  # Findings and report
        assert form.section.id == "outputs"
        assert form.values["reviewer_name"] == "Dr Alex Example"
        assert form.editors["reviewer_name"].input.value == "Dr Alex Example"
        assert "carried over from the list of reviewers" in label(form, "reviewer_name")
        # Cleared, it stays cleared: going back and forth does not fill it again.
        form.editors["reviewer_name"].input.focus()
        await burst(pilot, "ctrl+u")
        assert not form.values.get("reviewer_name")
        await burst(pilot, "ctrl+b", "ctrl+n")
        assert not form.values.get("reviewer_name")
        await burst(pilot, "ctrl+s")
        ref = form.ref
    with saved_store(vault_path) as store:
        assert not store.get(ref).record("review").values.get("reviewer_name")


def seed_referral_naming_contacts(store) -> None:
    agencies = [
        {"agency": "Children's social care", "contact_name": "Tom Example"},
        POLICE_ROW,
        {"agency": "Acute hospital trust"},
    ]
    ref = store.create_case().ref
    store.save_record(ref, "referral", case_values.referral(agencies=agencies), finish=True)
    store.advance(ref)


async def test_a_report_request_names_the_referrals_contact_as_its_author(
    settings: Settings, vault_path: Path
) -> None:
    """The request dialog asked for the author although the referral names the contact at
    that agency; the suggestion follows the agency chosen, and typed words stay."""
    from textual.widgets import Input, Select, Static

    from cspr_tui.tui.dialogs.amend import AmendDialog

    seed_vault(vault_path, seed_referral_naming_contacts)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "6", "r")
        dialog = app.screen
        assert isinstance(dialog, AmendDialog)
        author = dialog.query_one("#text-author", Input)
        assert author.value == "Tom Example"
        # the box is named above it, as its placeholder no longer shows
        labels = [str(s.content) for s in dialog.query(".field-label").results(Static)]
        assert "Author (who will write it)" in labels
        assert app.focused is dialog.query_one("#day")  # past the author given
        await burst(pilot, *"22062026", "enter")
        assert not isinstance(app.screen, AmendDialog)
        await burst(pilot, "r")  # the referral's next agency: Police
        dialog = app.screen
        author = dialog.query_one("#text-author", Input)
        assert author.value == "DC Sam Placeholder"
        choice = dialog.query_one("#choice", Select)
        choice.value = "Acute hospital trust"  # no contact named for it
        await pilot.pause()
        assert author.value == ""
        author.focus()
        await burst(pilot, *"Dr Lee Sample")
        choice.value = "Police"
        await pilot.pause()
        assert author.value == "Dr Lee Sample"  # the reviewer's own words stay
        await burst(pilot, "escape")
    with saved_store(vault_path) as store:
        ref = store.list_cases()[0].ref
        requests = store.get(ref).agency_reports
        assert [(r.agency, r.author) for r in requests] == [
            ("Children's social care", "Tom Example")
        ]


async def test_a_date_typed_on_the_request_button_goes_into_the_date_box(
    settings: Settings, vault_path: Path
) -> None:
    """Found by hand at 80x24: the request dialog starts on the due date; Tab first (for
    the author) went to Request, and the date typed there was dropped without a sign, so
    ctrl+s saved the request with no due date. Keys typed on a button now go into the box
    the cursor just left."""
    from textual.widgets import Button

    from cspr_tui.tui.dialogs.amend import AmendDialog

    seed_vault(vault_path, seed_referral_naming_contacts)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await burst(pilot, "enter", "6", "r")
        dialog = app.screen
        assert isinstance(dialog, AmendDialog)
        day = dialog.query_one("#day")
        assert app.focused is day
        await burst(pilot, "tab")
        assert isinstance(app.focused, Button)
        await burst(pilot, *"22062026")
        assert app.focused is day and day.value == "22/06/2026"
        await burst(pilot, "ctrl+s")
        assert not isinstance(app.screen, AmendDialog)
    with saved_store(vault_path) as store:
        ref = store.list_cases()[0].ref
        assert [r.due_date for r in store.get(ref).agency_reports] == [date(2026, 6, 22)]
