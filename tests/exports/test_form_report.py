"""Case reports drawn from the form templates: a field added to a template needs no code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document

from cspr_tui import paths
from cspr_tui.exports import document_text, write_case_report
from cspr_tui.exports.context import CASE_REPORT_KINDS, report_sections
from cspr_tui.exports.form_report import column_widths, form_sections, table_block
from cspr_tui.forms import load_forms
from tests.exports.case_fixtures import LONG, make_case

TODAY = date(2026, 12, 1)


def _blocks(sections, heading: str):
    return next(s for s in sections if s.heading == heading).blocks


def test_a_field_added_to_a_workspace_template_appears_in_the_report(workspace: Path) -> None:
    shipped = (paths.shipped_templates_dir() / "referral.yaml").read_text("utf-8")
    added = """      - id: invented_extra_question
        type: text
        label: An invented question a partnership added
"""
    anchor = "  - id: children\n"
    override = shipped.replace(anchor, added + "\n" + anchor, 1)
    assert override != shipped
    folder = workspace / "form_templates"
    folder.mkdir(exist_ok=True)
    (folder / "referral.yaml").write_text(override, "utf-8")
    forms = load_forms(folder)
    case = make_case()
    case.records["referral"].values["invented_extra_question"] = "An invented answer"
    path = write_case_report(case, "referral", forms=forms, today=TODAY)
    text = document_text(path)
    assert "An invented question a partnership added" in text
    assert "An invented answer" in text
    # in the template's order: after the referrer's answers, before the children
    assert text.index("Peregrine Testworth") < text.index("An invented answer")
    assert text.index("An invented answer") < text.index("Zoë Fictionalia")


def test_choice_labels_dates_and_yes_no_read_as_the_form_shows_them() -> None:
    forms = load_forms()
    case = make_case()
    values = case.records["referral"].values
    values["children"][0]["disability"] = "Unknown"
    sections = form_sections(forms["referral"], values)
    notices = _blocks(sections, "Important notices")[0].rows
    # a record from before yes/no answers were stored as words still reads Yes
    assert {"label": forms["referral"].field("ack_not_cp_referral").label, "value": "Yes"} in (
        notices
    )
    child = _blocks(sections, "Children")[0]
    assert child.kind == "entries" and child.entries[0]["title"] == "Child 1"
    facts = {r["label"]: r["value"] for b in child.entries[0]["blocks"] for r in b.rows}
    assert facts["Date of birth (or expected date of delivery)"] == "04/05/2019"
    assert facts["Disability or special educational needs"] == "Unknown"
    assert facts["Legal or service status at the time of the incident"] == "Child in need"
    everything = repr([s.as_context() for s in sections])
    assert "None" not in everything and "True" not in everything


def test_unanswered_fields_are_left_out_and_an_empty_section_says_so() -> None:
    forms = load_forms()
    sections = form_sections(forms["screening"], {}, heading="Partnership decision")
    assert [s.heading for s in sections] == ["Partnership decision"]
    assert sections[0].empty_note and not sections[0].blocks
    partial = form_sections(forms["referral"], {"referrer_name": "Peregrine Testworth"})
    referrer = _blocks(partial, "Referrer")
    assert referrer[0].rows == [{"label": "Referrer name", "value": "Peregrine Testworth"}]


def test_long_answers_are_paragraphs_under_their_label() -> None:
    forms = load_forms()
    sections = form_sections(forms["referral"], make_case().records["referral"].values)
    details = _blocks(sections, "Parallel processes")
    assert [b.kind for b in details] == ["facts", "text"]
    assert details[1].heading == "Details and contacts" and details[1].text == LONG


def test_repeat_groups_are_tables_only_where_their_columns_fit() -> None:
    fits = table_block(["Date", "Time", "What happened"], [["05/01/2026", "10:00", "Seen"]])
    assert fits is not None and fits.kind == "table"
    assert sum(c["width"] for c in fits.columns) == 9638
    six = ["A", "B", "C", "D", "E", "F"]
    assert table_block(six, [["1"] * 6]) is None
    essay = [["05/01/2026", "x " * 400, "Police"]]
    assert table_block(["Date", "Account", "Agency"], essay) is None
    words = ["Supercalifragilisticexpialidocious-and-then-some" * 2] * 5
    assert table_block(["One", "Two", "Three", "Four", "Five"], [words]) is None
    forms = load_forms()
    rapid = form_sections(forms["rapid_review"], make_case().records["rapid_review"].values)
    episodes = _blocks(rapid, "Key practice episodes")[0]
    assert episodes.kind == "entries"  # long accounts in several columns: one block each


def test_dates_and_numbers_get_columns_wide_enough_never_to_wrap() -> None:
    headers = ["No.", "Recommendation and action", "Lead agency", "Due by", "Status"]
    rows = [["1.1", LONG, "Children's social care", "30/04/2027", "In progress"]]
    widths = column_widths(headers, rows)
    assert widths is not None and sum(widths) == 9638
    number, text, _agency, due, _status = widths
    # DejaVu Sans (LibreOffice's stand-in for Arial, wider than it) at 10 pt: a date is
    # about 1,150 twips, "No." in bold about 380, plus 216 of cell margins
    assert due >= 1150 + 216
    assert number >= 380 + 216
    assert text == max(widths)  # the prose gets the room


def test_no_report_names_a_field_outside_the_templates() -> None:
    """context.py declares no field meaning: every label shown comes from a form template."""
    forms = load_forms()
    labels = {f.label for form in forms.values() for f in form.fields if f.is_input}
    labels |= {f.label for form in forms.values() for g in form.fields for f in g.fields}
    labels |= {f.item_label for form in forms.values() for f in form.fields if f.item_label}
    case = make_case()
    for spec in CASE_REPORT_KINDS.values():
        for section in report_sections(case, spec, forms):
            for block in section.blocks:
                for row in block.rows:
                    assert row["label"] in labels, row["label"]
                if block.kind == "text" and block.heading:
                    assert block.heading in labels, block.heading


def test_the_referral_report_shows_what_the_form_captured(workspace: Path) -> None:
    path = write_case_report(make_case(), "referral", today=TODAY)
    text = document_text(path)
    for label, answer in (
        ("Telephone", "0191 000 0000"),
        ("Email", "referrals@health-visiting.example.invalid"),
        ("Safeguarding lead consulted", "Named nurse for safeguarding"),
        ("School or setting", "Imaginary Row Primary School"),
        ("GP practice", "Nowhereton Medical Practice"),
        ("First language", "Polish"),
        ("Disability or special educational needs", "Unknown"),
        ("Concerns about how agencies worked together", "were not shared"),
        ("Are other children at risk of harm now?", "No"),
        ("Immediate safety of other children and actions already taken", "No other children"),
        ("Has the family been told about this referral?", "No"),
        ("Why the family has not been told", "investigation is ongoing"),
        ("Consent to share this information", "Not sought"),
        ("Basis for sharing the information", "Data Protection Act 2018"),
    ):
        assert label in text, label
        assert answer in text[text.index(label) :], (label, answer)
    assert "Consent and information sharing" in text
    assert "None" not in text.split() and "Not recorded" not in text


def test_an_agency_report_for_a_case_under_review_is_not_a_rapid_review_report(
    workspace: Path,
) -> None:
    """The report asked for follows the case's stage: at LCSPR it is never "Rapid review"."""
    from cspr_tui.domain.case import AgencyReportRequest, Stage
    from cspr_tui.exports.fillable import write_agency_report
    from cspr_tui.settings import Settings

    case = make_case()
    case.agency_reports = [AgencyReportRequest("Health visiting")]  # the default depth
    for stage, depth in (
        (Stage.RAPID_REVIEW, "Rapid review stage report"),
        (Stage.REVIEW_IN_PROGRESS, "LCSPR stage report"),
    ):
        case.stage = stage
        path = write_agency_report(
            case,
            "Health visiting",
            workspace / f"{stage.name}.docx",
            settings=Settings(),
            today=TODAY,
        )
        rows = {
            row.cells[0].text: row.cells[1].text
            for table in Document(str(path)).tables
            for row in table.rows
            if len(row.cells) == 2
        }
        assert rows["Report asked for"] == depth, stage


def test_the_choice_none_never_reads_like_a_software_null(workspace: Path) -> None:
    case = make_case()
    case.records["referral"].values["children"][0]["legal_status"] = ["None"]
    text = document_text(write_case_report(case, "referral", today=TODAY))
    label = "Legal or service status at the time of the incident"
    assert "None of these" in text[text.index(label) :]
    assert "None" not in text.replace("None of these", "").split()
