"""Honest document properties on every Word and Excel export, written into the package.

An exported file travels: to a board, an agency, the public. Its properties say what it is
(a title, made by cspr-tui, made now) and nothing about the person who made it (no OS user
name, no stock thumbnail, no leftover custom XML), and they carry the vault's audit head, so
a copy that left the machine can be held against the history in the vault: a history that
was rewritten afterwards no longer contains that head.

OOXML packages (.docx, .xlsx) are zip files with the same property parts, so one function
stamps both. The file is rewritten in place: it is always the private temporary file of an
export that is not named yet (see `export_file.write_export`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from html import escape
from io import BytesIO
from pathlib import Path

from lxml import etree

__all__ = ["APPLICATION", "CUSTOM_PREFIX", "read_custom_properties", "stamp_package"]

APPLICATION = "cspr-tui"
CUSTOM_PREFIX = "cspr."

_CORE = "docProps/core.xml"
_APP = "docProps/app.xml"
_CUSTOM = "docProps/custom.xml"
_TYPES = "[Content_Types].xml"
_RELS = "_rels/.rels"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one Office uses for its own
_DROPPED = re.compile(r"^(customXml/|docProps/thumbnail\.[a-z]+$)")


_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
}


def _set(root: etree._Element, prefix: str, name: str, text: str) -> etree._Element:
    """Set (or add) one child element by namespace, whatever prefixes the writer chose."""
    tag = f"{{{_NS[prefix]}}}{name}"
    element = root.find(tag)
    if element is None:
        element = etree.SubElement(root, tag)
    element.text = text
    return element


def _core(xml: bytes, *, title: str | None, now: datetime) -> bytes:
    root = etree.fromstring(xml)
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name in ("created", "modified"):
        _set(root, "dcterms", name, stamp).set(f"{{{_NS['xsi']}}}type", "dcterms:W3CDTF")
    for prefix, name in (("dc", "creator"), ("cp", "lastModifiedBy")):
        element = root.find(f"{{{_NS[prefix]}}}{name}")
        if element is not None and (element.text or "").strip():
            element.text = APPLICATION  # whoever or whatever wrote it, never a person's name
    if title is not None:
        _set(root, "dc", "title", title)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _app(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    _set(root, "ep", "Application", APPLICATION)
    for name in ("Template", "AppVersion", "Company", "Manager"):
        for element in root.findall(f"{{{_NS['ep']}}}{name}"):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _custom(values: Mapping[str, str]) -> str:
    props = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(str(value), quote=False)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(values.items()), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{props}</Properties>"
    )


def _content_types(xml: str) -> str:
    xml = re.sub(r'<Override PartName="/customXml/[^"]*"[^>]*/>', "", xml)
    xml = re.sub(r'<Override PartName="/docProps/thumbnail[^"]*"[^>]*/>', "", xml)
    if 'PartName="/docProps/custom.xml"' not in xml:
        xml = xml.replace(
            "</Types>",
            f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/></Types>',
        )
    return xml


def _package_rels(xml: str) -> str:
    xml = re.sub(r"<Relationship [^>]*Target=\"/?docProps/thumbnail[^\"]*\"[^>]*/>", "", xml)
    if "docProps/custom.xml" not in xml:
        xml = xml.replace(
            "</Relationships>",
            f'<Relationship Id="rIdCsprCustom" Type="{_CUSTOM_REL}" '
            'Target="docProps/custom.xml"/></Relationships>',
        )
    return xml


def _document_rels(xml: str) -> str:
    """The main part's links to the customXml items python-docx's stock template carries."""
    return re.sub(r"<Relationship [^>]*Target=\"\.\./customXml/[^\"]*\"[^>]*/>", "", xml)


def stamp_package(
    path: Path,
    custom: Mapping[str, str],
    *,
    title: str | None = None,
    now: datetime | None = None,
) -> None:
    """Rewrite the package's properties: made now by cspr-tui, `custom` added, nothing personal.

    `custom` names are prefixed with `cspr.`; a title is set only when given (a template's own
    title stays otherwise). Drops the stock thumbnail and every customXml part.
    """
    now = now or datetime.now(UTC)
    values = {f"{CUSTOM_PREFIX}{name}": value for name, value in custom.items()}
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    # Properties the exporter put there itself (a fillable form's document id) are kept.
    for info, data in entries:
        if info.filename == _CUSTOM:
            values = {**_existing_custom(data), **values}
    out = BytesIO()
    names = {info.filename for info, _ in entries}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            name = info.filename
            if _DROPPED.match(name) or name == _CUSTOM:
                continue
            if name == _CORE:
                data = _core(data, title=title, now=now)
            elif name == _APP:
                data = _app(data)
            elif name == _TYPES:
                data = _content_types(data.decode("utf-8")).encode("utf-8")
            elif name == _RELS:
                data = _package_rels(data.decode("utf-8")).encode("utf-8")
            elif name.endswith(".rels") and "customXml" in data.decode("utf-8", "replace"):
                data = _document_rels(data.decode("utf-8")).encode("utf-8")
            archive.writestr(_stable_info(info, now), data)
        archive.writestr(_stable_info(zipfile.ZipInfo(_CUSTOM), now), _custom(values))
    if _RELS not in names or _TYPES not in names:
        raise ValueError(f"{path.name} is not an Office package")
    with open(path, "r+b") as handle:
        handle.write(out.getvalue())
        handle.truncate()


def _existing_custom(xml: bytes) -> dict[str, str]:
    from html import unescape

    found = re.findall(
        r'<property [^>]*name="([^"]+)"[^>]*><vt:lpwstr>(.*?)</vt:lpwstr>', xml.decode("utf-8")
    )
    return {unescape(name): unescape(value) for name, value in found}


def _stable_info(info: zipfile.ZipInfo, now: datetime) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, date_time=now.timetuple()[:6])
    fresh.compress_type = zipfile.ZIP_DEFLATED
    fresh.external_attr = 0o600 << 16
    return fresh


def read_custom_properties(path: Path) -> dict[str, str]:
    """The `cspr.` custom properties of an export (for tests and for checking a copy)."""
    with zipfile.ZipFile(path) as archive:
        if _CUSTOM not in archive.namelist():
            return {}
        xml = archive.read(_CUSTOM).decode("utf-8")
    found = re.findall(r'<property [^>]*name="([^"]+)"[^>]*><vt:lpwstr>(.*?)</vt:lpwstr>', xml)
    from html import unescape

    return {
        unescape(name)[len(CUSTOM_PREFIX) :]: unescape(value)
        for name, value in found
        if unescape(name).startswith(CUSTOM_PREFIX)
    }
