"""Redaction: every identifier in the pseudonym key replaced, and found again if it slips by."""

from __future__ import annotations

import unicodedata

import pytest

from cspr_tui.domain.case import Case, Person
from cspr_tui.exports.redaction import Redactor, identifiers_for_case
from tests.exports.case_fixtures import make_case


def _redactor() -> Redactor:
    case = Case(
        ref="CSPR-2026-001",
        pseudonym="Child A",
        people=[
            Person("Zoë Fictionalia", "Child A", "Subject child", "child"),
            Person("Siobhán O'Neill", "Mother", "Mother"),
            Person("Will Fictionalia", "Father", "Father"),
        ],
    )
    return Redactor.for_case(case)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë Fictionalia was seen.", "Child A was seen."),
        ("ZOË FICTIONALIA was seen.", "Child A was seen."),
        ("zoë's school", "Child A's school"),
        ("Siobhán O’Neill said", "Mother said"),  # curly apostrophe
        ("Siobhán  O'Neill\nsaid", "Mother\nsaid"),  # odd spacing
        ("Mrs O'Neill called", "Mrs Mother called"),
        ("Siobhán's view", "Mother's view"),
        ("the Fictionalia family", "the [name withheld] family"),  # shared surname
        ("Will came; staff will visit", "Father came; staff will visit"),  # common word
        ("Zoëfan and Zoë-like", "Zoëfan and Child A-like"),  # whole words only
        (unicodedata.normalize("NFD", "Zoë Fictionalia"), "Child A"),  # decomposed accents
        ("Nothing to see & <here>", "Nothing to see & <here>"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    redactor = _redactor()
    assert redactor.redact(text) == expected
    assert redactor.find(redactor.redact(text)) == []


def test_find_lists_what_remains() -> None:
    found = _redactor().find("A note about siobhán and Zoë.")
    assert {i.text for i in found} == {"Siobhán", "Zoë"}


def test_referral_identifiers_are_included() -> None:
    idents = {(i.kind, i.text): i.replacement for i in identifiers_for_case(make_case())}
    assert idents[("name", "Peregrine Testworth")] == "Health visitor"
    assert idents[("name", "Quentin Madeup")] == "Police officer 1"
    assert idents[("name", "Zo")] == "Child A"
    assert idents[("date of birth", "04/05/2019")] == "[date of birth withheld]"
    assert idents[("address", "1 Imaginary Row, Nowhereton NE8 1ZZ")] == "[address withheld]"
    assert idents[("postcode", "NE8 1ZZ")] == "[postcode withheld]"
    assert idents[("name part", "Nowak")] == "Mother's partner"


def test_redact_data_keeps_structure() -> None:
    data = {"a": ["Zoë Fictionalia", 3, {"b": "Will"}], "c": None}
    assert _redactor().redact_data(data) == {"a": ["Child A", 3, {"b": "Father"}], "c": None}


def test_empty_key_changes_nothing() -> None:
    redactor = Redactor([])
    assert redactor.redact("Zoë") == "Zoë"
    assert redactor.find("Zoë") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoe Fictionalia was seen.", "Child A was seen."),  # typed without the diaeresis
        ("ZOE told her teacher", "Child A told her teacher"),
        ("Siobhan ONeill rang", "Mother rang"),  # no fada, no apostrophe
        ("Lukasz Nowak-Imagin left", "Mother's partner left"),  # Ł typed as L
        ("Nowak–Imagin's car", "Mother's partner's car"),  # en dash
        ("Zoë. Zoë! (Zoë) «Zoë»", "Child A. Child A! (Child A) «Child A»"),
        (
            "born 4 May 2019; dob 04.05.2019",
            "born [date of birth withheld]; dob [date of birth withheld]",
        ),
        ("May 4, 2019 and 04-05-2019", "[date of birth withheld] and [date of birth withheld]"),
        ("seen at 1 Imaginary Row", "seen at [address withheld]"),
        ("lived on Imaginary Row.", "lived on [address withheld]."),
        ("Nowhereton NE81ZZ", "Nowhereton [postcode withheld]"),
    ],
)
def test_redact_catches_variant_spellings(text: str, expected: str) -> None:
    redactor = Redactor.for_case(make_case())
    assert redactor.redact(text) == expected
    assert redactor.find(redactor.redact(text)) == []
    assert redactor.find(text)  # and the scan finds the original


def test_redaction_keeps_other_accents_and_positions() -> None:
    """Folding is only for matching: the rest of the text keeps its accents exactly."""
    redactor = Redactor.for_case(make_case())
    text = "Café staff told Zoe's naïve neighbour; Ærøskøbing, İstanbul, straße."
    assert redactor.redact(text) == (
        "Café staff told Child A's naïve neighbour; Ærøskøbing, İstanbul, straße."
    )


def test_a_date_of_birth_that_is_not_a_date_is_still_withheld() -> None:
    case = make_case()
    case.records["referral"].values["family"][1]["dob"] = "Spring 1988"
    redactor = Redactor.for_case(case)
    assert redactor.redact("born Spring 1988, she") == "born [date of birth withheld], she"
    assert redactor.redact("born 04/05/2019") == "born [date of birth withheld]"


def test_a_replacement_that_names_someone_is_redacted_too() -> None:
    """A role typed as "Zoë's mother" must not put the child's name back in."""
    case = Case(
        ref="CSPR-2026-001",
        pseudonym="Child A",
        people=[
            Person("Zoë Fictionalia", "Child A", "Subject child", "child"),
            Person("Siobhán O'Neill", "", "Zoë's mother", "family"),
        ],
    )
    redactor = Redactor.for_case(case)
    assert redactor.redact("Siobhán O'Neill said") == "Child A's mother said"
    assert redactor.unsafe == []


def test_a_pseudonym_that_is_the_real_name_is_reported_unsafe() -> None:
    case = Case(
        ref="CSPR-2026-001",
        pseudonym="Elias",
        people=[Person("Elias Brackwater-Invented", "Elias", "Subject child", "child")],
    )
    redactor = Redactor.for_case(case)
    assert {ident.text for ident, _text in redactor.unsafe} >= {"Elias"}
    assert redactor.find(redactor.redact("Elias Brackwater-Invented was seen")) != []
