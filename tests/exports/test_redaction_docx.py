"""Redacting any Word document: every part scanned, comments, tracked changes, hidden text
and personal properties removed, replacements written in place."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml

from cspr_tui.domain.case import Case, Person, PersonKind
from cspr_tui.exports.docx_report import package_text
from cspr_tui.exports.redaction import RedactionReviewNeeded, Redactor
from cspr_tui.exports.redaction.docx_file import docx_findings, redact_docx
from cspr_tui.exports.redaction.review import accepting

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _case() -> Case:
    return Case(
        "CSPR-2026-001",
        "Child A",
        people=[
            Person("Zoë Fictionalia", "Child A", "Subject child", PersonKind.CHILD,
                   nhs_number="943 476 5919"),
            Person("Siobhán O'Neill", "Mother", "Mother"),
        ],
    )  # fmt: skip


def _document(path: Path) -> Path:
    doc = Document()
    para = doc.add_paragraph("Report about ")
    para.add_run("Zo").bold = True
    para.add_run("ë Fictionalia").bold = True  # the name split across two runs
    para.add_run(", NHS 9434765919.")
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "Siobhán O'Neill attended."
    doc.sections[0].header.paragraphs[0].text = "About Zoë"
    doc.sections[0].footer.paragraphs[0].text = "Mother: Siobhán O’Neill"
    commented = doc.add_paragraph("A plain sentence.")
    doc.add_comment(commented.runs, text="Ask Siobhán O'Neill", author="Zoë Fictionalia")
    body = doc.element.body
    body.append(parse_xml(
        f'<w:p {W}><w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
        '<w:del w:id="1" w:author="Siobhán O\'Neill"><w:r><w:delText>Zoë Fictionalia'
        '</w:delText></w:r></w:del><w:ins w:id="2" w:author="X"><w:r><w:t>inserted</w:t>'
        '</w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden Zoë</w:t></w:r></w:p>'
    ))  # fmt: skip
    body.append(parse_xml(
        f'<w:p {W}><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>Box: Zoë Fictionalia</w:t>'
        "</w:r></w:p></w:txbxContent></w:pict></w:r></w:p>"
    ))  # fmt: skip
    doc.core_properties.author = "Siobhán O'Neill"
    doc.core_properties.title = "Zoë Fictionalia review"
    doc.save(str(path))
    return path


def test_a_word_document_is_redacted_everywhere(workspace: Path) -> None:
    source = _document(workspace / "draft.docx")
    redactor = Redactor.for_case(_case())
    with pytest.raises(RedactionReviewNeeded) as caught:
        redact_docx(source, workspace / "out.docx", redactor, ref="CSPR-2026-001")
    where = " ".join(caught.value.details)
    for part in ("document paragraph", "header1 paragraph", "footer1 paragraph"):
        assert part in where
    assert "«Zoë Fictionalia»" in where and "Ask" not in where  # the comment is not kept
    assert not (workspace / "out.docx").exists()

    reviewed = redactor.with_decisions(accepting(docx_findings(source, redactor)))
    out = redact_docx(source, workspace / "out.docx", reviewed, ref="CSPR-2026-001")
    text = package_text(out)
    for gone in ("Zoë", "Zoe", "Fictionalia", "Siobhán", "O'Neill", "O’Neill", "9434765919",
                 "hidden", "Ask"):  # fmt: skip
        assert gone not in text, gone
    for kept in ("Report about Child A, NHS [NHS number withheld].", "Mother attended.",
                 "About Child A", "Kept inserted", "Box: Child A"):  # fmt: skip
        assert kept in text, kept
    with zipfile.ZipFile(out) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    for tag in (b"<w:del ", b"<w:ins ", b"w:commentReference", b"<w:vanish", b"<w:comment "):
        assert tag not in xml, tag
    doc = Document(str(out))
    assert doc.core_properties.author == "" and doc.core_properties.title == "draft (redacted)"
    runs = doc.paragraphs[0].runs
    assert any(r.bold and "Child A" in r.text for r in runs)  # formatting kept


def test_a_file_that_is_not_a_word_document_is_refused(workspace: Path) -> None:
    from cspr_tui.errors import CsprError

    bad = workspace / "notes.docx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(CsprError, match="cannot be read as a Word document"):
        docx_findings(bad, Redactor.for_case(_case()))


def test_names_beside_a_tab_or_a_line_break_are_found(workspace: Path) -> None:
    """A tab ("Mother:<tab>Siobhán") and Shift+Enter (an address block typed line by line)
    separate words on the page; read as nothing, they ran the words together and hid them."""
    doc = Document()
    para = doc.add_paragraph()
    para.add_run("Mother:")
    para.add_run().add_tab()
    para.add_run("Siobhán")
    para.add_run().add_tab()
    para.add_run("rang.")
    block = doc.add_paragraph()
    block.add_run("Zoë")
    block.add_run().add_break()
    block.add_run("Fictionalia")
    source = workspace / "tabs.docx"
    doc.save(str(source))
    redactor = Redactor.for_case(_case())
    found = docx_findings(source, redactor)
    assert {f.hit for f in found} >= {"Siobhán", "Zoë\nFictionalia"}
    out = redact_docx(
        source,
        workspace / "tabs-out.docx",
        redactor.with_decisions(accepting(found)),
        ref="CSPR-2026-001",
    )
    text = package_text(out)
    assert "Siobhán" not in text and "Zoë" not in text and "Fictionalia" not in text
    back = Document(str(out))
    assert back.paragraphs[0].text == "Mother:\tMother\trang."  # the tabs stay


def _carrier(path: Path) -> Path:
    """A document whose name and email sit where a reader does not look: a simple field's
    code, a bookmark's name, an old form field's name and default, the glossary, a chart's
    title and the custom XML a content control is bound to."""
    doc = Document()
    doc.add_paragraph("Intro.")
    body = doc.element.body
    body.append(parse_xml(
        f"<w:p {W}><w:fldSimple w:instr=' HYPERLINK \"mailto:zoe.fictionalia@example.com\"'>"
        "<w:r><w:t>email link</w:t></w:r></w:fldSimple></w:p>"
    ))  # fmt: skip
    body.append(parse_xml(
        f'<w:p {W}><w:bookmarkStart w:id="0" w:name="Zoe_Fictionalia_notes"/><w:r>'
        '<w:t>bookmarked</w:t></w:r><w:bookmarkEnd w:id="0"/></w:p>'
    ))  # fmt: skip
    body.append(parse_xml(
        f'<w:p {W}><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name '
        'w:val="ZoeFictionalia"/><w:textInput><w:default w:val="Zoë Fictionalia"/>'
        "</w:textInput></w:ffData></w:fldChar></w:r><w:r><w:t>form</w:t></w:r></w:p>"
    ))  # fmt: skip
    plain = path.with_suffix(".plain.docx")
    doc.save(str(plain))
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("customXml/item9.xml", "<root><child>Zoë Fictionalia</child></root>")
        out.writestr(
            "word/glossary/document.xml",
            f"<w:glossaryDocument {W}><w:docParts><w:docPart><w:docPartBody><w:p><w:r>"
            "<w:t>Zoë Fictionalia glossary</w:t></w:r></w:p></w:docPartBody></w:docPart>"
            "</w:docParts></w:glossaryDocument>",
        )
        out.writestr(
            "word/charts/chart1.xml",
            '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            "<c:title><c:v>Zoë Fictionalia chart</c:v></c:title></c:chartSpace>",
        )
    return path


def test_what_the_file_carries_but_does_not_show_is_redacted_too(workspace: Path) -> None:
    source = _carrier(workspace / "carrier.docx")
    redactor = Redactor.for_case(_case())
    findings = docx_findings(source, redactor)
    where = {f.path for f in findings}
    places = ("glossary/document paragraph 1", "customXml/item9 text 1", "charts/chart1 text 1",
              "fldSimple instr", "name val", "default val")  # fmt: skip
    for place in places:
        assert place in where, place
    assert not any(f.hit == "HYPERLINK" for f in findings)  # a field's keyword is no name
    reviewed = redactor.with_decisions(accepting(findings))
    out = redact_docx(source, workspace / "out.docx", reviewed, ref="CSPR-2026-001")
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            data = archive.read(name).decode("utf-8", "replace").casefold()
            for gone in ("fictionalia", "zoë", "zoe"):
                assert gone not in data, (name, gone)
        assert b'w:name="_Redacted1"' in archive.read("word/document.xml")
