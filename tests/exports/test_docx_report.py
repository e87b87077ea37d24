"""Word reports rendered for real, opened back with python-docx and checked."""

from __future__ import annotations

import re
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from cspr_tui import paths
from cspr_tui.errors import CsprError, NotFound, ValidationFailed
from cspr_tui.exports import document_text, write_agency_report, write_case_report
from cspr_tui.exports.context import CASE_REPORT_KINDS, report_sections
from cspr_tui.exports.form_report import strip_enumerator
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from tests.exports.case_fixtures import LONG, MULTILINE, REAL_NAMES, TRICKY, make_case, reviewed

TODAY = date(2026, 11, 28)
SETTINGS = Settings(partnership_name="Imaginary Borough Safeguarding Partnership")
PROTECTIVE_MARKING = Settings().protective_marking  # the default the reports print
# The agency report is the fillable form drawn from agency_report.yaml (tests/exports/
# test_fillable.py covers it in full): its section titles are the report's headings, their
# numbers printed by the heading style.
AGENCY_HEADINGS = tuple(
    strip_enumerator(section.title) for section in load_forms()["agency_report"].sections
)


def _headings(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.style.name.startswith("Heading")]


def _assert_clean(path: Path, *, redacted: bool = False) -> str:
    from cspr_tui.exports.docx_report import package_text

    text = document_text(path)
    everything = package_text(path)  # text boxes, notes, properties too
    for tag in ("{{", "}}", "{%", "%}", "{#", "#}"):
        assert tag not in text and tag not in everything, tag
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = Document(str(path))
    section = doc.sections[0]
    if redacted:  # a public document is not OFFICIAL-SENSITIVE and shows no reference
        assert section.header.paragraphs[0].text == "Redacted version for publication"
        assert PROTECTIVE_MARKING not in everything and "CSPR-" not in everything
        props = doc.core_properties
        assert (props.author, props.last_modified_by, props.comments) == ("", "", "")
        assert "redacted" in props.title
        return text
    assert section.header.paragraphs[0].text == PROTECTIVE_MARKING
    assert section.footer.paragraphs[0].text.startswith(PROTECTIVE_MARKING)
    return text


@pytest.mark.parametrize("kind", sorted(CASE_REPORT_KINDS))
def test_case_report_renders_every_section(kind: str, workspace: Path) -> None:
    path = write_case_report(make_case(), kind, settings=SETTINGS, today=TODAY)
    assert path.parent == workspace / "exports"
    text = _assert_clean(path)
    headings = _headings(path)
    # Every section of every form the report draws on, in the templates' order, with no
    # numbering label typed into the heading (the styles number them) and none repeated.
    spec = CASE_REPORT_KINDS[kind]
    expected = [s.heading for s in report_sections(make_case(), spec, load_forms())]
    assert headings[: len(expected)] == expected or set(expected) <= set(headings)
    assert all(not re.match(r"^([A-Z]|\d+)\. ", h) for h in headings)
    assert "None" not in text.split() and "Not recorded" not in text
    assert "CSPR-2026-004" in text and "Child A" in text
    assert "Imaginary Borough Safeguarding Partnership" in text
    assert "28/11/2026" in text  # dates DD/MM/YYYY


def test_referral_keeps_special_characters_line_breaks_and_names(workspace: Path) -> None:
    path = write_case_report(make_case(), "referral", settings=SETTINGS, today=TODAY)
    text = _assert_clean(path)
    assert TRICKY in text
    assert MULTILINE in text  # the breaks survive as line breaks
    assert LONG in text
    for name in REAL_NAMES:  # the unredacted referral is the captured form, names included
        assert name in text or name.replace("'", "’") in text
    assert "04/05/2019" in text and "02/03/2026" in text
    assert "Not recorded" not in text  # an unanswered field is left out, never "None"
    assert "Legal or service status at the time of the incident" in text
    body = Document(str(path)).element.body.xml
    assert "<w:br/>" in body


def test_final_report_has_the_statutory_content(workspace: Path) -> None:
    from tests.exports.case_fixtures import add_recommendations

    case = add_recommendations(make_case(), 3)
    path = write_case_report(case, "final", settings=SETTINGS, today=TODAY)
    text = _assert_clean(path)
    headings = _headings(path)
    assert "Recommendations" in headings
    assert headings.index("Recommendations") < headings.index("Publication")
    assert "Ottoline Reviewer-Invented" in text
    assert "Summary of recommended improvements" in text
    assert "Analysis of systemic or underlying reasons" in text
    assert "Full report" in text and "30/09/2026" in text
    assert '=HYPERLINK("http://example.invalid") about Zoë' in text
    assert "15/03/2026" in text  # by when
    assert "Children's social care" in text


def test_redacted_report_has_pseudonyms_only(workspace: Path) -> None:
    for kind in CASE_REPORT_KINDS:
        path = write_case_report(
            reviewed(make_case()), kind, redact=True, settings=SETTINGS, today=TODAY
        )
        assert "_Redacted_" in path.name and path.name.startswith("Child-A_")  # no reference
        text = _assert_clean(path, redacted=True)
        assert "(redacted version for publication)" in text.splitlines()[0]
        lowered = text.casefold()
        for name in (*REAL_NAMES, "Quentin Madeup", "Zoë", "Siobhán", "Nowak", "Fictionalia"):
            assert name.casefold() not in lowered, (kind, name)
        assert "04/05/2019" not in text and "NE8 1ZZ" not in text
    referral = document_text(workspace / "exports" / "Child-A_Referral_Redacted_v1.docx")
    assert "Child A's mother, Mother, told the health visitor" in referral
    assert "Mother's partner was not at home." in referral
    assert TRICKY in referral


def test_identifier_left_in_template_stops_the_export(workspace: Path) -> None:
    override = workspace / "form_templates" / "docx"
    override.mkdir(parents=True)
    shipped = paths.shipped_templates_dir() / "docx" / "final_report.docx"
    doc = Document(str(shipped))
    doc.add_paragraph("Thanks to Siobhán O'Neill for her help.")
    doc.save(str(override / "final_report.docx"))
    with pytest.raises(ValidationFailed) as caught:
        write_case_report(
            reviewed(make_case()), "final", redact=True, settings=SETTINGS, today=TODAY
        )
    assert "no file was written" in caught.value.message
    assert any("Siobhán O'Neill" in line for line in caught.value.details)
    assert list((workspace / "exports").iterdir()) == []
    # The same override is fine when the reviewer asked for the unredacted version.
    path = write_case_report(make_case(), "final", settings=SETTINGS, today=TODAY)
    assert "Thanks to Siobhán O'Neill" in document_text(path)


def test_workspace_override_wins_and_unknown_tag_is_an_error(workspace: Path) -> None:
    override = workspace / "form_templates" / "docx"
    override.mkdir(parents=True)
    doc = Document()
    doc.add_paragraph("Local referral form for {{ case.ref }}")
    doc.save(str(override / "referral.docx"))
    path = write_case_report(make_case(), "referral", settings=SETTINGS, today=TODAY)
    assert document_text(path).startswith("Local referral form for CSPR-2026-004")

    doc.add_paragraph("{{ child_real_name }} and {{ case.nickname }}")
    doc.save(str(override / "referral.docx"))
    with pytest.raises(CsprError, match="child_real_name"):
        write_case_report(make_case(), "referral", settings=SETTINGS, today=TODAY)
    doc = Document()
    doc.add_paragraph("{{ case.nickname }}")
    doc.save(str(override / "referral.docx"))
    with pytest.raises(CsprError, match="nickname"):
        write_case_report(make_case(), "referral", settings=SETTINGS, today=TODAY)
    assert [p.name for p in (workspace / "exports").iterdir()] == [path.name]


def test_agency_report_is_prefilled_with_pseudonyms_only(workspace: Path) -> None:
    path = write_agency_report(make_case(), "police", settings=SETTINGS, today=TODAY)
    assert path.name == "CSPR-2026-004_Police_AgencyInfoReport_v2.docx"
    text = _assert_clean(path)
    headings = _headings(path)
    for heading in AGENCY_HEADINGS:
        assert heading in headings
    for expected in (
        "CSPR-2026-004",
        "Child A",
        "Police",
        "LCSPR stage report",
        "Sergeant Invented",
        "01/04/2026",
        "01/04/2025",
        "20/02/2026",
        "Subject child",
        "Mother's partner",
        "How well did agencies hear Child A's voice?",
        "Was Mother's request for help & support understood?",
        "Significance",
    ):
        assert expected in text, expected
    lowered = text.casefold()
    for name in (*REAL_NAMES, "Zoë", "Siobhán", "Quentin"):
        assert name.casefold() not in lowered
    assert "Police officer 1" not in text  # practitioners are not subjects


def test_agency_report_versions_and_unknown_agency(workspace: Path) -> None:
    case = make_case()
    first = write_agency_report(case, "Health visiting", today=TODAY)
    second = write_agency_report(case, "health VISITING", today=TODAY)
    assert first.name.endswith("_Health-visiting_AgencyInfoReport_v1.docx")
    assert second.name.endswith("_AgencyInfoReport_v2.docx")
    with pytest.raises(NotFound) as caught:
        write_agency_report(case, "Fire service", today=TODAY)
    assert caught.value.exit_code == 2  # not found, as everywhere
    assert "Police, Health visiting, Children's social care" in caught.value.message


def test_explicit_out_refuses_overwrite_unless_forced(workspace: Path) -> None:
    out = workspace / "mine.docx"
    write_case_report(make_case(), "referral", out, today=TODAY)
    with pytest.raises(CsprError, match="already exists"):
        write_case_report(make_case(), "referral", out, today=TODAY)
    write_case_report(make_case(), "referral", out, today=TODAY, force=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_progress_is_reported(workspace: Path) -> None:
    seen: list[tuple[int, int]] = []
    write_case_report(
        make_case(), "rapid-review", today=TODAY, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_many_chronology_rows(workspace: Path) -> None:
    case = make_case()
    case.records["referral"].values["chronology"] = [
        {"date": "2026-01-05", "time": f"{i % 24:02d}:00", "event": f"Event {i} & <detail>"}
        for i in range(1000)
    ]
    path = write_case_report(case, "referral", today=TODAY)
    text = document_text(path)
    assert len(re.findall(r"Event \d+ & <detail>", text)) == 1000


def test_unknown_kind_is_refused(workspace: Path) -> None:
    with pytest.raises(CsprError, match="unknown report kind"):
        write_case_report(make_case(), "summary", today=TODAY)


def test_missing_shipped_template_is_clear(workspace: Path, monkeypatch, tmp_path: Path) -> None:
    empty = tmp_path / "shipped"
    (empty / "docx").mkdir(parents=True)
    monkeypatch.setattr(paths, "shipped_templates_dir", lambda: empty)
    with pytest.raises(CsprError, match="missing"):
        write_case_report(make_case(), "referral", today=TODAY)
    shutil.rmtree(empty)


def test_identifier_in_a_text_box_or_footnote_is_found(workspace: Path) -> None:
    from cspr_tui.exports.docx_report import package_text

    override = workspace / "form_templates" / "docx"
    override.mkdir(parents=True)
    doc = Document(str(paths.shipped_templates_dir() / "docx" / "rapid_review.docx"))
    box = (
        '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:r>'
        "<w:pict><w:txbxContent><w:p><w:r><w:t>Siobhán </w:t></w:r><w:r><w:t>O'Neill</w:t>"
        "</w:r></w:p></w:txbxContent></w:pict></w:r></w:p>"
    )
    from docx.oxml import parse_xml

    doc.element.body.insert(0, parse_xml(box))
    doc.save(str(override / "rapid_review.docx"))
    assert "Siobhán O'Neill" in package_text(override / "rapid_review.docx")
    with pytest.raises(ValidationFailed) as caught:
        write_case_report(reviewed(make_case()), "rapid-review", redact=True, today=TODAY)
    assert any("Siobhán O'Neill" in line for line in caught.value.details)
    assert list((workspace / "exports").iterdir()) == []


def test_every_template_tag_has_a_value() -> None:
    """docxtpl's own check: no tag of a shipped template is left without a context value."""
    from docxtpl import DocxTemplate

    from cspr_tui.exports.context import case_report_context
    from cspr_tui.exports.docx_report import template_path

    case = make_case()
    # (The agency report has no Word template: it is built from agency_report.yaml.)
    contexts = {
        k: case_report_context(case, k, settings=SETTINGS, today=TODAY) for k in CASE_REPORT_KINDS
    }
    for key, ctx in contexts.items():
        tpl = DocxTemplate(str(template_path(key)))
        assert tpl.get_undeclared_template_variables(context=ctx) == set(), key


def test_broken_tag_and_non_docx_template_are_clear(workspace: Path) -> None:
    override = workspace / "form_templates" / "docx"
    override.mkdir(parents=True)
    doc = Document()
    doc.add_paragraph("{{ case.ref ")
    doc.add_paragraph("{% if %}")
    doc.save(str(override / "referral.docx"))
    with pytest.raises(CsprError, match="broken tag"):
        write_case_report(make_case(), "referral", today=TODAY)
    (override / "referral.docx").write_text("not a Word file", encoding="utf-8")
    with pytest.raises(CsprError, match="cannot be read"):
        write_case_report(make_case(), "referral", today=TODAY)
    assert list((workspace / "exports").iterdir()) == []


def _render_parts(template_cls, template: Path, ctx: dict, dest: Path) -> dict[str, bytes]:
    import zipfile

    from cspr_tui.exports.docx_report import _environment

    tpl = template_cls(str(template))
    tpl.render(ctx, jinja_env=_environment(), autoescape=True)
    tpl.save(str(dest))
    with zipfile.ZipFile(dest) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("word/")}


@pytest.mark.parametrize("key", ["referral", "rapid-review", "final"])
def test_fast_rendering_gives_exactly_what_stock_docxtpl_gives(key: str, tmp_path: Path) -> None:
    """The sped-up listing and table passes change nothing: byte-identical Word XML."""
    from docxtpl import DocxTemplate

    from cspr_tui.exports.context import case_report_context, finish_context
    from cspr_tui.exports.docx_report import _Template, template_path
    from tests.exports.case_fixtures import add_recommendations

    case = add_recommendations(make_case(), 3)
    ctx = case_report_context(case, key, settings=SETTINGS, today=TODAY)
    ctx = finish_context(ctx)
    ours = _render_parts(_Template, template_path(key), ctx, tmp_path / "ours.docx")
    stock = _render_parts(DocxTemplate, template_path(key), ctx, tmp_path / "stock.docx")
    # The one intended difference: our grid takes the widths measured into each cell,
    # where stock docxtpl shares a `{%tc %}` table's width out equally.
    grid = re.compile(rb'<w:gridCol w:w="\d+"/>|<w:tcW w:type="dxa" w:w="\d+"/>')
    assert {n: grid.sub(b"", x) for n, x in ours.items()} == {
        n: grid.sub(b"", x) for n, x in stock.items()
    }
    assert b"<w:br/>" in ours["word/document.xml"] or key == "rapid-review"


def test_column_loops_in_an_edited_template_still_get_their_grid_fixed(workspace: Path) -> None:
    """A `{%tc for %}` loop adds cells; the table grid must grow with them or Word repairs."""
    override = workspace / "form_templates" / "docx"
    override.mkdir(parents=True)
    doc = Document()
    doc.add_paragraph("{{ case.ref }}")
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells,
        ("Child", "{%tc for r in rows.children %}", "{{ r.name }}", "{%tc endfor %}"),
        strict=True,
    ):
        cell.text = text
    doc.save(str(override / "referral.docx"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for children, columns in ((5, 6), (1, 2)):  # the grid grows, then shrinks
        case = make_case()
        case.records["referral"].values["children"] *= children
        path = write_case_report(case, "referral", today=TODAY)
        out = Document(str(path)).tables[0]
        grid = out._tbl.tblGrid.findall(f"{w}gridCol")
        assert len(out._tbl.tr_lst[0].findall(f"{w}tc")) == columns == len(grid)
        assert [c.text for c in out.rows[0].cells][1:] == ["Zoë Fictionalia"] * children


def _override_with(workspace: Path, name: str, edit) -> None:
    override = workspace / "form_templates" / "docx"
    override.mkdir(parents=True, exist_ok=True)
    doc = Document(str(paths.shipped_templates_dir() / "docx" / name))
    edit(doc)
    doc.save(str(override / name))


def test_identifier_after_a_line_break_or_in_a_header_is_found(workspace: Path) -> None:
    """A name glued to the line before by a break, or put in the header, still stops it."""

    def glued(doc) -> None:
        run = doc.add_paragraph().add_run("Seen with")
        run.add_break()
        run.add_text("Zoe")  # and typed without its diaeresis

    _override_with(workspace, "final_report.docx", glued)
    with pytest.raises(ValidationFailed) as caught:
        write_case_report(reviewed(make_case()), "final", redact=True, today=TODAY)
    assert any("«Zoe»" in line for line in caught.value.details)

    def in_header(doc) -> None:
        doc.sections[0].header.add_paragraph("Prepared about Siobhán O'Neill")

    _override_with(workspace, "rapid_review.docx", in_header)
    with pytest.raises(ValidationFailed) as caught:
        write_case_report(reviewed(make_case()), "rapid-review", redact=True, today=TODAY)
    assert any("Siobhán O'Neill" in line for line in caught.value.details)
    assert list((workspace / "exports").iterdir()) == []


def test_names_in_tables_and_at_sentence_start_are_redacted_in_every_kind(
    workspace: Path,
) -> None:
    """Free text in every report kind, in tables and in prose, written every which way."""
    case = make_case()
    variants = "Zoe said no. ZOË'S bag. Siobhan ONeill, Lukasz; 4 May 2019 at 1 Imaginary Row."
    referral = case.records["referral"].values
    referral["chronology"].append({"date": "2026-02-01", "event": variants})
    referral["rationale"] = variants
    case.records["rapid_review"].values["good_practice"] = variants
    case.records["rapid_review"].values["key_practice_episodes"][0]["analysis"] = variants
    case.records["review"].values["findings"].append({"finding": variants})
    case.records["review"].values["systemic_analysis"] = variants
    for kind in CASE_REPORT_KINDS:
        path = write_case_report(reviewed(case), kind, redact=True, today=TODAY)
        text = document_text(path)
        assert "Child A said no. Child A's bag. Mother, Mother's partner;" in text, kind
        assert "[date of birth withheld] at [address withheld]." in text, kind
        for word in ("Zoe", "Siobhan", "ONeill", "Lukasz", "Imaginary Row", "4 May 2019"):
            assert word.casefold() not in text.casefold(), (kind, word)


def test_identifier_in_content_control_data_is_found(workspace: Path) -> None:
    """Word keeps bound content-control values in customXml/: the scan reads them too."""
    import zipfile

    from cspr_tui.exports.docx_report import _verify
    from cspr_tui.exports.redaction import Redactor

    rendered = write_case_report(reviewed(make_case()), "final", redact=True, today=TODAY)
    _verify(rendered, Redactor.for_case(make_case()))  # clean as rendered
    target = workspace / "bound.docx"
    with zipfile.ZipFile(rendered) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("customXml/item9.xml", "<data><child>Zoë Fictionalia</child></data>")
    with pytest.raises(ValidationFailed) as caught:
        _verify(target, Redactor.for_case(make_case()))
    assert any("Zoë Fictionalia" in line for line in caught.value.details)


def test_the_protective_marking_follows_the_settings_in_every_export(workspace: Path) -> None:
    """Word reports, the agency report and the Excel chronology print the marking the
    partnership set, never a fixed OFFICIAL-SENSITIVE; an empty one prints none."""
    from openpyxl import load_workbook

    from cspr_tui.exports.chronology_export import write_chronology_template
    from cspr_tui.exports.docx_report import package_text

    for marking in ("OFFICIAL", ""):
        settings = Settings(partnership_name="Imaginary SCP", protective_marking=marking)
        case = make_case()
        word = [
            write_case_report(case, "referral", workspace / f"r{marking}.docx", settings=settings),
            write_agency_report(case, "Police", workspace / f"a{marking}.docx", settings=settings),
        ]
        for path in word:
            section = Document(str(path)).sections[0]
            assert section.header.paragraphs[0].text == marking, path.name
            footer = section.footer.paragraphs[0].text
            assert footer.startswith(marking) and "Page" in footer, footer
            assert not footer.startswith((" ", "|")), footer  # no stray separator
            assert "OFFICIAL-SENSITIVE" not in package_text(path), path.name
        book = write_chronology_template(
            case,
            "Police",
            workspace / f"c{marking}.xlsx",
            token="t" * 32,
            form=load_forms()["agency_report"],
            settings=settings,
        )
        for ws in load_workbook(book):
            if ws.sheet_state == "visible" and ws.oddFooter.center.text:
                assert (ws.oddHeader.center.text or "") == marking, ws.title
                assert "OFFICIAL-SENSITIVE" not in ws.oddFooter.center.text


def test_the_integrated_chronology_keeps_formula_like_text_as_text(workspace: Path) -> None:
    """An agency's "=SUM(...)" or "-5 kg" stays text in the Excel chronology, with Excel's
    quote prefix (F2 then Enter keeps it text) and no apostrophe added to what it says."""
    from openpyxl import load_workbook

    from cspr_tui.domain.case import Record
    from cspr_tui.exports.chronology_export import write_chronology

    case = make_case()
    rows = [  # the source reference is a cell of its own, as the agency typed it
        {"date": "2025-06-01", "who": "Health visitor", "event": "Visit", "source": "=SUM(A1)"},
        {"date": "2025-06-02", "who": "Health visitor", "event": "Weighed", "source": "-5 kg"},
    ]
    case.records["agency_report"] = Record(
        "agency_report", 2, {"agency": "Health visiting", "chronology": rows}
    )
    path = write_chronology(case, workspace / "chronology.xlsx", fmt="xlsx", today=TODAY)
    cells = [c for row in load_workbook(path).worksheets[0].iter_rows() for c in row]
    tricky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=-'"]
    assert {c.value for c in tricky} >= {"=SUM(A1)", "-5 kg"}
    for cell in tricky:
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate


def test_a_redacted_final_report_names_the_decision_makers_by_their_posts(
    workspace: Path,
) -> None:
    """The eighth hand run: the review's "Decision made by", two partners' leads by name,
    reached the redacted final report after "accept all". They are in the key now."""
    case = make_case()
    case.records["review"].values["decision_makers"] = (
        "Tamsin Quillow (LA), Will Young (Police), Designated doctor (ICB)"
    )
    path = write_case_report(reviewed(case), "final", redact=True, settings=SETTINGS, today=TODAY)
    text = _assert_clean(path, redacted=True)
    for name in ("Tamsin", "Quillow", "Will Young"):
        assert name not in text
    assert "Decision maker (LA), Decision maker (Police), Designated doctor (ICB)" in text
    # and the unredacted report keeps them as typed
    plain = document_text(write_case_report(case, "final", settings=SETTINGS, today=TODAY))
    assert "Tamsin Quillow (LA), Will Young (Police)" in plain
