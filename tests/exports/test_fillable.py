"""The fillable Word forms opened back: content controls for every answer, read-only
context, the document id, marking, page numbers, A4, en-GB, honest properties."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from cspr_tui.exports.docx_report import package_text
from cspr_tui.exports.fillable import write_referral_form
from cspr_tui.exports.form_report import strip_enumerator
from cspr_tui.forms import load_forms
from tests.exports.return_fixtures import PRACTITIONER, Setting

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {
    "w": W[1:-1],
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
}


@pytest.fixture
def setting(workspace: Path):
    made = Setting(workspace)
    yield made
    made.close()


def _xml(path: Path, part: str = "word/document.xml"):
    return etree.fromstring(zipfile.ZipFile(path).read(part))


def _controls(root) -> dict[str, list]:
    found: dict[str, list] = {}
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find("w:sdtPr/w:tag", NS)
        if tag is not None:
            found.setdefault(tag.get(f"{W}val"), []).append(sdt)
    return found


def test_every_answer_is_a_content_control_tagged_with_its_field(setting) -> None:
    path = setting.export()
    form = setting.store.forms["agency_report"]
    controls = _controls(_xml(path))
    context = {
        "agency",
        "date_requested",
        "due_date",
        "depth",
        "protective_marking",
        "return_contact",
        "return_address",
        "period_from",
        "period_to",
        "subjects",
    }
    for item in form.fields:
        if not item.is_input or item.id in context:
            continue
        if item.type == "multi_choice":
            for choice in item.choices:
                box = controls[f"{item.id}::{choice}"][0]
                assert box.find("w:sdtPr/w14:checkbox", NS) is not None
        elif item.type == "repeat":
            for sub in item.fields:
                tag = f"{item.id}.{sub.id}"
                assert tag in controls or any(t.startswith(f"{tag}::") for t in controls), tag
        else:
            sdt = controls[item.id][0]
            props = sdt.find("w:sdtPr", NS)
            if item.type == "date":
                assert props.find("w:date/w:dateFormat", NS).get(f"{W}val") == "dd/MM/yyyy"
            elif item.type in ("choice", "yes_no", "yes_no_unknown"):
                listed = [
                    i.get(f"{W}value") for i in props.findall("w:dropDownList/w:listItem", NS)
                ]
                assert listed == list(item.choices or ("Yes", "No", "Unknown")[: len(listed)])
            elif item.type == "long_text":
                # rich text around whole paragraphs: full width under its question
                assert sdt.find("w:sdtContent/w:p", NS) is not None
    for context_id in context:
        assert context_id not in controls  # the review team's answers are read-only text


def test_context_is_prefilled_read_only_with_pseudonyms_only(setting) -> None:
    path = setting.export()
    text = package_text(path)
    for expected in (
        setting.ref,
        "Child A",
        "Subject child",
        "Mother",
        "Police",
        "Requested on",
        "02/11/2026",
        "Due by",
        "23/11/2026",
        "01/01/2025 to 20/02/2026",
        "Business manager",
        "How well was Child A's voice heard?",
        "Add a row",
    ):
        assert expected in text, expected
    for name in ("Zoë", "Fictionalia", "Siobhán", PRACTITIONER):
        assert name not in text
    doc = Document(str(path))
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    footer = zipfile.ZipFile(path).read("word/footer1.xml").decode()
    assert "OFFICIAL-SENSITIVE" in footer and " PAGE " in footer and " NUMPAGES " in footer
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert len(landscape) == 1  # the chronology gets a landscape page to itself


def test_the_document_id_is_a_custom_property_and_a_locked_control(setting) -> None:
    path = setting.export()
    request = next(r for r in setting.case().agency_reports if r.agency == "Police")
    custom = zipfile.ZipFile(path).read("docProps/custom.xml").decode()
    expected = f"cspr-return|{setting.ref}|Police|v1|form2|{request.token}"
    assert expected in custom
    marker = _controls(_xml(path))["cspr_document_id"][0]
    assert marker.find("w:sdtPr/w:lock", NS).get(f"{W}val") == "sdtContentLocked"
    assert "".join(marker.itertext()) == expected


def test_properties_are_honest_and_british(setting) -> None:
    path = setting.export()
    names = zipfile.ZipFile(path).namelist()
    assert not any(n.startswith("customXml/") or "thumbnail" in n for n in names)
    app = zipfile.ZipFile(path).read("docProps/app.xml").decode()
    assert "<Application>cspr-tui</Application>" in app and "Macintosh" not in app
    doc = Document(str(path))
    assert doc.core_properties.author == "cspr-tui"
    assert doc.core_properties.created.year >= 2026
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:lang w:val="en-GB"' in styles and 'w:val="en-US"' not in styles


def test_chronology_columns_are_sized_so_words_do_not_break(setting) -> None:
    root = _xml(setting.export())
    tag = next(
        s
        for s in root.iter(f"{W}sdt")
        if (t := s.find("w:sdtPr/w:tag", NS)) is not None and t.get(f"{W}val") == "table:chronology"
    )
    table = next(tag.iterancestors(f"{W}tbl"))
    widths = [int(c.get(f"{W}w")) / 567 for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert widths[0] >= 2.4  # Date: DD/MM/YYYY whole at 9 pt
    assert widths[-1] >= 2.4  # "Significance" whole
    assert sum(widths) == pytest.approx(25.7, abs=0.1)
    assert table.find("w:tblPr/w:tblLayout", NS).get(f"{W}type") == "fixed"
    header = table.find("w:tr/w:trPr", NS)
    assert header.find("w:tblHeader", NS) is not None  # repeated on every page


def test_the_referral_form_is_drawn_from_referral_yaml(workspace: Path, tmp_path: Path) -> None:
    form = load_forms()["referral"]
    path = write_referral_form(tmp_path / "referral.docx", form=form)
    root = _xml(path)
    controls = _controls(root)
    headings = [p.text for p in Document(str(path)).paragraphs if p.style.name.startswith("Head")]
    for section in form.sections:  # the style prints "A.", so the text is the title alone
        assert strip_enumerator(section.title) in headings
    for item in form.fields:
        if item.type in ("text", "long_text", "date", "choice"):
            assert item.id in controls, item.id
    # a partnership's edited template changes the Word form with no code
    override = workspace / "form_templates"
    override.mkdir(exist_ok=True)
    text = (Path(form.source)).read_text(encoding="utf-8")
    text = text.replace("label: Telephone\n", "label: Telephone (mobile preferred)\n")
    (override / "referral.yaml").write_text(text, encoding="utf-8")
    edited = write_referral_form(tmp_path / "edited.docx", form=load_forms(override)["referral"])
    assert "Telephone (mobile preferred)" in package_text(edited)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_renders_the_report_with_marking_and_page_numbers(setting, tmp_path) -> None:
    path = setting.export()
    profile = f"file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / (path.stem + ".pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    sheets = [page for page in text.split("\f") if page.strip()]
    pages = len(sheets)
    assert 5 <= pages <= 15
    for number, page in enumerate(sheets, 1):  # every page marked and numbered
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking"
        assert f"Page {number} of {pages}" in page, f"page {number} is not numbered"
    assert "Significance" in text and "Significa-" not in text
    # Section numbers come from the heading style, printed from the template's first number.
    for section in load_forms()["agency_report"].sections:
        number, title = section.title.split(". ", 1)
        assert re.search(rf"^\s*{number}\.\s+{re.escape(title)}\s*$", text, re.M), section.title
    assert not re.search(r"^\s*\d+\.\s+How to complete this report", text, re.M)
    assert "None" not in [line.strip() for line in text.splitlines()] and "{{" not in text


def test_section_headings_are_numbered_by_style_not_typed(setting) -> None:
    """No heading carries a typed number: Heading 1 is numbered by its style, starting at
    the template's first section number (0, "Cover"), and the two headings before the
    sections opt out of the numbering."""
    doc = Document(str(setting.export()))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    style_num = doc.styles["Heading 1"].element.find("w:pPr/w:numPr/w:numId", ns)
    assert style_num is not None
    num_id = style_num.get(f"{{{ns['w']}}}val")
    numbering = doc.part.numbering_part.element
    abstract = numbering.xpath(f'w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')[0]
    start = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl/w:start/@w:val')
    assert start == ["0"]
    level_one = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    titles = [strip_enumerator(s.title) for s in load_forms()["agency_report"].sections]
    assert [p.text for p in level_one if p.text in titles] == titles  # all, in order
    for paragraph in level_one:
        assert not re.match(r"\s*(\d+|[A-Z])[.)]\s", paragraph.text), paragraph.text
        own = paragraph._p.find("w:pPr/w:numPr/w:numId", ns)
        if paragraph.text not in titles:
            assert own is not None and own.get(f"{{{ns['w']}}}val") == "0", paragraph.text
