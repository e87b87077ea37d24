"""Builds the default Word templates of the exports with python-docx.

Run `python form_templates/docx/build_templates.py` after changing a report's fields or layout
and commit the .docx files it writes beside this script. Building in code keeps every Jinja
tag in a single run (Word splits tags it has edited) and keeps the tags in step with the
field lists in `cspr_tui.exports.context`, which also build the contexts. A partnership that
wants its own layout edits a copy in its workspace (see docs/templates.md).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from cspr_tui.exports.context import CASE_REPORT_KINDS, ReportSpec
from cspr_tui.exports.properties import stamp_package

HERE = Path(__file__).resolve().parent
TEMPLATE_FILES = {
    "referral": "referral.docx",
    "rapid-review": "rapid_review.docx",
    "final": "final_report.docx",
}
_FIXED_TIME = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)  # the template's; exports stamp now
_TEXT_WIDTH = Mm(170)
_LABEL_WIDTH, _VALUE_WIDTH = Mm(55), Mm(115)
_HEADING_NUMBERING = 90  # our own numbering definition, clear of the stock template's ids
_LANGUAGE = "en-GB"
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")


def _new_document(title: str, *, numbering: str | None = "decimal") -> Document:
    doc = Document()
    props = doc.core_properties
    props.author = "cspr-tui"
    props.last_modified_by = "cspr-tui"
    props.title = title
    props.created = _FIXED_TIME.replace(tzinfo=None)
    props.modified = _FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    props.comments = ""
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(4)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    _report_styles(doc)
    if numbering:
        _number_headings(doc, numbering)
    _british_english(doc)
    _marking_header_footer(doc)
    return doc


def _report_styles(doc: Document) -> None:
    """The few styles the generic layout uses, each saying how it sits on the page."""
    styles = doc.styles
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        fmt = styles[name].paragraph_format
        fmt.keep_with_next = True
        fmt.keep_together = True
        styles[name].font.name = "Arial"
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    label = styles.add_style("Answer label", 1)
    label.base_style = styles["Normal"]
    label.font.bold = True
    label.paragraph_format.keep_with_next = True
    label.paragraph_format.space_before = Pt(8)
    label.paragraph_format.space_after = Pt(2)
    entry = styles.add_style("Entry title", 1)
    entry.base_style = styles["Normal"]
    entry.font.bold = True
    entry.font.size = Pt(12)
    entry.paragraph_format.keep_with_next = True
    entry.paragraph_format.space_before = Pt(10)
    gap = styles.add_style("Table gap", 1)
    gap.base_style = styles["Normal"]
    gap.font.size = Pt(4)
    gap.paragraph_format.space_after = Pt(0)
    gap.paragraph_format.space_before = Pt(0)
    note = styles.add_style("Report note", 1)
    note.base_style = styles["Normal"]
    note.font.italic = True
    cell = styles.add_style("Table text", 1)
    cell.base_style = styles["Normal"]
    cell.font.size = Pt(10)
    cell.paragraph_format.space_before = Pt(1)
    cell.paragraph_format.space_after = Pt(1)


def _number_headings(doc: Document, numbering: str) -> None:
    """Headings 1 to 3 numbered by their styles (A / A.1 / A.1.1 or 1 / 1.1 / 1.1.1)."""
    root = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(_HEADING_NUMBERING))
    kind = OxmlElement("w:multiLevelType")
    kind.set(qn("w:val"), "multilevel")
    abstract.append(kind)
    for level in range(3):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (
            ("w:start", "1"),
            ("w:numFmt", numbering if level == 0 else "decimal"),
            ("w:pStyle", f"Heading{level + 1}"),
            (
                "w:lvlText",
                ".".join(f"%{n + 1}" for n in range(level + 1)) + ("." if level == 0 else ""),
            ),
            ("w:lvlJc", "left"),
        ):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            lvl.append(element)
        ppr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(567 + 284 * level))
        ind.set(qn("w:hanging"), str(567 + 284 * level))
        ppr.append(ind)
        lvl.append(ppr)
        abstract.append(lvl)
    first_num = root.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(_HEADING_NUMBERING))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(_HEADING_NUMBERING))
    num.append(ref)
    root.append(num)
    for level in range(3):
        num_pr = doc.styles[f"Heading {level + 1}"].element.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = _HEADING_NUMBERING


def _level_text(level: int) -> str:
    """ "%1." for a chapter, "%1.%2" below it: the number Word and LibreOffice print."""
    text = ".".join(f"%{n + 1}" for n in range(level + 1))
    return f"{text}." if level == 0 else text


def _set_language(rpr) -> None:
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), _LANGUAGE)
    lang.set(qn("w:eastAsia"), _LANGUAGE)
    later = [rpr.find(qn(tag)) for tag in _RPR_AFTER_LANG]
    later = [element for element in later if element is not None]
    if later:
        later[0].addprevious(lang)
    else:
        rpr.append(lang)


def _british_english(doc: Document) -> None:
    """en-GB everywhere Word looks: the defaults, every style and the theme font language."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_language(rpr)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "numbering":
            continue  # a numbering style holds no run properties
        _set_language(style.get_or_add_rPr())
    settings = doc.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), _LANGUAGE)


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
    # No stray " | " when the settings leave the marking empty.
    footer.add_run("{% if marking %} | {% endif %}{{ case.ref }} | Page ")
    _field_run(footer, "PAGE")
    footer.add_run(" of ")
    _field_run(footer, "NUMPAGES")


# -- tables -------------------------------------------------------------------------------
def _fixed_layout(table, width: int | None = None) -> None:
    """Widths as given (LibreOffice and Word both follow a fixed layout) across the text."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(width or _TEXT_WIDTH.twips))


def _keep_rows_whole(table) -> None:
    """No row split across a page: a reader never has half a date or half an answer."""
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _mark_header_row(row) -> None:
    """Repeat the header row on every page the table spans, shaded so it reads as one."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for cell in row.cells:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "E7E6E6")
        cell._tc.get_or_add_tcPr().append(shading)


def _cell(cell, text: str, *, bold: bool = False, style: str = "Table text") -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    run = paragraph.add_run(text)
    run.bold = bold or None


def _gap(doc: Document) -> None:
    """A small paragraph after every table, so two tables never run into one another."""
    doc.add_paragraph("", style="Table gap")


def _key_value_table(doc: Document, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, tag in rows:
        cells = table.add_row().cells
        _cell(cells[0], label, bold=True)
        _cell(cells[1], tag)
    _widths(table, (_LABEL_WIDTH, _VALUE_WIDTH))
    _keep_rows_whole(table)
    _gap(doc)


def _widths(table, widths) -> None:
    _fixed_layout(table, sum(int(w.twips) for w in widths))
    for index, width in enumerate(widths):
        table.columns[index].width = width  # the grid, which LibreOffice follows
        for cell in table.columns[index].cells:
            cell.width = width


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
        _cell(cell, label, bold=True)
    _mark_header_row(table.rows[0])
    table.add_row().cells[0].text = f"{{%tr for {var} in {items} %}}"
    cells = table.add_row().cells
    for cell, (_label, tag) in zip(cells, columns, strict=True):
        _cell(cell, tag)
    table.add_row().cells[0].text = "{%tr endfor %}"
    table.add_row().cells[0].text = f"{{%tr if not {items} %}}"
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[-1]) if len(columns) > 1 else row.cells[0]
    merged.text = "None recorded."
    table.add_row().cells[0].text = "{%tr endif %}"
    if widths_mm:
        _widths(table, tuple(Mm(w) for w in widths_mm))
    else:
        _fixed_layout(table)
    _keep_rows_whole(table)
    _gap(doc)


def _cover(doc: Document, rows: list[tuple[str, str]]) -> None:
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ partnership }}", style="Subtitle")
    _key_value_table(doc, rows)


# -- the generic case report ----------------------------------------------------------------
def _tag(doc: Document, text: str) -> None:
    """A paragraph holding only a `{%p ... %}` tag (docxtpl removes the paragraph itself)."""
    doc.add_paragraph(text)


def _facts_table(doc: Document, rows: str) -> None:
    """Short answers: label and value, one row per answer (`rows` is the loop's list).

    The first two rows keep with the row after them, so a heading never ends a page with one
    lone row under it; the rest flow on, so a long table does not leave half a page empty.
    """
    table = doc.add_table(rows=7, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = f"{{%tr for fact in {rows} %}}"
    table.rows[1].cells[0].text = "{%tr if loop.index <= 2 %}"
    for row, keep in ((table.rows[2], True), (table.rows[4], False)):
        _cell(row.cells[0], "{{ fact.label }}", bold=True)
        _cell(row.cells[1], "{{ fact.value }}")
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = keep or None
    table.rows[3].cells[0].text = "{%tr else %}"
    table.rows[5].cells[0].text = "{%tr endif %}"
    table.rows[6].cells[0].text = "{%tr endfor %}"
    _widths(table, (_LABEL_WIDTH, _VALUE_WIDTH))
    _keep_rows_whole(table)
    _gap(doc)


def _width_tag(cell, expression: str) -> None:
    """The cell's width from the context (measured from the content when the report is made).

    `{# cellwidth ... #}` is a Jinja comment: Word, a stock renderer and the template check
    ignore it; cspr's renderer sets the cell's width from it. The width written here is the
    fallback a stock renderer keeps.
    """
    tc_w = cell._tc.get_or_add_tcPr().get_or_add_tcW()
    tc_w.set(qn("w:type"), "dxa")
    tc_w.set(qn("w:w"), str(_TEXT_WIDTH.twips // 3))
    cell.paragraphs[0].runs[0].text = (
        f"{{# cellwidth {expression} #}}" + cell.paragraphs[0].runs[0].text
    )


def _measured_table(doc: Document, block: str) -> None:
    """A repeat group's table: columns and widths come from the context (`{%tc for %}`)."""
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    header, loop_start, body, loop_end = table.rows
    header.cells[0].text = f"{{%tc for column in {block}.columns %}}"
    _cell(header.cells[1], "{{ column.label }}", bold=True)
    _width_tag(header.cells[1], "column.width")
    header.cells[2].text = "{%tc endfor %}"
    _mark_header_row(header)
    loop_start.cells[0].text = f"{{%tr for line in {block}.cells %}}"
    body.cells[0].text = "{%tc for cell in line.cells %}"
    _cell(body.cells[1], "{{ cell.text }}")
    _width_tag(body.cells[1], "cell.width")
    body.cells[2].text = "{%tc endfor %}"
    loop_end.cells[0].text = "{%tr endfor %}"
    _fixed_layout(table)
    _keep_rows_whole(table)
    _gap(doc)


def _answer_text(doc: Document, block: str) -> None:
    """A long answer: its label, then the answer as ordinary paragraphs across the page."""
    _tag(doc, f"{{%p if {block}.heading %}}")
    doc.add_paragraph(f"{{{{ {block}.heading }}}}", style="Answer label")
    _tag(doc, "{%p endif %}")
    doc.add_paragraph(f"{{{{ {block}.text }}}}")


def _block_heading(doc: Document, block: str) -> None:
    _tag(doc, f'{{%p if {block}.heading and {block}.kind != "text" %}}')
    _tag(doc, "{%p if section.level == 1 %}")
    doc.add_heading(f"{{{{ {block}.heading }}}}", level=2)
    _tag(doc, "{%p else %}")
    doc.add_heading(f"{{{{ {block}.heading }}}}", level=3)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endif %}")


def _sections(doc: Document) -> None:
    """Every section of the report, whatever the forms hold: the layout of each kind of block."""
    _tag(doc, "{%p for section in sections %}")
    _tag(doc, "{%p if section.level == 1 %}")
    doc.add_heading("{{ section.heading }}", level=1)
    _tag(doc, "{%p else %}")
    doc.add_heading("{{ section.heading }}", level=2)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if section.empty %}")
    doc.add_paragraph("{{ section.empty }}", style="Report note")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for block in section.blocks %}")
    _block_heading(doc, "block")
    _tag(doc, '{%p if block.kind == "facts" %}')
    _facts_table(doc, "block.rows")
    _tag(doc, '{%p elif block.kind == "text" %}')
    _answer_text(doc, "block")
    _tag(doc, '{%p elif block.kind == "table" %}')
    _measured_table(doc, "block")
    _tag(doc, '{%p elif block.kind == "entries" %}')
    _tag(doc, "{%p for entry in block.entries %}")
    doc.add_paragraph("{{ entry.title }}", style="Entry title")
    _tag(doc, "{%p for part in entry.blocks %}")
    _tag(doc, '{%p if part.kind == "facts" %}')
    _facts_table(doc, "part.rows")
    _tag(doc, '{%p elif part.kind == "text" %}')
    _answer_text(doc, "part")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")


def _case_report(spec: ReportSpec) -> Document:
    doc = _new_document(spec.title, numbering=spec.numbering)
    _cover(
        doc,
        [
            ("Case reference", "{{ case.ref }}"),
            ("Review pseudonym", "{{ case.pseudonym }}"),
            ("Review type", "{{ case.review_type }}"),
            ("Stage", "{{ case.stage }}"),
            ("Protective marking", "{{ marking }}"),
            ("Produced on", "{{ generated }}"),
        ],
    )
    _sections(doc)
    return doc


def build_all(dest: Path = HERE) -> list[Path]:
    """Write every default template into `dest`; returns the files written."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for key, file_name in TEMPLATE_FILES.items():
        spec = CASE_REPORT_KINDS[key]
        doc, title = _case_report(spec), spec.title
        target = dest / file_name
        doc.save(str(target))
        # No stock thumbnail, no customXml, no Word application name: the template's own
        # properties are honest too (each export stamps its own time and audit head).
        stamp_package(target, {}, title=title, now=_FIXED_TIME)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
