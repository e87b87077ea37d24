"""The People screen (pseudonym key) and its person dialog, driven through the real app."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.person import PersonDialog
from cspr_tui.tui.screens.people import PeopleScreen
from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen
from tests.domain import case_values
from tests.tui.conftest import build_app, read_store, seed_vault, settle, unlock


def seed(store) -> None:
    case_values.case_at_stage(store, "screening")


async def test_a_person_is_added_to_the_key_from_the_case_screen(
    settings: Settings, vault_path: Path
) -> None:
    seed_vault(vault_path, seed)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # open the case
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PersonDialog)
        for name, value in (
            ("real_name", "Jayden Example"),
            ("pseudonym", "Sibling 1"),
            ("role", "Brother"),
            ("nhs_number", "943 476 5918"),  # a wrong check digit first
        ):
            dialog.query_one(f"#person-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "NHS number" in str(dialog.query_one(".dialog-error", Static).content)
        dialog.query_one("#person-nhs_number", Input).value = "943 476 5919"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        table = app.screen.query_one("#people", DataTable)
        assert "Sibling 1" in [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, RedactionReviewScreen)
    vault, store = read_store(vault_path)
    try:
        person = store.get(store.list_cases()[0].ref).people[-1]
        assert (person.real_name, person.nhs_number) == ("Jayden Example", "943 476 5919")
    finally:
        vault.close()


async def test_a_word_document_is_reviewed_and_redacted_from_the_tui(
    settings: Settings, vault_path: Path, workspace: Path
) -> None:
    from docx import Document

    from cspr_tui.exports.docx_report import document_text
    from cspr_tui.tui.dialogs.redact_document import RedactDocumentDialog

    seed_vault(vault_path, seed)
    source = workspace / "lead reviewer.docx"
    doc = Document()
    doc.add_paragraph("Poppy Example was known to the health visitor.")
    doc.save(str(source))
    app = build_app(settings, vault_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("enter", "k")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RedactDocumentDialog)
        dialog.query_one("#docx", Input).value = str(source)
        await pilot.click("#go")
        await pilot.pause(0.5)
        await settle(pilot)
        refusal = str(dialog.query_one(".dialog-error", Static).content)
        assert "not reviewed" in refusal and "«Poppy Example»" in refusal
        await pilot.click("#review")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, RedactionReviewScreen)
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("A")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#go")
        await pilot.pause(0.5)
        await settle(pilot)
        assert dialog.written is not None, dialog.query_one(".dialog-error", Static).content
        written = dialog.written
    assert "was known to the health visitor" in document_text(written)
    assert "Poppy" not in document_text(written)
