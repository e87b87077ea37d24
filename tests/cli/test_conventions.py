"""Workspace and command-line conventions a newcomer expects (issue 14), as real subprocesses."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cspr_tui.cli import build_parser
from cspr_tui.cli.help_text import command_parsers
from cspr_tui.domain.store import CaseStore
from cspr_tui.forms import load_forms
from cspr_tui.settings import Settings
from cspr_tui.vault import create_vault
from tests.cli_run import PASS, cspr

REPO = Path(__file__).parents[2]


# -- help pages -------------------------------------------------------------------------------


def test_every_help_page_has_a_description_examples_and_the_epilog() -> None:
    pages = command_parsers(build_parser())
    assert len(pages) >= 17
    for path, parser in pages:
        text = parser.format_help()
        name = f"cspr {path}".strip()
        assert parser.description, f"'{name} --help' has no description"
        assert "Examples:" in text, f"'{name} --help' has no examples"
        for variable in ("CSPR_PASSPHRASE", "CSPR_PASSPHRASE_FILE", "CSPR_HOME", "Exit codes"):
            assert variable in text, f"'{name} --help' does not mention {variable}"
        assert text.startswith("Usage: ")
        for american in ("usage:", "options:", "show this help message and exit"):
            assert american not in text, f"'{name} --help' says {american!r}"


def test_rekey_help_says_where_the_new_passphrase_comes_from() -> None:
    result = cspr("rekey", "--help")
    assert result.returncode == 0
    assert "CSPR_NEW_PASSPHRASE_FILE" in result.stdout
    assert "prompt" in result.stdout


def test_templates_check_takes_no_vault() -> None:
    result = cspr("templates", "check", "--vault", "x.vault")
    assert result.returncode == 2
    assert "unrecognized arguments: --vault" in result.stderr or "--vault" in result.stderr
    options = cspr("templates", "check", "--help").stdout.split("Examples:")[0]
    assert "--vault" not in options


# -- the workspace ----------------------------------------------------------------------------


def _where(cwd: Path, **env: str | None) -> dict[str, str]:
    result = cspr("where", cwd=cwd, env={"CSPR_HOME": None, "CSPR_VAULT": None, **env})
    assert result.returncode == 0, result.stderr
    rows = {}
    for line in result.stdout.splitlines():
        name, rest = line.split(":", 1)
        rows[name] = rest.strip().split("  (")[0]
    return rows


def test_the_workspace_is_found_like_a_git_repository(tmp_path: Path) -> None:
    project = tmp_path / "project"
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    (project / "vault").mkdir()
    rows = _where(deep, XDG_DATA_HOME=str(tmp_path / "xdg"))
    assert rows["workspace"] == str(project)
    assert rows["vault"] == str(project / "vault" / "cases.vault")
    assert rows["exports"] == str(project / "exports")
    assert rows["settings"] == str(project / "cspr-settings.json")
    # A settings file alone marks a workspace too, and the nearest one wins.
    (project / "a" / "cspr-settings.json").write_text("{}", encoding="utf-8")
    assert _where(deep, XDG_DATA_HOME=str(tmp_path / "xdg"))["workspace"] == str(project / "a")
    # CSPR_HOME wins over both.
    home = tmp_path / "home"
    assert _where(deep, CSPR_HOME=str(home))["workspace"] == str(home)


def test_with_no_workspace_around_the_per_user_folder_is_used(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    rows = _where(empty, XDG_DATA_HOME=str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert rows["workspace"] == str(tmp_path / "xdg" / "cspr")
    assert Path(rows["vault"]).is_absolute()


def test_only_the_demo_vault_says_how_to_use_it(workspace: Path) -> None:
    result = cspr("demo", "--create-only")
    assert result.returncode == 0, result.stderr
    demo = workspace / "vault" / "demo.vault"
    assert str(demo) in result.stderr
    result = cspr("cases")
    assert result.returncode == 2
    assert f"there is no vault at {workspace / 'vault' / 'cases.vault'}" in result.stderr
    assert f"cspr --vault {demo} COMMAND" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    shown = cspr("--vault", str(demo), "cases", env={"CSPR_PASSPHRASE": "demo"})
    assert shown.returncode == 0, shown.stderr
    assert "CSPR-" in shown.stdout


# -- exit codes -------------------------------------------------------------------------------


@pytest.fixture
def one_case(workspace: Path) -> str:
    vault = create_vault(workspace / "vault" / "cases.vault", PASS)
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        return store.create_case(pseudonym="Child A", agencies=["Police"]).ref
    finally:
        vault.close()


def test_not_found_is_exit_2_everywhere(workspace: Path, one_case: str) -> None:
    missing_vault = str(workspace / "nowhere" / "x.vault")
    for args in (
        ("--vault", missing_vault, "cases"),
        ("--vault", missing_vault, "verify"),
        ("--vault", missing_vault, "rekey"),
        ("--vault", missing_vault, "backups"),
        ("--vault", missing_vault, "export", "tracker"),
        ("import", str(workspace / "missing.json")),
        ("export", "report", "CSPR-2099-999", "--kind", "referral"),
        ("export", "agency-report", one_case, "--agency", "Nobody"),
        ("restore", "cases.vault.bak-20000101T000000Z"),
    ):
        result = cspr(*args, env={"CSPR_NEW_PASSPHRASE": "another invented one"})
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_init_refuses_a_missing_folder_unless_parents(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "place" / "team.vault"
    result = cspr("--vault", str(target), "init")
    assert result.returncode == 2
    assert "--parents" in result.stderr
    assert str(target.parent) in result.stderr
    assert not (tmp_path / "new").exists()
    result = cspr("--vault", str(target), "init", "--parents")
    assert result.returncode == 0, result.stderr
    assert target.is_file()
    for level in (tmp_path / "new", tmp_path / "new" / "place"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700


def test_init_in_a_fresh_workspace_creates_its_vault_folder(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    result = cspr("init", env={"CSPR_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert (home / "vault" / "cases.vault").is_file()
    assert str(home / "vault" / "cases.vault") in result.stdout


# -- completion, licence, ignore file ---------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_comes_from_the_parser(shell: str, tmp_path: Path) -> None:
    result = cspr("completion", shell)
    assert result.returncode == 0, result.stderr
    for command in ("demo", "export", "templates", "where", "completion"):
        assert command in result.stdout
    assert "agency-report" in result.stdout  # nested commands too
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"{shell} is not installed to check the script's syntax")
    script = tmp_path / f"cspr.{shell}"
    script.write_text(result.stdout, encoding="utf-8")
    check = subprocess.run(
        [program, "-n", str(script)], capture_output=True, text=True, timeout=30, check=False
    )
    assert check.returncode == 0, check.stderr


def test_completion_rejects_an_unknown_shell() -> None:
    result = cspr("completion", "powershell")
    assert result.returncode == 2


def test_licence_is_mit_like_the_metadata() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["license"]["text"] == "MIT"
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text


def test_gitignore_ignores_what_the_app_writes() -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for name in ("cspr-settings.json", "vault/cases.vault", "exports/x.docx", ".x.docx.1-ab.part"):
        result = subprocess.run(
            ["git", "-C", str(REPO), "check-ignore", "-q", name], timeout=30, check=False
        )
        assert result.returncode == 0, f"{name} is not git-ignored"
    kept = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", "README.md"], check=False)
    assert kept.returncode == 1


# -- README -----------------------------------------------------------------------------------

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_says_how_to_run_cspr_after_set_up() -> None:
    assert "source .venv/bin/activate" in README
    assert ".venv/bin/cspr" in README
    assert "python3-venv" in README


@pytest.mark.parametrize(
    ("term", "meaning"),
    [
        ("RAG", "Red/Amber/Green"),
        ("LCSPR", "local child safeguarding practice review"),
        ("T4", "time limits"),
    ],
)
def test_readme_explains_a_term_where_it_is_first_used(term: str, meaning: str) -> None:
    first = re.search(rf"\b{term}\b", README)
    assert first is not None
    around = README[max(0, first.start() - 160) : first.start() + 160].replace("\n", " ")
    assert meaning in around, f"{term} is first used without its meaning: {around!r}"


def test_readme_says_days_are_working_days() -> None:
    assert re.search(r"working days", README)
    days = [line for line in README.splitlines() if "days left" in line]
    assert days and all("working" in line for line in days)


def test_footer_labels_match_the_readme_keyboard_map() -> None:
    from cspr_tui.tui.screens.case import CaseScreen
    from cspr_tui.tui.screens.dashboard import DashboardScreen

    rows = [line for line in README.splitlines() if line.startswith("| ")]
    for screen, place in ((DashboardScreen, "Dashboard"), (CaseScreen, "Case")):
        for binding in screen.BINDINGS:
            if not getattr(binding, "show", True) or binding.key not in {"o", "d"}:
                continue
            row = next(r for r in rows if r.startswith(f"| {place} | `{binding.key}` |"))
            assert binding.description in row, (place, binding.key, binding.description, row)
