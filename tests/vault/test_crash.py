"""Crash safety: a process saving in a loop is SIGKILLed at random instants, many times.

After every kill the vault must open and hold either the last state the child reported
saved or the one it was saving; no temp file, backup or lock may hold plaintext.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cspr_tui.vault import create_vault, list_backups, open_vault

MARKER = "Ottoline-Brackenbury-Q7"

# A fork server: it pays Python's start-up and the imports once, then forks one saver per
# round on request. Each saver is a real, separate process (its own lock, its own file
# handles) that opens the vault itself and saves in a loop until the test SIGKILLs it; the
# server reaps it and only then says "reaped", so all of the saver's output comes first.
FORK_SERVER = textwrap.dedent(
    f"""
    import os, sys
    from cspr_tui.vault import open_vault

    def save_forever(path):
        vault = open_vault(path, "pw", backups=3)
        state = vault.db.table("state")
        n = state.get(doc_id=1)["n"]
        while True:
            n += 1
            with vault.transaction():
                state.update(
                    {{"n": n, "payload": ["{MARKER}-%d-%d" % (n, i) for i in range(3000)]}},
                    doc_ids=[1],
                )
                vault.db.table("log").insert({{"n": n}})
            print(n, flush=True)

    for command in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                save_forever(sys.argv[1])
            finally:
                os._exit(1)  # only reached if the saver failed; the test then sees no "n"
        print("saver", pid, flush=True)
        os.waitpid(pid, 0)
        print("reaped", flush=True)
    """
)


def _scan_for_plaintext(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path.name


def _check_round(path: Path, lines: list[str], expected: int) -> tuple[int, bool]:
    """After one kill: the vault opens holding the last reported state or the next one."""
    reported = [int(line) for line in lines if line.strip()]
    assert reported[0] == expected + 1
    last = reported[-1]
    temp_left = any(".tmp-" in p.name for p in path.parent.iterdir())
    _scan_for_plaintext(path.parent)
    with open_vault(path, "pw", backups=3) as vault:  # takes over the dead lock
        state = vault.db.table("state").get(doc_id=1)
        n = state["n"]
        assert n in (last, last + 1), (n, last)
        assert state["payload"][-1] == f"{MARKER}-{n}-2999"
        assert [row["n"] for row in vault.db.table("log")] == list(range(1, n + 1))
    assert not any(".tmp-" in p.name for p in path.parent.iterdir())
    assert len(list_backups(path)) <= 3 + 1  # a kill may land between link and prune
    return n, temp_left


@pytest.mark.slow
def test_sigkill_during_saves_leaves_old_or_new_state(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw", backups=3) as vault:
        vault.db.table("state").insert({"n": 0, "payload": []})
    rng = random.Random(20261128)
    expected = 0
    saw_temp_files = False
    server = subprocess.Popen(
        [sys.executable, "-c", FORK_SERVER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        for _round in range(30):
            server.stdin.write("go\n")
            server.stdin.flush()
            started = server.stdout.readline().split()
            assert started[:1] == ["saver"], f"the fork server failed: {started}"
            first = server.stdout.readline()  # at least one save happened in this round
            assert first.strip().isdigit(), f"the saver failed to start: {first!r}"
            time.sleep(rng.uniform(0.0, 0.04))  # a random instant to kill at, not a wait
            os.kill(int(started[1]), signal.SIGKILL)
            lines = [first]
            for line in server.stdout:  # everything the saver printed, up to its reaping
                if line.strip() == "reaped":
                    break
                lines.append(line)
            else:
                raise AssertionError("the fork server stopped")
            expected, temp_left = _check_round(path, lines, expected)
            saw_temp_files |= temp_left
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert expected >= 30
    print(f"30 kills, {expected} saves, temp files left by a kill seen: {saw_temp_files}")
