"""What a change may hold, checked before anything is written."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain.audit import storable_text
from cspr_tui.domain.storable import checked_date, need_reason, require_storable, unstorable_path
from cspr_tui.errors import ValidationFailed


def test_a_lone_surrogate_is_found_by_its_path() -> None:
    assert unstorable_path({"a": ["ok", {"b": "x\ud800"}]}, "") == "a[2].b"
    assert unstorable_path({"k\udcff": 1}, "") == "a field name"
    assert unstorable_path({"a": "é", "b": ["ü"]}, "") is None
    with pytest.raises(ValidationFailed, match="the notes contains a character that cannot"):
        require_storable({"notes": "\ud800"}, lambda where: f"the {where}")
    require_storable({"notes": "Ünïcode is fine"}, lambda where: where)
    assert storable_text("file\udcff.docx") == "file\\udcff.docx"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        (date(2026, 6, 1), date(2026, 6, 1)),
        ("2026-06-01", date(2026, 6, 1)),
        (" 2026-06-01 ", date(2026, 6, 1)),
    ],
)
def test_dates_are_read_once_as_dates(value: object, expected: date | None) -> None:
    assert checked_date(value, "Date due") == expected


@pytest.mark.parametrize(
    "value", ["2026-02-30", "01/06/2026", "2026-06-01T10:00", "soon", "2026-W22-1", "20260601"]
)
def test_a_date_that_is_not_real_iso_is_refused_with_its_label(value: str) -> None:
    with pytest.raises(ValidationFailed, match="Date due must be a real date"):
        checked_date(value, "Date due")


def test_a_reason_is_trimmed_and_a_blank_one_refused() -> None:
    assert need_reason("  trial  ", "Pausing") == "trial"
    with pytest.raises(ValidationFailed, match="Pausing needs a reason"):
        need_reason(" ", "Pausing")
