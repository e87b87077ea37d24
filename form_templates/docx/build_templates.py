"""Builds the default Word templates of the exports with python-docx.

Run `python form_templates/docx/build_templates.py` after changing a report's fields or layout
and commit the .docx files it writes beside this script. Building in code keeps every Jinja
tag in a single run (Word splits tags it has edited) and keeps the tags in step with the
field lists in `cspr_tui.exports.context`, which also build the contexts. A partnership that
wants its own layout edits a copy in its workspace (see docs/templates.md).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from cspr_tui.exports.context import (
    AGENCY_TABLES,
    CASE_REPORT_KINDS,
    RECOMMENDATION_FIELDS,
    Field,
    Repeat,
    ReportSpec,
)

HERE = Path(__file__).resolve().parent
TEMPLATE_FILES = {
    "agency_report": "agency_report.docx",
    "referral": "referral.docx",
    "rapid-review": "rapid_review.docx",
    "final": "final_report.docx",
}
_FIXED_TIME = datetime(2026, 1, 1, 9, 0, 0)
_MAX_TABLE_COLUMNS = 5  # wider groups are laid out as one block per entry


def _new_document(title: str, *, landscape: bool = False) -> Document:
    doc = Document()
    props = doc.core_properties
    props.author = "cspr-tui"
    props.last_modified_by = "cspr-tui"
    props.title = title
    props.created = _FIXED_TIME
    props.modified = _FIXED_TIME
    props.revision = 1
    props.comments = ""
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    _marking_header_footer(doc)
    return doc


def _field_run(paragraph, instruction: str) -> None:
    """A PAGE / NUMPAGES field, so the footer shows live page numbers."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _marking_header_footer(doc: Document) -> None:
    """Protective marking at the top and bottom of every page, as government documents carry."""
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run("{{ marking }}")
    run.bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run("{{ marking }}")
    run.bold = True
    footer.add_run(" | {{ case.ref }} | Page ")
    _field_run(footer, "PAGE")
    footer.add_run(" of ")
    _field_run(footer, "NUMPAGES")


def _key_value_table(doc: Document, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, tag in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = tag
        cells[0].width, cells[1].width = Mm(60), Mm(110)
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(60), Mm(110)


def _loop_table(
    doc: Document,
    items: str,
    var: str,
    columns: list[tuple[str, str]],
    widths_mm: tuple[int, ...] = (),
) -> None:
    """A table whose middle row repeats once per item (`{%tr for %}`), or says none recorded."""
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, (label, _tag) in zip(table.rows[0].cells, columns, strict=True):
        cell.text = label
        cell.paragraphs[0].runs[0].bold = True
    _mark_header_row(table.rows[0])
    table.add_row().cells[0].text = f"{{%tr for {var} in {items} %}}"
    cells = table.add_row().cells
    for cell, (_label, tag) in zip(cells, columns, strict=True):
        cell.text = tag
    table.add_row().cells[0].text = "{%tr endfor %}"
    table.add_row().cells[0].text = f"{{%tr if not {items} %}}"
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1]) if len(columns) > 1 else row.cells[0]
    merged.text = "None recorded."
    table.add_row().cells[0].text = "{%tr endif %}"
    if widths_mm:
        table.autofit = False
        for index, width in enumerate(widths_mm):
            table.columns[index].width = Mm(width)  # the grid, which LibreOffice follows
            for cell in table.columns[index].cells:
                cell.width = Mm(width)


def _blank_table(doc: Document, headers: tuple[str, ...]) -> None:
    """A table with empty rows for an agency to fill in."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, headers, strict=True):
        cell.text = label
        cell.paragraphs[0].runs[0].bold = True
    _mark_header_row(table.rows[0])
    table.add_row().cells[0].text = "{%tr for _ in blank_rows %}"
    table.add_row()
    table.add_row().cells[0].text = "{%tr endfor %}"


def _mark_header_row(row) -> None:
    """Repeat the header row on every page the table spans."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cover(doc: Document, rows: list[tuple[str, str]]) -> None:
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ partnership }}", style="Subtitle")
    _key_value_table(doc, rows)


def _case_report(spec: ReportSpec) -> Document:
    doc = _new_document(spec.title)
    _cover(
        doc,
        [
            ("Case reference", "{{ case.ref }}"),
            ("Review pseudonym", "{{ case.pseudonym }}"),
            ("Review type", "{{ case.review_type }}"),
            ("Stage", "{{ case.stage }}"),
            ("Protective marking", "{{ marking }}"),
            ("Produced", "{{ generated }}"),
        ],
    )
    for heading, form_id, items in spec.sections:
        if spec.kind == "final" and heading.startswith("7."):
            _recommendations_section(doc)
        doc.add_heading(heading, level=1)
        scalars: list[tuple[str, str]] = []
        for item in items:
            if isinstance(item, Field):
                scalars.append((item.label, f"{{{{ a.{form_id}.{item.id} }}}}"))
                continue
            if scalars:
                _key_value_table(doc, scalars)
                scalars = []
            doc.add_heading(item.label, level=2)
            _repeat_table(doc, item)
        if scalars:
            _key_value_table(doc, scalars)
    return doc


def _repeat_table(doc: Document, repeat: Repeat) -> None:
    if len(repeat.fields) > _MAX_TABLE_COLUMNS:
        _repeat_cards(doc, repeat)
        return
    columns = [(f.label, f"{{{{ row.{f.id} }}}}") for f in repeat.fields]
    _loop_table(doc, f"rows.{repeat.id}", "row", columns)


def _repeat_cards(doc: Document, repeat: Repeat) -> None:
    """A wide group as one labelled block per entry, so long answers stay readable."""
    items = f"rows.{repeat.id}"
    doc.add_paragraph(f"{{%p for row in {items} %}}")
    doc.add_paragraph().add_run("{{ loop.index }}.").bold = True
    _key_value_table(doc, [(f.label, f"{{{{ row.{f.id} }}}}") for f in repeat.fields])
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph(f"{{%p if not {items} %}}")
    doc.add_paragraph("None recorded.")
    doc.add_paragraph("{%p endif %}")


def _recommendations_section(doc: Document) -> None:
    doc.add_heading("6. Recommendations", level=1)
    doc.add_paragraph(
        "What each agency must do, and by when. Progress is reported to the partnership "
        "each quarter."
    )
    columns = [(f.label, f"{{{{ rec.{f.id} }}}}") for f in RECOMMENDATION_FIELDS]
    _loop_table(doc, "recommendations", "rec", columns, widths_mm=(10, 48, 38, 24, 23, 27))


def _prompt(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph(text)
    paragraph.runs[0].italic = True
    doc.add_paragraph("[Agency to complete]")


def _agency_report() -> Document:
    doc = _new_document("Agency information report")
    _cover(
        doc,
        [
            ("Review", "{{ case.ref }} ({{ case.pseudonym }})"),
            ("Review type", "{{ case.review_type }}"),
            ("Agency", "{{ agency }}"),
            ("Report depth", "{{ report.depth }}"),
            ("Author", "{{ report.author }}"),
            ("Author's role", "{{ report.author_role }}"),
            ("Author's contact details", "[Agency to complete]"),
            ("Date requested", "{{ report.requested }}"),
            ("Due date", "{{ report.due }}"),
            ("Version", "{{ report.version }}"),
            ("Protective marking", "{{ marking }}"),
            ("Distribution", "Review panel members and the partnership business unit only"),
        ],
    )
    doc.add_paragraph(
        "Refer to the child and family members by the pseudonyms and roles below, and to "
        "practitioners by their role, never by name. Return the completed report by the due "
        "date through a secure route."
    )
    doc.add_heading("1. Scope", level=1)
    _key_value_table(doc, [("Period from", "{{ scope.from }}"), ("Period to", "{{ scope.to }}")])
    doc.add_heading("Subjects of the review", level=2)
    _loop_table(
        doc,
        "subjects",
        "person",
        [("Pseudonym", "{{ person.pseudonym }}"), ("Role", "{{ person.role }}")],
    )
    doc.add_heading("Key lines of enquiry to answer", level=2)
    _loop_table(
        doc,
        "lines_of_enquiry",
        "line",
        [("No.", "{{ line.number }}"), ("Question", "{{ line.question }}")],
        widths_mm=(15, 155),
    )
    doc.add_heading("2. Sources of information", level=1)
    _prompt(doc, "Records examined (case notes, health records, police systems, school records).")
    _prompt(doc, "Staff spoken to (roles only) and any limitations of the information.")
    doc.add_heading("3. Summary of the agency's involvement", level=1)
    _prompt(doc, "Your contact with the child and family; whether your agency is still involved.")
    doc.add_heading("4. Chronology", level=1)
    doc.add_paragraph("One row per significant contact within the scope period.")
    _blank_table(doc, AGENCY_TABLES["chronology"])
    doc.add_heading("5. Key practice episodes and analysis", level=1)
    _blank_table(doc, AGENCY_TABLES["episodes"])
    doc.add_heading("6. The child's lived experience and voice", level=1)
    _prompt(doc, "What was life like for the child, and how was their voice heard?")
    doc.add_heading("7. Equality, diversity, culture, language and disability", level=1)
    _prompt(doc, "How did these shape the child's experience and your agency's response?")
    doc.add_heading("8. Multi-agency working and information sharing", level=1)
    _prompt(doc, "What was shared, with whom and when; what helped or hindered.")
    doc.add_heading("9. Good practice", level=1)
    _prompt(doc, "Practice that made a positive difference.")
    doc.add_heading("10. Learning identified", level=1)
    _blank_table(doc, AGENCY_TABLES["learning"])
    doc.add_heading("11. Actions already taken by the agency", level=1)
    _blank_table(doc, AGENCY_TABLES["actions"])
    doc.add_heading("12. Proposed recommendations", level=1)
    doc.add_paragraph("Specific, measurable, achievable, realistic and time-bound, with an owner.")
    _blank_table(doc, AGENCY_TABLES["recommendations"])
    doc.add_heading("13. Parallel processes known to the agency", level=1)
    _prompt(doc, "Police investigation, criminal or family proceedings, inquest, other reviews.")
    doc.add_heading("14. Sign-off", level=1)
    _key_value_table(
        doc,
        [
            ("Senior manager name", "[Agency to complete]"),
            ("Role", "[Agency to complete]"),
            ("Date", "[Agency to complete]"),
            (
                "Confirmation",
                "I confirm this report is factually accurate and has been quality-assured.",
            ),
        ],
    )
    return doc


def build_all(dest: Path = HERE) -> list[Path]:
    """Write every default template into `dest`; returns the files written."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for key, file_name in TEMPLATE_FILES.items():
        doc = _agency_report() if key == "agency_report" else _case_report(CASE_REPORT_KINDS[key])
        target = dest / file_name
        doc.save(str(target))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
