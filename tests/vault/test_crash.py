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

SAVER = textwrap.dedent(
    f"""
    import sys
    from cspr_tui.vault import open_vault
    vault = open_vault(sys.argv[1], "pw", backups=3)
    state = vault.db.table("state")
    n = state.get(doc_id=1)["n"]
    while True:
        n += 1
        with vault.transaction():
            state.update({{"n": n, "payload": ["{MARKER}-%d-%d" % (n, i) for i in range(3000)]}},
                         doc_ids=[1])
            vault.db.table("log").insert({{"n": n}})
        print(n, flush=True)
    """
)


def _scan_for_plaintext(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path.name


@pytest.mark.slow
def test_sigkill_during_saves_leaves_old_or_new_state(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw", backups=3) as vault:
        vault.db.table("state").insert({"n": 0, "payload": []})
    rng = random.Random(20261128)
    expected = 0
    saw_temp_files = False
    for _round in range(30):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # at least one save happened in this round
        assert first.strip(), "the saver child failed to start"
        time.sleep(rng.uniform(0.0, 0.04))
        os.kill(child.pid, signal.SIGKILL)
        rest = child.stdout.read()
        child.wait(timeout=10)
        reported = [int(line) for line in [first, *rest.splitlines()] if line.strip()]
        assert reported[0] == expected + 1
        last = reported[-1]

        saw_temp_files |= any(".tmp-" in p.name for p in path.parent.iterdir())
        _scan_for_plaintext(path.parent)
        with open_vault(path, "pw", backups=3) as vault:  # takes over the dead lock
            state = vault.db.table("state").get(doc_id=1)
            n = state["n"]
            assert n in (last, last + 1), (n, last)
            assert state["payload"][-1] == f"{MARKER}-{n}-2999"
            assert [row["n"] for row in vault.db.table("log")] == list(range(1, n + 1))
        expected = n
        assert not any(".tmp-" in p.name for p in path.parent.iterdir())
        assert len(list_backups(path)) <= 3 + 1  # a kill may land between link and prune
    assert expected >= 30
    print(f"30 kills, {expected} saves, temp files left by a kill seen: {saw_temp_files}")
