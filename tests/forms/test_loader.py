"""Loading templates: shipped forms, workspace overrides, and a corpus of broken files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cspr_tui import paths
from cspr_tui.forms import FORM_IDS, TemplateProblem, check_templates, load_forms

FIXTURES = Path(__file__).parent / "fixtures"


def override(workspace: Path, fixture: str, name: str = "screening.yaml") -> Path:
    folder = workspace / "form_templates"
    folder.mkdir(exist_ok=True)
    target = folder / name
    shutil.copyfile(FIXTURES / fixture, target)
    return target


def test_shipped_templates_have_no_problems() -> None:
    assert check_templates() == []
    forms = load_forms()
    assert list(forms) == list(FORM_IDS)
    assert forms.problems == []
    assert all(form.source.parent == paths.shipped_templates_dir() for form in forms.values())


# (fixture, target file, field, words in the problem)
BROKEN = [
    ("yaml_syntax_error.yaml", "screening.yaml", "line 10", "YAML syntax error"),
    ("yaml_alias_bomb.yaml", "screening.yaml", "line 4", "aliases (*name) are not allowed"),
    ("unknown_type.yaml", "screening.yaml", "decision", "unknown type 'dropdown'"),
    ("bad_expression.yaml", "screening.yaml", "decision", "show_if: unexpected '='"),
    ("hostile_expression.yaml", "screening.yaml", "decision", "unknown function '__import__'"),
    (
        "missing_choice_list.yaml",
        "screening.yaml",
        "decision",
        "choice list 'decisons' is not defined in choices.yaml",
    ),
    ("duplicate_field_id.yaml", "screening.yaml", "rationale", "duplicate field id"),
    (
        "missing_relied_on_field.yaml",
        "screening.yaml",
        "date_received",
        "this field is missing, but the case store and exports rely on it",
    ),
    (
        "unknown_field_reference.yaml",
        "screening.yaml",
        "decision",
        "refers to unknown field 'date_recieved'",
    ),
    ("good_override.yaml", "referral.yaml", "id", "must match the file name"),
    ("bad_choices_list.yaml", "choices.yaml", "review_methods", "must be a non-empty list"),
]


@pytest.mark.parametrize(("fixture", "target", "field", "words"), BROKEN)
def test_each_broken_template_is_reported_with_file_field_and_problem(
    workspace: Path, fixture: str, target: str, field: str, words: str
) -> None:
    override(workspace, fixture, target)
    problems = check_templates()
    expected_file = f"form_templates/{target}"
    matching = [p for p in problems if p.file == expected_file and p.field == field]
    assert any(words in p.problem for p in matching), problems
    assert all(p.file == expected_file for p in problems), problems


@pytest.mark.parametrize(("fixture", "target", "field", "words"), BROKEN)
def test_a_broken_override_never_crashes_and_falls_back_to_the_shipped_form(
    workspace: Path, fixture: str, target: str, field: str, words: str
) -> None:
    override(workspace, fixture, target)
    forms = load_forms()
    assert list(forms) == list(FORM_IDS)
    assert forms.problems, "the skipped file's problems travel with the form set"
    form_id = target.removesuffix(".yaml")
    if form_id in forms:
        assert forms[form_id].source.parent == paths.shipped_templates_dir()
        shipped = yaml.safe_load((paths.shipped_templates_dir() / target).read_text("utf-8"))
        assert forms[form_id].version == shipped["version"]
    assert forms["review"].field("method").choices == (
        "Desktop review",
        "Practitioner review",
        "Thematic review",
        "Single-issue review",
    )


def test_a_good_override_replaces_the_shipped_form(workspace: Path) -> None:
    target = override(workspace, "good_override.yaml")
    assert check_templates() == []
    forms = load_forms()
    screening = forms["screening"]
    assert screening.source == target
    assert screening.version == 2
    assert screening.title == "Screening decision (partnership version)"
    assert screening.field("meeting_notes") is not None
    assert forms["referral"].source.parent == paths.shipped_templates_dir()
    issues = screening.validate({})
    assert "meeting_notes" in [i.path for i in issues]


def test_user_dir_argument_is_honoured(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copyfile(FIXTURES / "good_override.yaml", elsewhere / "screening.yaml")
    assert load_forms(elsewhere)["screening"].version == 2
    assert load_forms()["screening"].version == 1


def test_a_workspace_choices_file_replaces_lists_by_name(workspace: Path) -> None:
    folder = workspace / "form_templates"
    folder.mkdir()
    (folder / "choices.yaml").write_text(
        "review_methods:\n  - SILP\n  - Appreciative inquiry\n", encoding="utf-8"
    )
    forms = load_forms()
    assert forms["review"].field("method").choices == ("SILP", "Appreciative inquiry")
    assert "Police" in forms["referral"].field("referrer_agency").choices  # others untouched
    assert check_templates() == []


def test_choice_lists_argument_overrides_for_settings() -> None:
    forms = load_forms(choice_lists={"review_methods": ["Desktop review", "SILP", " "]})
    method = forms["review"].field("method")
    assert method.choices == ("Desktop review", "SILP")
    assert method.choice_list == "review_methods"


@pytest.mark.parametrize(
    ("marking", "expected"),
    [
        ("OFFICIAL", ("OFFICIAL-SENSITIVE", "OFFICIAL")),  # in the list: kept once
        (
            "OFFICIAL-SENSITIVE PERSONAL",
            ("OFFICIAL-SENSITIVE", "OFFICIAL", "OFFICIAL-SENSITIVE PERSONAL"),
        ),
        ("", ("OFFICIAL-SENSITIVE", "OFFICIAL")),  # none printed: the list as shipped
    ],
)
def test_the_settings_give_their_lists_and_their_own_protective_marking(
    marking: str, expected: tuple[str, ...]
) -> None:
    from cspr_tui.settings import Settings

    settings = Settings(protective_marking=marking, review_methods=["SILP", "Desktop review"])
    forms = load_forms(settings=settings)
    assert forms["agency_report"].field("protective_marking").choices == expected
    assert forms["review"].field("method").choices == ("SILP", "Desktop review")


def test_missing_shipped_forms_are_reported(tmp_path: Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    shutil.copyfile(paths.shipped_templates_dir() / "choices.yaml", base / "choices.yaml")
    shutil.copyfile(paths.shipped_templates_dir() / "referral.yaml", base / "referral.yaml")
    problems = check_templates([base])
    missing = sorted(Path(p.file).stem for p in problems)
    assert missing == sorted(set(FORM_IDS) - {"referral"})
    assert all(p.problem == "this form template is missing" for p in problems)


def test_a_template_that_is_not_a_form(workspace: Path) -> None:
    folder = workspace / "form_templates"
    folder.mkdir()
    (folder / "notification.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (folder / "screening.yaml").write_bytes(b"id: screening\ntitle: \xff\xfe\n")
    problems = {(p.file, p.field, p.problem) for p in check_templates()}
    assert (
        "form_templates/notification.yaml",
        "form",
        "the file must describe one form (id, version, title, sections)",
    ) in problems
    assert ("form_templates/screening.yaml", "file", "is not UTF-8 text") in problems
    assert list(load_forms()) == list(FORM_IDS)


@pytest.mark.parametrize(
    ("snippet", "field", "words"),
    [
        ("{id: x, type: text, label: X, requried: true}", "x", "unknown attribute 'requried'"),
        ("{id: x, type: text, label: X, required: maybe}", "x", "required must be true or false"),
        ("{id: Bad-Id, type: text, label: X}", "section s, field 1", "snake_case"),
        ("{id: x, type: choice, label: X}", "x", "needs choices"),
        ("{id: x, type: choice, label: X, choices: [A, A]}", "x", "choice 'A' appears twice"),
        ("{id: x, type: number, label: X, min: 5, max: 1}", "x", "min is larger than max"),
        ("{id: x, type: repeat, label: X}", "x", "needs a list of fields"),
        ("{id: x, type: date, label: X, default: 31/02/2026}", "x", "default must be today"),
        ("{id: x, type: choice, label: X, choices: [A], default: B}", "x", "default: X: 'B'"),
        ("{id: x, type: text}", "x", "needs a label"),
        (
            "{id: x, type: text, label: X, constraints: [{rule: 'x != 1'}]}",
            "x",
            "needs a message",
        ),
        (
            "{id: x, type: text, label: X, constraints: [{rule: 'x', message: m, severity: bad}]}",
            "x",
            "severity must be error or warning",
        ),
        (
            "{id: x, type: repeat, label: X, fields: [{id: y, type: repeat, label: Y, "
            "fields: [{id: z, type: text, label: Z}]}]}",
            "x.y",
            "cannot sit inside another repeat",
        ),
        (
            "{id: x, type: repeat, label: X, fields: [{id: y, type: text, label: Y, "
            "show_if: 'x.nope = 1'}]}",
            "x.y",
            "refers to unknown field 'x.nope'",
        ),
    ],
)
def test_field_definition_mistakes(tmp_path: Path, snippet: str, field: str, words: str) -> None:
    folder = tmp_path / "custom"
    folder.mkdir()
    (folder / "custom.yaml").write_text(
        f"id: custom\nversion: 1\ntitle: Custom\nsections:\n"
        f"  - id: s\n    title: S\n    fields:\n      - {snippet}\n",
        encoding="utf-8",
    )
    problems = [p for p in check_templates([folder]) if p.file.endswith("custom.yaml")]
    assert any(p.field == field and words in p.problem for p in problems), problems


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("when >= 18", "cannot compare date with int"),  # meant age_years(when) >= 18
        ("what + 1 > 2", "'+' needs numbers"),
        ("how_many in what", "'in' needs a list"),
        ("age_years(how_many) < 18", "age_years() needs dates"),
        ("rows.when < when", "cannot compare list with date"),  # every row, not this one
    ],
)
def test_a_rule_that_can_never_be_evaluated_is_reported(
    tmp_path: Path, rule: str, words: str
) -> None:
    """Such a rule counts as unknown at every use, so it would silently never apply."""
    folder = tmp_path / "custom"
    folder.mkdir()
    (folder / "custom.yaml").write_text(
        "id: custom\nversion: 1\ntitle: Custom\nsections:\n  - id: s\n    title: S\n"
        "    fields:\n"
        "      - {id: when, type: date, label: When}\n"
        "      - {id: what, type: text, label: What}\n"
        "      - {id: how_many, type: number, label: How many}\n"
        "      - {id: rows, type: repeat, label: Rows, fields: [{id: when, type: date, label: W}]}"
        "\n"
        "      - id: checked\n        type: yes_no\n        label: Checked\n"
        f'        constraints: [{{rule: "{rule}", message: Checked is wrong.}}]\n',
        encoding="utf-8",
    )
    problems = [
        (p.field, p.problem) for p in check_templates([folder]) if p.file.endswith("custom.yaml")
    ]
    assert [field for field, _problem in problems] == ["checked"], problems
    assert f"{rule!r} cannot be evaluated" in problems[0][1] and words in problems[0][1]


def test_rules_that_evaluate_are_not_reported(tmp_path: Path) -> None:
    folder = tmp_path / "custom"
    folder.mkdir()
    (folder / "custom.yaml").write_text(
        "id: custom\nversion: 1\ntitle: Custom\nsections:\n  - id: s\n    title: S\n"
        "    fields:\n"
        "      - {id: when, type: date, label: When}\n"
        "      - {id: rows, type: repeat, label: Rows, fields: [{id: seen, type: date, label: Seen,"
        " constraints: [{rule: 'seen >= when and position() <= count(rows)', message: m}]}]}\n"
        "      - {id: n, type: number, label: N, show_if: 'age_years(when, today()) >= 18'}\n",
        encoding="utf-8",
    )
    assert [p for p in check_templates([folder]) if p.file.endswith("custom.yaml")] == []


def test_problem_lines_read_file_field_problem() -> None:
    problem = TemplateProblem("form_templates/referral.yaml", "outcome", "unknown type 'x'")
    assert str(problem) == "form_templates/referral.yaml: outcome: unknown type 'x'"


def test_a_relied_on_repeat_must_stay_a_repeat(tmp_path: Path) -> None:
    folder = tmp_path / "custom"
    folder.mkdir()
    text = (paths.shipped_templates_dir() / "referral.yaml").read_text(encoding="utf-8")
    start = text.index("      - id: chronology\n        type: repeat")
    end = text.index("  - id: parallel\n")
    text = (
        text[:start] + "      - {id: chronology, type: long_text, label: Chronology}\n" + text[end:]
    )
    (folder / "referral.yaml").write_text(text, encoding="utf-8")
    problems = [
        (p.field, p.problem) for p in check_templates([paths.shipped_templates_dir(), folder])
    ]
    assert ("chronology", "this field must stay a repeat: the code reads its entries") in problems
    assert (
        "chronology.event",
        "this field is missing, but the case store and exports rely on "
        "it; keep this field id (you may change its label)",
    ) in problems


@pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "pure-python"])
def test_deeply_nested_yaml_is_a_problem_not_a_crash(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    from cspr_tui.forms import loader

    if not fast:
        monkeypatch.setattr(loader, "_FAST_LOADER", None)
    folder = workspace / "form_templates"
    folder.mkdir()
    (folder / "screening.yaml").write_text(
        "id: screening\nversion: 9\nextra: " + "[" * 1200 + "]" * 1200 + "\n", encoding="utf-8"
    )
    problems = check_templates()
    assert [(p.file, p.field) for p in problems] == [("form_templates/screening.yaml", "line 3")]
    assert problems[0].problem.startswith("YAML syntax error: ")
    assert "nest" in problems[0].problem
    forms = load_forms()
    assert forms["screening"].version == 1  # the shipped form stays in use
    assert forms.problems == problems


def test_aliases_are_refused_without_libyaml_too(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cspr_tui.forms import loader

    monkeypatch.setattr(loader, "_FAST_LOADER", None)
    override(workspace, "yaml_alias_bomb.yaml")
    problems = [(p.field, p.problem) for p in check_templates()]
    assert problems == [
        ("line 4", "YAML syntax error: aliases (*name) are not allowed in templates")
    ]
    assert load_forms()["screening"].version == 1


def test_the_forms_layer_imports_neither_the_ui_nor_the_domain() -> None:
    code = (
        "import sys, cspr_tui.forms as f; f.load_forms(); "
        "bad = [m for m in sys.modules if m.startswith(('textual', 'cspr_tui.tui', "
        "'cspr_tui.domain', 'cspr_tui.vault', 'cspr_tui.exports'))]; print(bad)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_workspace_lists_that_break_a_shipped_form_are_reported_and_survived(
    workspace: Path,
) -> None:
    folder = workspace / "form_templates"
    folder.mkdir()
    (folder / "choices.yaml").write_text(
        "outcomes: [Death, Serious harm]\npartners: [Council, Police, ICB]\n", encoding="utf-8"
    )
    problems = {(Path(p.file).name, p.field, p.problem) for p in check_templates()}
    assert (
        "referral.yaml",
        "outcome",
        "the choices (list 'outcomes') must include 'Died', 'Seriously harmed': the code "
        "compares answers with them (add other choices as you wish)",
    ) in problems
    assert any(f == "signoffs.partner" and "'LA'" in p for _, f, p in problems)
    forms = load_forms()
    assert list(forms) == list(FORM_IDS)
    assert forms["referral"].field("outcome").choices == ("Died", "Seriously harmed")
    assert forms.problems


def test_a_relied_on_date_must_stay_a_date(workspace: Path) -> None:
    folder = workspace / "form_templates"
    folder.mkdir()
    text = (FIXTURES / "good_override.yaml").read_text(encoding="utf-8")
    text = text.replace("{id: date_received, type: date", "{id: date_received, type: text")
    (folder / "screening.yaml").write_text(text, encoding="utf-8")
    problems = [(p.file, p.field, p.problem) for p in check_templates()]
    assert problems == [
        (
            "form_templates/screening.yaml",
            "date_received",
            "this field must stay a date: the deadlines and exports read it",
        )
    ]
    assert load_forms()["screening"].version == 1


def test_an_edited_template_is_read_again(workspace: Path) -> None:
    target = override(workspace, "good_override.yaml")
    assert load_forms()["screening"].version == 2
    target.write_text(
        target.read_text(encoding="utf-8").replace("version: 2", "version: 30"), encoding="utf-8"
    )
    assert load_forms()["screening"].version == 30
