"""A case report's body drawn from the form templates: every answered field, in their order.

What a field means (its label, its type, its choices, where it sits) is declared once, in
`form_templates/*.yaml`. This module walks a form's sections and a record's answers and
turns them into plain blocks a Word template lays out generically, so a field a partnership
adds to a template appears in the report without a line of code:

- `facts`: short answers as a label/value table;
- `text`: a long answer as paragraphs under its label (never a ribbon in a narrow column);
- `table`: a repeat group whose columns fit the page, widths measured from the content so
  dates and numbers never wrap;
- `entries`: a repeat group that does not fit, one labelled block per entry.

Unanswered and hidden fields are left out; a section with nothing answered says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cspr_tui.forms.model import Field, Form, Section, is_empty

__all__ = [
    "NONE_CHOSEN",
    "NOTHING_RECORDED",
    "PAGE_WIDTH_TWIPS",
    "Block",
    "ReportSection",
    "column_widths",
    "flat_answers",
    "form_sections",
    "format_answer",
    "strip_enumerator",
    "table_block",
]

NOTHING_RECORDED = "Nothing recorded in this section yet."
NONE_CHOSEN = "None of these"
PAGE_WIDTH_TWIPS = 9638  # 170 mm between the 20 mm margins of an A4 page
_LONG_TYPES = frozenset({"long_text"})
_MAX_TABLE_COLUMNS = 5
_LONG_CELL = 240
_SHORT_PROSE = 120  # characters: a long-text answer this short sits among the facts
# Per character at 10 pt (table text), a little over DejaVu Sans, the widest face that stands
# in for Arial where it is missing, so what fits there fits in Word's Arial too.
_CHAR_TWIPS = 120
_BOLD_CHAR_TWIPS = 136
_CELL_PADDING = 320  # both cell margins and a little air, in twips
# A web address or a run of characters longer than this may break; dates, numbers and
# ordinary words never reach it, so they always get the room to stay whole.
_LONGEST_KEPT_WORD = 18
_NARROWEST_TEXT_COLUMN = 1300  # about 23 mm: below this a prose column becomes a ribbon
_ENUMERATOR = re.compile(r"^\s*(?:[A-Z]|\d{1,2})[.)]\s+")
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Block:
    """One piece of a section: see the module docstring for the kinds."""

    kind: str  # "facts" | "text" | "table" | "entries"
    heading: str = ""  # shown above the block when it adds something to the section's
    rows: list[dict[str, str]] = field(default_factory=list)  # facts: label, value
    text: str = ""  # text: the answer
    columns: list[dict[str, Any]] = field(default_factory=list)  # table: label, width
    cells: list[list[str]] = field(default_factory=list)  # table: one list per row
    entries: list[dict[str, Any]] = field(default_factory=list)  # entries: title, blocks

    def as_context(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "heading": self.heading,
            "rows": self.rows,
            "text": self.text,
            "columns": self.columns,
            "cells": [
                {
                    "cells": [
                        {"text": text, "width": column["width"]}
                        for text, column in zip(row, self.columns, strict=False)
                    ]
                }
                for row in self.cells
            ],
            "entries": [
                {
                    "title": e["title"],
                    "blocks": [b.as_context() for b in e["blocks"]],
                }
                for e in self.entries
            ],
        }


@dataclass
class ReportSection:
    """A heading and its blocks; `level` 1 or 2 (Heading 1 / Heading 2)."""

    heading: str
    level: int = 1
    blocks: list[Block] = field(default_factory=list)
    empty_note: str = ""

    def as_context(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "level": self.level,
            "blocks": [b.as_context() for b in self.blocks],
            "empty": self.empty_note,
        }


def strip_enumerator(title: str) -> str:
    """'A. Referrer' -> 'Referrer': the report numbers its headings through their styles."""
    return _ENUMERATOR.sub("", title).strip()


def _clean(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_UNSAFE.sub("", text).strip("\n")


def format_answer(form_field: Field, value: Any) -> str:
    """An answer as a reader reads it: the template's own formatting, booleans as Yes/No."""
    if isinstance(value, bool):  # records from before yes/no answers were stored as words
        return "Yes" if value else "No"
    if isinstance(value, list) and form_field.type != "repeat":
        return "; ".join(format_answer(form_field, v) for v in value if not is_empty(v))
    if form_field.type in ("choice", "multi_choice") and str(value).strip().casefold() == "none":
        # The choice "None" printed alone reads like a software null ("Legal status: None").
        return NONE_CHOSEN
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items() if not is_empty(v))
    return _clean(form_field.format(value))


def _answered(form_field: Field, value: Any) -> bool:
    return not is_empty(value) and format_answer(form_field, value).strip() != ""


def _is_long(form_field: Field, text: str) -> bool:
    """Prose reads as paragraphs; a one-line long-text answer (an address) stays a fact."""
    if "\n" in text or len(text) > _LONG_CELL:
        return True
    return form_field.type in _LONG_TYPES and len(text) > _SHORT_PROSE


def _visible_fields(
    fields: Iterable[Field],
    values: Mapping[str, Any],
    row: Mapping[str, Any] | None = None,
    position: int = 0,
) -> list[Field]:
    shown = []
    for form_field in fields:
        if not form_field.is_input:
            continue
        try:
            visible = form_field.is_visible(values, row, position)
        except Exception:  # a rule that cannot be judged on old data: show the answer
            visible = True
        if visible:
            shown.append(form_field)
    return shown


def _answer_blocks(
    fields: Sequence[Field],
    answers: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    row: Mapping[str, Any] | None = None,
    position: int = 0,
    section_title: str = "",
) -> list[Block]:
    """Fields in order: short answers gathered into facts tables, the rest as they come."""
    blocks: list[Block] = []
    facts: list[dict[str, str]] = []

    def flush() -> None:
        if facts:
            blocks.append(Block("facts", rows=list(facts)))
            facts.clear()

    shown = _visible_fields(fields, values, row, position)
    for form_field in shown:
        value = answers.get(form_field.id)
        if form_field.type == "repeat":
            if not isinstance(value, list) or not any(isinstance(r, Mapping) for r in value):
                continue
            flush()
            heading = form_field.label
            if len(shown) == 1 or heading.casefold() == section_title.casefold():
                heading = ""  # the section's heading already says it
            blocks.append(_repeat_block(form_field, value, values, heading))
            continue
        if not _answered(form_field, value):
            continue
        text = format_answer(form_field, value)
        if _is_long(form_field, text):
            flush()
            blocks.append(Block("text", heading=form_field.label, text=text))
        else:
            facts.append({"label": form_field.label, "value": text})
    flush()
    return blocks


def _repeat_block(group: Field, rows: list[Any], values: Mapping[str, Any], heading: str) -> Block:
    entries = [r for r in rows if isinstance(r, Mapping)]
    columns = [
        f
        for f in group.fields
        if f.is_input and f.type != "repeat" and any(_answered(f, r.get(f.id)) for r in entries)
    ]
    cells = [
        [format_answer(f, r.get(f.id)) if _answered(f, r.get(f.id)) else "" for f in columns]
        for r in entries
    ]
    block = table_block([f.label for f in columns], cells, heading=heading)
    if block is not None and not any(f.type == "repeat" for f in group.fields):
        return block
    return Block(
        "entries",
        heading=heading,
        entries=[
            {
                "title": group.row_label(index),
                "blocks": _answer_blocks(group.fields, row, values, row=row, position=index),
            }
            for index, row in enumerate(entries)
        ],
    )


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text) if w]


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], total: int = PAGE_WIDTH_TWIPS
) -> list[int] | None:
    """Column widths in twips measured from the content, or None when they cannot fit.

    A column is never narrower than its longest word (so a date, "No." or a reference
    never wraps) and prose columns get the space in proportion to how much they hold.
    """
    if not headers:
        return None
    least: list[int] = []
    wanted: list[int] = []
    for index, header in enumerate(headers):
        column = [row[index] for row in rows if index < len(row)]
        longest_word = max(
            [min(len(w), _LONGEST_KEPT_WORD) * _BOLD_CHAR_TWIPS for w in _words(header)]
            + [
                min(len(w), _LONGEST_KEPT_WORD) * _CHAR_TWIPS
                for cell in column
                for w in _words(cell)
            ]
            + [0]
        )
        longest_line = max(
            [len(header) * _BOLD_CHAR_TWIPS]
            + [len(line) * _CHAR_TWIPS for cell in column for line in cell.splitlines()]
        )
        floor = longest_word + _CELL_PADDING
        if any(len(cell) > 60 for cell in column):
            floor = max(floor, _NARROWEST_TEXT_COLUMN)
        least.append(floor)
        wanted.append(max(floor, longest_line + _CELL_PADDING))
    if sum(least) > total:
        return None
    return _share_out(least, wanted, headers, rows, total)


_STEP = 120  # twips handed out at a time (about one character)
_SAMPLED_ROWS = 200  # enough rows to judge a long table's shape


def _lines(lengths: Sequence[int], width: int, char: int) -> int:
    """How many lines paragraphs of these lengths take in a cell of this width."""
    per_line = max(1, (width - _CELL_PADDING) // char)
    return sum(max(1, -(-n // per_line)) for n in lengths) or 1


def _share_out(
    least: list[int],
    wanted: list[int],
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    total: int,
) -> list[int]:
    """From the narrowest widths, give each step of room to the column that makes the
    table shortest, so prose gets the space and short answers wrap only when they must."""
    widths = list(least)
    sample = rows[:: max(1, len(rows) // _SAMPLED_ROWS)][:_SAMPLED_ROWS]
    cells = [[[len(p) for p in cell.split("\n")] for cell in row] for row in sample]
    head = [[len(header)] for header in headers]
    columns = range(len(widths))
    # Each row's lines in one column at one width, worked out once: a trial widens one
    # column, so only that column is measured again (the table's height is the same sum).
    measured: dict[tuple[int, int], list[int]] = {}

    def column_lines(column: int, width: int) -> list[int]:
        key = (column, width)
        if key not in measured:
            measured[key] = [
                _lines(row[column], width, _CHAR_TWIPS) if column < len(row) else 0 for row in cells
            ]
        return measured[key]

    def head_lines(candidate: list[int]) -> int:
        return max(_lines(head[c], w, _BOLD_CHAR_TWIPS) for c, w in enumerate(candidate))

    def height(candidate: list[int]) -> int:
        per_column = [column_lines(c, w) for c, w in enumerate(candidate)]
        return head_lines(candidate) + tallest(per_column)

    def tallest(per_column: list[list[int]]) -> int:
        """The rows' lines: each row as tall as its tallest cell."""
        return sum(max(row) for row in zip(*per_column, strict=True))

    current = height(widths)
    while total - sum(widths) >= _STEP:
        best, best_height = None, current
        per_column = [column_lines(c, w) for c, w in enumerate(widths)]
        for column in columns:
            if widths[column] >= wanted[column]:
                continue
            trial = list(widths)
            trial[column] += _STEP
            others = [lines for c, lines in enumerate(per_column) if c != column]
            others.append(column_lines(column, trial[column]))
            trial_height = head_lines(trial) + tallest(others)
            if trial_height < best_height:
                best, best_height = column, trial_height
        if best is None:  # nothing gets shorter: hand out one step where most is wanted
            gaps = [w - c for w, c in zip(wanted, widths, strict=True)]
            if max(gaps) <= 0:
                break
            best = gaps.index(max(gaps))
        widths[best] += _STEP
        current = best_height if best_height < current else height(widths)
    spare = total - sum(widths)
    weights = [max(w, 1) for w in wanted]
    widths = [w + spare * g // sum(weights) for w, g in zip(widths, weights, strict=True)]
    widths[-1] += total - sum(widths)
    return widths


def table_block(
    headers: Sequence[str], cells: list[list[str]], *, heading: str = "", allow_long: bool = False
) -> Block | None:
    """A table of these rows if it fits the page and holds no essay-length cell, else None.

    `allow_long` keeps long cells in the table (a recommendation's text is read row by row).
    """
    if not headers or len(headers) > _MAX_TABLE_COLUMNS:
        return None
    long_cells = any(len(c) > _LONG_CELL or "\n" in c for row in cells for c in row)
    if long_cells and not allow_long and len(headers) > 2:
        return None
    widths = column_widths(headers, cells)
    if widths is None:
        return None
    return Block(
        "table",
        heading=heading,
        columns=[{"label": h, "width": w} for h, w in zip(headers, widths, strict=True)],
        cells=cells,
    )


def _section_blocks(section: Section, answers: Mapping[str, Any], title: str) -> list[Block]:
    return _answer_blocks(section.fields, answers, answers, section_title=title)


def form_sections(
    form: Form, answers: Mapping[str, Any] | None, *, heading: str | None = None
) -> list[ReportSection]:
    """The report sections of one form's record, in the template's order.

    With `heading`, the form becomes one Heading 1 and its sections Heading 2 (a second form
    in a report, such as the partnership's decision after the referral); a section titled
    like that heading is not repeated under it.
    """
    answers = answers or {}
    out: list[ReportSection] = []
    level = 1
    if heading:
        out.append(ReportSection(heading, 1))
        level = 2
    for section in form.sections:
        try:
            if not section.is_visible(answers):
                continue
        except Exception:
            pass
        title = strip_enumerator(section.title)
        blocks = _section_blocks(section, answers, title)
        if heading and title.casefold() == heading.casefold():
            out[0].blocks.extend(blocks)
            continue
        if level == 2 and not blocks:
            continue  # a sub-section with nothing in it is left out, not announced
        out.append(ReportSection(title, level, blocks, "" if blocks else NOTHING_RECORDED))
    if heading and len(out) == 1 and not out[0].blocks:
        out[0].empty_note = NOTHING_RECORDED
    return out


def flat_answers(
    form: Form, answers: Mapping[str, Any] | None, *, missing: str
) -> tuple[dict[str, str], dict[str, list[dict[str, str]]]]:
    """Every field of the form by id (`missing` when unanswered) and every repeat's rows.

    For a partnership's own Word template that names answers one by one
    (`{{ a.referral.referrer_name }}`, `{%tr for row in rows.children %}`), as the layout
    before the generic sections did; drawn from the template, so no list to keep in step.
    """
    answers = answers or {}
    flat: dict[str, str] = {}
    rows: dict[str, list[dict[str, str]]] = {}
    for section in form.sections:
        for form_field in section.fields:
            if not form_field.is_input:
                continue
            value = answers.get(form_field.id)
            if form_field.type == "repeat":
                entries = [r for r in value or [] if isinstance(r, Mapping)]
                rows[form_field.id] = [
                    {
                        f.id: format_answer(f, r.get(f.id))
                        if _answered(f, r.get(f.id))
                        else missing
                        for f in form_field.fields
                        if f.is_input
                    }
                    for r in entries
                ]
                continue
            flat[form_field.id] = _shown(form_field, value, missing)
    return flat, rows


def _shown(form_field: Field, value: Any, missing: str) -> str:
    return format_answer(form_field, value) if _answered(form_field, value) else missing
