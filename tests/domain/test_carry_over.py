"""Carry-over: a new form starts from what the case already holds (plain data, no vault)."""

from __future__ import annotations

import pytest

from cspr_tui.domain.carry_over import carried_paths, carry_over
from cspr_tui.domain.case import AgencyReportRequest, Case, Record
from cspr_tui.forms import load_forms

FORMS = load_forms()


def case_with(**records: dict) -> Case:
    case = Case(ref="CSPR-2026-001", pseudonym="Child A")
    for form_id, values in records.items():
        case.records[form_id] = Record(form_id=form_id, template_version=1, values=values)
    return case


REFERRAL = {
    "referral_date": "2026-03-04",
    "aware_date": "2026-03-03",
    "incident_location": "In this local authority area",
    "children": [{"name": "Poppy", "la_of_residence": "Examplebury"}],
    "parallel_processes": ["Police investigation", "Not a real process"],
    "criteria": [
        "Serious child safeguarding case (abuse or neglect known or suspected; child died or "
        "seriously harmed)",
        "Reg 11(b): recurrent themes",
    ],
    "agencies": [{"agency": "Police"}, {"agency": "Early help"}],
}


def values(carried: dict) -> dict:
    return {key: item.value for key, item in carried.items()}


def test_the_notification_starts_from_the_referral() -> None:
    carried = carry_over(case_with(referral=REFERRAL), FORMS["notification"])
    assert values(carried) == {
        "la_aware_date": "2026-03-03",
        "resident_la": "Examplebury",
        "notifying_la": "Examplebury",
        "incident_location_type": "In this local authority area",
    }
    assert {item.source_name for item in carried.values()} == {"the referral"}


def test_an_incident_elsewhere_does_not_guess_the_notifying_authority() -> None:
    referral = {**REFERRAL, "incident_location": "Elsewhere in England"}
    carried = carry_over(case_with(referral=referral), FORMS["notification"])
    assert "notifying_la" not in carried
    assert carried["resident_la"].value == "Examplebury"


def test_screening_starts_with_the_date_the_referral_was_made() -> None:
    carried = carry_over(case_with(referral=REFERRAL), FORMS["screening"])
    assert values(carried) == {"date_received": "2026-03-04"}


def test_rapid_review_rows_come_from_the_agency_requests_then_the_referral() -> None:
    case = case_with(referral=REFERRAL, notification={"la_aware_date": "2026-03-05"})
    case.agency_reports = [
        AgencyReportRequest("Police", author="D. Sergeant", author_role="Safeguarding lead"),
        AgencyReportRequest("Health visiting", received_date="2026-03-20"),
        AgencyReportRequest("police"),  # the same agency twice is one row
    ]
    carried = carry_over(case, FORMS["rapid_review"])
    assert carried["agency_involvement"].value == [
        {"agency": "Police", "author": "D. Sergeant, Safeguarding lead"},
        {"agency": "Health visiting", "report_received_date": "2026-03-20"},
        {"agency": "Early help"},
    ]
    assert carried["agency_involvement"].source_name == "the agency report requests"
    # The notification's date wins over the referral's; only choices the form knows carry.
    assert carried["partners_aware_date"].value == "2026-03-05"
    assert carried["partners_aware_date"].source_name == "the notification"
    assert carried["parallel_processes"].value == ["Police investigation"]
    assert carried["reg11_criteria"].value == ["Reg 11(b): recurrent themes"]
    assert "agency_involvement[1].report_received_date" in set(carried_paths(carried))


def test_the_review_starts_from_the_rapid_review() -> None:
    rapid = {
        "decision": "LCSPR recommended",
        "reg11_criteria": ["Reg 11(a): improvements needed, including ones already identified"],
        "agency_involvement": [
            {"agency": "Police", "involved": "Yes"},
            {"agency": "Early help", "involved": "No"},
            {"agency": "Midwifery", "involved": "Unknown"},
        ],
    }
    carried = carry_over(case_with(referral=REFERRAL, rapid_review=rapid), FORMS["review"])
    assert carried["review_type"].value == "LCSPR"
    assert carried["reg11_criteria"].value == rapid["reg11_criteria"]
    assert carried["agencies_in_scope"].value == ["Police", "Midwifery"]
    assert {item.source_name for item in carried.values()} == {"the rapid review"}


@pytest.mark.parametrize("form_id", ["referral", "notification", "rapid_review", "review"])
def test_an_empty_case_carries_nothing(form_id: str) -> None:
    assert carry_over(Case(ref="CSPR-2026-002", pseudonym="Child B"), FORMS[form_id]) == {}


def test_a_bad_stored_answer_is_not_carried() -> None:
    referral = {**REFERRAL, "aware_date": "yesterday", "children": [{"la_of_residence": "Mars"}]}
    carried = carry_over(case_with(referral=referral), FORMS["notification"])
    assert "la_aware_date" not in carried
    assert "resident_la" not in carried
