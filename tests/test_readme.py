"""The README stays true: its keyboard map and command reference match the code."""

from __future__ import annotations

import argparse
from pathlib import Path

from cspr_tui.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_keyboard_map_is_the_generated_one():
    generated = (ROOT / "docs" / "keyboard.md").read_text(encoding="utf-8")
    rows = [line for line in generated.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows, "docs/keyboard.md has no table"
    missing = [row for row in rows if row not in README]
    assert not missing, f"README keyboard map is out of date: {missing[:3]}"


def test_readme_names_every_command():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        assert f"`cspr {name}" in README, f"README does not document 'cspr {name}'"
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        for group in nested:
            for child in group.choices:
                assert f"`cspr {name} {child}" in README, f"README lacks 'cspr {name} {child}'"


def test_readme_set_up_commands_are_the_ones_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test,dev]'" in README
    assert "pip install --quiet -e '.[test,dev]'" in ci
    assert "python -m pytest" in README and "-m pytest" in ci
