"""`cspr templates check` as a partnership runs it: a real subprocess in a workspace."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from cspr_tui.exports.docx_report import TEMPLATE_FILES
from tests.cli_run import run_cspr as cspr

FIXTURES = Path(__file__).parents[1] / "forms" / "fixtures"


def test_check_passes_on_the_shipped_templates() -> None:
    result = cspr("templates", "check")
    assert result.returncode == 0, result.stderr
    words = len(TEMPLATE_FILES)  # referral, rapid review, final (the agency report is built)
    assert re.fullmatch(
        rf"7 templates, \d+ fields, {words} Word templates, no problems\n", result.stdout
    )
    assert result.stderr == ""


def test_check_counts_a_good_workspace_override(workspace: Path) -> None:
    (workspace / "form_templates").mkdir()
    shutil.copyfile(FIXTURES / "good_override.yaml", workspace / "form_templates/screening.yaml")
    result = cspr("templates", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("7 templates (1 from the workspace), ")


def test_check_reports_every_problem_and_exits_6(workspace: Path) -> None:
    folder = workspace / "form_templates"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "missing_relied_on_field.yaml", folder / "screening.yaml")
    shutil.copyfile(FIXTURES / "yaml_syntax_error.yaml", folder / "notification.yaml")
    before = sorted(p.name for p in folder.iterdir())
    result = cspr("templates", "check")
    assert result.returncode == 6
    lines = result.stdout.splitlines()
    assert "form_templates/screening.yaml: date_received: this field is missing" in lines[1]
    assert lines[0].startswith("form_templates/notification.yaml: line 10: YAML syntax error")
    assert len(lines) == 2
    assert result.stderr.startswith("cspr: 2 problems in the form templates; fix them")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing changed


def test_templates_without_an_action_is_a_usage_error() -> None:
    result = cspr("templates")
    assert result.returncode == 2
    assert "choose an action: check" in result.stderr
    assert "Traceback" not in result.stderr
