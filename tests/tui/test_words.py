"""The screens' wording of what the domain reports."""

from __future__ import annotations

import pytest

from cspr_tui.tui.words import missing_item, quarter_words, sentence, working_days


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("2026-Q3", "Q3 2026-27 (Oct-Dec)"),
        ("2026-Q4", "Q4 2026-27 (Jan-Mar)"),
        ("2027-Q1", "Q1 2027-28 (Apr-Jun)"),
        ("not a quarter", "not a quarter"),
    ],
)
def test_quarter_words(code: str, shown: str) -> None:
    assert quarter_words(code) == shown


@pytest.mark.parametrize(
    ("days", "shown"),
    [(-5, "5 working days overdue"), (-1, "1 working day overdue"), (0, "due today"),
     (3, "3 working days left"), (None, "")],
)  # fmt: skip
def test_working_days(days, shown) -> None:
    assert working_days(days) == shown


def test_missing_items_read_as_sentences() -> None:
    assert missing_item("screening: Decision") == "Decision (screening form)"
    assert missing_item("rapid review: Rationale for the decision") == (
        "Rationale for the decision (rapid review form)"
    )
    assert missing_item("review: Date the full report was sent to the Panel and the SoS") == (
        "Date the full report was sent to the Panel and the Secretary of State (review form)"
    )
    assert missing_item("the referral form, finished") == "The referral form, finished"
    assert sentence("sosa stays") == "Sosa stays"
