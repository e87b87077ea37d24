"""Redacting any Word document: the lead reviewer's own report, written outside the app.

The copy keeps what a reader sees and nothing else: comments, tracked changes (deletions
dropped, insertions accepted), hidden text and the people who edited it are removed, and the
document properties are cleared. The same engine then scans every paragraph that remains
(body, tables, headers, footers, footnotes, endnotes, text boxes) and the same review gate
applies: a finding without a decision stops the copy. A replacement is written into the
paragraph's runs in place, so the formatting around a name survives.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from cspr_tui.errors import CsprError
from cspr_tui.exports.redaction.engine import Finding, Redactor

__all__ = ["clean_docx", "docx_findings", "redact_docx"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_TEXT_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml",
               "word/endnotes.xml", "word/glossary/document.xml")  # fmt: skip
# Parts whose text is not Word paragraphs but still shows, or comes back: charts' and
# diagrams' labels, and the custom XML that bound content controls fill themselves from.
_DATA_PARTS = ("word/charts/", "word/diagrams/", "customXml/item")
_EMPTIED = ("word/comments.xml", "word/commentsExtended.xml", "word/commentsIds.xml",
            "word/commentsExtensible.xml", "word/people.xml")  # fmt: skip
_REMOVED = (
    "commentRangeStart", "commentRangeEnd", "commentReference", "del", "moveFrom",
    "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
    "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
    "tblGridChange", "numberingChange", "customXmlInsRangeStart", "customXmlInsRangeEnd",
    "customXmlDelRangeStart", "customXmlDelRangeEnd",
)  # fmt: skip
_UNWRAPPED = ("ins", "moveTo")
_PROPERTY_FIELDS = ("creator", "lastModifiedBy", "subject", "keywords", "description",
                    "category", "title", "contentStatus", "identifier")  # fmt: skip
_APP_FIELDS = ("Company", "Manager", "HyperlinkBase")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _is_text_part(name: str) -> bool:
    return name.endswith(".xml") and name.startswith(_TEXT_PARTS)


def _is_data_part(name: str) -> bool:
    return (
        name.endswith(".xml")
        and name.startswith(_DATA_PARTS)
        and not name.startswith("customXml/itemProps")
    )


def _data_texts(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """(element, "text" or "tail") of every piece of text in a data part."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and element.text.strip():
            yield element, "text"
        if element.tail and element.tail.strip():
            yield element, "tail"


def _clean_tree(root: etree._Element) -> None:
    """Remove comments' anchors, tracked changes and hidden text from one part."""
    for tag in _REMOVED:
        for element in list(root.iter(_W + tag)):
            parent = element.getparent()
            if parent is None:
                continue
            if tag == "commentReference" and parent.tag == _W + "r":
                run_parent = parent.getparent()
                if run_parent is not None:
                    run_parent.remove(parent)
                continue
            parent.remove(element)
    for tag in _UNWRAPPED:
        for element in list(root.iter(_W + tag)):
            parent = element.getparent()
            if parent is None or parent.tag == _W + "rPr":
                if parent is not None:
                    parent.remove(element)  # an inserted paragraph mark: keep the mark
                continue
            index = parent.index(element)
            for child in list(element):
                parent.insert(index, child)
                index += 1
            parent.remove(element)
    for run in list(root.iter(_W + "r")):
        props = run.find(_W + "rPr")
        hidden = props is not None and any(
            (flag := props.find(_W + tag)) is not None
            and flag.get(_W + "val", "true") not in ("0", "false", "off")
            for tag in ("vanish", "specVanish", "webHidden")
        )
        holder = run.getparent()
        if hidden and holder is not None:
            holder.remove(run)


def _clear_core(xml: bytes, title: str) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    for element in list(root):
        local = etree.QName(element).localname
        if local in _PROPERTY_FIELDS:
            element.text = title if local == "title" else ""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _clear_app(xml: bytes) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    for element in list(root):
        if etree.QName(element).localname in _APP_FIELDS:
            element.text = ""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _emptied(xml: bytes) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    for child in list(root):
        root.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_BREAKS = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n"}


def _paragraph_runs(paragraph: etree._Element) -> list[etree._Element]:
    """The w:t of this paragraph itself (not of a text box's paragraphs inside it), and the
    tabs and line breaks between them: "Mother:<tab>Grace" and an address typed line by
    line with Shift+Enter are words apart, as the reader sees them."""
    texts = []
    for t in paragraph.iter(_W + "t", *_BREAKS):
        owner = t.getparent()
        if t.tag != _W + "t" and (owner is None or owner.tag != _W + "r"):
            continue  # a tab stop of the paragraph's layout, not a tab in its text
        while owner is not None and owner.tag != _W + "p":
            owner = owner.getparent()
        if owner is paragraph:
            texts.append(t)
    return texts


def _text_of(element: etree._Element) -> str:
    return (element.text or "") if element.tag == _W + "t" else _BREAKS[element.tag]


def _paragraphs(parts: dict[str, etree._Element]) -> Iterator[tuple[str, etree._Element, str]]:
    for name, root in parts.items():
        if not _is_text_part(name):
            continue
        label = name.removeprefix("word/").removesuffix(".xml")
        for number, paragraph in enumerate(root.iter(_W + "p"), 1):
            texts = _paragraph_runs(paragraph)
            text = "".join(map(_text_of, texts))
            if text.strip():
                yield f"{label} paragraph {number}", paragraph, text


def _load(path: Path) -> tuple[dict[str, bytes], dict[str, etree._Element]]:
    try:
        with zipfile.ZipFile(path) as archive:
            raw = {info.filename: archive.read(info) for info in archive.infolist()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise CsprError(
            f"{path} cannot be read as a Word document ({exc.__class__.__name__}); save it "
            "as .docx in Word and try again."
        ) from None
    if "word/document.xml" not in raw:
        raise CsprError(f"{path} is not a Word document (no word/document.xml); use a .docx.")
    parts = {}
    for name, data in raw.items():
        if _is_text_part(name) or _is_data_part(name):
            try:
                root = etree.fromstring(data, _PARSER)
            except etree.XMLSyntaxError:
                raise CsprError(f"{path} is damaged ({name} is not valid XML).") from None
            _clean_tree(root)
            parts[name] = root
    return raw, parts


def docx_findings(path: Path, redactor: Redactor) -> list[Finding]:
    """Every finding in what the cleaned copy of `path` would still show."""
    _raw, parts = _load(path)
    found: list[Finding] = []
    for where, _paragraph, text in _paragraphs(parts):
        found += redactor.scan(text, document=path.name, path=where)
    for name, root in parts.items():
        if _is_data_part(name):
            label = name.removeprefix("word/").removesuffix(".xml")
            for number, (element, side) in enumerate(_data_texts(root), 1):
                text = getattr(element, side)
                found += redactor.scan(text, document=path.name, path=f"{label} text {number}")
    strict = redactor.strict()  # a field code's HYPERLINK or REF is no one's name
    for root in parts.values():  # what the file carries but does not show
        for element, attribute in _hidden_values(root):
            where = f"{etree.QName(element).localname} {attribute.rsplit('}', 1)[-1]}"
            found += strict.scan(element.get(attribute) or "", document=path.name, path=where)
    return found


def _apply(paragraph: etree._Element, findings: list[Finding]) -> None:
    """Write each withheld finding's replacement into the paragraph's runs in place."""
    texts = _paragraph_runs(paragraph)
    bounds = []
    position = 0
    for t in texts:
        length = len(_text_of(t))
        bounds.append((position, position + length, t))
        position += length
    for finding in sorted(findings, key=lambda f: -f.start):
        for start, end, t in bounds:
            if end <= finding.start or start >= finding.end or t.tag != _W + "t":
                continue  # a tab or a line break inside a hit stays as it is
            value = t.text or ""
            lo, hi = max(finding.start, start) - start, min(finding.end, end) - start
            # The run holding the end of the hit gets the replacement: earlier runs lose
            # their part, so the replacement sits where the hit ended (bounds stay valid).
            last = end >= finding.end
            t.text = value[:lo] + (finding.replacement if last else "") + value[hi:]
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


# Text a reader does not see but the file carries: picture alt text and names, link tips,
# content-control labels (attributes), and field codes such as HYPERLINK "mailto:...".
# A simple field's code (fldSimple), and an old-style form field's name, default, help
# and list entries.
_HIDDEN_ATTRIBUTES = {"docPr": ("descr", "title", "name"), "cNvPr": ("descr", "title", "name"),
                      "hyperlink": (_W + "tooltip",), "alias": (_W + "val",),
                      "tag": (_W + "val",), "fldSimple": (_W + "instr",),
                      "default": (_W + "val",), "helpText": (_W + "val",),
                      "statusText": (_W + "val",), "listEntry": (_W + "val",)}  # fmt: skip
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _hidden_values(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        attributes = _HIDDEN_ATTRIBUTES.get(local, ())
        parent = element.getparent()
        if local == "name" and parent is not None and parent.tag == _W + "ffData":
            attributes = (_W + "val",)
        for attribute in attributes:
            if element.get(attribute):
                yield element, attribute


def _redact_hidden(root: etree._Element, redactor: Redactor) -> None:
    renamed: dict[str, str] = {}
    for mark in root.iter(_W + "bookmarkStart"):
        name = mark.get(_W + "name") or ""
        if name and redactor.redact(name.replace("_", " ")) != name.replace("_", " "):
            renamed[name] = renamed.get(name) or f"_Redacted{len(renamed) + 1}"
            mark.set(_W + "name", renamed[name])  # a bookmark named after someone
    for element in root.iter(_W + "instrText"):
        if element.text:
            for old, new in renamed.items():  # a REF to a renamed bookmark still works
                element.text = element.text.replace(old, new)
            element.text = redactor.redact(element.text)
    for element, attribute in list(_hidden_values(root)):
        value = element.get(attribute) or ""
        for old, new in renamed.items():
            value = value.replace(old, new)
        element.set(attribute, redactor.redact(value))


def _redact_data(root: etree._Element, redactor: Redactor) -> None:
    for element, side in list(_data_texts(root)):
        setattr(element, side, redactor.redact(getattr(element, side)))


def _redact_targets(xml: bytes, redactor: Redactor) -> bytes:
    """External link targets ("mailto:jane.doe@...", a profile URL) that name someone point
    nowhere in the copy: a redacted address is not a working one."""
    root = etree.fromstring(xml, _PARSER)
    for rel in root.iter(f"{{{_RELS}}}Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External" and redactor.redact(target) != target:
            rel.set("Target", "about:blank")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def clean_docx(path: Path, redactor: Redactor, *, title: str = "") -> Callable[[Path], None]:
    """A `fill` for `write_export`: the cleaned, redacted copy of `path` written to tmp."""
    raw, parts = _load(path)
    for _where, paragraph, text in list(_paragraphs(parts)):
        withheld = [f for f in redactor.scan(text) if f.withheld]
        if withheld:
            _apply(paragraph, withheld)
    for name, root in parts.items():
        if _is_data_part(name):
            _redact_data(root, redactor)
        _redact_hidden(root, redactor)

    def fill(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in raw.items():
                if name in parts:
                    data = etree.tostring(
                        parts[name], xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                elif name == "docProps/core.xml":
                    data = _clear_core(data, title)
                elif name == "docProps/app.xml":
                    data = _clear_app(data)
                elif name in _EMPTIED or name == "docProps/custom.xml":
                    data = _emptied(data)
                elif name.endswith(".rels"):
                    data = _redact_targets(data, redactor)
                out.writestr(name, data)

    return fill


def redact_docx(
    path: Path, out: Path | None, redactor: Redactor, *, ref: str, force: bool = False
) -> Path:
    """The redacted copy of `path`, once every finding has a decision.

    `out` is a file, a folder, or None for the exports folder; in a folder the name is
    `<name>_Redacted_v<n>.docx` with the first free version.
    """
    from cspr_tui.exports.export_file import (
        default_export_dir,
        safe_name_part,
        write_export,
        write_versioned_export,
    )
    from cspr_tui.exports.redaction.review import require_reviewed

    require_reviewed(ref, docx_findings(path, redactor))
    fill = clean_docx(path, redactor, title=f"{path.stem} (redacted)")
    if out is None or Path(out).is_dir():
        folder = default_export_dir() if out is None else Path(out)
        stem = safe_name_part(path.stem, fallback="Document")
        return write_versioned_export(folder, lambda n: f"{stem}_Redacted_v{n}.docx", fill)
    return write_export(Path(out), fill, force=force)
