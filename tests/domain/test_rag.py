"""RAG ratings of recommendation actions (docs/deadlines.md), computed at a quarter end."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cspr_tui.domain.case import Case, QuarterlyUpdate, Rag, Recommendation, RecommendationStatus
from cspr_tui.domain.case_json import case_from_data, case_problems, case_to_data
from cspr_tui.domain.quarter import Quarter
from cspr_tui.domain.rag import (
    RAG_DEFINITIONS,
    compute_rag,
    effective_target,
    explain_rag,
    is_overdue,
)
from cspr_tui.errors import CsprError

Q3 = Quarter.parse("2026-Q3")
AS_OF = Q3.end  # 31/12/2026
S = RecommendationStatus


def update(quarter: str = "2026-Q3", day: date = date(2026, 11, 20)) -> QuarterlyUpdate:
    return QuarterlyUpdate(
        quarter=quarter,
        date=day,
        narrative="Audit of strategy meeting minutes under way.",
        status_before="In progress",
        status_after="In progress",
        updated_by="Business manager",
    )


def rec(**changes: Any) -> Recommendation:
    """An in-progress action due well after the quarter, updated this quarter: Green."""
    values: dict[str, Any] = {
        "id": "CSPR-2026-004-R1-A1",
        "number": 1,
        "text": "Partners should strengthen information sharing at strategy discussions.",
        "action": "Revise the strategy discussion template and audit its use.",
        "lead_agency": "Children's social care",
        "target_date": date(2027, 6, 30),
        "status": S.IN_PROGRESS,
        "updates": [update()],
    }
    values.update(changes)
    return Recommendation(**values)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Blue
        ({"status": S.COMPLETED_EVIDENCE_ACCEPTED}, Rag.BLUE),
        ({"status": S.CLOSED_IMPACT_EVIDENCED, "target_date": date(2025, 1, 1)}, Rag.BLUE),
        # Green
        ({}, Rag.GREEN),
        ({"target_date": date(2027, 1, 31)}, Rag.GREEN),  # 31 days
        ({"updates": [update(quarter="2026-Q2", day=date(2026, 10, 2))]}, Rag.GREEN),  # dated in Q3
        ({"updates": [], "last_updated": date(2026, 12, 1)}, Rag.GREEN),
        ({"updates": [], "created_date": date(2026, 11, 1)}, Rag.GREEN),  # new this quarter
        ({"target_date": date(2027, 1, 15), "evidence": "Minutes audit, Dec 2026"}, Rag.GREEN),
        ({"status": S.COMPLETED_AWAITING_EVIDENCE, "evidence": "Audit report v1"}, Rag.GREEN),
        # Amber
        ({"target_date": date(2027, 1, 15)}, Rag.AMBER),  # within 30 days, no evidence
        ({"target_date": date(2026, 12, 31)}, Rag.AMBER),  # due today
        ({"target_date": date(2027, 1, 30)}, Rag.AMBER),  # exactly 30 days
        ({"revised_target_date": date(2027, 9, 30), "revisions": 1}, Rag.AMBER),
        ({"revised_target_date": date(2027, 9, 30)}, Rag.AMBER),  # revised, count not recorded
        ({"updates": [update(quarter="2026-Q2", day=date(2026, 8, 1))]}, Rag.AMBER),
        ({"updates": []}, Rag.AMBER),
        ({"target_date": None}, Rag.AMBER),
        ({"status": S.COMPLETED_AWAITING_EVIDENCE, "target_date": date(2026, 11, 30)}, Rag.AMBER),
        ({"status": S.NOT_STARTED, "target_date": date(2027, 1, 20)}, Rag.AMBER),
        # Red
        ({"target_date": date(2026, 12, 30)}, Rag.RED),
        ({"status": S.NOT_STARTED, "target_date": date(2026, 10, 1)}, Rag.RED),
        ({"revised_target_date": date(2026, 12, 1), "revisions": 1}, Rag.RED),
        ({"revised_target_date": date(2027, 12, 31), "revisions": 2}, Rag.RED),
        ({"barrier": True}, Rag.RED),
        ({"status": S.COMPLETED_AWAITING_EVIDENCE, "revisions": 3}, Rag.RED),
        # Grey
        ({"status": S.NOT_STARTED, "updates": []}, Rag.GREY),
        ({"status": S.PAUSED, "target_date": date(2025, 1, 1)}, Rag.GREY),
        ({"status": S.SUPERSEDED, "barrier": True}, Rag.GREY),
        ({"status": S.NOT_ACCEPTED}, Rag.GREY),
    ],
)  # fmt: skip
def test_compute_rag(changes: dict[str, Any], expected: Rag) -> None:
    assert compute_rag(rec(**changes), AS_OF, Q3) is expected


@pytest.mark.parametrize("override", [Rag.RED, Rag.BLUE, Rag.GREY])
def test_manual_override_wins_and_is_explained(override: Rag) -> None:
    action = rec(rag_override=override, rag_override_reason="Oversight group judgement")
    rag, reason = explain_rag(action, AS_OF, Q3)
    assert rag is override
    assert "Oversight group judgement" in reason


def test_revised_target_is_the_one_judged() -> None:
    action = rec(target_date=date(2026, 9, 30), revised_target_date=date(2027, 6, 30), revisions=1)
    assert effective_target(action) == date(2027, 6, 30)
    assert not is_overdue(action, AS_OF)
    assert effective_target(rec(target_date=None)) is None


@pytest.mark.parametrize(
    ("changes", "overdue"),
    [
        ({"target_date": date(2026, 12, 30)}, True),
        ({"target_date": date(2026, 12, 31)}, False),
        ({"target_date": date(2026, 12, 30), "status": S.NOT_STARTED}, True),
        ({"target_date": date(2026, 12, 30), "status": S.COMPLETED_AWAITING_EVIDENCE}, False),
        ({"target_date": date(2026, 12, 30), "status": S.PAUSED}, False),
        ({"target_date": None}, False),
    ],
)
def test_is_overdue(changes: dict[str, Any], overdue: bool) -> None:
    assert is_overdue(rec(**changes), AS_OF) is overdue


def test_impact_can_be_required_for_blue() -> None:
    accepted = rec(status=S.COMPLETED_EVIDENCE_ACCEPTED)
    closed = rec(status=S.CLOSED_IMPACT_EVIDENCED)
    assert compute_rag(accepted, AS_OF, Q3, require_impact=True) is Rag.GREEN
    assert compute_rag(closed, AS_OF, Q3, require_impact=True) is Rag.BLUE


def test_reasons_name_the_rule() -> None:
    assert "31/12/2026" not in explain_rag(rec(), AS_OF, Q3)[1]
    assert "30/12/2026" in explain_rag(rec(target_date=date(2026, 12, 30)), AS_OF, Q3)[1]
    assert "Q3 2026-27" in explain_rag(rec(updates=[]), AS_OF, Q3)[1]


def test_a_bad_stored_date_is_refused_where_it_is_read_naming_its_place() -> None:
    # Dates are `date` in memory: a stored "31/12/2026" never reaches the rating; the one
    # reader refuses it, and the case schema (what `cspr verify` reports) names its path.
    stored = case_to_data(Case("CSPR-2026-004", "Child A", recommendations=[rec()]))
    stored["recommendations"][0]["target_date"] = "31/12/2026"
    with pytest.raises(ValueError, match="'31/12/2026' is not a date in the form YYYY-MM-DD"):
        case_from_data(stored)
    assert case_problems(stored) == [
        "$.recommendations[0].target_date: '31/12/2026' is not a real date (use YYYY-MM-DD)."
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"status": S.COMPLETED_AWAITING_EVIDENCE, "target_date": date(2026, 10, 1)},
        {"status": S.PAUSED},
        {"status": S.IN_PROGRESS, "target_date": date(2026, 10, 1)},
        {"status": S.NOT_STARTED, "target_date": date(2027, 6, 30)},
        {"rag_override": Rag.RED, "rag_override_reason": "Escalated by the chair"},
    ],
    ids=["awaiting-evidence-past-target", "paused", "overdue", "not-started", "override"],
)
def test_plain_strings_from_json_rate_like_the_enums(changes: dict[str, Any]) -> None:
    as_enums = rec(**changes)
    as_text = rec(**{k: str(v) if isinstance(v, Rag | S) else v for k, v in changes.items()})
    assert type(as_text.status) is str or as_text.rag_override is not None
    assert explain_rag(as_text, AS_OF, Q3) == explain_rag(as_enums, AS_OF, Q3)
    assert is_overdue(as_text, AS_OF) == is_overdue(as_enums, AS_OF)


@pytest.mark.parametrize(
    ("changes", "named"),
    [({"status": "Done-ish"}, "status 'Done-ish'"), ({"rag_override": "Purple"}, "'Purple'")],
)
def test_an_unknown_status_or_override_names_the_recommendation(
    changes: dict[str, Any], named: str
) -> None:
    with pytest.raises(CsprError, match=rf"CSPR-2026-004-R1-A1: .*{named}"):
        compute_rag(rec(**changes), AS_OF, Q3)


def test_every_rating_has_a_plain_english_definition() -> None:
    assert set(RAG_DEFINITIONS) == set(Rag)
    assert all(len(text) > 40 for text in RAG_DEFINITIONS.values())


_DAYS = [None, "", "2026-06-30", "2026-12-31", "2027-01-01"]


@pytest.mark.parametrize("status", [*(s.value for s in S), None])
@pytest.mark.parametrize("target", _DAYS)
@pytest.mark.parametrize("revised", _DAYS)
def test_overdue_read_from_the_document_is_overdue_of_the_recommendation(
    status: str | None, target: str | None, revised: str | None
) -> None:
    """`is_overdue_data` (the recommendations screen's "overdue" filter, no Recommendation
    built) answers what `is_overdue` answers of the recommendation built from the same
    data, the day before, on and after each target."""
    from cspr_tui.domain.case_json import case_to_data, recommendation_from_data
    from cspr_tui.domain.rag import is_overdue_data

    data = case_to_data(Case(ref="CSPR-2026-001", pseudonym="Child A", recommendations=[rec()]))
    raw = dict(data["recommendations"][0])
    for name, value in (("status", status), ("target_date", target)):
        raw.pop(name, None)
        if value is not None:
            raw[name] = value
    raw["revised_target_date"] = revised
    if raw.get("target_date") == "":
        raw["target_date"] = None
    if raw["revised_target_date"] == "":
        raw["revised_target_date"] = None
    built = recommendation_from_data(raw)
    for day in (date(2026, 6, 29), date(2026, 12, 31), date(2027, 1, 2)):
        assert is_overdue_data(raw, day) == is_overdue(built, day), (raw, day)
