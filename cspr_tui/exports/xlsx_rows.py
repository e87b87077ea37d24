"""A write-only sheet's rows written as text, not one lxml context a cell.

openpyxl's write-only writer opens an lxml `xmlfile` context for every cell and every
part of it (`<c>`, `<is>`, `<t>`, `<v>`): most of a large workbook's time. `RowWriter`
writes each row as one piece of text straight into the sheet's file, between lxml's own
writes (flushed first, so the order holds), with the same XML as openpyxl's
`lxml_write_cell` gives, cell for cell: `tests/exports/test_xlsx_rows.py` compares every
kind of cell, and every sheet of the tracker, with openpyxl's own writer's. A cell of an
unusual kind (rich text, an array formula, text no XML may hold) is built by lxml as
before, so lxml still refuses what it refused. Cells are taken one at a time as the row
yields them, as openpyxl does: its own row step reuses one cell for a row's plain values.
"""

from __future__ import annotations

import re
from typing import IO, Any

from lxml.etree import Element, SubElement, tostring, xmlfile
from openpyxl.cell import _writer as _cell_writer
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.utils.cell import get_column_letter as _column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml.constants import SHEET_MAIN_NS

__all__ = ["RowWriter"]

_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# As lxml writes text: these four escaped (a carriage return kept as one, not read as a
# line end), everything else as it is.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;",
     "\t": "&#9;"}
)  # fmt: skip
# What XML 1.0 cannot hold (lxml refuses it): left to lxml, which raises as before
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class RowWriter(WorksheetWriter):
    """openpyxl's worksheet writer with rows written as text (see the module docstring)."""

    _raw: IO[bytes]

    def get_stream(self) -> Any:
        """openpyxl's stream, over a file this writer holds too, so rows go straight in."""
        with open(str(self.out), "wb") as raw, xmlfile(raw) as xf:
            self._raw = raw
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is not None:
                            xf.write(el)
                except GeneratorExit:
                    pass

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))  # type: ignore[union-attr]
        parts = [
            "<row",
            *(f' {k}="{str(v).translate(_ATTRIBUTE_ESCAPES)}"' for k, v in attrs.items()),
            ">",
        ]
        for cell in row:
            if cell._comment is not None:
                self.ws._comments.append(CommentRecord.from_cell(cell))  # type: ignore[union-attr]
            elif cell._value is None and not cell.has_style:
                continue
            parts.append(_cell_text(cell))
        parts.append("</row>")
        xf.flush()
        self._raw.write("".join(parts).encode())


def _cell_text(cell: Any) -> str:
    """One cell's XML, as `openpyxl.cell._writer.lxml_write_cell` writes it."""
    kind = cell.data_type
    value = cell._value
    if type(value) is str:
        if _SPECIAL.search(value) is not None:
            if _NOT_XML.search(value) is not None:
                return _lxml_cell(cell)  # which refuses it, as before
            text = value.translate(_ESCAPES)
        else:
            text = value
    elif value is None or type(value) in (int, float, bool):
        text = "" if value is None else safe_string(value)
    elif kind == "d" and cell._hyperlink is None:
        value, attributes = _cell_writer._set_attributes(cell, cell.has_style)  # type: ignore[attr-defined]
        fields = "".join(f' {k}="{v}"' for k, v in attributes.items())  # a place, a style, a type
        return f"<c{fields}><v>{safe_string(value)}</v></c>"  # the date's number, or its ISO text
    else:
        return _lxml_cell(cell)  # rich text, an array formula
    if cell._hyperlink is not None:
        return _lxml_cell(cell)  # the link's record
    head = f'<c r="{_column_letter(cell.column)}{cell.row}"'
    if cell.has_style:
        head += f' s="{cell.style_id}"'
    if kind == "s":
        head += ' t="inlineStr"'
    elif kind != "f":
        head += f' t="{kind}"'
    if value is None or value == "":
        return head + "/>"
    if kind == "f":
        return f"{head}><f>{text[1:]}</f><v/></c>"
    if kind == "s":
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f"{head}><is><t{space}>{text}</t></is></c>"
    return f"{head}><v>{text}</v></c>"


def _lxml_cell(cell: Any) -> str:
    holder = Element("row")
    _write_cell(holder, cell)
    return tostring(holder[0], encoding="unicode")


def _write_cell(row: Any, cell: Any) -> None:
    """One cell under its row, as `openpyxl.cell._writer.lxml_write_cell` writes it."""
    value, attributes = _cell_writer._set_attributes(cell, cell.has_style)  # type: ignore[attr-defined]
    c = SubElement(row, "c", attributes)
    if value is None or value == "":
        return
    kind = cell.data_type
    if kind == "f":
        attrib: dict[str, str] = {}
        if isinstance(value, ArrayFormula):
            attrib = dict(value)
            value = value.text
        elif isinstance(value, DataTableFormula):
            attrib = dict(value)
            value = None
        formula = SubElement(c, "f", attrib)
        if value is not None and attrib.get("t") != "dataTable":
            formula.text = value[1:]
            value = None
    if kind == "s":
        if isinstance(value, CellRichText):
            c.append(value.to_tree())  # type: ignore[arg-type]  # openpyxl's own lxml element
        elif isinstance(value, str):
            text = SubElement(SubElement(c, "is"), "t")
            if value != value.strip():
                text.set(_SPACE, "preserve")
            text.text = value
        else:
            SubElement(c, "is")
    else:
        v = SubElement(c, "v")
        if value is not None:
            v.text = safe_string(value)
