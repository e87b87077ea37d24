"""How the screens word what the domain reports, in the plain British English a reviewer uses.

The domain's own strings are exact and short ("screening: Decision", "2026-Q3", -5 days);
the CLI prints them as they are. The screens say the same things as sentences: "Decision
(screening form)", "Q3 2026-27 (Oct-Dec)", "5 working days overdue".
"""

from __future__ import annotations

import re

from cspr_tui.domain.quarter import Quarter
from cspr_tui.errors import CsprError

_FORM_ITEM = re.compile(
    r"^(?P<form>referral|screening|notification|rapid review|review): (?P<what>.+)$"
)
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ABBREVIATIONS = {"SoS": "Secretary of State"}


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
