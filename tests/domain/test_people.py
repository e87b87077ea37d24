"""The pseudonym key's rules: valid lines, NHS check digits, old files still read."""

from __future__ import annotations

from datetime import date

import pytest

from cspr_tui.domain.case import Case, Person, PersonKind
from cspr_tui.domain.case_json import case_from_data, case_problems, case_to_data
from cspr_tui.domain.people import check_person, nhs_number_valid, person_from_options
from cspr_tui.errors import ValidationFailed


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("9434765919", True), ("9434765918", False), ("4010232137", True), ("123456789", False)],
)
def test_nhs_check_digit(digits: str, valid: bool) -> None:
    assert nhs_number_valid(digits) is valid


def test_a_key_file_from_before_identifiers_still_reads() -> None:
    data = {
        "ref": "CSPR-2026-010",
        "pseudonym": "Child J",
        "stage": "referral_received",
        "people": [{"real_name": "Ann Example", "pseudonym": "Mother", "role": "Mother"}],
    }
    assert case_problems(data) == []
    person = case_from_data(data).people[0]
    assert person.kind is PersonKind.FAMILY
    assert person.addresses == [] and person.date_of_birth is None


def test_identifiers_round_trip_through_case_json() -> None:
    person = Person(
        "Jayden O'Brien",
        "Sibling 1",
        "Brother",
        PersonKind.SIBLING,
        variants=["Jay"],
        date_of_birth=date(2017, 2, 3),
        addresses=["4 Invented Close, Nowhereton"],
        postcode="NE8 1ZZ",
        nhs_number="943 476 5919",
        school="Imaginary Primary School",
        gp_practice="Madeup Medical Centre",
        phones=["0191 496 0000"],
        emails=["jay@example.invalid"],
    )
    data = case_to_data(Case("CSPR-2026-010", "Child J", people=[person]))
    assert case_problems(data) == []
    assert case_from_data(data).people == [person]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"nhs_number": "943 476 5918"}, "NHS number"),
        ({"postcode": "NOTAPOSTCODE"}, "postcode"),
        ({"emails": "not-an-email"}, "email"),
        ({"date_of_birth": "31/02/2017"}, "date of birth"),
        ({"kind": "cousin"}, "kind"),
    ],
)
def test_bad_identifiers_are_refused_by_name(options: dict, message: str) -> None:
    base = {"real_name": "Ann Example", "pseudonym": "Mother", "role": "Mother"}
    with pytest.raises(ValidationFailed, match=message):
        check_person(
            Case("CSPR-2026-010", "Child J"), person_from_options({**base, **options}), None
        )


def test_options_build_lists_and_dates() -> None:
    person = person_from_options(
        {
            "real_name": " Ann ",
            "pseudonym": "Mother",
            "role": "Mother",
            "kind": "significant other",
            "date_of_birth": "03/02/1990",
            "phones": "0191 496 0000; 07700 900123",
        }
    )
    assert person.real_name == "Ann" and person.kind is PersonKind.SIGNIFICANT_OTHER
    assert person.date_of_birth == date(1990, 2, 3)
    assert person.phones == ["0191 496 0000", "07700 900123"]


# -- the key's changes as pure rules over a case (no vault) -------------------------------


def test_key_lines_are_added_replaced_and_removed_by_position() -> None:
    from cspr_tui.domain.case import Case
    from cspr_tui.domain.people import add_person, remove_person, replace_person
    from cspr_tui.errors import UsageError

    case = Case("CSPR-2026-001", "Child A")
    add_person(case, Person("Poppy Example", "Child A", "Subject child", PersonKind.CHILD))
    add_person(case, Person("Sam Example", "Mother", "Mother"))
    with pytest.raises(ValidationFailed, match="already used"):
        add_person(case, Person("Other", "Mother", "Aunt"))
    replace_person(case, 1, Person("Sam Example", "Parent 1", "Mother"))
    assert [p.pseudonym for p in case.people] == ["Child A", "Parent 1"]
    with pytest.raises(UsageError, match="no person number 3"):
        replace_person(case, 2, Person("X", "Y", "Z"))
    remove_person(case, 0)
    assert [p.pseudonym for p in case.people] == ["Parent 1"]


def test_redaction_decisions_are_stamped_and_summarised() -> None:
    from datetime import date

    from cspr_tui.domain.case import Case, RedactionDecision, RedactionOutcome
    from cspr_tui.domain.people import record_decisions
    from cspr_tui.domain.stamp import Stamp

    case = Case("CSPR-2026-001", "Child A")
    stamp = Stamp("Reviewer One", date(2026, 6, 1), "2026-06-01T09:00:00+00:00")
    decisions = [
        RedactionDecision("f1", RedactionOutcome.ACCEPTED),
        RedactionDecision("f2", RedactionOutcome.REJECTED, reason="a place, not a person"),
    ]
    assert record_decisions(case, decisions, stamp) == "accepted f1; rejected f2"
    assert {(d.by, d.at) for d in case.redaction_decisions} == {("Reviewer One", stamp.now)}
    with pytest.raises(ValidationFailed, match="needs a reason"):
        record_decisions(case, [RedactionDecision("f3", RedactionOutcome.REJECTED)], stamp)


def test_the_reviews_subjects_leave_out_practitioners() -> None:
    from cspr_tui.domain.case import Case
    from cspr_tui.domain.people import review_subjects

    child = Person("Poppy Example", "Child A", "Subject child", PersonKind.CHILD)
    nurse = Person("Jo Example", "Health visitor", "Health visitor", PersonKind.PRACTITIONER)
    mother = Person("Sam Example", "Mother", "Mother")
    case = Case("CSPR-2026-001", "Child A", people=[child, nurse, mother])
    assert review_subjects(case) == [child, mother]


def test_a_date_of_birth_given_as_iso_text_is_kept_as_a_date_and_a_bad_one_refused() -> None:
    from cspr_tui.domain.people import add_person

    case = Case("CSPR-2026-010", "Child J")
    add_person(case, Person("Ann Example", "Mother", "Mother", date_of_birth="1990-02-03"))  # type: ignore[arg-type]
    assert case.people[0].date_of_birth == date(1990, 2, 3)
    for bad in ("03/02/1990", "1990-02-30", "19900203"):
        with pytest.raises(ValidationFailed, match=f"date of birth '{bad}' is not a date"):
            add_person(case, Person("Bo Example", "Father", "Father", date_of_birth=bad))  # type: ignore[arg-type]
    assert len(case.people) == 1


def test_a_date_of_birth_read_from_the_vault_is_not_remembered_after_reading() -> None:
    from cspr_tui.forms import dates

    born = "2013-09-27"
    stored = case_to_data(Case("CSPR-2026-010", "Child J", people=[Person("A", "B", "C")]))
    stored["people"][0]["date_of_birth"] = born
    assert case_from_data(stored).people[0].date_of_birth == date(2013, 9, 27)
    assert born not in dates._READ
