"""Filling a fillable form as an agency would in Word: typing into its content controls.

The helpers edit the document's XML the way Word does when a person types into a control:
the placeholder run is replaced by the typed text and the placeholder mark removed; a date
picked from the calendar also sets the control's full date; a ticked box flips its state and
glyph. Other helpers do the odd things people do: add rows with no controls, delete
instructions, remove a control (keeping or losing its text), paste a foreign row.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = {"w": W, "w14": W14}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def edit_document(path: Path, change: Callable[[etree._Element], None], out: Path) -> Path:
    """Apply `change` to word/document.xml of `path`, writing the result to `out`."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == "word/document.xml":
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, data)
    return out


def _runs(text: str) -> list[etree._Element]:
    run = etree.Element(q("w:r"))
    for index, line in enumerate(text.split("\n")):
        if index:
            etree.SubElement(run, q("w:br"))
        t = etree.SubElement(run, q("w:t"))
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = line
    return [run]


def set_control(sdt: etree._Element, text: str, *, picked_date: str | None = None) -> None:
    """Type `text` into a control (as Word does: placeholder gone, typed runs in)."""
    props = sdt.find("w:sdtPr", NS)
    placeholder = props.find("w:showingPlcHdr", NS)
    if placeholder is not None:
        props.remove(placeholder)
    if picked_date is not None:
        props.find("w:date", NS).set(q("w:fullDate"), f"{picked_date}T00:00:00Z")
    content = sdt.find("w:sdtContent", NS)
    paragraphs = content.findall("w:p", NS)
    if paragraphs:  # a block (rich text) control: one paragraph per line
        template = paragraphs[0]
        for p in paragraphs:
            content.remove(p)
        for line in text.split("\n"):
            p = copy.deepcopy(template)
            for r in p.findall("w:r", NS):
                p.remove(r)
            p.extend(_runs(line))
            content.append(p)
        return
    for child in list(content):
        content.remove(child)
    content.extend(_runs(text))


def tick(sdt: etree._Element, ticked: bool = True) -> None:
    sdt.find("w:sdtPr/w14:checkbox/w14:checked", NS).set(q("w14:val"), "1" if ticked else "0")
    t = sdt.find(".//w:t", NS)
    t.text = "\u2612" if ticked else "\u2610"


def controls(root: etree._Element, tag: str) -> list[etree._Element]:
    return [sdt for sdt in root.iter(q("w:sdt")) if _tag(sdt) == tag]


def _tag(sdt: etree._Element) -> str:
    found = sdt.find("w:sdtPr/w:tag", NS)
    return found.get(q("w:val")) if found is not None else ""


def table_of(root: etree._Element, repeat_id: str) -> etree._Element:
    for sdt in root.iter(q("w:sdt")):
        if _tag(sdt) == f"table:{repeat_id}":
            return next(sdt.iterancestors(q("w:tbl")))
    raise LookupError(repeat_id)


def fill_answers(
    answers: Mapping[str, str],
    ticks: Mapping[str, Sequence[str]] = (),
    rows: Mapping[str, Sequence[Mapping[str, str]]] = (),
) -> Callable[[etree._Element], None]:
    """A change that types `answers` (field id -> text), ticks choices and fills table rows.

    Rows beyond the blank ones are added as Word does on Tab: a copy of the last row's
    cells with plain paragraphs and no controls.
    """

    def change(root: etree._Element) -> None:
        for field_id, text in answers.items():
            found = controls(root, field_id)
            assert found, f"no control tagged {field_id}"
            set_control(found[0], text)
        for field_id, choices in dict(ticks).items():
            for choice in choices:
                tick(controls(root, f"{field_id}::{choice}")[0])
        for repeat_id, entries in dict(rows).items():
            table = table_of(root, repeat_id)
            fill_table(table, repeat_id, entries)

    return change


def fill_table(table: etree._Element, repeat_id: str, entries: Sequence[Mapping[str, str]]) -> None:
    body_rows = table.findall("w:tr", NS)[1:]
    header = table.findall("w:tr", NS)[0]
    for index, entry in enumerate(entries):
        if index < len(body_rows):
            row = body_rows[index]
            for sdt in row.iter(q("w:sdt")):
                field_id = _tag(sdt).partition(".")[2]
                if field_id in entry:
                    set_control(sdt, entry[field_id])
        else:
            add_plain_row(table, header, repeat_id, entry)


def add_plain_row(
    table: etree._Element,
    header: etree._Element,
    repeat_id: str,
    entry: Mapping[str, str],
    order: Sequence[str] | None = None,
) -> etree._Element:
    """A row as Word adds it on Tab: cells with plain text, no content controls."""
    fields = order or _column_ids(header, repeat_id, table)
    row = etree.SubElement(table, q("w:tr"))
    for field_id in fields:
        cell = etree.SubElement(row, q("w:tc"))
        p = etree.SubElement(cell, q("w:p"))
        p.extend(_runs(entry.get(field_id, "")))
    return row


def _column_ids(header: etree._Element, repeat_id: str, table: etree._Element) -> list[str]:
    first_body = table.findall("w:tr", NS)[1]
    return [_tag(sdt).partition(".")[2] for sdt in first_body.iter(q("w:sdt"))]


def delete_instructions(root: etree._Element) -> None:
    """People delete the grey guidance: every Instruction paragraph goes."""
    for p in list(root.iter(q("w:p"))):
        style = p.find("w:pPr/w:pStyle", NS)
        is_instruction = style is not None and style.get(q("w:val")) == "Instruction"
        if is_instruction and not p.findall(".//w:sdt", NS):
            p.getparent().remove(p)


def unwrap_control(sdt: etree._Element) -> None:
    """Word's "Remove content control": the text stays, the control goes."""
    parent = sdt.getparent()
    index = parent.index(sdt)
    content = sdt.find("w:sdtContent", NS)
    parent.remove(sdt)
    for offset, child in enumerate(list(content)):
        parent.insert(index + offset, child)


def delete_control(sdt: etree._Element) -> None:
    """The control and its text deleted altogether."""
    sdt.getparent().remove(sdt)
