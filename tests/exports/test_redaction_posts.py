"""The people the other forms name, and the posts typed beside them (exports/redaction/key.py).

Written by a hostile review of session 15's changes to the redaction key: a post field is
the words that replace a person, so no name typed into it may reach the report (nor be
redacted over and over inside its own replacement); a person whose name is made of role or
everyday words ("Hope Ward", "Faith Foster") is still a person; a post or a service listed
beside a name is not one. Each case failed on the code the review was given (or, where it
says "older", on the code before that session too).
"""

from __future__ import annotations

import pytest

from cspr_tui.domain.case import Case, Record
from cspr_tui.exports.redaction import Redactor


def _with_records(**records: dict) -> Case:
    case = Case("CSPR-2026-030", "Child Q")
    for key, values in records.items():
        case.records[key.replace("__", ":")] = Record(key.split("__")[0], 1, values)
    return case


# the signatory's OWN name typed into their post (a common
# way to fill "role") goes into their replacement, which the engine then redacts again and again:
# "Signed by Tamsin Quillow." -> "Signed by Director - Director - ... - Director - Tamsin Quillow."
@pytest.mark.parametrize(
    "post",
    [
        "Director - Tamsin Quillow",
        "Director (Tamsin Quillow)",
        "Director, T. Quillow",
        "Director, Ms Quillow",
        "Director, TAMSIN QUILLOW",
        "Director, Tamsin",
    ],
)
def test_a_signatorys_own_name_typed_into_their_post_is_never_printed(post: str) -> None:
    case = _with_records(
        rapid_review={"signoffs": [{"partner": "LA", "name": "Tamsin Quillow", "role": post}]}
    )
    out = Redactor.for_case(case).redact("Signed by Tamsin Quillow. Quillow agreed.")
    assert out == "Signed by Director. Director agreed.", out


# a practitioner whose surname is a role word that wordfreq does not
# call ordinary (Ward, Foster, Carer, Link, Nan...) and whose other words are everyday words or
# titles is still keyed.
@pytest.mark.parametrize(
    "name",
    [
        "Hope Ward",
        "Joy Ward",
        "May Ward",
        "Faith Foster",
        "Bill Foster",
        "Sister Joy Ward",
        "Mr Ward",
        "Mrs Foster",
        "Dr Foster",
        "Dr Ward",
        "DS Ward",
        "PC Foster",
        "Nurse Ward",
        "Hope Carer",
        "Mercy Link",
        "Nan Ward",
        "Ward Foster",
        "hope ward",
        "HOPE WARD",
        "H. Ward",
        "Ward, Hope",
        "Hope Ward (HV)",
        "Hope Ward - Social Worker",
    ],
)
def test_practitioner_named_with_a_role_word_surname_is_replaced(name: str) -> None:
    case = _with_records(rapid_review={"family_informed_by": name})
    assert name not in Redactor.for_case(case).redact(f"{name} told the family.")


@pytest.mark.parametrize(
    "records, text, leaked",
    [
        (
            {"review": {"decision_makers": "Hope Ward (LA), Will Young (Police)"}},
            "Hope Ward decided.",
            "Hope Ward",
        ),
        (
            {
                "rapid_review": {
                    "signoffs": [{"partner": "LA", "name": "Hope Ward", "role": "Director"}]
                }
            },
            "Signed by Hope Ward.",
            "Hope Ward",
        ),
        (
            {
                "agency_report__Health_visiting": {
                    "author_name": "Dr Foster",
                    "author_role": "Named GP",
                }
            },
            "Dr Foster wrote it.",
            "Foster",
        ),
        (
            {"agency_report__Health_visiting": {"return_contact": "Joy Ward"}},
            "Return to Joy Ward.",
            "Joy Ward",
        ),
        (
            {
                "referral": {
                    "agencies": [
                        {"agency": "Police", "contact_name": "Hope Ward", "contact_role": "DS"}
                    ]
                }
            },
            "Hope Ward rang.",
            "Hope Ward",
        ),
        (
            {"rapid_review": {"family_informed_by": "Hope Ward, health visitor"}},
            "Hope Ward visited.",
            "Hope Ward",
        ),
    ],
)
def test_role_word_surname_is_replaced_in_every_field(
    records: dict, text: str, leaked: str
) -> None:
    out = Redactor.for_case(_with_records(**records)).redact(text)
    assert leaked not in out, out


# A post field holding a name in any shape: the name never reaches the replacement.
@pytest.mark.parametrize(
    "post, leaked",
    [
        ("Head of Service - Jo Bloggs", "Jo Bloggs"),
        ("Director (Jo Bloggs)", "Jo Bloggs"),
        ("Director, Jo BLOGGS", "BLOGGS"),
        ("Director, JO BLOGGS", "BLOGGS"),
        ("Director, BLOGGS Jo", "BLOGGS"),
        ("Director, Bloggs, Jo", "Bloggs"),
        ("Director, Dr. J. Bloggs", "Bloggs"),
        ("Director, J. Bloggs", "Bloggs"),
        ("Director, Ms Bloggs", "Bloggs"),
        ("Director, jo bloggs", "bloggs"),
        ("Director, Jo Bloggs MBE", "Bloggs"),
        ("Director, Jo van der Berg", "Berg"),
        ("Director, Hope Head", "Hope Head"),
        ("Director, Jo", "Jo"),
    ],
)
@pytest.mark.parametrize("where", ["signoff", "author_role", "signoff_role"])
def test_a_name_in_a_post_never_reaches_the_replacement(post: str, leaked: str, where: str) -> None:
    if where == "signoff":
        case = _with_records(
            rapid_review={"signoffs": [{"partner": "LA", "name": "Tamsin Quillow", "role": post}]}
        )
    else:
        name_key = where.replace("_role", "_name").replace("author_name", "author_name")
        case = _with_records(
            agency_report__Health_visiting={name_key: "Tamsin Quillow", where: post}
        )
    out = Redactor.for_case(case).redact("Tamsin Quillow signed.")
    assert "Quillow" not in out
    assert leaked not in out, out


def test_a_name_before_its_post_in_brackets_never_reaches_the_replacement() -> None:
    # (older: a name before its post in brackets was once the replacement itself)
    case = _with_records(
        rapid_review={
            "signoffs": [
                {"partner": "LA", "name": "Tamsin Quillow", "role": "Jo Bloggs (Head of Service)"}
            ]
        }
    )
    assert "Bloggs" not in Redactor.for_case(case).redact("Signed by Tamsin Quillow.")


# a capitalised two-word post with no role word
# is taken for a name typed into the post and left out of the replacement.
@pytest.mark.parametrize(
    "post, expected",
    [
        ("Chief Executive", "Signed by Chief Executive."),
        ("Chief Executive, Cornwall Council", "Signed by Chief Executive, Cornwall Council."),
        ("Chief Superintendent", "Signed by Chief Superintendent."),
        ("Executive Principal", "Signed by Executive Principal."),
        ("Named Professional", "Signed by Named Professional."),
    ],
)
def test_a_capitalised_post_is_kept_in_the_replacement(post: str, expected: str) -> None:
    case = _with_records(
        rapid_review={"signoffs": [{"partner": "LA", "name": "Tamsin Quillow", "role": post}]}
    )
    assert Redactor.for_case(case).redact("Signed by Tamsin Quillow.") == expected


# Older: the referral's post fields are used raw, so a name typed
# into them goes into the replacement, which the engine redacts again and again.
@pytest.mark.parametrize(
    "values",
    [
        {
            "agencies": [
                {
                    "agency": "Police",
                    "contact_name": "Tamsin Quillow",
                    "contact_role": "DS - Tamsin Quillow",
                }
            ]
        },
        {"referrer_name": "Tamsin Quillow", "referrer_job_title": "Social worker (Tamsin Quillow)"},
    ],
)
def test_older_a_name_in_a_referral_post_is_never_printed(values: dict) -> None:
    case = Case("CSPR-2026-030", "Child Q")
    case.records["referral"] = Record("referral", 1, values)
    out = Redactor.for_case(case).redact("Tamsin Quillow rang.")
    assert "Quillow" not in out, out


# Older: a service or post listed beside the name in
# "family told by" is still keyed as a name, so every mention of it is withheld.
@pytest.mark.parametrize(
    "service",
    ["Chief Executive", "Paediatric Liaison", "Virtual School", "Devon and Cornwall Police"],
)
def test_older_a_service_beside_the_name_is_not_a_name(service: str) -> None:
    case = _with_records(rapid_review={"family_informed_by": f"Gwenna Rowse, {service}"})
    kept = f"Ask the {service} today."
    assert Redactor.for_case(case).redact(kept) == kept


def test_a_post_with_everyday_words_is_kept_and_one_holding_its_owners_name_is_not() -> None:
    """A post is a post's words with everyday ones ("Class teacher"); the words for a person
    never hold that person's own name, even in a post's shape ("Hope Ward Teacher")."""
    case = Case("CSPR-2026-030", "Child Q")
    case.records["referral"] = Record(
        "referral", 1, {"referrer_name": "Tamsin Quillow", "referrer_job_title": "Class teacher"}
    )
    assert Redactor.for_case(case).redact("Tamsin Quillow rang.") == "Class teacher rang."
    case = _with_records(
        rapid_review={
            "signoffs": [{"partner": "LA", "name": "Hope Ward", "role": "Hope Ward Teacher"}]
        }
    )
    assert Redactor.for_case(case).redact("Signed by Hope Ward.") == ("Signed by A practitioner.")
