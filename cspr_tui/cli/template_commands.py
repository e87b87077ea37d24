"""`cspr templates check`: validate every shipped and workspace form and Word template.

A partnership edits templates by hand, so this is the safety net: it reports each problem
as `file: field: problem` and exits 6, or prints a one-line summary and exits 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cspr_tui import paths
from cspr_tui.errors import ValidationFailed

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("templates", help="work with the form templates")
    actions = group.add_subparsers(dest="templates_command", metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="validate every form template (shipped and the workspace's form_templates/)",
        description="Validate every form template and report file, field and problem.",
    )
    check.set_defaults(func=run_check)
    group.set_defaults(func=_need_action(group))


def _need_action(parser: argparse.ArgumentParser):
    def run(_args: argparse.Namespace) -> int:
        parser.error("choose an action: check")
        return 2

    return run


def _word_templates() -> list:
    """Every shipped Word template and every workspace override the app would render."""
    from cspr_tui.exports.docx_report import TEMPLATE_FILES

    found: dict[Path, Path] = {}  # a checkout's workspace overrides are the shipped files
    for folder in (paths.shipped_templates_dir(), paths.user_templates_dir()):
        for name in sorted(set(TEMPLATE_FILES.values())):
            candidate = folder / "docx" / name
            if candidate.is_file():
                found.setdefault(candidate.resolve(), candidate)
    return list(found.values())


def run_check(_args: argparse.Namespace) -> int:
    # loaded here, not at the top: every `cspr` command builds this module's parser
    from cspr_tui.exports.template_sandbox import check_word_template
    from cspr_tui.forms import check_templates, load_forms

    problems = check_templates([paths.shipped_templates_dir(), paths.user_templates_dir()])
    word = _word_templates()
    for template in word:
        problems.extend(check_word_template(template))
    if problems:
        for problem in problems:
            print(problem)
        noun = "problem" if len(problems) == 1 else "problems"
        raise ValidationFailed(
            f"{len(problems)} {noun} in the form templates; fix them and run "
            "'cspr templates check' again (broken overrides are ignored by the app)."
        )
    forms = load_forms()
    fields = sum(form.field_count() for form in forms.values())
    shipped = paths.shipped_templates_dir().resolve()
    overrides = sum(
        1 for form in forms.values() if form.source and form.source.parent.resolve() != shipped
    )
    note = f" ({overrides} from the workspace)" if overrides else ""
    print(f"{len(forms)} templates{note}, {fields} fields, {len(word)} Word templates, no problems")
    return 0
