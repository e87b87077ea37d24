"""The lines under a refusal: a form's findings field by field, as the form screen has them."""

from __future__ import annotations

from cspr_tui.cli import _problem_lines
from cspr_tui.errors import ValidationFailed
from cspr_tui.forms.answers import Issue


def test_the_command_line_prints_a_refusals_issues_field_by_field() -> None:
    issues = [
        Issue("referrer_name", "Referrer name", "Referrer name is required."),
        Issue("children[0].dob", "Child 1: Date of birth", "Date of birth must be a real date."),
    ]
    refused = ValidationFailed("cannot be saved", details=["old words"], issues=issues)
    assert _problem_lines(refused) == [
        "referrer_name: Referrer name is required.",
        "children[0].dob: Child 1: Date of birth must be a real date.",
    ]
    assert _problem_lines(ValidationFailed("no form", details=["a line"])) == ["a line"]
