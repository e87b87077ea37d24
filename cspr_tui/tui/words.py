"""How the screens word what the domain reports, in the plain British English a reviewer uses.

The domain's own strings are exact and short ("screening: Decision", "2026-Q3", -5 days);
the CLI prints them as they are. The screens say the same things as sentences: "Decision
(screening form)", "Q3 2026-27 (Oct-Dec)", "5 working days overdue".
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from contextlib import suppress
from pathlib import PurePath
from typing import TYPE_CHECKING

from rich.cells import cell_len

from cspr_tui.domain.form_mapping import depth_to_form
from cspr_tui.domain.quarter import Quarter
from cspr_tui.errors import CsprError

if TYPE_CHECKING:
    from cspr_tui.exports.redaction.engine import Finding
    from cspr_tui.forms.model import Form

_FORM_ITEM = re.compile(
    r"^(?P<form>referral|screening|notification|rapid review|review): (?P<what>.+)$"
)
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ABBREVIATIONS = {"SoS": "Secretary of State"}


# "0. Cover", "2.1 Sources": a number with a dot, then the words (not "2026 review").
_TYPED_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.\s+(?=\S)|^\s*\d+(?:\.\d+)+\s+(?=\S)")


def step_title(title: str) -> str:
    """A section's title without the number typed into the template ("0. Cover" -> "Cover"):
    the screens number the steps themselves, so it would read "1. 0. Cover"."""
    return _TYPED_NUMBER.sub("", title, count=1)


def run_together(parts: list[str], separator: str = "; ") -> str:
    """Answers on one line: `separator` between them, but a plain space after one that ends
    a sentence. "Summary: It came second.; Date: 12/06/2026" read as a typing slip."""
    line = ""
    for part in parts:
        if line:
            line += " " if line.rstrip().endswith((".", "!", "?")) else separator
        line += part
    return line


def sentence(text: str) -> str:
    """Capital first letter, abbreviations spelt out."""
    for short, long in _ABBREVIATIONS.items():
        text = re.sub(rf"\b{short}\b", long, text)
    return text[:1].upper() + text[1:] if text else text


def missing_item(item: str) -> str:
    """One thing a stage still needs: "screening: Decision" -> "Decision (screening form)"."""
    match = _FORM_ITEM.match(item.strip())
    if match is None:
        return sentence(item.strip())
    return sentence(f"{match['what']} ({match['form']} form)")


def quarter_words(code: str) -> str:
    """ "2026-Q3" -> "Q3 2026-27 (Oct-Dec)" (financial-year quarters); unknown text unchanged."""
    try:
        quarter = Quarter.parse(code)
    except (CsprError, ValueError):
        return code
    first = _SHORT_MONTHS[quarter.start.month - 1]
    last = _SHORT_MONTHS[quarter.end.month - 1]
    return f"{quarter.title} ({first}-{last})"


def report_asked(depth: str) -> str:
    """What an agency was asked for, in a reviewer's words: "Rapid review report" or
    "LCSPR report" (the screens never say "Depth: Rapid")."""
    return f"{depth_to_form(depth)} report"


def working_days(days_left: int | None) -> str:
    """ "5 working days overdue", "due today", "3 working days left"."""
    if days_left is None:
        return ""
    if days_left < 0:
        count = -days_left
        return f"{count} working day{'s' if count != 1 else ''} overdue"
    if days_left == 0:
        return "due today"
    return f"{days_left} working day{'s' if days_left != 1 else ''} left"


# -- the audit trail ------------------------------------------------------------------------
_RECORD_ACTION = re.compile(r"^(?P<key>[a-z_]+(?::.+?)?) (?P<what>finished|draft saved)$")
_STAGE_ACTION = re.compile(r"^stage: (?P<old>.+) -> (?P<new>.+)$")
_QUARTER_ACTION = re.compile(r"^quarterly update (?P<code>\S+): (?P<rec>.+)$")
_RECORD_PATH = re.compile(r"^records\.(?P<key>[^.]+)\.values\.(?P<path>.+)$")
_NOISE = re.compile(
    r"^records\.[^.]+\.(updated_at|updated_by|current_section|template_version|form_id)$"
)
_RECORD_STATUS = re.compile(r"^records\.(?P<key>[^.]+)\.status$")
_ROW = re.compile(r"\[(\d+)\]")


def _record_title(key: str, forms) -> str:
    form_id, _, agency = key.partition(":")
    try:
        title = forms[form_id].title
    except (KeyError, TypeError):
        title = form_id.replace("_", " ")
    return f"{title} ({agency})" if agency else title


def audit_action(action: str, forms=None) -> str:
    """ "rapid_review finished" -> "Rapid review finished"; "stage: A -> B" -> "Moved from A
    to B"; "quarterly update 2026-Q3: R1" -> "Quarterly update for Q3 2026-27 (Oct-Dec): R1"."""
    match = _RECORD_ACTION.match(action)
    if match:
        title = _record_title(match["key"], forms)
        return f"{title}: {match['what']}"
    match = _STAGE_ACTION.match(action)
    if match:
        return f"Moved from {match['old']} to {match['new']}"
    match = _QUARTER_ACTION.match(action)
    if match:
        return f"Quarterly update for {quarter_words(match['code'])}: {match['rec']}"
    return sentence(action)


def _shown(value, field=None, room: int = 60) -> str:
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if field is not None:
        with suppress(Exception):  # a stored value the field cannot show: show it raw
            value = field.format(value)
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= room else text[: room - 1] + "…"


def _leaves(path: str, old, new) -> list[tuple[str, object, object]]:
    """Leaf changes; a mapping that appears or goes is opened up, key by key."""
    if isinstance(old, dict) or isinstance(new, dict):
        old_map = old if isinstance(old, dict) else {}
        new_map = new if isinstance(new, dict) else {}
        found = []
        for key in sorted(set(old_map) | set(new_map), key=str):
            before, after = old_map.get(key), new_map.get(key)
            if before != after:
                found += _leaves(f"{path}.{key}" if path else str(key), before, after)
        return found
    return [(path, old, new)]


def change_lines(path: str, old, new, forms=None) -> list[str]:
    """A change as lines a reviewer reads: a new record or entry becomes one line per answer."""
    lines = []
    for leaf_path, before, after in _leaves(path, old, new):
        line = change_line(leaf_path, before, after, forms)
        if line:
            lines.append(line)
    return lines


def change_line(path: str, old, new, forms=None) -> str | None:
    """One changed answer as "Rapid review: Decision: (empty) → LCSPR recommended" (None for
    bookkeeping such as the time a record was saved)."""
    if _NOISE.match(path):
        return None
    status = _RECORD_STATUS.match(path)
    if status:
        return f"{_record_title(status['key'], forms)}: {_shown(old)} → {_shown(new)}"
    match = _RECORD_PATH.match(path)
    if match is None:
        words = _ROW.sub(lambda m: f" {int(m[1]) + 1}", path).replace(".", ": ")
        return f"{sentence(words.replace('_', ' '))}: {_shown(old)} → {_shown(new)}"
    title = _record_title(match["key"], forms)
    field = None
    form_id = match["key"].partition(":")[0]
    try:
        form = forms[form_id]
        field = form.field(match["path"])
    except (KeyError, TypeError):
        form = None
    label = field.label if field is not None else match["path"]
    rows = _ROW.findall(match["path"])
    if rows and form is not None:
        group = form.field(match["path"].split("[", 1)[0])
        if group is not None:
            label = f"{group.row_label(int(rows[0]))}: {label}"
    return f"{title}: {label}: {_shown(old, field)} → {_shown(new, field)}"


def held_finding(finding: Finding, forms: Mapping[str, Form]) -> str:
    """One finding that holds up an export, where it is in the form's words ("final report ›
    Decision: Decision made by"), as the review screen says it, not the report's field path
    ("a.review.decision_makers")."""
    from cspr_tui.exports.redaction.review import readable_where

    outcome = f"becomes {finding.becomes!r}" if finding.withheld else "kept as written"
    where = readable_where(finding, forms) or "text"
    return f"[{finding.id}] {finding.kind} in {where}: {finding.snippet} ({outcome})"


def review_needed(count: int, refs: list[str]) -> str:
    """A redacted export held up by findings, worded for the screen (the CLI's message
    names its own commands and flags, which mean nothing here)."""
    findings = f"{count} redaction finding{'s' if count != 1 else ''}"
    cases = ", ".join(refs)
    return (
        f"{findings} for {cases} {'are' if count != 1 else 'is'} not reviewed, so no "
        f"file was written. Press Review redaction to accept or reject each one (or add the "
        f"person to the case's pseudonym key), then export again."
    )


def review_again() -> str:
    """Back in the export dialog from the redaction review that held the export up."""
    return (
        "Back from the redaction review. Press Export (ctrl+s) to write the file; any "
        "finding still open is listed again."
    )


ELLIPSIS = "…"
_NAME_BREAKS = re.compile(r"(?<=[_\-. ])")  # after a separator inside a file name


def path_lines(path: PurePath | str, width: int, lead: str = "") -> str:
    """`lead` then `path`, in lines of at most `width` cells, for a message that says where
    a file is. Left to the terminal, the path broke inside a word at 80 columns
    ("…_Redacted_v1.d" / "ocx"). Here, when the whole does not fit, the folder takes one
    line after `lead`, cut at its start after "…" at a separator when it is too long, and
    the file name is whole on the next; a name longer than a line is
    broken only after its own separators ("_", "-", ".")."""
    path = PurePath(path)
    name = path.name
    folder = str(path.parent).rstrip(os.sep) + os.sep
    if cell_len(lead + folder + name) <= width:
        return lead + folder + name
    lines = [lead + _cut_start(folder, width - cell_len(lead)), *_name_lines(name, width)]
    return "\n".join(lines)


def _cut_start(folder: str, width: int) -> str:
    """`folder` (ending in a separator), its start cut after "…" to fit `width`: at a
    separator when one of its folders fits, else mid-name (one folder longer than a line)."""
    if cell_len(folder) <= width:
        return folder
    kept = ""
    for part in reversed(folder.split(os.sep)[:-1]):
        candidate = part + os.sep + kept
        if cell_len(ELLIPSIS + os.sep + candidate) > width:
            break
        kept = candidate
    if kept:
        return ELLIPSIS + os.sep + kept
    return ELLIPSIS + folder[-max(1, width - 1) :]


def _name_lines(name: str, width: int) -> list[str]:
    """`name` whole when it fits, else broken only after its separators."""
    if cell_len(name) <= width:
        return [name]
    lines = [""]
    for piece in _NAME_BREAKS.split(name):
        if lines[-1] and cell_len(lines[-1] + piece) > width:
            lines.append("")
        lines[-1] += piece
    return lines
