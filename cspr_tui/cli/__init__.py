"""The command-line front door: parses, calls the core, turns errors into one line and a code.

Each command group lives in its own module with a `register(subparsers)` function; the
commands hold no business rules, they call the vault, domain and exports layers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cspr_tui import __version__
from cspr_tui.errors import CsprError, UsageError

__all__ = ["build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    from cspr_tui.cli import command_modules

    parser = _Parser(
        prog="cspr",
        description="Offline, encrypted case vault for child safeguarding practice reviews.",
    )
    parser.add_argument("--version", action="version", version=f"cspr {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on failure")
    parser.add_argument(
        "--vault", metavar="PATH", help="vault file (default: CSPR_VAULT or vault/cases.vault)"
    )
    parser.add_argument(
        "--allow-rollback",
        action="store_true",
        help="open a vault older than this machine has seen (accepting that state)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in command_modules.MODULES:
        module.register(sub)
    _accept_vault_everywhere(sub)
    return parser


def _accept_vault_everywhere(subparsers: argparse._SubParsersAction) -> None:
    """`--vault PATH` works after the command too (`cspr cases --vault x.vault`)."""
    for command in subparsers.choices.values():
        if not any("--vault" in action.option_strings for action in command._actions):
            command.add_argument(
                "--vault", metavar="PATH", default=argparse.SUPPRESS, help="vault file"
            )
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_vault_everywhere(action)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            args = parser.parse_args([*argv, "tui"])
        result = args.func(args)
        return int(result or 0)
    except CsprError as exc:
        if debug:
            raise
        print(f"cspr: {exc.message}", file=sys.stderr)
        for line in exc.details:
            print(f"  {line}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("cspr: interrupted; nothing was changed.", file=sys.stderr)
        return 1
    except Exception as exc:  # the last line of defence: one line, no traceback
        if debug:
            raise
        print(
            f"cspr: unexpected error ({exc.__class__.__name__}: {exc}); "
            "run again with --debug and report it.",
            file=sys.stderr,
        )
        return 1
