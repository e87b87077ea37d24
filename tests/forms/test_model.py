"""The form engine on a small purpose-made template: field types, conditions, repeats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cspr_tui.forms import FieldValueError, Form, Issue
from cspr_tui.forms.loader import read_form

TEMPLATE = """
id: sample
version: 3
title: Sample
sections:
  - id: main
    title: Main
    fields:
      - {id: intro, type: note, label: Read me, text: Not a child protection referral.}
      - {id: name, type: text, label: Name, required: true, max_length: 20}
      - {id: story, type: long_text, label: Story}
      - {id: start, type: date, label: Start date, default: today}
      - id: end
        type: date
        label: End date
        constraints:
          - {rule: "end >= start", message: End date cannot be before the start date.}
          - rule: "days_between(start, end) <= 30"
            message: End date is more than 30 days after the start date; check it.
            severity: warning
      - {id: count, type: number, label: Count, min: 0, max: 10}
      - {id: agreed, type: yes_no, label: Agreed}
      - {id: known, type: yes_no_unknown, label: Known}
      - {id: colour, type: choice, label: Colour, choices: [Red, Green, "Yes"]}
      - {id: tags, type: multi_choice, label: Tags, choices: [A, B, C]}
      - id: why
        type: long_text
        label: Why not agreed
        show_if: "agreed = 'No'"
        required_if: "agreed = 'No'"
      - id: people
        type: repeat
        label: People
        item_label: Person
        min: 1
        max: 3
        required: true
        fields:
          - {id: pname, type: text, label: Person's name, required: true}
          - id: born
            type: date
            label: Born
            required_if: "position() = 1"
            constraints:
              - {rule: "born <= start", message: Born cannot be after the start date.}
          - id: died
            type: date
            label: Died
            show_if: "people.pname != 'Alive'"
            constraints:
              - {rule: "died >= born", message: Died cannot be before Born.}
  - id: extra
    title: Extra
    show_if: "colour = 'Green'"
    fields:
      - {id: shade, type: text, label: Shade, required: true}
"""


@pytest.fixture
def form(tmp_path: Path) -> Form:
    path = tmp_path / "sample.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    built, problems = read_form(path, {})
    assert problems == []
    assert built is not None
    return built


def complete() -> dict[str, object]:
    return {
        "name": "Alex",
        "start": "2026-03-01",
        "end": "2026-03-10",
        "agreed": "Yes",
        "people": [{"pname": "Sam", "born": "2020-01-01"}],
    }


def paths_of(issues: list[Issue], severity: str = "error") -> list[str]:
    return [i.path for i in issues if i.severity == severity]


def test_a_complete_record_has_no_issues(form: Form) -> None:
    assert form.validate(complete()) == []


@pytest.mark.parametrize(
    ("field_id", "raw", "stored"),
    [
        ("name", "  Alex  ", "Alex"),
        ("name", "", None),
        ("story", "line one\nline two", "line one\nline two"),
        ("start", "07/03/2026", "2026-03-07"),
        ("start", "2026-03-07", "2026-03-07"),
        ("count", "3", 3),
        ("count", "2.5", 2.5),
        ("agreed", "yes", "Yes"),
        ("agreed", "N", "No"),
        ("known", "unknown", "Unknown"),
        ("colour", "green", "Green"),
        ("tags", ["A", "c"], ["A", "C"]),
        ("tags", "A; B", ["A", "B"]),
        ("tags", [], None),
    ],
)
def test_parse_turns_input_into_stored_values(
    form: Form, field_id: str, raw: object, stored: object
) -> None:
    item = form.field(field_id)
    assert item is not None
    assert item.parse(raw) == stored


@pytest.mark.parametrize(
    ("field_id", "raw", "fragment"),
    [
        ("start", "31/02/2026", "Start date: 31/02/2026 is not a real date"),
        ("start", "1/2/26", "enter the year in full"),
        ("count", "three", "Count must be a number"),
        ("count", "nan", "Count must be a number"),
        ("agreed", "maybe", "Agreed must be Yes or No."),
        ("known", "perhaps", "Known must be Yes, No or Unknown."),
        ("colour", "Blue", "Colour: 'Blue' is not one of the choices."),
        ("tags", ["A", "Z"], "Tags: 'Z' is not one of the choices."),
    ],
)
def test_parse_refuses_bad_input(form: Form, field_id: str, raw: object, fragment: str) -> None:
    item = form.field(field_id)
    assert item is not None
    with pytest.raises(FieldValueError, match=fragment):
        item.parse(raw)


@pytest.mark.parametrize(
    ("field_id", "value", "message"),
    [
        ("name", 42, "Name must be text."),
        ("name", "x" * 21, "Name is too long (21 characters; at most 20)."),
        ("start", "31/02/2026", "Start date must be a real date (DD/MM/YYYY)."),
        ("start", "2026-02-31", "Start date must be a real date (DD/MM/YYYY)."),
        ("count", "3", "Count must be a number."),
        ("count", True, "Count must be a number."),
        ("count", float("inf"), "Count must be a number."),
        ("count", -1, "Count cannot be less than 0."),
        ("count", 11, "Count cannot be more than 10."),
        ("agreed", True, "Agreed must be Yes or No."),
        ("known", "Maybe", "Known must be Yes, No or Unknown."),
        ("colour", "Blue", "Colour: 'Blue' is not one of the choices."),
        ("tags", "A", "Tags must be a list of choices."),
        ("tags", ["A", "A"], "Tags lists the same choice twice."),
        ("people", {"pname": "x"}, "People must be a list of entries."),
        ("people", [{"pname": str(i)} for i in range(4)], "People can have at most 3 entries."),
    ],
)
def test_impossible_stored_values_are_errors_even_in_a_draft(
    form: Form, field_id: str, value: object, message: str
) -> None:
    values = {**complete(), field_id: value}
    for finishing in (True, False):
        issues = form.validate(values, finishing=finishing)
        assert Issue(field_id, form.field(field_id).label, message, "error") in issues


def test_required_fields_are_errors_only_when_finishing(form: Form) -> None:
    issues = form.validate({})
    assert paths_of(issues) == ["name", "people"]
    assert issues[0].message == "Name is required."
    assert [i.code for i in issues] == ["required", "required"]
    assert form.validate({}, finishing=False) == []


def test_show_if_hides_and_required_if_requires(form: Form) -> None:
    values = {**complete(), "agreed": "No"}
    issues = form.validate(values)
    assert [(i.path, i.message) for i in issues] == [("why", "Why not agreed is required.")]
    assert form.field("why").is_visible(values)
    assert not form.field("why").is_visible(complete())
    assert form.validate({**values, "why": "Because."}) == []


def test_a_hidden_field_is_neither_required_nor_validated(form: Form) -> None:
    values = {**complete(), "agreed": "Yes", "why": 12345}
    assert form.validate(values) == []


def test_a_hidden_section_hides_its_fields(form: Form) -> None:
    assert form.validate(complete()) == []
    issues = form.validate({**complete(), "colour": "Green"})
    assert paths_of(issues) == ["shade"]
    shown = [f.id for f in form.visible_fields({**complete(), "colour": "Green"})]
    assert "shade" in shown
    assert "shade" not in [f.id for f in form.visible_fields(complete())]
    assert "why" not in shown


def test_constraints_give_their_message_and_severity(form: Form) -> None:
    issues = form.validate({**complete(), "end": "2026-02-01"})
    message = "End date cannot be before the start date."
    assert issues == [Issue("end", "End date", message, code="constraint")]
    issues = form.validate({**complete(), "end": "2026-05-01"})
    assert issues == [
        Issue(
            "end",
            "End date",
            "End date is more than 30 days after the start date; check it.",
            "warning",
            "constraint",
        )
    ]


def test_constraints_wait_until_both_answers_are_given(form: Form) -> None:
    values = {**complete(), "start": None, "end": "2026-02-01"}
    assert form.validate(values, finishing=False) == []


def test_repeat_rows_are_checked_with_paths_and_row_labels(form: Form) -> None:
    values = {
        **complete(),
        "people": [
            {"pname": "Sam", "born": "2020-01-01", "died": "2019-01-01"},
            {"born": "2027-01-01"},
            {"pname": "Alive", "died": "not a date"},
        ],
    }
    issues = form.validate(values)
    found = [(i.path, i.label, i.message) for i in issues]
    assert found == [
        ("people[0].died", "Person 1: Died", "Died cannot be before Born."),
        ("people[1].pname", "Person 2: Person's name", "Person's name is required."),
        ("people[1].born", "Person 2: Born", "Born cannot be after the start date."),
    ]  # row 3 is "Alive", so Died is hidden and not checked


def test_position_makes_a_row_field_required_only_in_the_first_row(form: Form) -> None:
    values = {**complete(), "people": [{"pname": "Sam"}, {"pname": "Kim"}]}
    issues = form.validate(values)
    assert [(i.path, i.message) for i in issues] == [("people[0].born", "Born is required.")]


def test_repeat_minimum_applies_when_finishing(form: Form) -> None:
    values = {**complete(), "people": []}
    assert [(i.path, i.message) for i in form.validate(values)] == [
        ("people", "People is required.")
    ]
    assert form.validate(values, finishing=False) == []


def test_unknown_answers_are_kept_and_ignored(form: Form) -> None:
    values = {
        **complete(),
        "retired_field": "from an old version",
        "people": [{"pname": "Sam", "born": "2020-01-01", "old_row_field": 1}],
    }
    assert form.validate(values) == []
    assert values["retired_field"] == "from an old version"


def test_old_records_get_warnings_for_choices_since_removed(form: Form) -> None:
    values = {**complete(), "colour": "Purple"}
    current = form.validate(values, template_version=3)
    assert [i.severity for i in current] == ["error"]
    old = form.validate(values, template_version=1)
    assert [i.severity for i in old] == ["warning"]
    assert "the form has changed since this was recorded" in old[0].message


def test_validate_value_checks_one_input_on_blur(form: Form) -> None:
    values = complete()
    end = form.field("end")
    assert end.validate_value("05/03/2026", values) is None
    assert end.validate_value("31/02/2026", values).startswith("End date: 31/02/2026")
    assert end.validate_value("01/02/2026", values) == "End date cannot be before the start date."
    assert end.validate_value("01/05/2026", values) is None  # warnings do not block
    assert end.validate_value("", values) is None
    name = form.field("name")
    assert name.validate_value("", values, finishing=True) == "Name is required."
    born = form.field("people.born")
    row = {"pname": "Sam"}
    assert born.validate_value("01/01/2027", values, row=row) == (
        "Born cannot be after the start date."
    )
    died = form.field("people.died")
    assert died.validate_value("01/01/2019", values, row={"born": "2020-01-01"}) == (
        "Died cannot be before Born."
    )


def test_format_shows_answers_for_reviewers(form: Form) -> None:
    assert form.field("start").format("2026-03-07") == "07/03/2026"
    assert form.field("tags").format(["A", "B"]) == "A; B"
    assert form.field("count").format(3.0) == "3"
    assert form.field("people").format([{}, {}]) == "2 entries"
    assert form.field("name").format(None) == ""


def test_defaults_and_new_rows(form: Form) -> None:
    today = dt.date(2026, 6, 1)
    assert form.initial_values(today) == {"start": "2026-06-01", "people": []}
    assert form.field("people").new_row(today) == {}


def test_yaml_yes_is_read_as_the_word(form: Form) -> None:
    assert form.field("colour").choices == ("Red", "Green", "Yes")


def test_field_lookup_by_path(form: Form) -> None:
    assert form.field("people[2].born") is form.field("people.born")
    assert form.field("people.born").path == "people.born"
    assert form.field("nope") is None
    assert form.field_count() == 15  # notes are not counted


def test_a_repeat_minimum_above_one_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(
        "id: mini\nversion: 1\ntitle: Mini\nsections:\n  - id: s\n    title: S\n    fields:\n"
        "      - id: rows\n        type: repeat\n        label: Sign-offs\n        min: 3\n"
        "        fields: [{id: who, type: text, label: Who}]\n",
        encoding="utf-8",
    )
    mini, problems = read_form(path, {})
    assert problems == [] and mini is not None
    assert mini.validate({"rows": []}) == [
        Issue("rows", "Sign-offs", "Sign-offs needs at least 3 entries.", code="too_few")
    ]
    assert mini.validate({"rows": [{"who": "A"}]}, finishing=False) == []


def test_today_in_rules_follows_the_clock_given(tmp_path: Path) -> None:
    path = tmp_path / "clock.yaml"
    path.write_text(
        "id: clock\nversion: 1\ntitle: Clock\nsections:\n  - id: s\n    title: S\n    fields:\n"
        "      - id: seen\n        type: date\n        label: Date seen\n        constraints:\n"
        "          - {rule: 'seen <= today()', message: Date seen cannot be in the future.}\n",
        encoding="utf-8",
    )
    clock, problems = read_form(path, {})
    assert problems == [] and clock is not None
    values = {"seen": "2026-06-02"}
    future = [Issue("seen", "Date seen", "Date seen cannot be in the future.", code="constraint")]
    assert clock.validate(values, today=dt.date(2026, 6, 1)) == future
    assert clock.validate(values, today=dt.date(2026, 6, 2)) == []
    seen = clock.field("seen")
    assert seen.validate_value("02/06/2026", {}, today=dt.date(2026, 6, 1)) == future[0].message
    assert seen.validate_value("02/06/2026", {}, today=dt.date(2026, 6, 3)) is None


def _unbounded_number(tmp_path: Path) -> Form:
    path = tmp_path / "tally.yaml"
    path.write_text(
        "id: tally\nversion: 1\ntitle: Tally\nsections:\n  - id: s\n    title: S\n    fields:\n"
        "      - {id: total, type: number, label: Total}\n",
        encoding="utf-8",
    )
    tally, problems = read_form(path, {})
    assert problems == [] and tally is not None
    return tally


def test_whole_numbers_are_stored_exactly_or_refused_never_rounded(tmp_path: Path) -> None:
    total = _unbounded_number(tmp_path).field("total")
    assert total.parse("9007199254740991") == 9007199254740991  # 2**53 - 1, the largest
    assert total.parse("-1,234") == -1234
    for typed in ("9007199254740993", "12345678901234567", "9" * 20, "9" * 5000):
        with pytest.raises(FieldValueError, match="Total is too large a number"):
            total.parse(typed)
        assert total.validate_value(typed, {}) == "Total is too large a number."


def test_a_stored_number_too_large_to_save_is_an_error(tmp_path: Path) -> None:
    """The vault's serializer refuses integers beyond 64 bits: catch them as a form error."""
    tally = _unbounded_number(tmp_path)
    for value in (10**20, -(10**20), 1e300):
        assert tally.validate({"total": value}, finishing=False) == [
            Issue("total", "Total", "Total is too large a number.")
        ]
    assert tally.validate({"total": 2**53 - 1}) == []
