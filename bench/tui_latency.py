"""How long the app takes to answer a key, at a real partnership's size (1,000 cases).

Each metric is the time from a key reaching the app to the screen being settled: the key
handled (the app's key gate empty), no worker running, every message queue drained and the
expected screen showing. The app runs headless under Textual's pilot at 80x24, on a vault
of 1,000 fictional cases (bench/data.py) in a temporary folder; each figure is the median
of several repetitions. The key derivation is excluded: the vault uses the test suite's
cheap parameters (allowed only in a temporary folder), so "unlock" measures opening,
decrypting and drawing the dashboard, not Argon2.

`run(quick)` returns one dict per metric (`tui_*`, seconds, target 150 ms); bench/run.py
adds them to its table. `python bench/tui_latency.py` prints them on their own. Each
metric also carries the process's CPU seconds over the same span (every thread) and the
load average, in its note: on a shared two-core machine the wall time includes waiting for
a core, and the CPU time shows what the app itself spent.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

TARGET_SECONDS = 0.150
PASSPHRASE = "tui latency benchmark only"
TODAY = date(2026, 11, 20)
SIZE = (80, 24)
CPU_BY_NAME: dict[str, list[float]] = {}
CPU: list[float] = []  # the CPU seconds of the last `_press` calls (a busy machine's wall
# time includes waiting for a core; the CPU time shows what the app itself spent)


def _quiet(app) -> bool:
    """No key waiting, no worker running, and no message or after-refresh callback (a
    footer's redraw, a dialog's result) waiting for the app or any widget: the key
    gate's own test (tui/key_gate.py `busy`)."""
    from cspr_tui.tui.key_gate import busy

    if getattr(app, "keys_pending", 0) or busy(app):
        return False
    if any(worker.is_running for worker in app.workers):
        return False
    for screen in app.screen_stack:
        for node in screen.walk_children(with_self=True):
            if busy(node):
                return False
    return True


async def _settle(app, until: Callable[[], bool] | None, timeout: float = 30.0) -> None:
    """Until `until()` holds and the app has been quiet on three looks in a row."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle")
        await asyncio.sleep(0.0005)
        if (until is None or until()) and _quiet(app):
            quiet += 1
        else:
            quiet = 0


async def _press(app, key: str, until: Callable[[], bool] | None = None) -> float:
    """Seconds from one key reaching the app to the screen settled (the process's CPU
    seconds over the same span, every thread, go to `CPU` beside it)."""
    from textual import events

    await _settle(app, None)
    char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    started, cpu = time.perf_counter(), time.process_time()
    app.post_message(event)
    await _settle(app, until)
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


def _build_vault(folder: Path, cases: int) -> Path:
    from bench.data import make_cases
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.settings import Settings
    from cspr_tui.vault import create_vault

    path = folder / "vault" / "cases.vault"
    path.parent.mkdir(parents=True, exist_ok=True)
    with create_vault(path, PASSPHRASE) as vault:
        store = CaseStore(vault, Settings(), None, "Bench Reviewer")
        store.import_cases(make_cases(cases), source="benchmark data")
    return path


async def _measure(path: Path, reps: int) -> dict[str, list[float]]:
    from textual.widgets import Checkbox, Input

    from cspr_tui.settings import Settings
    from cspr_tui.tui import make_app
    from cspr_tui.tui.screens.case import CaseScreen
    from cspr_tui.tui.screens.dashboard import DashboardScreen
    from cspr_tui.tui.screens.form import FormScreen
    from cspr_tui.tui.screens.recommendations import RecommendationsScreen

    times: dict[str, list[float]] = {}
    cpu = CPU_BY_NAME
    cpu.clear()

    def note(name: str, seconds: float) -> None:
        times.setdefault(f"tui_{name}", []).append(seconds)
        cpu.setdefault(f"tui_{name}", []).append(CPU[-1])

    app = make_app(Settings(reviewer_name="Bench Reviewer", idle_lock_minutes=0), path, today=TODAY)
    async with app.run_test(size=SIZE, notifications=False):
        for _ in range(reps):
            await _settle(app, lambda: app.screen.query("#passphrase"))
            field = app.screen.query_one("#passphrase", Input)
            field.value = PASSPHRASE
            field.focus()

            def dashboard_ready() -> bool:
                screen = app.screen
                return isinstance(screen, DashboardScreen) and bool(screen.rows)

            note("unlock_to_dashboard", await _press(app, "enter", dashboard_ready))
            on_case = lambda: isinstance(app.screen, CaseScreen)  # noqa: E731
            note("open_case", await _press(app, "enter", on_case))
            note("switch_tab", await _press(app, "2"))
            note("open_form", await _press(app, "e", lambda: isinstance(app.screen, FormScreen)))
            note("next_step", await _press(app, "ctrl+n"))
            form = app.screen
            first = next(
                (e.input for e in form.editors.values() if isinstance(e.input, Input)), None
            )
            if first is not None:
                form.set_focus(first)
            note("typed_key", await _press(app, "a"))
            note("save_draft", await _press(app, "ctrl+s"))
            await _press(app, "escape", lambda: isinstance(app.screen, CaseScreen))
            note(
                "back_to_dashboard",
                await _press(app, "escape", lambda: isinstance(app.screen, DashboardScreen)),
            )
            note(
                "open_recommendations",
                await _press(app, "r", lambda: isinstance(app.screen, RecommendationsScreen)),
            )
            overdue = app.screen.query_one("#filter-overdue", Checkbox)
            app.screen.set_focus(overdue)
            note("toggle_filter", await _press(app, "space"))
            await _press(app, "space")  # and back, for the next repetition
            await _press(app, "escape", lambda: isinstance(app.screen, DashboardScreen))
            await _press(app, "ctrl+l", lambda: app.session is None)
        await app.action_quit()
    return times


def run(quick: bool, *, cases: int = 1000, reps: int | None = None) -> list[dict[str, Any]]:
    """The tui_* metrics: median seconds of `reps` repetitions at 1,000 cases, 80x24.

    `cases` shrinks the vault only for the benchmark's smoke test (the note says so)."""
    reps = reps or (3 if quick else 5)
    names = ("CSPR_KDF_PROFILE", "CSPR_TEST_SUITE", "CSPR_HOME")
    old = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="cspr-tui-bench-") as tmp:
        os.environ.update(CSPR_KDF_PROFILE="test", CSPR_TEST_SUITE="1", CSPR_HOME=tmp)
        try:
            path = _build_vault(Path(tmp), cases)
            times = asyncio.run(_measure(path, reps))
        finally:
            for name, value in old.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return [
        {
            "name": name,
            "seconds": statistics.median(values),
            "target": "<= 150 ms",
            "target_seconds": TARGET_SECONDS,
            "met": statistics.median(values) <= TARGET_SECONDS,
            "reps": len(values),
            "cpu_seconds": statistics.median(CPU_BY_NAME[name]),
            "load": os.getloadavg()[0],
            "note": f"{cases:,} cases, pilot at 80x24, key to screen settled"
            + ("; KDF excluded" if name == "tui_unlock_to_dashboard" else "")
            + f"; CPU {statistics.median(CPU_BY_NAME[name]) * 1000:.0f} ms"
            + f", load {os.getloadavg()[0]:.1f}",
        }
        for name, values in times.items()
    ]


if __name__ == "__main__":
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for metric in run(quick="--quick" in sys.argv):
        mark = "met" if metric["met"] else "MISSED"
        print(
            f"{metric['name']:<28} {metric['seconds'] * 1000:8.1f} ms  {mark:<6}"
            f"  (CPU {metric['cpu_seconds'] * 1000:6.1f} ms)"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
