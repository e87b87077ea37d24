"""A write-only sheet's rows serialised one element a row, not one context a cell.

openpyxl's write-only writer opens an lxml `xmlfile` context for every cell and every
part of it (`<c>`, `<is>`, `<t>`, `<v>`), which is most of a large workbook's time.
Here each row is built as one lxml element with its cells below it and written at once
by lxml's C serialiser: the same XML as openpyxl's `lxml_write_cell` writes, cell for
cell (`tests/exports/test_xlsx_rows.py` compares every kind of cell and every sheet of
the tracker). Cells are taken one at a time as the row yields them, as openpyxl does:
its own row step reuses one cell object for the unstyled values of a row.
"""

from __future__ import annotations

from typing import Any

from lxml.etree import Element, SubElement
from openpyxl.cell import _writer as _cell_writer
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

__all__ = ["RowWriter"]

_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class RowWriter(WorksheetWriter):
    """openpyxl's worksheet writer with a faster row step (see the module docstring)."""

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))  # type: ignore[union-attr]
        element = Element("row", attrs)
        for cell in row:
            if cell._comment is not None:
                self.ws._comments.append(CommentRecord.from_cell(cell))  # type: ignore[union-attr]
            elif cell._value is None and not cell.has_style:
                continue
            _write_cell(element, cell)
        xf.write(element)


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
