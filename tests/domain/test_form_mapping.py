"""Form answers <-> case dataclasses, and where records sit in a case, both ways."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain.case import Case, Rag, Recommendation, RecommendationStatus, Record
from cspr_tui.domain.form_mapping import (
    DEPTHS,
    agency_record,
    agency_records,
    barrier_from_form,
    barrier_to_form,
    depth_from_form,
    depth_to_form,
    recommendation_from_form,
    recommendation_to_form,
    record_key,
    split_record_key,
)
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms import load_forms


@pytest.mark.parametrize(("code", "label"), [("rapid_review", "Rapid review"), ("lcspr", "LCSPR")])
def test_depth_maps_both_ways(code: str, label: str) -> None:
    assert depth_to_form(code) == label
    assert depth_from_form(label) == code
    assert depth_from_form(code) == code  # stored codes pass through
    assert depth_from_form(label.upper()) == code
    assert depth_from_form(depth_to_form(code)) == code


def test_depth_labels_are_the_forms_choices() -> None:
    depth = load_forms()["agency_report"].field("depth")
    assert depth is not None
    assert set(DEPTHS.values()) == set(depth.choices)


def test_unknown_depth_is_refused_and_empty_is_the_rapid_review() -> None:
    with pytest.raises(ValidationFailed, match="Depth of report must be 'Rapid review' or"):
        depth_from_form("Full")
    assert depth_from_form("") == "rapid_review"


@pytest.mark.parametrize(
    ("answer", "flag"),
    [("Yes", True), ("No", False), ("yes", True), ("", False), (None, False), (True, True)],
)
def test_barrier_maps_both_ways(answer: object, flag: bool) -> None:
    assert barrier_from_form(answer) is flag
    assert barrier_from_form(barrier_to_form(flag)) is flag
    assert barrier_to_form(flag) in ("Yes", "No")


def test_barrier_rejects_other_answers() -> None:
    with pytest.raises(ValidationFailed, match="must be Yes or No"):
        barrier_from_form("Maybe")


def test_a_recommendation_goes_to_the_form_and_back() -> None:
    rec = Recommendation(
        id="CSPR-2026-001-R1-A1",
        number=1,
        text="Share information about bruising.",
        action="Issue a joint protocol.",
        status=RecommendationStatus.IN_PROGRESS,
        rag_override=Rag.AMBER,
        rag_override_reason="Waiting on the ICB.",
        barrier=True,
        target_date=date(2026, 12, 31),
    )
    values = recommendation_to_form(rec)
    assert values["barrier"] == "Yes" and values["status"] == "In progress"
    assert values["rag_override"] == "Amber" and values["revised_target_date"] == ""
    form = load_forms()["recommendation"]
    errors = [i for i in form.validate(values, finishing=False) if i.severity == "error"]
    assert errors == []
    changes = recommendation_from_form(values)
    assert changes["barrier"] is True and changes["revised_target_date"] is None
    assert "id" not in changes and "updates" not in changes and "revisions" not in changes
    values["barrier"] = "No"
    assert recommendation_from_form(values)["barrier"] is False


def test_record_keys_are_per_agency_only_for_agency_reports() -> None:
    assert record_key("review") == "review"
    assert record_key("agency_report", " Police ") == "agency_report:Police"
    assert split_record_key("agency_report:GP / primary care") == (
        "agency_report",
        "GP / primary care",
    )
    assert split_record_key("agency_report") == ("agency_report", None)
    assert split_record_key("review") == ("review", None)
    with pytest.raises(ValidationFailed, match="needs the agency's name"):
        record_key("agency_report", " ")
    with pytest.raises(ValidationFailed, match="only agency reports are kept per agency"):
        record_key("review", "Police")


def test_agency_records_include_an_old_single_report() -> None:
    old = Record("agency_report", 1, {"agency": "Health visiting"})
    police = Record("agency_report", 1, {"agency": "Police"})
    case = Case(
        "CSPR-2026-001",
        "Child A",
        records={
            "agency_report": old,
            "agency_report:Police": police,
            "review": Record("review", 1),
        },
    )
    assert agency_records(case) == {"Police": police, "Health visiting": old}
    assert agency_record(case, "police") is police
    assert agency_record(case, "Midwifery") is None
