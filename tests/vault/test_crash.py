"""Crash safety: a process saving in a loop is SIGKILLed at random instants, many times,
while it appends change records, while it compacts after every save, with large records
that make it compact now and then, and with changes each past the compaction threshold on
its own, so saved as a new snapshot at once (260 kills in all).

After every kill the vault must open (on the same machine, so its rollback witness is
checked too) and hold either the last state the child reported saved or the one it was
saving; no temp file, backup or lock may hold plaintext; a torn record is cut off.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
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
    from cspr_tui.vault import vault as vault_module

    path, payload = sys.argv[1], int(sys.argv[2])
    compact_min, fraction = int(sys.argv[3]), float(sys.argv[4])
    vault_module.COMPACT_MIN_BYTES = compact_min
    vault_module.COMPACT_FRACTION = fraction

    def save_forever():
        vault = open_vault(path, "pw", backups=3)
        state = vault.db.table("state")
        n = state.get(doc_id=1)["n"]
        while True:
            n += 1
            with vault.transaction():
                state.update(
                    {{"n": n, "payload": ["{MARKER}-%d-%d" % (n, i) for i in range(payload)]}},
                    doc_ids=[1],
                )
                vault.db.table("log").insert({{"n": n}})
            print(n, flush=True)

    for command in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                save_forever()
            finally:
                os._exit(1)  # only reached if the saver failed; the test then sees no "n"
        print("saver", pid, flush=True)
        os.waitpid(pid, 0)
        print("reaped", flush=True)
    """
)

WATCHDOG_SECONDS = 600  # a round takes well under a second; the whole test under a minute
# (name, kills, payload strings per save, COMPACT_MIN_BYTES, COMPACT_FRACTION, max sleep)
SCENARIOS = [
    ("appends", 100, 20, 1 << 40, 1.0, 0.02),
    ("compaction-every-save", 100, 20, 0, 0.0, 0.03),
    ("large-records", 30, 3000, 256 * 1024, 0.5, 0.04),
    # every change (about 90 KB) alone passes the threshold: each save is a new snapshot
    ("change-past-threshold", 30, 3000, 64 * 1024, 0.0, 0.04),
]


BYSTANDER = [{"ref": f"{MARKER}-{i}", "notes": "never read by the saver"} for i in range(5)]


def _scan_for_plaintext(*folders: Path) -> None:
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                assert MARKER.encode() not in path.read_bytes(), path.name


def _check_round(
    path: Path, state_home: Path, lines: list[str], expected: int, payload: int
) -> tuple[int, bool]:
    """After one kill: the vault opens holding the last reported state or the next one."""
    reported = [int(line) for line in lines if line.strip()]
    assert reported[0] == expected + 1
    last = reported[-1]
    temp_left = any(".tmp-" in p.name for p in path.parent.iterdir())
    _scan_for_plaintext(path.parent, state_home)
    with open_vault(path, "pw", backups=3) as vault:  # takes over the dead lock
        state = vault.db.table("state").get(doc_id=1)
        n = state["n"]
        assert n in (last, last + 1), (n, last)
        assert vault.save_counter >= n
        assert state["payload"][-1] == f"{MARKER}-{n}-{payload - 1}"
        assert [row["n"] for row in vault.db.table("log")] == list(range(1, n + 1))
        assert vault.info().size == path.stat().st_size  # any torn record was cut off
        assert vault.db.table("bystander").all() == BYSTANDER
    assert not any(".tmp-" in p.name for p in path.parent.iterdir())
    assert len(list_backups(path)) <= 3
    return n, temp_left


@pytest.mark.parametrize(
    ("name", "kills", "payload", "compact_min", "fraction", "sleep"),
    SCENARIOS,
    ids=[s[0] for s in SCENARIOS],
)
def test_sigkill_during_saves_leaves_old_or_new_state(
    workspace: Path,
    name: str,
    kills: int,
    payload: int,
    compact_min: int,
    fraction: float,
    sleep: float,
) -> None:
    path = workspace / "vault" / "cases.vault"
    state_home = Path(os.environ["CSPR_STATE_HOME"])
    with create_vault(path, "pw", backups=3) as vault:
        vault.db.table("state").insert({"n": 0, "payload": []})
        # A table the saver never reads: its compactions copy its segment unparsed.
        vault.db.table("bystander").insert_multiple(BYSTANDER)
        vault.compact()
    rng = random.Random(f"20261201-{name}")
    expected = 0
    saw_temp_files = False
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            FORK_SERVER,
            str(path),
            str(payload),
            str(compact_min),
            str(fraction),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    # A pipe read never returns if the server wedges: after this long it is killed, the
    # reads see the end of the pipe and the test fails instead of hanging the suite.
    watchdog = threading.Timer(WATCHDOG_SECONDS, server.kill)
    watchdog.start()
    try:
        for _round in range(kills):
            server.stdin.write("go\n")
            server.stdin.flush()
            started = server.stdout.readline().split()
            assert started[:1] == ["saver"], f"the fork server failed: {started}"
            first = server.stdout.readline()  # at least one save happened in this round
            assert first.strip().isdigit(), f"the saver failed to start: {first!r}"
            time.sleep(rng.uniform(0.0, sleep))  # a random instant to kill at, not a wait
            os.kill(int(started[1]), signal.SIGKILL)
            lines = [first]
            for line in server.stdout:  # everything the saver printed, up to its reaping
                if line.strip().endswith("reaped"):
                    # a number cut short by the kill runs into the server's line: "12reaped"
                    break
                lines.append(line)
            else:
                raise AssertionError("the fork server stopped")
            expected, temp_left = _check_round(path, state_home, lines, expected, payload)
            saw_temp_files |= temp_left
    finally:
        watchdog.cancel()
        server.stdin.close()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert expected >= kills
    if name == "compaction-every-save":
        assert list_backups(path), "the saver compacted, so backups were kept"
    print(f"{name}: {kills} kills, {expected} saves, temp files left by a kill: {saw_temp_files}")
