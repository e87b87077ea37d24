"""Form answers and dataclass values as plain JSON data.

One conversion for the case JSON format (`case_json`) and the form mapping
(`form_mapping`), which `case_json` itself imports: kept apart so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

__all__ = ["plain_json"]


def plain_json(value: Any) -> Any:
    """Form answers as JSON data: dates become ISO strings, enums their values, tuples lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    return value
