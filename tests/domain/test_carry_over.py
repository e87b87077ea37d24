"""Carry-over: a new form starts from what the case already holds (plain data, no vault)."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain.carry_over import (
    carried_paths,
    carry_over,
    carry_within,
    next_agency_to_ask,
    opened_by_the_workflow,
    referral_contact,
)
from cspr_tui.domain.case import (
    AgencyReportRequest,
    Case,
    Record,
    RecordStatus,
    Stage,
    StageChange,
)
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
        AgencyReportRequest("Health visiting", received_date=date(2026, 3, 20)),
        AgencyReportRequest("police"),  # the same agency twice is one row
    ]
    carried = carry_over(case, FORMS["rapid_review"])
    # The referral lists Police and Early help as involved; Health visiting it does not.
    assert carried["agency_involvement"].value == [
        {"agency": "Police", "involved": "Yes", "author": "D. Sergeant, Safeguarding lead"},
        {"agency": "Health visiting", "report_received_date": "2026-03-20"},
        {"agency": "Early help", "involved": "Yes"},
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


def test_a_filled_agency_report_carries_into_its_rapid_review_row() -> None:
    """The agency's own report already says whether it was involved and how: not asked again."""
    referral = {
        **REFERRAL,
        "agencies": [{"agency": "Police", "involved_from": "2024-06-01"}, {"agency": "Early help"}],
    }
    case = case_with(referral=referral)
    # the author and role are the request's (it owns them; the record keeps its own answers)
    case.agency_reports = [
        AgencyReportRequest("Police", author="D. Sergeant", author_role="Detective sergeant")
    ]
    case.records["agency_report:Police"] = Record(
        form_id="agency_report",
        template_version=2,
        values={
            "agency": "Police",
            "involved": "Unknown",
            "involvement_summary": "Two call-outs; no referral made.",
        },
        status=RecordStatus.COMPLETE,
        updated_at="2026-03-18T10:00:00+00:00",
    )
    row = carry_over(case, FORMS["rapid_review"])["agency_involvement"].value[0]
    assert row == {
        "agency": "Police",
        "involved": "Unknown",  # the report's own answer beats the referral's listing
        "period": "from 01/06/2024",
        "summary": "Two call-outs; no referral made.",
        "author": "D. Sergeant, Detective sergeant",
        "report_received_date": "2026-03-18",  # finished in the vault that day
    }


def test_a_draft_agency_report_is_not_yet_received() -> None:
    case = case_with(referral=REFERRAL)
    case.agency_reports = [AgencyReportRequest("Police")]
    case.records["agency_report:Police"] = Record(
        form_id="agency_report",
        template_version=2,
        values={"involved": "Yes"},
        updated_at="2026-03-18T10:00:00+00:00",
    )
    row = carry_over(case, FORMS["rapid_review"])["agency_involvement"].value[0]
    assert "report_received_date" not in row
    assert row["involved"] == "Yes"


def test_the_rapid_review_starts_the_day_the_case_moved_to_it() -> None:
    case = case_with(referral=REFERRAL)
    case.history = [
        StageChange(Stage.NOTIFIED, Stage.RAPID_REVIEW, "2026-03-09T09:00:00+00:00", "A"),
    ]
    carried = carry_over(case, FORMS["rapid_review"])
    assert carried["rr_start_date"].value == "2026-03-09"
    assert carried["rr_start_date"].source_name == "the case's stage history"


def test_the_review_takes_the_rapid_reviews_rationale_and_who_signed_it_off() -> None:
    rapid = {
        "decision": "LCSPR recommended",
        "decision_rationale": "Reg 11(c) is met.",
        "signoffs": [
            {"partner": "LA", "name": "Jo Example"},
            {"partner": "Police", "name": "Chris Sample"},
        ],
    }
    carried = carry_over(case_with(rapid_review=rapid), FORMS["review"])
    assert carried["decision_rationale"].value == "Reg 11(c) is met."
    assert carried["decision_makers"].value == "Jo Example (LA), Chris Sample (Police)"


def test_a_record_the_workflow_opened_gets_only_its_empty_answers_carried() -> None:
    """The LCSPR decision opens the review with its type and date: the rest still carries."""
    rapid = {
        "decision": "LCSPR recommended",
        "decision_rationale": "Met.",
        "reg11_criteria": ["Reg 11(a): improvements needed, including ones already identified"],
    }
    answered = {"review_type": "Other learning review", "statutory": "Yes"}
    carried = carry_over(case_with(rapid_review=rapid), FORMS["review"], answered)
    assert "review_type" not in carried  # already answered: kept as it is
    assert carried["reg11_criteria"].value == rapid["reg11_criteria"]
    assert carried["decision_rationale"].value == "Met."


def test_only_a_record_no_one_has_opened_in_its_form_is_carried_into() -> None:
    assert opened_by_the_workflow(None)
    started = Record(form_id="review", template_version=1, values={"review_type": "LCSPR"})
    assert opened_by_the_workflow(started)
    started.current_section = "decision"  # a draft saved from the form
    assert not opened_by_the_workflow(started)
    done = Record(form_id="review", template_version=1, status=RecordStatus.COMPLETE)
    assert not opened_by_the_workflow(done)


def test_the_next_agency_to_ask_is_the_referrals_first_not_yet_asked() -> None:
    case = case_with(referral=REFERRAL)  # the referral lists Police, then Early help
    assert next_agency_to_ask(case) == "Police"
    case.agency_reports = [AgencyReportRequest("police")]
    assert next_agency_to_ask(case) == "Early help"
    case.agency_reports.append(AgencyReportRequest("Early help"))
    assert next_agency_to_ask(case) is None
    assert next_agency_to_ask(Case(ref="CSPR-2026-002", pseudonym="Child B")) is None


POLICE_ROW = {
    "agency": "Police",
    "contact_name": "DC Sam Placeholder",
    "contact_role": "Detective constable",
    "contact_details": "01632 960300",
    "still_involved": "Yes",
    "involved_from": "2025-01-10",
    "involved_to": "2026-03-02",
}


def test_an_agency_report_starts_from_the_referrals_row_for_that_agency() -> None:
    """The referral names the police contact and says when the police were involved: the
    police report asks none of it again, and another agency's report takes none of it."""
    case = case_with(referral={**REFERRAL, "agencies": [POLICE_ROW, {"agency": "Early help"}]})
    case.agency_reports = [AgencyReportRequest("Police")]
    carried = carry_over(case, FORMS["agency_report"], agency="police")
    assert values(carried) == {
        "author_name": "DC Sam Placeholder",
        "author_role": "Detective constable",
        "author_contact": "01632 960300",
        "period_from": "2025-01-10",
        "period_to": "2026-03-02",
        "involved": "Yes",
        "still_involved": "Yes",
    }
    assert {item.source_name for item in carried.values()} == {"the referral"}
    early = carry_over(case, FORMS["agency_report"], agency="Early help")
    assert values(early) == {"involved": "Yes"}
    assert carry_over(case, FORMS["agency_report"], agency="Midwifery") == {}
    assert carry_over(case, FORMS["agency_report"]) == {}  # no agency: nothing to match


def test_another_author_named_with_the_request_does_not_take_the_contacts_role() -> None:
    case = case_with(referral={**REFERRAL, "agencies": [POLICE_ROW]})
    case.agency_reports = [AgencyReportRequest("Police", author="DS Kim Sample")]
    carried = carry_over(case, FORMS["agency_report"], agency="Police")
    assert not {"author_name", "author_role", "author_contact"} & set(carried)
    assert carried["period_from"].value == "2025-01-10"
    # the contact named again with the request is the author: their role and details carry
    case.agency_reports = [AgencyReportRequest("Police", author="dc sam placeholder")]
    carried = carry_over(case, FORMS["agency_report"], agency="Police")
    assert carried["author_role"].value == "Detective constable"


def test_the_rapid_reviews_agency_row_names_the_contacts_role_when_the_contact_writes() -> None:
    """Found in the ninth hand run: a request whose author is the referral's contact
    carried only the name into "Report author (name and role)"; the contact's role is the
    author's then, and another author's is not."""
    case = case_with(referral={**REFERRAL, "agencies": [POLICE_ROW]})
    case.agency_reports = [AgencyReportRequest("Police", author="DC Sam Placeholder")]
    row = carry_over(case, FORMS["rapid_review"])["agency_involvement"].value[0]
    assert row["author"] == "DC Sam Placeholder, Detective constable"
    case.agency_reports = [AgencyReportRequest("Police", author="DS Kim Sample")]
    row = carry_over(case, FORMS["rapid_review"])["agency_involvement"].value[0]
    assert row["author"] == "DS Kim Sample"


def test_an_agency_report_covers_the_reviews_period_once_it_is_set() -> None:
    case = case_with(
        referral={**REFERRAL, "agencies": [POLICE_ROW]},
        review={"scope_from": "2024-09-01", "scope_to": "2026-03-01"},
    )
    carried = carry_over(case, FORMS["agency_report"], agency="Police")
    assert carried["period_from"].value == "2024-09-01"
    assert carried["period_to"].value == "2026-03-01"
    assert carried["period_from"].source_name == "the review"


def test_the_reviews_period_starts_at_the_earliest_involvement_and_ends_with_the_reports() -> None:
    referral = {
        **REFERRAL,
        "incident_date": "2026-03-01",
        "agencies": [POLICE_ROW, {"agency": "Early help", "involved_from": "2024-11-05"}],
    }
    case = case_with(referral=referral)
    carried = carry_over(case, FORMS["review"])
    # no report yet: from the first agency's involvement to the incident
    assert carried["scope_from"].value == "2024-11-05"
    assert carried["scope_to"].value == "2026-03-01"
    assert carried["scope_to"].source_name == "the referral"
    for agency, start, end in (
        ("Police", "2025-02-01", "2026-02-20"),
        ("Early help", "2024-12-01", "2026-03-01"),
    ):
        case.records[f"agency_report:{agency}"] = Record(
            form_id="agency_report",
            template_version=2,
            values={"agency": agency, "period_from": start, "period_to": end},
        )
    case.records["agency_report:Bad"] = Record(
        form_id="agency_report", template_version=2, values={"period_from": "last year"}
    )
    carried = carry_over(case, FORMS["review"])
    # Early help was involved from 05/11/2024 (the referral), before either report's period
    assert carried["scope_from"].value == "2024-11-05"
    assert carried["scope_from"].source_name == "the referral"
    assert carried["scope_to"].value == "2026-03-01"
    assert carried["scope_to"].source_name == "the agency reports"
    case.records["agency_report:Early help"].values["period_from"] = "2024-10-01"
    carried = carry_over(case, FORMS["review"])
    assert carried["scope_from"].value == "2024-10-01"
    assert carried["scope_from"].source_name == "the agency reports"


def test_the_notification_names_the_partnership_the_settings_give() -> None:
    case = case_with(referral=REFERRAL)
    carried = carry_over(
        case, FORMS["notification"], partnership="  Examplebury Safeguarding Children Partnership "
    )
    assert carried["lead_partnership"].value == "Examplebury Safeguarding Children Partnership"
    assert carried["lead_partnership"].source_name == "the settings"
    assert "lead_partnership" not in carry_over(case, FORMS["notification"], partnership=" ")


def test_the_reports_reviewer_name_is_the_list_of_reviewers() -> None:
    form = FORMS["review"]
    outputs = next(s for s in form.sections if s.id == "outputs")
    one = {"reviewers": [{"name": "Dr Alex Example", "organisation": "Independent"}]}
    carried = carry_within(form, outputs, one)
    assert values(carried) == {"reviewer_name": "Dr Alex Example"}
    assert carried["reviewer_name"].source_name == "the list of reviewers"
    three = {
        "reviewers": [{"name": "A. One"}, {"name": " "}, {"name": "B. Two"}, {"name": "C. Three"}]
    }
    assert (
        carry_within(form, outputs, three)["reviewer_name"].value == "A. One, B. Two and C. Three"
    )
    # an answer given is kept; one already offered once is not offered again
    assert carry_within(form, outputs, {**one, "reviewer_name": "Someone else"}) == {}
    assert carry_within(form, outputs, one, offered={"reviewer_name"}) == {}
    assert carry_within(form, outputs, {}) == {}
    first_step = form.sections[0]
    assert carry_within(form, first_step, one) == {}


def test_a_request_names_the_referrals_contact_at_that_agency() -> None:
    case = case_with(referral={**REFERRAL, "agencies": [POLICE_ROW, {"agency": "Early help"}]})
    assert referral_contact(case, "POLICE") == "DC Sam Placeholder"
    assert referral_contact(case, "Early help") is None
    assert referral_contact(case, "Midwifery") is None
