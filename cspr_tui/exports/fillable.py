"""Fillable Word forms drawn from the form templates: content controls, no macros.

The agency information report and the blank referral form are generated from their YAML
templates, so the file a partnership edits is the one source of the app's screens, the
Word form and the reading of what comes back. Every answer is a Word content control
(`w:sdt`) whose tag is the template's field id: date pickers shown DD/MM/YYYY, drop-down
lists for choices, check boxes for multiple choices, plain text for short answers and rich
text under its question, full width, for long ones. Tables (the chronology) are plain
rows of controls the agency can extend with Tab; they are read back by column, so a row
added without controls reads the same. Nothing here runs code when the file is opened.

An agency report carries its document id (case, agency, export version, form version and
the request's random token) twice: as a custom document property and in a locked
control, so a return is matched to its request and anything else is refused.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from cspr_tui.domain.agency_return import CONTEXT_FIELDS, DocumentId, depth_asked
from cspr_tui.domain.case import AgencyReportRequest, Case
from cspr_tui.domain.people import review_subjects
from cspr_tui.exports.context import (
    clean_text,
    format_date,
    protective_marking,
)
from cspr_tui.exports.docx_report import find_agency
from cspr_tui.exports.export_file import (
    ExportExists,
    default_export_dir,
    safe_name_part,
    write_export,
    write_versioned_export,
)
from cspr_tui.exports.form_report import strip_enumerator
from cspr_tui.exports.redaction import Redactor, case_redactor
from cspr_tui.settings import Settings

__all__ = [
    "DOCUMENT_ID_PROPERTY",
    "DOCUMENT_ID_TAG",
    "PLACEHOLDERS",
    "TABLE_TAG_PREFIX",
    "agency_report_file_name",
    "build_agency_report",
    "build_referral_form",
    "version_of",
    "write_agency_report",
    "write_referral_form",
]

Progress = Callable[[int, int], None]

DOCUMENT_ID_PROPERTY = "cspr-document-id"
DOCUMENT_ID_TAG = "cspr_document_id"
TABLE_TAG_PREFIX = "table:"
# What an empty control shows; read back as "no answer" whether or not Word still marks
# it as a placeholder (LibreOffice and copy-paste can lose the mark).
PLACEHOLDERS = {
    "text": "Type here",
    "long_text": "Type your answer here",
    "date": "DD/MM/YYYY",
    "choice": "Choose an item",
    "number": "Type a number",
    "time": "HH:MM",  # table cells are narrow: short prompts that do not wrap
    "cell_choice": "Choose",
}
BLANK_TABLE_ROWS = 5
_A4 = (Cm(21.0), Cm(29.7))
_MARGIN = Cm(2.0)
_CONTENT_WIDTH_PORTRAIT = 17.0  # cm
_CONTENT_WIDTH_LANDSCAPE = 25.7
_ids = itertools.count(1_000_001)
# The questions an agency answers when the review has recorded no lines of enquiry yet.
DEFAULT_LINES_OF_ENQUIRY: tuple[str, ...] = (
    "What was your agency's involvement with the child and family during the period?",
    "How well did your agency understand the child's lived experience and hear their voice?",
    "How well did your agency share information and work with other agencies?",
    "What went well, what could have been better, and why?",
)
_SECTION_NUMBERING = 90  # our numbering definition's id, clear of the stock template's
_ENUMERATOR = re.compile(r"^\s*(?:([A-Z])|(\d{1,2}))[.)]\s+")


# -- content controls ------------------------------------------------------------------
def _run_xml(text: str, *, placeholder: bool = False) -> str:
    props = []
    if placeholder:
        props.append('<w:rStyle w:val="PlaceholderText"/>')
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    pieces = []
    for index, line in enumerate(clean_text(text).split("\n")):
        if index:
            pieces.append("<w:br/>")
        pieces.append(f'<w:t xml:space="preserve">{escape(line)}</w:t>')
    return f"<w:r>{rpr}{''.join(pieces)}</w:r>"


def _sdt_pr(
    tag: str,
    alias: str,
    kind: str,
    *,
    value: str = "",
    choices: Iterable[str] = (),
    locked: bool = False,
    empty: bool = True,
) -> str:
    parts = [
        f'<w:alias w:val="{escape(alias[:250], {chr(34): "&quot;"})}"/>',
        f'<w:tag w:val="{escape(tag, {chr(34): "&quot;"})}"/>',
        f'<w:id w:val="{next(_ids)}"/>',
    ]
    if locked:
        parts.append('<w:lock w:val="sdtContentLocked"/>')
    if empty and kind != "checkbox":
        parts.append("<w:showingPlcHdr/>")
    if kind == "date":
        full = f' w:fullDate="{value}T00:00:00Z"' if value else ""
        parts.append(
            f'<w:date{full}><w:dateFormat w:val="dd/MM/yyyy"/><w:lid w:val="en-GB"/>'
            '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
        )
    elif kind == "choice":
        items = "".join(
            f'<w:listItem w:displayText="{escape(c, {chr(34): "&quot;"})}"'
            f' w:value="{escape(c, {chr(34): "&quot;"})}"/>'
            for c in choices
        )
        parts.append(f"<w:dropDownList>{items}</w:dropDownList>")
    elif kind in ("text", "number"):
        parts.append('<w:text w:multiLine="0"/>')
    elif kind == "checkbox":
        checked = "1" if value else "0"
        parts.append(
            f'<w14:checkbox><w14:checked w14:val="{checked}"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox>'
        )
    # long_text: a rich text control (no type element), so paragraphs are allowed.
    return f"<w:sdtPr>{''.join(parts)}</w:sdtPr>"


def inline_control(
    tag: str,
    alias: str,
    kind: str,
    value: str = "",
    *,
    choices: Iterable[str] = (),
    locked: bool = False,
    placeholder: str | None = None,
) -> Any:
    """A content control inside a paragraph (`w:sdt` around runs)."""
    shown_value = format_date(value) if kind == "date" else value
    if kind == "checkbox":
        content = _run_xml("\u2612" if value else "\u2610")
    elif shown_value:
        content = _run_xml(shown_value)
    else:
        prompt = placeholder or PLACEHOLDERS.get(kind, "Type here")
        content = _run_xml(prompt, placeholder=True)
    props = _sdt_pr(
        tag,
        alias,
        kind,
        value=value if kind == "date" else ("1" if value and kind == "checkbox" else ""),
        choices=choices,
        locked=locked,
        empty=not shown_value,
    )
    return parse_xml(
        f"<w:sdt {nsdecls('w', 'w14')}>{props}<w:sdtContent>{content}</w:sdtContent></w:sdt>"
    )


def block_control(tag: str, alias: str, style_id: str, value: str = "") -> Any:
    """A rich-text content control around whole paragraphs: a long answer, full width."""
    if value:
        paragraphs = "".join(
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{_run_xml(line)}</w:p>'
            for line in clean_text(value).split("\n")
        )
    else:
        paragraphs = (
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
            f"{_run_xml(PLACEHOLDERS['long_text'], placeholder=True)}</w:p>"
        )
    props = _sdt_pr(tag, alias, "long_text", empty=not value)
    return parse_xml(
        f"<w:sdt {nsdecls('w', 'w14')}>{props}<w:sdtContent>{paragraphs}</w:sdtContent></w:sdt>"
    )


# -- the document ----------------------------------------------------------------------
def _new_document(title: str, settings: Settings) -> Any:
    doc = Document()
    _en_gb(doc)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for name, bold, italic, size, keep in (
        ("Question", True, False, 11, True),
        ("Answer", False, False, 11, False),
        ("Instruction", False, True, 10, False),
        ("Table text", False, False, 9, False),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.bold = bold
        style.font.italic = italic
        style.font.size = Pt(size)
        style.paragraph_format.keep_with_next = keep
        style.paragraph_format.space_after = Pt(2 if keep else 8)
        if name == "Instruction":
            style.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    if "Placeholder Text" not in [s.name for s in styles]:
        placeholder = styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER)
        placeholder.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
        placeholder.element.set(qn("w:styleId"), "PlaceholderText")
    section = doc.sections[0]
    section.page_width, section.page_height = _A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, _MARGIN)
    _header_footer(section, protective_marking(settings))
    props = doc.core_properties
    props.title = title
    props.subject = settings.partnership_name
    props.author = "cspr-tui"
    props.last_modified_by = "cspr-tui"
    props.comments = ""
    props.keywords = ""
    props.language = "en-GB"
    now = datetime.now(UTC).replace(microsecond=0)
    props.created = now
    props.modified = now
    props.revision = 1
    return doc


def _en_gb(doc: Any) -> None:
    """British English on every style, so Word does not flag British spelling."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        rpr_default.append(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    rpr.append(
        parse_xml(f'<w:lang {nsdecls("w")} w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>')
    )
    for style in styles.findall(qn("w:style")):
        style_rpr = style.find(qn("w:rPr"))
        if style_rpr is not None:
            for old in style_rpr.findall(qn("w:lang")):
                old.set(qn("w:val"), "en-GB")
    settings = doc.settings.element
    for old in settings.findall(qn("w:themeFontLang")):
        old.set(qn("w:val"), "en-GB")


def _number_sections(doc: Any, first_title: str) -> None:
    """Heading 1 numbered by its style, from where the template's own numbering starts.

    A template titles its sections "0. Cover", "1. Scope" (or "A. ..."): the printed
    number comes from the style, so it can neither be typed twice nor drift, and starts
    at the first section's number so that messages naming "5. Chronology" match the page.
    """
    found = _ENUMERATOR.match(first_title)
    letter, digits = found.groups() if found else (None, None)
    fmt, start = ("upperLetter", ord(letter) - 64) if letter else ("decimal", int(digits or 1))
    root = doc.part.numbering_part.element
    root.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_SECTION_NUMBERING}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            '<w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="680" w:hanging="680"/></w:pPr></w:lvl></w:abstractNum>'
        ),
    )
    root.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{_SECTION_NUMBERING}">'
            f'<w:abstractNumId w:val="{_SECTION_NUMBERING}"/></w:num>'
        )
    )
    num_pr = doc.styles["Heading 1"].element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = _SECTION_NUMBERING


def _unnumbered(paragraph: Any) -> Any:
    """A Heading 1 outside the template's sections (the instructions, the review details)."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = 0  # numId 0: no number, whatever the style says
    return paragraph


def _field_run(paragraph: Any, instruction: str) -> None:
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} ">'
            "<w:r><w:t>1</w:t></w:r></w:fldSimple>"
        )
    )


def _header_footer(section: Any, marking: str) -> None:
    header = section.header.paragraphs[0]
    header.text = marking
    header.alignment = 1
    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.add_run(f"{marking}    Page " if marking else "Page ")
    _field_run(footer, "PAGE")
    footer.add_run(" of ")
    _field_run(footer, "NUMPAGES")
    footer.alignment = 1


def _landscape(doc: Any) -> Any:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = _A4[1], _A4[0]
    return section


def _portrait(doc: Any) -> Any:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = _A4
    return section


def _no_split(row: Any, *, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    if header:
        trpr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _shade(cell: Any, fill: str = "D9E2F3") -> None:
    cell._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    )


def _fixed_widths(table: Any, widths_cm: list[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblpr = table._tbl.tblPr
    tblpr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        col.set(qn("w:w"), str(int(width * 567)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _para(doc: Any, text: str, style_id: str) -> Any:
    """A paragraph in a style given by id: python-docx's lookup by name scans every style
    on each call, which made a report take a second."""
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = style_id
    return paragraph


def _question(doc: Any, item: Any, required: bool) -> None:
    label = item.label + (" (required)" if required else "")
    _para(doc, label, "Question")
    if item.help:
        _para(doc, item.help, "Instruction")


def _kind(item: Any) -> str:
    if item.type in ("choice", "yes_no", "yes_no_unknown"):
        return "choice"
    if item.type in ("date", "long_text", "number"):
        return str(item.type)
    return "text"


def _choices(item: Any) -> tuple[str, ...]:
    if item.type == "yes_no":
        return ("Yes", "No")
    if item.type == "yes_no_unknown":
        return ("Yes", "No", "Unknown")
    return tuple(item.choices)


# Column widths by kind of answer (cm), so dates never wrap and words never break.
_COLUMN_CM = {"date": 2.5, "time": 1.6, "choice": 2.6, "text": 3.0, "number": 2.0}


def _column_widths(fields: list[Any], total: float) -> list[float]:
    fixed: list[float | None] = []
    for sub in fields:
        if sub.id == "time":
            fixed.append(_COLUMN_CM["time"])
        elif sub.type == "long_text":
            fixed.append(None)
        else:
            fixed.append(_COLUMN_CM.get(_kind(sub), 3.0))
    spare = total - sum(w for w in fixed if w is not None)
    flexible = sum(1 for w in fixed if w is None)
    share = spare / flexible if flexible else 0
    if not flexible:
        scale = total / sum(w for w in fixed if w is not None)
        return [w * scale for w in fixed if w is not None]
    return [w if w is not None else share for w in fixed]


def _table_fits(item: Any) -> bool:
    """A repeat reads as a table when its long answers leave each column room enough."""
    long_answers = sum(1 for f in item.fields if f.type == "long_text")
    return item.id == "chronology" or (len(item.fields) <= 4 and long_answers <= 2)


def _repeat_table(
    doc: Any, item: Any, total_cm: float, rows: list[dict[str, Any]] | None = None
) -> None:
    fields = [f for f in item.fields if f.is_input]
    doc.add_paragraph(
        "Add a row: click in the last cell of the table and press Tab (or right-click and "
        "choose Insert, Rows Below). Type dates as DD/MM/YYYY. Name practitioners by their "
        "role, never by name.",
        style="Instruction",
    )
    table = doc.add_table(rows=1, cols=len(fields))
    table.style = "Table Grid"
    header = table.rows[0]
    _no_split(header, header=True)
    for index, (cell, sub) in enumerate(zip(header.cells, fields, strict=True)):
        paragraph = cell.paragraphs[0]
        paragraph._p.style = "Tabletext"
        if index == 0:
            paragraph._p.append(
                inline_control(
                    f"{TABLE_TAG_PREFIX}{item.id}", item.label, "text", sub.label, locked=True
                )
            )
        else:
            paragraph.add_run(sub.label)
        for run in paragraph.runs:
            run.bold = True
        _shade(cell)
    for row_values in rows or [{}] * BLANK_TABLE_ROWS:
        row = table.add_row()
        _no_split(row)
        for cell, sub in zip(row.cells, fields, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph._p.style = "Tabletext"
            kind = "text" if _kind(sub) == "long_text" else _kind(sub)
            paragraph._p.append(
                inline_control(
                    f"{item.id}.{sub.id}",
                    sub.label,
                    kind,
                    str(row_values.get(sub.id) or ""),
                    choices=_choices(sub),
                    placeholder=(
                        PLACEHOLDERS["time"]
                        if sub.id == "time"
                        else PLACEHOLDERS["cell_choice"]
                        if kind == "choice"
                        else None
                    ),
                )
            )
    _fixed_widths(table, _column_widths(fields, total_cm))
    doc.add_paragraph()


def _repeat_blocks(doc: Any, item: Any, count: int = 3) -> None:
    """A repeat whose columns would not fit: an entry per block, each answer full width."""
    doc.add_paragraph(
        f"Complete one block per {item.item_label.lower() or 'entry'}; to add another, copy a "
        "whole block (from its heading to its last answer) and paste it below.",
        style="Instruction",
    )
    for number in range(1, count + 1):
        _para(doc, f"{item.item_label or item.label} {number}", "Heading3")
        for sub in item.fields:
            if sub.is_input:
                _answer(doc, sub, f"{item.id}.{sub.id}", sub.is_required({}, {}, 0))


def _answer(doc: Any, item: Any, tag: str, required: bool) -> None:
    _question(doc, item, required)
    if item.type == "multi_choice":
        for choice in item.choices:
            paragraph = _para(doc, "", "Answer")
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph._p.append(inline_control(f"{tag}::{choice}", choice, "checkbox"))
            paragraph.add_run(f" {choice}")
        _para(doc, "", "Answer")
        return
    if item.type == "long_text":
        doc.element.body.append(block_control(tag, item.label, "Answer"))
        _move_section_properties_last(doc)
        return
    paragraph = _para(doc, "", "Answer")
    paragraph._p.append(inline_control(tag, item.label, _kind(item), choices=_choices(item)))


def _move_section_properties_last(doc: Any) -> None:
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is not None:
        body.remove(sect)
        body.append(sect)


def _context_table(doc: Any, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        row = table.add_row()
        _no_split(row)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        _shade(row.cells[0], "F2F2F2")
        lines = (value or "Not recorded").split("\n")
        row.cells[1].paragraphs[0].add_run(lines[0])
        for line in lines[1:]:
            row.cells[1].add_paragraph(line)
    _fixed_widths(table, [5.0, 12.0])
    doc.add_paragraph()


def _form_sections(doc: Any, form: Any, skip: Iterable[str] = ()) -> None:
    """Every section and question of the template, in its order, as controls."""
    skipped = set(skip)
    for section in form.sections:
        items = [f for f in section.fields if f.id not in skipped]
        landscape = any(f.type == "repeat" and f.id == "chronology" for f in items)
        if landscape:
            _landscape(doc)
        # Every section keeps its heading, so the style's numbers stay the template's.
        _para(doc, strip_enumerator(section.title), "Heading1")
        if not items:
            _para(doc, "Completed by the review team: see the review details above.", "Instruction")
            continue
        if section.help:
            _para(doc, section.help, "Instruction")
        if section.show_if is not None:
            doc.add_paragraph(
                "Complete this section only if it applies to the report you were asked for.",
                style="Instruction",
            )
        for item in items:
            if item.type == "note":
                _para(doc, item.label, "Question")
                _para(doc, item.text, "Instruction")
            elif item.type == "repeat":
                _para(doc, item.label, "Question")
                if _table_fits(item):
                    width = _CONTENT_WIDTH_LANDSCAPE if landscape else _CONTENT_WIDTH_PORTRAIT
                    _repeat_table(doc, item, width)
                else:
                    _repeat_blocks(doc, item)
            else:
                required = item.required or item.required_if is not None
                _answer(doc, item, item.id, required)
        if landscape:
            _portrait(doc)


# -- the package: honest properties, the document id --------------------------------------
_CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{name}">'
    "<vt:lpwstr>{value}</vt:lpwstr></property></Properties>"
)
_APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>cspr-tui</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _drop_stock_parts(doc: Any) -> None:
    """No python-docx thumbnail or customXml: nothing in the file we did not put there."""
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML:
            del doc.part.rels[rel_id]


def _save(doc: Any, dest: Path, document_id: str | None) -> None:
    """Save, then give the package honest extended properties and the custom document id."""
    _drop_stock_parts(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = _APP_XML.encode()
            elif document_id and info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            elif document_id and info.filename == "_rels/.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCsprCustom" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            out.writestr(info, data)
        if document_id:
            out.writestr(
                "docProps/custom.xml",
                _CUSTOM_XML.format(name=DOCUMENT_ID_PROPERTY, value=escape(document_id)),
            )


# -- the agency information report ------------------------------------------------------
def _scope(case: Case) -> tuple[str | None, str | None]:
    review = case.record("review")
    values = review.values if review else {}
    return values.get("scope_from"), values.get("scope_to")


def _lines_of_enquiry(case: Case) -> list[str]:
    review = case.record("review")
    found = []
    for entry in (review.values.get("lines_of_enquiry") if review else None) or []:
        text = entry.get("question") if isinstance(entry, dict) else entry
        if isinstance(text, str) and text.strip():
            found.append(text.strip())
    return found or list(DEFAULT_LINES_OF_ENQUIRY)


def build_agency_report(
    case: Case,
    request: AgencyReportRequest,
    form: Any,
    *,
    document_id: DocumentId,
    settings: Settings,
    today: date,
    redact: Callable[[str], str] = lambda text: text,
) -> Any:
    """The fillable report as a python-docx Document (saved by `write_agency_report`)."""
    doc = _new_document(f"{form.title}: {case.ref}", settings)
    _para(doc, form.title, "Title")
    doc.add_paragraph(settings.partnership_name)
    marker = _para(doc, "Document id (do not change): ", "Instruction")
    marker._p.append(
        inline_control(
            DOCUMENT_ID_TAG, "Document id (do not change)", "text", str(document_id), locked=True
        )
    )
    if form.sections:
        _number_sections(doc, form.sections[0].title)
    _unnumbered(_para(doc, "How to complete this report", "Heading1"))
    for line in (
        "Type or choose your answer in each box; every box belongs to the question above it. "
        "Dates are DD/MM/YYYY.",
        "Use the pseudonyms below for the child and family, and refer to practitioners by "
        "their role (for example 'health visitor'), never by name.",
        "Add rows to the chronology with Tab in its last cell. Do not change the review "
        "details: they identify this request.",
        "Save the document as a Word file (.docx) and return it to the contact below by the "
        "due date. It contains no macros.",
    ):
        _para(doc, line, "ListBullet")
    start, end = _scope(case)
    subjects = review_subjects(case)
    depth = depth_asked(case, request).label
    contact = request.return_contact or str(settings.extra.get("business_unit_contact") or "")
    address = request.return_address or str(settings.extra.get("business_unit_address") or "")
    _unnumbered(_para(doc, "Review details (completed by the review team)", "Heading1"))
    _context_table(
        doc,
        [
            ("Review reference", case.ref),
            ("Child", redact(case.pseudonym)),
            ("Review type", case.review_type or "Rapid review"),
            ("Report asked for", f"{depth} stage report"),
            ("Agency", request.agency),
            ("Report author", redact(request.author) or "To be named by the agency"),
            ("Author's role", redact(request.author_role) or "Not recorded"),
            ("Requested on", format_date(request.requested_date or today)),
            ("Due by", format_date(request.due_date) or "Not set"),
            (
                "Period covered",
                f"{format_date(start) or 'Not set'} to {format_date(end) or 'Not set'}",
            ),
            ("Return to", redact(contact) or "The partnership's business unit"),
            ("Return address", redact(address) or "Reply to the address the request came from"),
        ],
    )
    _para(doc, "People covered (pseudonyms and roles)", "Heading2")
    _context_table(
        doc,
        [(redact(p.pseudonym), redact(p.role) or "Not recorded") for p in subjects]
        or [("None recorded", "")],
    )
    _para(doc, "Lines of enquiry", "Heading2")
    for question in _lines_of_enquiry(case):
        _para(doc, redact(question), "ListNumber")
    _form_sections(doc, form, skip=CONTEXT_FIELDS)
    return doc


def agency_report_file_name(case: Case, agency: str, version: int) -> str:
    stem = f"{safe_name_part(case.ref)}_{safe_name_part(agency, fallback='Agency')}"
    return f"{stem}_AgencyInfoReport_v{version}.docx"


def _check_clean(shown: list[str], redactor: Redactor) -> None:
    """Refuse the report if anything taken from the case still identifies someone.

    The case's own text (pseudonyms, roles, questions, contacts) is what is scanned: the
    template's wording is the partnership's fixed text, and scanning it made a fictional
    surname such as "Example" refuse every report that says "for example".
    """
    from cspr_tui.errors import ValidationFailed

    found = redactor.find("\n".join(shown))
    if found:
        raise ValidationFailed(
            "the agency report would contain identifying details, so no file was written; "
            "remove them from the case text and try again.",
            details=[f"{i.kind}: {i.hit}" for i in found],
        )


def write_agency_report(
    case: Case,
    agency: str,
    path: Path | None = None,
    *,
    form: Any = None,
    token: str = "",
    settings: Settings | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    force: bool = False,
    redactor: Any = None,
) -> Path:
    """One agency's fillable information report; pseudonyms only, checked before it is named.

    `token` is the request's random token (the caller stores it with the request); without
    one the document carries a fresh token no vault knows, so its return would be refused.
    `path` is a file, a folder, or None for the exports folder, where the name is
    `<ReviewRef>_<Agency>_AgencyInfoReport_v<n>.docx` with the first free version.
    """
    from cspr_tui.domain.agency_return import new_token
    from cspr_tui.forms import load_forms

    settings = settings or Settings()
    today = today or date.today()
    form = form or load_forms()["agency_report"]
    name = find_agency(case, agency)
    request = next((r for r in case.agency_reports if r.agency == name), None)
    request = request or AgencyReportRequest(agency=name)
    # Called on its own (not through the export service): the agency-report redactor.
    redactor = redactor or case_redactor(case, settings, flag_unknown=False)
    steps = 3
    if progress:
        progress(0, steps)
    token = token or request.token or new_token()

    def fill_version(version: int) -> Callable[[Path], None]:
        def fill(tmp: Path) -> None:
            doc_id = DocumentId(case.ref, name, version, int(form.version), token)
            shown: list[str] = []

            def redact(text: str) -> str:
                clean: str = redactor.redact(text)
                shown.append(clean)
                return clean

            doc = build_agency_report(
                case,
                request,
                form,
                document_id=doc_id,
                settings=settings,
                today=today,
                redact=redact,
            )
            if progress:
                progress(2, steps)
            _check_clean(shown, redactor)
            _save(doc, tmp, str(doc_id))

        return fill

    if progress:
        progress(1, steps)
    if path is None or Path(path).is_dir():
        folder = default_export_dir() if path is None else Path(path)
        written = _write_numbered(folder, case, name, fill_version, start=request.version)
    else:
        written = write_export(Path(path), fill_version(request.version), force=force)
    if progress:
        progress(steps, steps)
    return written


def _write_numbered(
    folder: Path,
    case: Case,
    agency: str,
    fill_version: Callable[[int], Callable[[Path], None]],
    *,
    start: int,
) -> Path:
    """The first free `..._v<n>.docx`, claimed atomically, with that n in the document id."""
    version = max(1, start)
    while True:
        try:
            return write_export(
                folder / agency_report_file_name(case, agency, version), fill_version(version)
            )
        except ExportExists:
            version += 1
            if version > start + 10_000:
                raise


def version_of(path: Path) -> int:
    found = re.search(r"_v(\d+)\.docx$", path.name)
    return int(found[1]) if found else 1


# -- the blank referral form --------------------------------------------------------------
def build_referral_form(form: Any, settings: Settings) -> Any:
    """The referral form as a fillable document, every question of `referral.yaml`."""
    doc = _new_document(form.title, settings)
    _para(doc, form.title, "Title")
    doc.add_paragraph(settings.partnership_name)
    marker = _para(doc, "Form id (do not change): ", "Instruction")
    marker._p.append(
        inline_control(
            DOCUMENT_ID_TAG,
            "Form id",
            "text",
            f"cspr-form|{form.id}|form{form.version}",
            locked=True,
        )
    )
    if form.description:
        _para(doc, form.description, "Instruction")
    doc.add_paragraph(
        "Type or choose your answer in each box. Dates are DD/MM/YYYY. Add rows to a table "
        "with Tab in its last cell. Save as a Word file (.docx) and send it to the "
        "partnership's business unit by secure email.",
        style="Instruction",
    )
    if form.sections:
        _number_sections(doc, form.sections[0].title)
    _form_sections(doc, form)
    return doc


def write_referral_form(
    path: Path | None = None,
    *,
    form: Any = None,
    settings: Settings | None = None,
    force: bool = False,
) -> Path:
    """The blank referral form (.docx) from the referral template in use."""
    from cspr_tui.forms import load_forms

    settings = settings or Settings()
    form = form or load_forms()["referral"]

    def fill(tmp: Path) -> None:
        _save(build_referral_form(form, settings), tmp, f"cspr-form|{form.id}|form{form.version}")

    stem = safe_name_part(settings.partnership_name, fallback="Partnership")
    if path is None or Path(path).is_dir():
        folder = default_export_dir() if path is None else Path(path)
        return write_versioned_export(
            folder, lambda n: f"{stem}_ReferralForm_v{form.version}-{n}.docx", fill
        )
    return write_export(Path(path), fill, force=force)
