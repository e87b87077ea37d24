"""Textual's debugging switches, switched off for a confidential app.

Textual reads a few environment variables that copy the screen or the log out of the
process: `TEXTUAL_LOG` appends every log line (typed text included) to a file,
`TEXTUAL_SCREENSHOT` saves the screen after a delay (bypassing the app's screenshot block),
`TEXTUAL=devtools` streams the app to a console, `TEXTUAL_PRESS` types keys, and
`TEXTUAL_DRIVER` imports a module of the caller's choosing. They are removed from the
environment before Textual is imported (and its already-read constants reset, in case
something imported it first), so setting one does nothing to `cspr`.

This module must not import Textual: it runs before it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

__all__ = ["LEAKY_VARIABLES", "neutralise_textual_environment"]

LEAKY_VARIABLES = (
    "TEXTUAL",
    "TEXTUAL_LOG",
    "TEXTUAL_DEBUG",
    "TEXTUAL_DEVTOOLS_HOST",
    "TEXTUAL_DEVTOOLS_PORT",
    "TEXTUAL_SCREENSHOT",
    "TEXTUAL_SCREENSHOT_LOCATION",
    "TEXTUAL_SCREENSHOT_FILENAME",
    "TEXTUAL_PRESS",
    "TEXTUAL_DRIVER",
    "TEXTUAL_SHOW_RETURN",
    "TEXTUAL_FILTERS",
)

# The values Textual uses when none of the variables is set.
_SAFE_CONSTANTS = {
    "LOG_FILE": None,
    "DEBUG": False,
    "SCREENSHOT_DELAY": -1,
    "SCREENSHOT_LOCATION": None,
    "SCREENSHOT_FILENAME": None,
    "PRESS": "",
    "DRIVER": None,
    "SHOW_RETURN": False,
    "FILTERS": "",
}


def neutralise_textual_environment(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Remove Textual's leaky switches; returns the names that were set."""
    environ = os.environ if environ is None else environ
    removed = [name for name in LEAKY_VARIABLES if name in environ]
    for name in removed:
        del environ[name]
    constants = sys.modules.get("textual.constants")
    if constants is not None:
        for name, value in _SAFE_CONSTANTS.items():
            if hasattr(constants, name):
                setattr(constants, name, value)
    return removed
