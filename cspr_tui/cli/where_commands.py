"""`cspr where` (the paths in use) and `cspr completion SHELL` (tab completion from the parser)."""

from __future__ import annotations

import argparse

from cspr_tui import paths

__all__ = ["register"]

SHELLS = ("bash", "zsh", "fish")


def register(subparsers: argparse._SubParsersAction) -> None:
    where = subparsers.add_parser("where", help="print the workspace, vault and other paths in use")
    where.set_defaults(func=run_where)
    completion = subparsers.add_parser("completion", help="print a shell completion script")
    completion.add_argument("shell", choices=SHELLS, help="the shell: bash, zsh or fish")
    completion.set_defaults(func=run_completion, no_vault=True)


def _state(path) -> str:
    return "exists" if path.exists() else "not created yet"


def _templates_note() -> str:
    user = paths.user_templates_dir()
    if user.exists() and user.resolve() == paths.shipped_templates_dir().resolve():
        return "the shipped templates: this workspace is a checkout of cspr"
    return f"overrides {_state(user)}"


def run_where(args: argparse.Namespace) -> int:
    from cspr_tui.cli.workspace import vault_path

    folder, how = paths.find_workspace()
    vault = vault_path(args)
    rows = [
        ("workspace", folder, how),
        ("vault", vault, _state(vault)),
        ("demo vault", paths.demo_vault_path(), _state(paths.demo_vault_path())),
        ("exports", paths.exports_dir(), _state(paths.exports_dir())),
        ("settings", paths.settings_path(), _state(paths.settings_path())),
        (
            "templates",
            paths.user_templates_dir(),
            _templates_note(),
        ),
    ]
    width = max(len(name) for name, _p, _n in rows)
    for name, path, note in rows:
        print(f"{name + ':':<{width + 1}} {path.absolute()}  ({note})")
    return 0


def run_completion(args: argparse.Namespace) -> int:
    import shtab

    from cspr_tui.cli import build_parser

    print(shtab.complete(build_parser(), shell=args.shell))
    return 0
