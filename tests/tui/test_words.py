"""The screens' wording of what the domain reports."""

from __future__ import annotations

import pytest

from cspr_tui.tui.words import missing_item, path_lines, quarter_words, sentence, working_days


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("2026-Q3", "Q3 2026-27 (Oct-Dec)"),
        ("2026-Q4", "Q4 2026-27 (Jan-Mar)"),
        ("2027-Q1", "Q1 2027-28 (Apr-Jun)"),
        ("not a quarter", "not a quarter"),
    ],
)
def test_quarter_words(code: str, shown: str) -> None:
    assert quarter_words(code) == shown


@pytest.mark.parametrize(
    ("days", "shown"),
    [(-5, "5 working days overdue"), (-1, "1 working day overdue"), (0, "due today"),
     (3, "3 working days left"), (None, "")],
)  # fmt: skip
def test_working_days(days, shown) -> None:
    assert working_days(days) == shown


def test_missing_items_read_as_sentences() -> None:
    assert missing_item("screening: Decision") == "Decision (screening form)"
    assert missing_item("rapid review: Rationale for the decision") == (
        "Rationale for the decision (rapid review form)"
    )
    assert missing_item("review: Date the full report was sent to the Panel and the SoS") == (
        "Date the full report was sent to the Panel and the Secretary of State (review form)"
    )
    assert missing_item("the referral form, finished") == "The referral form, finished"
    assert sentence("sosa stays") == "Sosa stays"


def test_audit_actions_and_changes_in_plain_words() -> None:
    from cspr_tui.forms import load_forms
    from cspr_tui.tui.words import audit_action, change_line

    forms = load_forms()
    assert (
        audit_action("rapid_review finished", forms) == f"{forms['rapid_review'].title}: finished"
    )
    assert audit_action("agency_report:Police draft saved", forms).endswith("(Police): draft saved")
    assert audit_action("stage: Screening -> Notified", forms) == "Moved from Screening to Notified"
    assert audit_action("quarterly update 2026-Q3: R1", forms) == (
        "Quarterly update for Q3 2026-27 (Oct-Dec): R1"
    )
    assert audit_action("case paused") == "Case paused"
    line = change_line("records.rapid_review.values.decision", None, "LCSPR recommended", forms)
    assert line.endswith("Decision: (empty) → LCSPR recommended")
    line = change_line("records.referral.values.children[1].dob", "2024-05-01", "2024-05-02", forms)
    assert ": Child 2: Date of birth" in line and line.endswith(": 01/05/2024 → 02/05/2024")
    assert change_line("records.referral.updated_at", "a", "b", forms) is None


def test_answers_run_together_with_a_space_after_a_full_stop() -> None:
    """Found by hand: the rapid review's summary read "came second.; Date: ..."."""
    from cspr_tui.tui.words import run_together

    assert run_together(["It came second.", "Date: 12/06/2026"]) == (
        "It came second. Date: 12/06/2026"
    )
    assert run_together(["Police", "Yes"]) == "Police; Yes"
    assert run_together(["Why?", "Unsure!", "x"], ", ") == "Why? Unsure! x"
    assert run_together([]) == ""


def test_a_record_shown_on_the_case_screen_has_no_stop_before_a_semicolon() -> None:
    from cspr_tui.forms import load_forms
    from cspr_tui.tui.screens.case import format_record
    from tests.domain import case_values

    form = load_forms()["rapid_review"]
    values = case_values.rapid_review()
    values["learning"] = [{"point": "The health visitor came second.", "theme": "Other"}]
    shown = format_record(form, values).plain
    assert "came second." in shown
    assert ".;" not in shown


@pytest.mark.parametrize(
    ("path", "width", "shown"),
    [
        ("/home/r/exports/a.xlsx", 40, "Written to /home/r/exports/a.xlsx"),
        (
            "/home/r/exports/CSPR-2026-001_Referral_Redacted_v1.docx",
            40,
            "Written to /home/r/exports/\nCSPR-2026-001_Referral_Redacted_v1.docx",
        ),
        (
            "/shared/Safeguarding-Partnership/Reviews/exports/CSPR-2026-001_v1.docx",
            30,
            "Written to …/Reviews/exports/\nCSPR-2026-001_v1.docx",
        ),
        (
            "/s/exports/Safeguarding-Children-Partnership_RecTracker_2026-27_Q1.xlsx",
            40,
            "Written to /s/exports/\n"
            "Safeguarding-Children-Partnership_\nRecTracker_2026-27_Q1.xlsx",
        ),
    ],
    ids=["fits", "name-on-its-own-line", "folder-cut-at-its-start", "name-longer-than-a-line"],
)
def test_a_path_breaks_only_between_its_folder_and_its_name(
    path: str, width: int, shown: str
) -> None:
    assert path_lines(path, width, "Written to ") == shown
    assert all(len(line) <= width for line in shown.splitlines())
