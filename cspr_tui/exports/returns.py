"""Reading completed fillable forms back: Word content controls and the Excel chronology.

A returned document has been through Word, perhaps LibreOffice, and people: controls get
deleted, rows added without controls, instructions removed, text typed beside a box
instead of in it. LibreOffice 7.4, for one, keeps the controls but drops their tags. So
the document's structure is read, not just its tags: each answer is the text between its
question (a "Question" paragraph carrying the template's label) and the next question or
heading, and each table is read by column, its columns found from the header labels. A
control's tag stands in only where its question paragraph has gone. The document id comes
from the custom document property, or failing that from the text of its control.

What is read is plain text (`RawReturn`); `domain.agency_return` decides what it means.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from cspr_tui.domain.agency_return import DocumentId, RawReturn, RawRow
from cspr_tui.errors import ValidationFailed
from cspr_tui.exports.context import protective_marking
from cspr_tui.exports.fillable import (
    DOCUMENT_ID_PROPERTY,
    DOCUMENT_ID_TAG,
    PLACEHOLDERS,
    TABLE_TAG_PREFIX,
)
from cspr_tui.exports.form_report import strip_enumerator
from cspr_tui.settings import Settings

__all__ = ["read_document", "read_form_id"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_NS = {"w": W, "w14": W14}
_MAX_XML = 50 * 1024 * 1024  # a returned report is far smaller; refuse a zip bomb
_REQUIRED = re.compile(r"\s*\(required\)\s*$")
_PLACEHOLDER_TEXTS = frozenset(PLACEHOLDERS.values())
_CHECKED = "\u2612"
_UNCHECKED = "\u2610"


def _q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{_NS[prefix]}}}{name}"


_P, _TBL, _TR, _TC, _SDT = _q("w:p"), _q("w:tbl"), _q("w:tr"), _q("w:tc"), _q("w:sdt")
_T, _TAB, _BR, _CR = _q("w:t"), _q("w:tab"), _q("w:br"), _q("w:cr")
_DEL = _q("w:del")


def _fail(path: Path, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"{path.name} cannot be read as a completed form ({why}); "
        "ask for it to be saved again as a Word document (.docx)."
    )


def _read_parts(path: Path) -> tuple[bytes, bytes | None]:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > _MAX_XML:
                raise _fail(path, "its text is implausibly large")
            body = archive.read(info)
            custom = None
            if "docProps/custom.xml" in archive.namelist():
                custom_info = archive.getinfo("docProps/custom.xml")
                if custom_info.file_size < 1_000_000:
                    custom = archive.read(custom_info)
            return body, custom
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise _fail(path, "it is not a Word .docx file") from exc


def _parse(xml: bytes, path: Path) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise _fail(path, "its XML is damaged") from exc


def _text(element: Any) -> str:
    """What a reader sees in an element: runs joined, breaks and paragraphs as new lines."""
    pieces: list[str] = []
    for node in element.iter(_T, _TAB, _BR, _CR, _P, _DEL):
        if node.tag == _T:
            if not any(a.tag == _DEL for a in node.iterancestors(_DEL)):
                pieces.append(node.text or "")
        elif node.tag == _TAB:
            pieces.append("\t")
        elif node.tag in (_BR, _CR) or (node.tag == _P and pieces and pieces[-1] != "\n"):
            pieces.append("\n")
    return "".join(pieces).replace("\u00a0", " ").strip("\n")


def _answer_text(element: Any) -> str:
    """Text of an answer with any untouched placeholder ("Type here") taken out."""
    lines = []
    for line in _text(element).split("\n"):
        stripped = line.strip()
        for placeholder in _PLACEHOLDER_TEXTS:
            if stripped == placeholder:
                stripped = ""
        lines.append(stripped)
    return "\n".join(lines).strip()


def _style(paragraph: Any) -> str:
    found = paragraph.find("w:pPr/w:pStyle", _NS)
    return found.get(_q("w:val")) if found is not None else ""


def _blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in order, looking through block-level wrappers."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find("w:sdtContent", _NS)
            if content is not None:
                yield from _blocks(content)
        elif child.tag in (_q("w:ins"), _q("w:customXml"), _q("w:sdtContent")):
            yield from _blocks(child)


def _tag(sdt: Any) -> str:
    found = sdt.find("w:sdtPr/w:tag", _NS)
    return found.get(_q("w:val")) if found is not None else ""


def _checkbox_state(sdt: Any) -> bool | None:
    checked = sdt.find("w:sdtPr/w14:checkbox/w14:checked", _NS)
    if checked is None:
        return None
    return checked.get(f"{{{W14}}}val") in ("1", "true")


def _ticked(paragraph: Any) -> tuple[bool, str] | None:
    """A check-box line: (ticked, the choice's text), or None if the line has no box."""
    sdt = paragraph.find(f".//{_SDT}")
    state = _checkbox_state(sdt) if sdt is not None else None
    text = _text(paragraph).strip()
    if state is None and not text.startswith((_CHECKED, _UNCHECKED)):
        return None
    if state is None:
        state = text.startswith(_CHECKED)
    return state, text.lstrip(_CHECKED + _UNCHECKED).strip()


@dataclass
class _Reader:
    form: Any
    path: Path
    raw: RawReturn
    top_labels: dict[str, Any] = field(default_factory=dict)
    found: set[str] = field(default_factory=set)
    in_form: bool = False  # past the pre-filled context, inside the template's sections

    def __post_init__(self) -> None:
        # Headings are numbered by style; a report sent before that typed "5. Chronology".
        self.section_titles = {
            _key(strip_enumerator(section.title)) for section in self.form.sections
        }
        for item in self.form.fields:
            if item.is_input:
                self.top_labels.setdefault(_key(item.label), item)

    # -- regions between questions ----------------------------------------------------
    def read(self, root: Any) -> None:
        body = root.find("w:body", _NS)
        if body is None:
            raise _fail(self.path, "it has no body")
        current: Any = None  # the field whose answer is being read
        block: tuple[Any, list[dict[str, str]]] | None = None  # a repeat read as blocks
        lines: list[str] = []
        ticks: list[str] = []

        def close() -> None:
            nonlocal current
            if current is None:
                return
            target = block[1][-1] if block is not None and block[1] else None
            if current.type == "multi_choice":
                if target is not None:
                    target[current.id] = "; ".join(ticks)
                else:
                    self.raw.ticked[current.id] = list(ticks)
            elif current.type != "repeat":
                value = "\n".join(lines).strip()
                if target is not None:
                    target[current.id] = value
                else:
                    self.raw.answers[current.id] = value
            if target is None:
                self.found.add(current.id)
            current = None
            lines.clear()
            ticks.clear()

        for element in _blocks(body):
            if element.tag == _TBL:
                if current is not None and current.type == "repeat":
                    self.table(element, current)
                    self.found.add(current.id)
                    current = None
                elif self.in_form:
                    self.table(element, None)
                continue
            style = _style(element)
            text = _text(element).strip()
            if style.startswith("Heading") or style == "Title":
                close()
                level = style.removeprefix("Heading")
                if level == "1" and _key(strip_enumerator(text)) in self.section_titles:
                    self.in_form = True
                item = self.block_repeat(text) if level == "3" else None
                if item is not None:
                    if block is None or block[0] is not item:
                        block = (item, [])
                    block[1].append({})
                elif level in ("1", "2", "") or style == "Title":
                    if block is not None:
                        self.store_blocks(*block)
                    block = None
                continue
            if style == "Question":
                close()
                label = _key(_REQUIRED.sub("", text))
                if block is not None:
                    current = block[0].field(_field_id_by_label(block[0], label))
                else:
                    current = self.top_labels.get(label)
                if current is not None and current.type == "note":
                    current = None
                continue
            if current is None or style == "Instruction":
                continue
            if current.type == "multi_choice":
                tick = _ticked(element)
                if tick is not None:
                    if tick[0] and tick[1]:
                        ticks.append(tick[1])
                    continue
            answer = _answer_text(element)
            if answer or lines:
                lines.append(answer)
        close()
        if block is not None:
            self.store_blocks(*block)
        self.by_tag(body)

    def block_repeat(self, heading: str) -> Any:
        for item in self.form.fields:
            if (
                item.type == "repeat"
                and item.item_label
                and re.fullmatch(rf"{re.escape(item.item_label)}\s+\d+", heading, re.I)
            ):
                return item
        return None

    def store_blocks(self, item: Any, entries: list[dict[str, str]]) -> None:
        rows = self.raw.rows.setdefault(item.id, [])
        for entry in entries:
            rows.append(RawRow(len(rows) + 1, dict(entry)))
        self.found.add(item.id)

    # -- tables -------------------------------------------------------------------------
    def table(self, table: Any, expected: Any) -> None:
        rows = table.findall("w:tr", _NS)
        if not rows:
            return
        header = rows[0]
        item = expected or self.repeat_for_header(header)
        if item is None:
            self.raw.unknown.append(
                f"a table beginning {(_text(header)[:40] or 'with an empty row')!r} "
                "that is not part of the form"
            )
            return
        columns = []
        for cell in header.findall("w:tc", _NS):
            label = _key(_text(cell))
            columns.append(_field_id_by_label(item, label))
        unknown = [i for i, c in enumerate(columns) if c is None]
        if unknown:
            self.raw.notes.append(
                f"{item.label}: column(s) {', '.join(str(i + 1) for i in unknown)} have no "
                "heading the form knows; their text was not read."
            )
        found = self.raw.rows.setdefault(item.id, [])
        for tr in rows[1:]:
            cells = tr.findall("w:tc", _NS)
            values: dict[str, str] = {}
            for index, cell in enumerate(cells):
                column = columns[index] if index < len(columns) else None
                if column is not None:
                    values[column] = _answer_text(cell)
            number = len(found) + 1
            note = ""
            if len(cells) != len(columns) and any(v for v in values.values()):
                note = f"has {len(cells)} cells where the table has {len(columns)} columns"
                self.raw.notes.append(
                    f"{item.label}, row {number}: {note}; read by position, check it."
                )
            found.append(RawRow(number, values, note))

    def repeat_for_header(self, header: Any) -> Any:
        sdt = header.find(f".//{_SDT}")
        tag = _tag(sdt) if sdt is not None else ""
        if tag.startswith(TABLE_TAG_PREFIX):
            item = self.form.field(tag.removeprefix(TABLE_TAG_PREFIX))
            if item is not None and item.type == "repeat":
                return item
        labels = {_key(_text(cell)) for cell in header.findall("w:tc", _NS)}
        best, best_score = None, 0
        for item in self.form.fields:
            if item.type != "repeat":
                continue
            wanted = {_key(f.label) for f in item.fields if f.is_input}
            score = len(labels & wanted)
            if score > best_score and score >= max(2, len(wanted) // 2):
                best, best_score = item, score
        return best

    # -- tags, where a question paragraph has gone ---------------------------------------
    def by_tag(self, body: Any) -> None:
        for sdt in body.iter(_SDT):
            tag = _tag(sdt)
            if not tag or tag == DOCUMENT_ID_TAG or tag.startswith(TABLE_TAG_PREFIX):
                continue
            field_id, _, choice = tag.partition("::")
            item = self.form.field(field_id)
            if item is None or "." in field_id or field_id in self.found:
                continue
            content = sdt.find("w:sdtContent", _NS)
            if choice:
                if _checkbox_state(sdt):
                    self.raw.ticked.setdefault(field_id, []).append(choice)
                continue
            text = _answer_text(content) if content is not None else ""
            if text:
                self.raw.answers[field_id] = text
                self.raw.notes.append(
                    f"{item.label}: its question was deleted; read from its answer box."
                )
        for field_id in list(self.raw.ticked):
            self.found.add(field_id)


def _key(label: str) -> str:
    return " ".join(label.casefold().replace("\u2019", "'").split())


def _field_id_by_label(item: Any, label: str) -> str | None:
    for sub in item.fields:
        if sub.is_input and _key(sub.label) == label:
            return str(sub.id)
    return None


def _document_id(root: Any, custom: bytes | None, path: Path) -> str:
    if custom is not None:
        props = _parse(custom, path)
        for prop in props:
            if prop.get("name") == DOCUMENT_ID_PROPERTY:
                value = "".join(prop.itertext()).strip()
                if value:
                    return value
    for sdt in root.iter(_SDT):
        if _tag(sdt) == DOCUMENT_ID_TAG:
            return _text(sdt.find("w:sdtContent", _NS)).strip()
    found = re.search(r"cspr-(?:return|form)\|[^\s<]+", _text(root))
    return found[0] if found else ""


def read_form_id(path: Path) -> str:
    """The document id text of a returned file ('' when it has none)."""
    body, custom = _read_parts(path)
    return _document_id(_parse(body, path), custom, path)


def read_document(path: Path, form: Any) -> RawReturn:
    """Everything a completed fillable form holds, as text per field id of `form`."""
    path = Path(path)
    body, custom = _read_parts(path)
    root = _parse(body, path)
    raw = RawReturn(
        document_id=DocumentId.parse(_document_id(root, custom, path)), source=path.name
    )
    _Reader(form, path, raw).read(root)
    return raw


@dataclass
class JudgedReturn:
    """A returned file matched to its case and request, and judged (nothing stored yet)."""

    path: Path
    case: Any
    request: Any
    result: Any  # domain.agency_return.ReturnResult
    complete: bool = True  # a whole report; False for a chronology on its own (Excel)


def _judge_raw(
    path: Path,
    raw: RawReturn,
    form: Any,
    find_case: Any,
    *,
    today: Any,
    settings: Settings,
    partial: bool,
) -> JudgedReturn:
    from cspr_tui.domain.agency_return import check_return, context_values, match_request
    from cspr_tui.domain.form_mapping import report_answers

    doc_id = raw.document_id
    case = find_case(doc_id.ref) if doc_id is not None else None
    request = match_request(case, doc_id)
    assert case is not None  # match_request refuses a report for a case not in the vault
    review = case.record("review")
    scope = (
        (review.values.get("scope_from"), review.values.get("scope_to")) if review else (None, None)
    )
    context = context_values(case, request, today, scope, marking=protective_marking(settings))
    if partial:  # the chronology on its own: the report's other answers stay as they are
        kept = report_answers(case, request.agency)  # its own answers and its request's
        kept.pop("chronology", None)
        context = {**kept, **context}
    result = check_return(form, raw, context, today=today, partial=partial)
    return JudgedReturn(path, case, request, result, complete=not partial)


def judge_return(
    path: Path, form: Any, find_case: Any, *, today: Any, settings: Settings
) -> JudgedReturn:
    """Read `path`, match it to its request (`find_case(ref)` gives the Case or None) and
    check it against the agency report template. Refuses foreign documents outright. The
    review team's answers come from the case and `settings` (the protective marking)."""
    path = Path(path)
    raw = read_document(path, form)
    return _judge_raw(path, raw, form, find_case, today=today, settings=settings, partial=False)


def judge_any_return(
    path: Path, form: Any, find_case: Any, *, today: Any, settings: Settings
) -> JudgedReturn:
    """A returned Word report or Excel chronology, judged (see `judge_return`)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from cspr_tui.exports.chronology_export import read_chronology_workbook

        raw = read_chronology_workbook(path, form)
        return _judge_raw(path, raw, form, find_case, today=today, settings=settings, partial=True)
    return judge_return(path, form, find_case, today=today, settings=settings)


@dataclass
class ReferralReading:
    """A completed referral form: answers fit for a draft, and what could not be used."""

    values: dict[str, Any]
    notes: list[str]
    not_understood: list[str]


def read_referral(path: Path, form: Any, *, today: Any) -> ReferralReading:
    """Read a completed referral form into draft answers; nothing refused is guessed at.

    Answers the template cannot take (an unknown choice, an impossible date) are left out
    and listed, so the draft case is made and the reviewer completes it on screen.
    """
    from cspr_tui.domain.agency_return import check_return

    path = Path(path)
    raw = read_document(path, form)
    if not read_form_id(path).startswith(f"cspr-form|{form.id}|"):
        raise ValidationFailed(
            f"{path.name} is not a referral form exported by cspr "
            "('cspr export referral-form' makes one)."
        )
    result = check_return(form, raw, {}, today=today, partial=True)
    values = dict(result.values)
    not_understood = [str(p) for p in result.errors]
    for _ in range(3):  # drop what a draft cannot hold, then check again
        issues = [
            i for i in form.validate(values, finishing=False, today=today) if i.severity == "error"
        ]
        if not issues:
            break
        for issue in issues:
            top = issue.path.split(".", 1)[0].split("[", 1)[0]
            if top in values:
                values.pop(top)
                not_understood.append(f"{issue.label}: {issue.message}")
    not_understood.extend(raw.unknown)
    return ReferralReading(values, result.notes, not_understood)


def summarise(judged: JudgedReturn, form: Any, *, rows_shown: int = 5) -> list[str]:
    """What would be stored, in a few lines a reviewer reads before saying yes."""
    result = judged.result
    values = result.values
    lines = [f"{judged.request.agency}'s report for {judged.case.ref}:"]
    for section in form.sections:
        answered = [
            f.label
            for f in section.fields
            if f.is_input and values.get(f.id) not in (None, "", []) and f.type != "repeat"
        ]
        rows = [len(values.get(f.id) or []) for f in section.fields if f.type == "repeat"]
        if answered or any(rows):
            extra = f", {sum(rows)} row(s)" if any(rows) else ""
            lines.append(f"  {section.title}: {len(answered)} answer(s){extra}")
    for row in (values.get("chronology") or [])[:rows_shown]:
        when = "/".join(reversed(str(row.get("date", "")).split("-")))
        lines.append(f"    {when} {row.get('time', '')} {str(row.get('event', ''))[:60]}")
    lines.extend(f"  read: {note}" for note in result.notes)
    lines.extend(f"  note: {p}" for p in result.warnings)
    return lines
