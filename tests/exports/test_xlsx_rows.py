"""The faster row writer writes the same sheets as openpyxl's own."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.formula import ArrayFormula

from cspr_tui.domain.quarter import Quarter
from cspr_tui.exports import write_tracker, xlsx_tracker
from cspr_tui.exports.xlsx_rows import RowWriter
from cspr_tui.settings import Settings
from tests.exports.case_fixtures import add_recommendations, make_case, reviewed


def _sheets(path: Path) -> dict[str, bytes]:
    """Every worksheet's XML, canonicalised (attribute order and empty tags aside)."""
    with zipfile.ZipFile(path) as z:
        return {
            name: etree.tostring(etree.fromstring(z.read(name)), method="c14n")
            for name in z.namelist()
            if name.startswith("xl/worksheets/sheet")
        }


def test_the_tracker_sheets_are_the_same_xml_as_openpyxl_writes(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [
        reviewed(add_recommendations(make_case("CSPR-2026-004"), 12)),
        reviewed(add_recommendations(make_case("CSPR-2025-011"), 5)),
    ]

    def write(name: str) -> Path:
        return write_tracker(
            cases,
            workspace / name,
            quarter=Quarter.parse("2026-Q3"),
            today=date(2026, 11, 28),
            settings=Settings(partnership_name="Imaginary Borough SCP"),
        )

    ours = _sheets(write("ours.xlsx"))
    monkeypatch.setattr(xlsx_tracker, "RowWriter", WorksheetWriter)
    theirs = _sheets(write("theirs.xlsx"))
    assert len(ours) == 7
    assert ours == theirs


def _cells(ws: Any) -> list[list[Any]]:
    bold = Font(bold=True)

    def cell(value: Any, *, styled: bool = False, **extra: Any) -> Any:
        c = WriteOnlyCell(ws, value)
        if styled:
            c.font = bold
        for key, item in extra.items():
            setattr(c, key, item)
        return c

    return [
        [cell("plain"), cell("  spaced  ", styled=True), cell('a & <b> "c"'), cell("Zoë ‘x’")],
        [cell("a\r\nb\tc"), cell("x > y & z < w"), cell(" lead"), cell("trail\n")],
        [cell(12), cell(3.25), cell(True), cell(date(2026, 3, 14)), cell(datetime(2026, 3, 1, 9))],
        [cell(date(2026, 3, 14), styled=True), cell(10**17), cell(1e-9), cell(False)],
        [cell("=SUM(A2:B2)"), cell(None, styled=True), cell(""), cell(-0.0)],
        [cell(ArrayFormula("A7:A8", "=A2:A3*2"))],
        [cell(CellRichText(["a ", TextBlock(InlineFont(b=True), "bold")]))],  # openpyxl's path
        [cell("linked", hyperlink="https://example.invalid/x"), cell("noted")],
        [cell("with a comment", comment=Comment("a note", "Reviewer"))],
    ]


@pytest.mark.parametrize("writer", [RowWriter, WorksheetWriter], ids=["ours", "openpyxl"])
def test_every_kind_of_cell_is_written_as_openpyxl_writes_it(
    tmp_path: Path, writer: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def save(chosen: Callable[..., Any], name: str) -> Path:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Cells")
        ws._writer = chosen(ws)
        ws._writer.write_top()
        for row in _cells(ws):
            ws.append(row)
        wb.save(tmp_path / name)
        return tmp_path / name

    baseline = _sheets(save(WorksheetWriter, "openpyxl.xlsx"))
    assert _sheets(save(writer, "chosen.xlsx")) == baseline


@pytest.mark.parametrize("writer", [RowWriter, WorksheetWriter], ids=["ours", "openpyxl"])
def test_text_no_xml_may_hold_is_refused_as_openpyxl_refuses_it(
    tmp_path: Path, writer: Callable[..., Any]
) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Cells")
    ws._writer = writer(ws)
    ws._writer.write_top()
    bad = WriteOnlyCell(ws, "ok")
    bad._value = "a\x01b"  # past openpyxl's own check, as a reused cell's value is set
    with pytest.raises(ValueError, match="XML compatible"):
        ws.append([WriteOnlyCell(ws, "fine"), bad])
