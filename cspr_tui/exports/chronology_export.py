"""The integrated chronology as a landscape Word table or an Excel table, and the Excel
chronology an agency may fill instead of the Word report's table (read back the same way).

The redacted version goes through the redaction engine's public `Redactor` (one call
site, `_redactor`), and the finished file is scanned for anything left identifying.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from cspr_tui.domain.agency_return import DocumentId, RawReturn, RawRow
from cspr_tui.domain.case import Case
from cspr_tui.domain.chronology import ChronologyEntry, Gap, integrate_case
from cspr_tui.errors import ValidationFailed
from cspr_tui.exports.context import clean_text, format_date, protective_marking
from cspr_tui.exports.export_file import (
    default_export_dir,
    safe_name_part,
    write_export,
    write_versioned_export,
)
from cspr_tui.exports.fillable import (
    _A4,
    DOCUMENT_ID_PROPERTY,
    _move_section_properties_last,
    _new_document,
    _save,
)
from cspr_tui.settings import Settings

__all__ = [
    "CHRONOLOGY_COLUMNS",
    "read_chronology_workbook",
    "write_chronology",
    "write_chronology_template",
]

CHRONOLOGY_COLUMNS = (
    "Date",
    "Time",
    "Agency",
    "Source",
    "What happened",
    "Significance",
    "Same event also recorded by",
)
_WIDTHS_CM = [2.5, 1.5, 3.6, 2.6, 10.1, 2.6, 2.8]
_XLSX_WIDTHS = [12, 8, 26, 16, 70, 14, 26]
_SHEET = "Chronology"
_ID_SHEET = "About"


def _cells(row: ChronologyEntry | Gap, redact: Callable[[str], str]) -> list[str]:
    if isinstance(row, Gap):
        return [
            format_date(row.start),
            "",
            "No agency",
            "",
            f"No contact recorded by any agency from {row.start:%d/%m/%Y} to "
            f"{row.end:%d/%m/%Y} ({row.days} days).",
            "",
            "",
        ]
    what = redact(row.what)
    if row.who:
        what = f"{redact(row.who)}: {what}"
    return [
        format_date(row.when),
        row.time,
        row.agency,
        redact(row.source),
        what,
        row.significance,
        ", ".join(row.same_event_as),
    ]


def _docx(
    case: Case,
    rows: list[Any],
    redact: Callable[[str], str],
    settings: Settings,
    today: date,
    dest: Path,
) -> None:
    doc = _new_document(f"Integrated chronology: {case.ref}", settings)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = _A4[1], _A4[0]
    doc.add_heading("Integrated multi-agency chronology", level=0)
    doc.add_paragraph(
        f"{case.ref} ({redact(case.pseudonym)}). Printed {today:%d/%m/%Y}. Entries that "
        "several agencies recorded on the same day are marked in the last column; grey "
        "rows are periods with no contact from any agency. Practitioners are named by role."
    )
    # The table is written as XML in one go: python-docx's add_row and cells cost
    # seconds for a 2,000-row chronology.
    grid = "".join(f'<w:gridCol w:w="{int(w * 567)}"/>' for w in _WIDTHS_CM)
    body = [_row_xml(CHRONOLOGY_COLUMNS, header=True)]
    for item in rows:
        fill = "E7E6E6" if isinstance(item, Gap) else "FFF2CC" if item.same_event_as else None
        body.append(_row_xml(_cells(item, redact), fill=fill))
    table = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        '<w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
    )
    doc.element.body.append(table)
    _move_section_properties_last(doc)
    if not rows:
        doc.add_paragraph("No agency has returned a chronology yet.")
    _save(doc, dest, None)


def _row_xml(cells: Any, *, header: bool = False, fill: str | None = None) -> str:
    """One table row: no split across pages; the header repeated on every page."""
    props = "<w:cantSplit/><w:tblHeader/>" if header else "<w:cantSplit/>"
    shade = fill or ("D9E2F3" if header else None)
    out = [f"<w:tr><w:trPr>{props}</w:trPr>"]
    for text, width in zip(cells, _WIDTHS_CM, strict=True):
        tcpr = f'<w:tcW w:w="{int(width * 567)}" w:type="dxa"/>'
        if shade:
            tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
        rpr = (
            '<w:rPr><w:b/><w:sz w:val="18"/></w:rPr>'
            if header
            else ('<w:rPr><w:sz w:val="18"/></w:rPr>')
        )
        paragraphs = "".join(
            f'<w:p><w:pPr><w:spacing w:after="0"/></w:pPr><w:r>{rpr}'
            f'<w:t xml:space="preserve">{escape(clean_text(line))}</w:t></w:r></w:p>'
            for line in (str(text).split("\n") or [""])
        )
        out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{paragraphs}</w:tc>")
    out.append("</w:tr>")
    return "".join(out)


def _first_sheet(book: Workbook) -> Worksheet:
    """A new workbook's one worksheet, named for the chronology."""
    sheet = book.active
    if not isinstance(sheet, Worksheet):  # pragma: no cover - a new Workbook always has one
        raise TypeError("a new workbook has no worksheet")
    sheet.title = _SHEET
    return sheet


def _xlsx(
    case: Case, rows: list[Any], redact: Callable[[str], str], settings: Settings, dest: Path
) -> None:
    book = Workbook()
    sheet = _first_sheet(book)
    sheet.append(list(CHRONOLOGY_COLUMNS))
    for item in rows:
        cells = _cells(item, redact)
        when = item.start if isinstance(item, Gap) else item.when
        values: list[Any] = [when, *cells[1:]]
        sheet.append([None if _formula_like(v) else v for v in values])
        for column, value in enumerate(values, 1):
            if _formula_like(value):  # text, with Excel's quote prefix: F2, Enter keeps it text
                cell = sheet.cell(row=sheet.max_row, column=column)
                cell.value = value
                cell.data_type = "s"
                cell.quotePrefix = True
    for index, width in enumerate(_XLSX_WIDTHS, 1):
        sheet.column_dimensions[chr(64 + index)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[0].number_format = "DD/MM/YYYY"
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if rows:
        ref = f"A1:G{len(rows) + 1}"
        table = Table(displayName="IntegratedChronology", ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        sheet.add_table(table)
    sheet.freeze_panes = "A2"
    _mark(sheet, settings)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    book.properties.creator = "cspr-tui"
    book.properties.title = f"Integrated chronology: {case.ref}"
    book.save(dest)


def _mark(sheet: Worksheet, settings: Settings) -> None:
    """The settings' protective marking at the head and foot of every printed page."""
    header, footer = sheet.oddHeader, sheet.oddFooter
    if header is None or footer is None:  # pragma: no cover - openpyxl makes both
        raise TypeError("the sheet has no header or footer")
    marking = protective_marking(settings).replace("&", "&&")  # a lone & is a print code
    if marking:
        header.center.text = marking
    footer.center.text = f"{marking}  Page &P of &N" if marking else "Page &P of &N"


def _formula_like(value: Any) -> bool:
    """Text that Excel would take for a formula if typed or re-entered."""
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@")


def write_chronology(
    case: Case,
    path: Path | None = None,
    *,
    fmt: str = "docx",
    redactor: Any = None,
    agencies: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    settings: Settings | None = None,
    today: date | None = None,
    force: bool = False,
) -> Path:
    """The integrated chronology; with a `redactor` (the redaction engine's, handed over by
    the export service) names are replaced by pseudonyms and the file is checked."""
    if fmt not in ("docx", "xlsx"):
        raise ValidationFailed(f"the chronology can be written as docx or xlsx, not {fmt!r}.")
    settings = settings or Settings()
    today = today or date.today()
    chronology = integrate_case(case, agencies=agencies, start=start, end=end)
    rows = chronology.rows()
    redact = redactor is not None
    scrub = redactor.redact if redactor is not None else (lambda text: text)

    def fill(tmp: Path) -> None:
        if redactor is not None:
            # What came from the case (every cell, the pseudonym) is checked before a byte is
            # written; the fixed wording ("grey rows...") is not, as a surname such as Grey
            # would refuse every chronology.
            shown = [scrub(case.pseudonym), *("\n".join(_cells(r, scrub)) for r in rows)]
            found = redactor.find("\n".join(shown))
            if found:
                raise ValidationFailed(
                    "the redacted chronology still contains identifying details, so no file "
                    "was written; correct the agencies' text and try again.",
                    details=[f"{i.kind}: {i.hit}" for i in found],
                )
        if fmt == "docx":
            _docx(case, rows, scrub, settings, today, tmp)
        else:
            _xlsx(case, rows, scrub, settings, tmp)

    label = "IntegratedChronology" + ("_Redacted" if redact else "")
    stem = f"{safe_name_part(case.ref)}_{label}"
    if path is None or Path(path).is_dir():
        folder = default_export_dir() if path is None else Path(path)
        return write_versioned_export(folder, lambda n: f"{stem}_v{n}.{fmt}", fill)
    return write_export(Path(path), fill, force=force)


# -- the Excel chronology an agency fills ------------------------------------------------
def write_chronology_template(
    case: Case,
    agency: str,
    path: Path | None = None,
    *,
    token: str,
    form: Any,
    settings: Settings | None = None,
    today: date | None = None,
    force: bool = False,
) -> Path:
    """An Excel chronology for `agency`: the report's chronology columns as a table, with
    list and date validation, and the same document id as the Word report."""
    chronology = form.field("chronology")
    columns = [f for f in chronology.fields if f.is_input]
    request = next((r for r in case.agency_reports if r.agency == agency), None)
    version = request.version if request else 1
    doc_id = DocumentId(case.ref, agency, version, int(form.version), token)
    settings = settings or Settings()

    def fill(tmp: Path) -> None:
        book = Workbook()
        sheet = _first_sheet(book)
        sheet.append([f.label for f in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E2F3")
            cell.alignment = Alignment(wrap_text=True)
        last = 501
        for index, sub in enumerate(columns, 1):
            letter = chr(64 + index)
            sheet.column_dimensions[letter].width = (
                12
                if sub.type == "date"
                else 8
                if sub.id == "time"
                else 45
                if sub.type == "long_text"
                else 18
            )
            area = f"{letter}2:{letter}{last}"
            if sub.type == "date":
                rule = DataValidation(
                    type="date",
                    operator="between",
                    formula1="DATE(1900,1,1)",
                    formula2="DATE(2100,12,31)",
                    allow_blank=True,
                    error="Enter a date as DD/MM/YYYY.",
                    errorTitle="Date",
                )
                for row in range(2, last + 1):
                    sheet[f"{letter}{row}"].number_format = "DD/MM/YYYY"
            elif sub.type == "choice":
                rule = DataValidation(
                    type="list",
                    formula1='"' + ",".join(sub.choices) + '"',
                    allow_blank=True,
                    error=f"Choose one of: {', '.join(sub.choices)}.",
                    errorTitle=sub.label,
                )
            else:
                continue
            rule.showErrorMessage = True
            sheet.add_data_validation(rule)
            rule.add(area)
        table = Table(displayName="AgencyChronology", ref=f"A1:{chr(64 + len(columns))}2")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        sheet.add_table(table)
        sheet.freeze_panes = "A2"
        _mark(sheet, settings)
        about = book.create_sheet(_ID_SHEET)
        about.append(["Agency chronology for", f"{case.ref} ({case.pseudonym})"])
        about.append(["Agency", agency])
        about.append(
            [
                "How to fill it",
                "One row per contact or event, in the Chronology sheet's table; "
                "dates as DD/MM/YYYY; practitioners by role, never by name.",
            ]
        )
        about.append(["Document id (do not change)", str(doc_id)])
        about.column_dimensions["A"].width = 28
        about.column_dimensions["B"].width = 90
        about.protection.sheet = True
        props = book.custom_doc_props  # type: ignore[attr-defined]  # not in types-openpyxl
        props.append(_string_property(DOCUMENT_ID_PROPERTY, str(doc_id)))
        book.properties.creator = "cspr-tui"
        book.save(tmp)

    stem = f"{safe_name_part(case.ref)}_{safe_name_part(agency, fallback='Agency')}"
    if path is None or Path(path).is_dir():
        folder = default_export_dir() if path is None else Path(path)
        return write_versioned_export(folder, lambda n: f"{stem}_Chronology_v{n}.xlsx", fill)
    return write_export(Path(path), fill, force=force)


def _string_property(name: str, value: str) -> Any:
    from openpyxl.packaging.custom import StringProperty

    return StringProperty(name=name, value=value)


def read_chronology_workbook(path: Path, form: Any) -> RawReturn:
    """The rows of a returned Excel chronology, as text by field id, with its document id."""
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # not a workbook at all
        raise ValidationFailed(
            f"{path.name} cannot be read as an Excel chronology ({exc.__class__.__name__}); "
            "ask for it to be saved again as .xlsx."
        ) from None
    doc_text = ""
    for prop in book.custom_doc_props.props:  # type: ignore[attr-defined]  # as above
        if prop.name == DOCUMENT_ID_PROPERTY:
            doc_text = str(prop.value)
    if not doc_text and _ID_SHEET in book.sheetnames:
        for row in book[_ID_SHEET].iter_rows(values_only=True):
            if row and str(row[0] or "").startswith("Document id"):
                doc_text = str(row[1] or "")
    raw = RawReturn(DocumentId.parse(doc_text), source=path.name)
    if _SHEET not in book.sheetnames:
        raw.unknown.append(f"no sheet called {_SHEET!r}")
        return raw
    chronology = form.field("chronology")
    by_label = {f.label.casefold(): f.id for f in chronology.fields if f.is_input}
    sheet = book[_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return raw
    columns = [by_label.get(str(h or "").strip().casefold()) for h in rows[0]]
    found: list[RawRow] = []
    for number, values in enumerate(rows[1:], 1):
        cells: dict[str, str] = {}
        for column, value in zip(columns, values, strict=False):
            if column is None or value is None:
                continue
            if isinstance(value, time):
                value = value.strftime("%H:%M")
            elif isinstance(value, date | datetime):
                value = value.strftime("%d/%m/%Y")
            cells[column] = str(value).strip()
        found.append(RawRow(number, cells))
    raw.rows["chronology"] = found
    book.close()
    return raw
