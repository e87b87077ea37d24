"""The record validator's fast path finds exactly what it found before: the same issues,
in the same order, with the same words, severities and codes, for thousands of random
records of every shipped form (finishing or a draft, lenient or not). The reference is the
validator as it was, kept verbatim in `tests/forms/reference_validation.py`."""

from __future__ import annotations

import copy
import datetime as dt
import random

import pytest

from cspr_tui.forms import load_forms
from cspr_tui.forms.expression import parse_expression
from cspr_tui.forms.model import Constraint, Field, Form, Section
from cspr_tui.forms.validation import validate_record
from tests.forms.random_answers import random_answers
from tests.forms.reference_validation import reference_validate

FORMS = load_forms()
TODAY = dt.date(2026, 12, 1)
RECORDS = 400  # per form


@pytest.mark.parametrize("form_id", sorted(FORMS.keys()))
def test_the_fast_path_finds_exactly_what_the_reference_finds(form_id: str) -> None:
    form = FORMS[form_id]
    rng = random.Random(f"validation-{form_id}")
    kinds: set[str] = set()
    for _ in range(RECORDS):
        values = random_answers(form, rng)
        for finishing in (True, False):
            for lenient in (True, False):
                mine = validate_record(
                    form, values, finishing=finishing, lenient=lenient, today=TODAY
                )
                theirs = reference_validate(
                    form, values, finishing=finishing, lenient=lenient, today=TODAY
                )
                assert mine == theirs, (values, finishing, lenient)
                kinds.update(str(issue.code) for issue in mine)
    # the random records reach the rules, not only the type checks
    assert {"required", "invalid"} <= kinds


def test_the_records_reach_every_kind_of_issue_across_the_forms() -> None:
    """The generator is strong enough to matter: across the shipped forms it makes
    records that fail a constraint, miss a required answer, hold an impossible value and
    have too few entries, and records with no issue at all."""
    kinds: set[str] = set()
    clean = 0
    for form_id in sorted(FORMS.keys()):
        rng = random.Random(f"kinds-{form_id}")
        for _ in range(200):
            found = validate_record(
                FORMS[form_id], random_answers(FORMS[form_id], rng), finishing=True,
                lenient=False, today=TODAY,
            )  # fmt: skip
            kinds.update(str(issue.code) for issue in found)
            clean += not validate_record(
                FORMS[form_id], random_answers(FORMS[form_id], rng), finishing=False,
                lenient=False, today=TODAY,
            )  # fmt: skip
    assert {"required", "invalid", "constraint"} <= kinds
    assert clean > 0


def test_too_few_entries_are_found_the_same() -> None:
    """The shipped repeats with a minimum are all required (an empty one is "required"), so
    a copy of the referral form asks for at least 3 children without requiring one."""
    form = copy.deepcopy(FORMS["referral"])
    children = form.field("children")
    assert children is not None
    children.minimum, children.required = 3, False
    rng = random.Random("too-few")
    too_few = 0
    for _ in range(RECORDS):
        values = random_answers(form, rng)
        mine = validate_record(form, values, finishing=True, lenient=False, today=TODAY)
        assert mine == reference_validate(form, values, finishing=True, lenient=False, today=TODAY)
        too_few += any(issue.code == "too_few" for issue in mine)
    assert too_few > 0


def test_a_record_that_is_not_a_set_of_answers_is_worded_the_same() -> None:
    form = FORMS["referral"]
    for values in (None, [], "text"):
        mine = validate_record(form, values, finishing=True, lenient=False)  # type: ignore[arg-type]
        theirs = reference_validate(form, values, finishing=True, lenient=False)  # type: ignore[arg-type]
        assert mine == theirs and mine[0].code == "not_answers"


def _scoped_form() -> Form:
    """A form whose rules tell the scopes apart: what is shown sees the clock's today, a
    constraint the day asked for; a row's rule sees its own row and position; a form's
    rule sees every row of a group."""
    rule = parse_expression
    kids = Field(
        "kids",
        "repeat",
        "Children",
        item_label="Child",
        fields=(
            Field("name", "text", "Name"),
            Field(
                "dob",
                "date",
                "Date of birth",
                constraints=(
                    Constraint(rule("dob <= seen"), "Born after being seen."),
                    Constraint(rule("position() = 1"), "Only the first child is kept."),
                ),
            ),
        ),
    )
    for child in kids.fields:
        child.parent = kids
    seen = Field(
        "seen",
        "date",
        "Seen",
        show_if=rule("today() > date('2000-01-01')"),
        constraints=(Constraint(rule("seen <= today()"), "Seen in the future."),),
    )
    count = Field(
        "count",
        "number",
        "How many",
        constraints=(Constraint(rule("count(kids.name) = count"), "Count the children."),),
    )
    return Form("scoped", 1, "Scoped", sections=(Section("s", "S", fields=(seen, count, kids)),))


def test_shared_scopes_see_what_a_scope_per_field_saw() -> None:
    """The checker shares one scope per row and per form: the same row object twice in a
    repeat is still two positions, the clock and the asked-for day stay apart (a day
    before the rule's year hides nothing but fails the constraint), and a group's answers
    read by a form rule are every row's."""
    form = _scoped_form()
    row = {"name": "Ash", "dob": "2019-05-01"}
    values = {"seen": "2020-01-01", "count": 3, "kids": [row, row, {"name": " ", "dob": "bad"}]}
    for today in (dt.date(1990, 1, 1), TODAY, None):
        mine = validate_record(form, values, finishing=True, lenient=False, today=today)
        theirs = reference_validate(form, values, finishing=True, lenient=False, today=today)
        assert mine == theirs
    early = validate_record(form, values, finishing=True, lenient=False, today=dt.date(1990, 1, 1))
    assert [(issue.path, issue.message) for issue in early] == [
        ("seen", "Seen in the future."),
        ("count", "Count the children."),
        ("kids[1].dob", "Only the first child is kept."),
        ("kids[2].dob", "Date of birth must be a real date (DD/MM/YYYY)."),
    ]


@pytest.mark.parametrize("form_id", sorted(FORMS.keys()))
def test_errors_only_gives_the_errors_of_the_whole_check(form_id: str) -> None:
    """`errors_only` (what an import asks for) leaves out the warnings and nothing else:
    the same errors, in the same order, as the full check's, for random records (lenient
    ones too, whose changed choices are warnings, and templates with warning rules)."""
    form = FORMS[form_id]
    rng = random.Random(f"errors-only-{form_id}")
    warned = 0
    for _ in range(RECORDS):
        values = random_answers(form, rng)
        for finishing in (True, False):
            for lenient in (True, False):
                whole = validate_record(
                    form, values, finishing=finishing, lenient=lenient, today=TODAY
                )
                errors = validate_record(
                    form, values, finishing=finishing, lenient=lenient, today=TODAY,
                    errors_only=True,
                )  # fmt: skip
                assert errors == [i for i in whole if i.severity == "error"]
                warned += len(whole) > len(errors)
    assert warned > 0  # the warnings were there to leave out
