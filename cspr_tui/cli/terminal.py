"""The terminal while the app starts: keys typed then are not echoed in the clear.

Until Textual takes the terminal over (seconds after `cspr tui` starts, on a busy
machine), the terminal is in its line mode and echoes every key: a passphrase typed as the
unlock screen appears was printed in the clear and stayed in the shell's screen and
scrollback after the app quit. Echo is turned off before the app is loaded and the
terminal's own settings are put back once it has ended (Textual restores what it found,
which is the echo-less state). The keys themselves still reach the app.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO

try:
    import termios
except ImportError:  # not a POSIX terminal: nothing to hide this way
    termios = None  # type: ignore[assignment]

_LFLAG = 3  # index of the local modes in termios' attribute list
APP_COMMANDS = frozenset({"tui", "demo"})


def opens_the_app(argv: list[str]) -> bool:
    """`argv` runs the app (no command, `tui` or `demo`) on a terminal: read before the
    parser is built, because building it already takes a noticeable time."""
    if sys.stdin is None or not sys.stdin.isatty() or {"-h", "--help", "--version"} & set(argv):
        return False
    words = iter(argv)
    for word in words:
        if word == "--vault":
            next(words, None)
        elif not word.startswith("-"):
            return word in APP_COMMANDS
    return True


@contextmanager
def typed_keys_hidden(stream: TextIO | None = None) -> Iterator[None]:
    """No echo of typed keys on `stream` (stdin) for the block; the settings put back after."""
    stream = stream if stream is not None else sys.stdin
    before = None
    if termios is not None:
        try:
            fd = stream.fileno()
            before = termios.tcgetattr(fd)
            quiet = list(before)
            quiet[_LFLAG] = quiet[_LFLAG] & ~termios.ECHO
            termios.tcsetattr(fd, termios.TCSANOW, quiet)
        except (termios.error, OSError, ValueError, AttributeError):
            before = None
    try:
        yield
    finally:
        if before is not None:
            with suppress(termios.error):
                termios.tcsetattr(fd, termios.TCSANOW, before)
