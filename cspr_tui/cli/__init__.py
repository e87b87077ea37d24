"""The command-line front door: parses, calls the core, turns errors into one line and a code.

Each command group lives in its own module with a `register(subparsers)` function; the
commands hold no business rules, they call the vault, domain and exports layers.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from cspr_tui import __version__
from cspr_tui.cli.terminal import opens_the_app
from cspr_tui.errors import CsprError, UsageError

__all__ = ["build_parser", "main"]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help pages in British English, with the examples and epilog laid out as written."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[override]
        return super().add_usage(usage, actions, groups, "Usage: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2, in British wording."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "Arguments"
        self._optionals.title = "Options"
        self.add_argument("-h", "--help", action="help", help="show this help page and stop")

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


# Commands that never open a vault, so they take no --vault of their own.
_NO_VAULT = {"templates", "completion"}


def build_parser() -> argparse.ArgumentParser:
    from cspr_tui.cli import command_modules
    from cspr_tui.cli.help_text import apply_help

    parser = _Parser(prog="cspr")
    parser.add_argument(
        "--version", action="version", version=f"cspr {__version__}", help="show the version"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on failure")
    parser.add_argument(
        "--vault",
        metavar="PATH",
        help="vault file (default: CSPR_VAULT, else vault/cases.vault in the workspace)",
    )
    parser.add_argument(
        "--allow-rollback",
        action="store_true",
        help="open a vault older than this machine has seen (accepting that state)",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, title="Commands"
    )
    for module in command_modules.MODULES:
        module.register(sub)
    _accept_vault_everywhere(sub)
    apply_help(parser)
    return parser


def _accept_vault_everywhere(subparsers: argparse._SubParsersAction) -> None:
    """`--vault PATH` works after the command too (`cspr cases --vault x.vault`)."""
    for name, command in subparsers.choices.items():
        if name in _NO_VAULT:
            continue
        if not any("--vault" in action.option_strings for action in command._actions):
            command.add_argument(
                "--vault", metavar="PATH", default=argparse.SUPPRESS, help="vault file"
            )
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_vault_everywhere(action)


BROKEN_PIPE_EXIT = 141  # 128 + SIGPIPE: what `head` leaves a standard tool with


def _quiet_broken_pipe() -> int:
    """The reader went away (`cspr cases | head -1`): stop quietly, as standard tools do.

    Whatever is still buffered for stdout is pointed at /dev/null, so Python's own flush at
    exit does not print "Exception ignored ... BrokenPipeError".
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return BROKEN_PIPE_EXIT


def _problem_lines(exc: CsprError) -> list[str]:
    """The lines under a refusal: a form's findings field by field (path, then what the
    form screen shows beside the field, `forms.answers.issue_line`), else the details."""
    from cspr_tui.forms.answers import Issue, issue_line

    issues = [i for i in exc.issues if isinstance(i, Issue)]
    return [issue_line(i) for i in issues] if issues else list(exc.details)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if opens_the_app(argv):
        from cspr_tui.cli.terminal import typed_keys_hidden

        # From the first moment: loading the commands and the app takes seconds, and a
        # passphrase typed meanwhile would be echoed in the clear.
        with typed_keys_hidden():
            return _main(argv)
    return _main(argv)


def _main(argv: list[str]) -> int:
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            args = parser.parse_args([*argv, "tui"])
        result = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return int(result or 0)
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except SystemExit:  # --help and --version print, then exit through argparse
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            return _quiet_broken_pipe()
        raise
    except CsprError as exc:
        if debug:
            raise
        print(f"cspr: {exc.message}", file=sys.stderr)
        for line in _problem_lines(exc):
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
