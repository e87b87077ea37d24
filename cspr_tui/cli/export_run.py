"""How every `cspr export ...` command runs: its `--out`, its progress and its last words.

Shared by the export commands of `export_commands` and `returns_commands` (and the
plaintext warning by `redaction_commands`), so none of them imports another.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cspr_tui.errors import UsageError
from cspr_tui.exports.export_file import NOT_ENCRYPTED

__all__ = ["NOT_ENCRYPTED", "out_path", "progress_on_stderr", "run_request"]


def out_path(args: argparse.Namespace) -> Path | None:
    """The `--out` file, or a folder (the default name goes inside it), or None (exports/)."""
    if not args.out:
        return None
    out = Path(args.out).expanduser().absolute()
    if args.out.endswith(("/", os.sep)) and not out.is_dir():
        raise UsageError(f"the folder {out} does not exist; create it or choose another --out.")
    return out


def progress_on_stderr() -> Callable[[int, int, str], None] | None:
    """Progress on stderr when a person is watching; scripts get a quiet stderr."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, what: str) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{what}... {done}/{total}\033[K", end=end, file=sys.stderr, flush=True)

    return show


def run_request(args: argparse.Namespace, request: Any) -> int:
    """Hand the request to the export service; print where the file went and what it is."""
    from cspr_tui.cli.case_commands import open_store
    from cspr_tui.exports.service import run_export

    with open_store(args, readonly=False) as store:
        result = run_export(store, request, progress=progress_on_stderr())
    print(f"Wrote {result.path}")
    print(NOT_ENCRYPTED)
    return 0
