"""Textual's log, screenshot and devtools switches do nothing to the app (real subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cspr_tui.settings import Settings
from tests.tui.conftest import PASSPHRASE, build_app, seed_vault

RUN_APP = """
import os, sys
from datetime import date
from pathlib import Path
from cspr_tui.settings import Settings
from cspr_tui.tui import make_app

async def drive(pilot):
    await pilot.pause(0.5)
    await pilot.press(*sys.argv[2], "enter")
    for _ in range(200):
        await pilot.pause(0.05)
        if pilot.app.session is not None:
            break
    await pilot.pause(1.5)  # longer than the TEXTUAL_SCREENSHOT delay
    left = sorted(n for n in os.environ if n.startswith("TEXTUAL"))
    pilot.app.exit(",".join(left) + "|" + str(pilot.app.session is not None))

app = make_app(Settings(reviewer_name="R"), Path(sys.argv[1]), today=date(2026, 6, 15))
print(app.run(headless=True, auto_pilot=drive, size=(100, 30)))
"""


def test_leaky_textual_variables_are_ignored_by_a_real_app_process(
    workspace: Path, vault_path: Path, tmp_path: Path
) -> None:
    seed_vault(vault_path, lambda store: store.create_case(pseudonym="Child A"))
    shots = tmp_path / "shots"
    shots.mkdir()
    log = tmp_path / "textual.log"
    env = {
        **os.environ,
        "TEXTUAL_LOG": str(log),
        "TEXTUAL_SCREENSHOT": "0",
        "TEXTUAL_SCREENSHOT_LOCATION": str(shots),
        "TEXTUAL_SCREENSHOT_FILENAME": "screen.svg",
        "TEXTUAL": "devtools,debug",
        "TEXTUAL_DEBUG": "1",
        "TEXTUAL_THEME": "nord",  # harmless: kept
    }
    result = subprocess.run(
        [sys.executable, "-c", RUN_APP, str(vault_path), PASSPHRASE],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not log.exists()  # the log would hold every keystroke
    assert list(shots.iterdir()) == []  # no screenshot of case data
    assert not list(workspace.glob("*.svg"))
    left, unlocked = result.stdout.strip().splitlines()[-1].split("|")
    assert unlocked == "True"
    assert "TEXTUAL_THEME" in left.split(",")  # harmless switches are kept
    assert not set(left.split(",")) & {name for name in env if name != "TEXTUAL_THEME"} - set(
        os.environ
    )


def test_the_factory_resets_textual_constants_read_before_it(
    monkeypatch, vault_path: Path, tmp_path: Path
) -> None:
    """Even when Textual was imported first (as here), the app built by the factory is quiet."""
    from textual import constants

    monkeypatch.setenv("TEXTUAL", "devtools")
    monkeypatch.setenv("TEXTUAL_LOG", str(tmp_path / "log"))
    monkeypatch.setattr(constants, "LOG_FILE", str(tmp_path / "log"))
    monkeypatch.setattr(constants, "SCREENSHOT_DELAY", 0)
    app = build_app(Settings(), vault_path)
    assert "devtools" not in app.features
    assert app.devtools is None
    assert constants.LOG_FILE is None and constants.SCREENSHOT_DELAY == -1
    assert "TEXTUAL_LOG" not in os.environ and "TEXTUAL" not in os.environ


async def test_the_tui_creates_its_vault_folder_owner_only(workspace: Path) -> None:
    """A new vault made from the unlock screen: `vault/` (and any parent it makes) is 0700."""
    import stat

    from tests.tui.conftest import settle

    (workspace / "vault").rmdir()
    path = workspace / "team" / "vault" / "cases.vault"
    old = os.umask(0o022)
    try:
        app = build_app(Settings(), path)
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*"a new long passphrase", "enter", *"a new long passphrase", "enter")
            await settle(pilot)
            assert app.session is not None
    finally:
        os.umask(old)
    for level in (workspace / "team", workspace / "team" / "vault"):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700, level


async def test_create_screen_names_the_absolute_path_and_the_demo(workspace: Path) -> None:
    """A newcomer who ran `cspr demo --create-only` and then `cspr` is told where the demo is."""
    from textual.widgets import Static

    from cspr_tui.domain.demo import create_demo_vault

    create_demo_vault(workspace / "vault" / "demo.vault", passphrase="demo")
    path = workspace / "vault" / "cases.vault"
    app = build_app(Settings(), path)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        said = str(app.screen.query_one("#create-path", Static).render())
        assert str(path) in said
        hint = str(app.screen.query_one("#demo-hint", Static).render())
        assert str(workspace / "vault" / "demo.vault") in hint and "cspr demo" in hint
