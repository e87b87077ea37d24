"""`cspr tui` and `cspr demo`: the two ways into the Textual app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cspr_tui import paths
from cspr_tui.errors import UsageError
from cspr_tui.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    tui = subparsers.add_parser("tui", help="open the app (the default with no command)")
    tui.set_defaults(func=run_tui)
    demo = subparsers.add_parser(
        "demo", help="create vault/demo.vault (passphrase 'demo') with fictional cases and open it"
    )
    demo.add_argument(
        "--create-only", action="store_true", help="create the demo vault if missing, then exit"
    )
    demo.set_defaults(func=run_demo)


def _vault_path(args: argparse.Namespace) -> Path:
    from cspr_tui.cli.workspace import vault_path

    return vault_path(args)


def _need_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "the app needs a terminal; for scripted work use the other commands (cspr --help)."
        )


def _run_app(vault_path: Path) -> int:
    from cspr_tui.tui import make_app

    make_app(load_settings(), vault_path).run()  # (`main` hides keys typed until it starts)
    return 0


def run_tui(args: argparse.Namespace) -> int:
    settings = load_settings()  # a broken settings file is reported before the screen opens
    del settings
    _need_terminal()
    return _run_app(_vault_path(args))


def run_demo(args: argparse.Namespace) -> int:
    from cspr_tui.domain.demo import create_demo_vault

    path = Path(args.vault).expanduser().absolute() if args.vault else paths.demo_vault_path()
    if path.exists():
        print(f"The demo vault is already at {path} (passphrase: demo).", file=sys.stderr)
    else:
        paths.make_private_dir(path.parent)
        create_demo_vault(path, passphrase="demo")
        print(f"Created the demo vault at {path} (passphrase: demo).", file=sys.stderr)
    if args.create_only:
        return 0
    _need_terminal()
    return _run_app(path)
