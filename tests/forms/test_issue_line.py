"""A form's findings as the command line prints them: field by field, path then message."""

from __future__ import annotations

from cspr_tui.forms import load_forms
from cspr_tui.forms.answers import Issue, IssueCode, Severity, issue_line


def test_a_top_level_answer_is_named_by_its_path() -> None:
    issue = Issue("referral_date", "Date of referral", "Date of referral is required.")
    assert issue_line(issue) == "referral_date: Date of referral is required."


def test_an_entry_of_a_group_is_named_as_the_form_screen_names_it() -> None:
    form = load_forms()["referral"]
    values = {"children": [{"name": "A"}, {"name": "B", "dob": "2026-02-30"}]}
    (issue,) = [i for i in form.validate(values, finishing=False) if i.severity == "error"]
    assert issue_line(issue) == (
        "children[1].dob: Child 2: Date of birth (or expected date of delivery) must be a "
        "real date (DD/MM/YYYY)."
    )


def test_a_warning_says_it_does_not_stop_saving() -> None:
    issue = Issue("x", "X", "Check X.", severity=Severity.WARNING, code=IssueCode.CONSTRAINT)
    assert issue_line(issue) == "x: Check X. (a warning; it does not stop saving)"
