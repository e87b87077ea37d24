"""A real second process holding a vault open, for lock tests that must not depend on timing.

The holder is ready when it says so *and* the lock file names its pid (the condition the
tests rely on); every wait has a generous deadline that fails with a clear message rather
than hanging, and the holder is always ended, killed if it will not stop.
"""

from __future__ import annotations

import contextlib
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

# Deadlines for a loaded machine: they bound a failure, they are not what a pass waits for.
START_DEADLINE = 120.0
STOP_DEADLINE = 60.0

HOLDER = textwrap.dedent(
    """
    import sys
    from cspr_tui.vault import open_vault
    vault = open_vault(sys.argv[1], "pw")
    print("ready", flush=True)
    sys.stdin.read()  # hold the vault until the parent closes our stdin
    vault.close()
    """
)


def _read_line(child: subprocess.Popen[str], deadline: float) -> str:
    assert child.stdout is not None
    remaining = deadline - time.monotonic()
    ready, _, _ = select.select([child.stdout], [], [], max(remaining, 0.0))
    if not ready:
        raise AssertionError(f"the holder process said nothing in {START_DEADLINE:.0f} s")
    return child.stdout.readline()


@contextlib.contextmanager
def holding(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Run a process that opens `path` for writing; yields once it holds the lock."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = _read_line(child, time.monotonic() + START_DEADLINE)
        assert line.strip() == "ready", f"the holder failed to open the vault: {line!r}"
        lock = path.with_name(path.name + ".lock")
        assert f"pid={child.pid}" in lock.read_text(), "the lock does not name the holder"
        yield child
    finally:
        stop(child)


def stop(child: subprocess.Popen[str]) -> None:
    """Let the holder close its vault and exit; kill it if it does not within the deadline."""
    if child.poll() is None:
        try:
            child.communicate("", timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise
    else:
        child.communicate()
