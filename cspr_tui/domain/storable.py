"""Checks on what a change may hold before anything is written, shared by the rule modules.

A lone surrogate ("\\ud800") is valid Python text but not UTF-8: the vault and the audit hash
refuse it, so it is turned away, naming the field, before a change is built. Dates given by a
caller (a `date` or ISO text) are read here once, and a change that needs a reason is refused
without one, with the same wording whichever rule asks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import orjson

from cspr_tui.errors import ValidationFailed
from cspr_tui.forms.dates import DateFormatError, iso_date

__all__ = ["checked_date", "need_reason", "require_storable", "unstorable_path"]


def unstorable_path(value: Any, path: str) -> str | None:
    """Where in `value` a string (or key) holds a lone surrogate (e.g. "\\ud800"), or None."""
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "a value"
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and unstorable_path(key, "") is not None:
                return (path + " (a name in it)") if path else "a field name"
            found = unstorable_path(item, where)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = unstorable_path(item, f"{path}[{index + 1}]")
            if found is not None:
                return found
    return None


def require_storable(value: Any, describe: Callable[[str], str]) -> None:
    """Refuse lone surrogates anywhere in `value`; orjson finds them in one fast pass and
    only a refusal walks the data to name the field."""
    try:
        orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        where = unstorable_path(value, "")
        if where is not None:
            raise ValidationFailed(
                f"{describe(where)} contains a character that cannot be stored (a lone "
                "surrogate such as U+D800, not a real character); nothing was saved."
            ) from None


def checked_date(value: Any, label: str) -> date | None:
    """A date given by a caller as `date` or ISO text (a form's answer), as the `date` the
    model holds; None and "" (no answer) stay None; anything else is refused by name."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return iso_date(value.strip() if isinstance(value, str) else value)
    except DateFormatError:
        raise ValidationFailed(
            f"{label} must be a real date (YYYY-MM-DD), not {value!r}."
        ) from None


def need_reason(reason: str, what: str) -> str:
    """The reason, trimmed; refused when blank (pausing, overriding, removing need one)."""
    if not reason or not reason.strip():
        raise ValidationFailed(f"{what} needs a reason; give one and try again.")
    return reason.strip()
