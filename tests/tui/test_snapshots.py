"""A few pinned pictures of the main screens at 80x24 and 120x40 (Textual 8.2.x).

Review the SVGs before accepting an update (`pytest tests/tui --snapshot-update`): they
change with Textual releases, so Textual is pinned in pyproject.toml.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cspr_tui.domain import audit as audit_module
from cspr_tui.domain import store as store_module
from cspr_tui.settings import Settings
from tests.domain import case_values
from tests.tui.conftest import build_app, seed_vault, settle, unlock

SMALL = (80, 24)
LARGE = (120, 40)


@pytest.fixture
def demo_like_vault(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Cases at several stages, with fixed creation times so the pictures do not drift."""
    monkeypatch.setattr(store_module, "_now", lambda: "2026-06-01T09:00:00+00:00")

    class FixedClock(datetime):
        """The audit trail's clock, fixed: its times are in the pictures."""

        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    monkeypatch.setattr(audit_module, "datetime", FixedClock)

    def fill(store) -> None:
        case_values.case_at_stage(store, "referral_received")
        case_values.case_at_stage(store, "screening")
        ref = case_values.case_at_stage(store, "rapid_review")
        store.save_record(
            ref,
            "rapid_review",
            case_values.rapid_review(signoffs=case_values.SIGNOFFS[:2], rr_sent_to_panel_date=None),
            finish=True,
        )
        case_values.case_at_stage(store, "decision")

    seed_vault(vault_path, fill)
    return vault_path


def app_for(path: Path):
    return build_app(Settings(reviewer_name="Reviewer One"), path)


async def steady_cursor(pilot) -> None:
    """A blinking cursor would make the picture depend on the instant it is taken."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


async def unlocked(pilot) -> None:
    await unlock(pilot)
    await steady_cursor(pilot)


def test_unlock_screen_80x24(snap_compare, demo_like_vault: Path) -> None:
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=steady_cursor)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_dashboard(snap_compare, demo_like_vault: Path, size) -> None:
    assert snap_compare(app_for(demo_like_vault), terminal_size=size, run_before=unlocked)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_case_screen_shows_what_is_missing(snap_compare, demo_like_vault: Path, size) -> None:
    async def open_rapid_review_case(pilot) -> None:
        await unlock(pilot)
        pilot.app.action_open_case("CSPR-2026-003")
        await settle(pilot)
        await pilot.press("5")
        await steady_cursor(pilot)

    assert snap_compare(
        app_for(demo_like_vault), terminal_size=size, run_before=open_rapid_review_case
    )


def test_guided_form_repeat_step_80x24(snap_compare, demo_like_vault: Path) -> None:
    async def open_children_step(pilot) -> None:
        await unlock(pilot)
        pilot.app.action_open_case("CSPR-2026-002")
        await settle(pilot)
        await pilot.press("2", "e")
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        await steady_cursor(pilot)

    assert snap_compare(
        app_for(demo_like_vault), terminal_size=SMALL, run_before=open_children_step
    )


def _at(path: Path, *keys: str, case: str | None = None):
    """run_before: unlock, open `case`, press `keys`, settle, steady the cursor."""
    from tests.tui.conftest import burst

    async def run(pilot) -> None:
        await unlock(pilot)
        if case:
            pilot.app.action_open_case(case)
            await settle(pilot)
        if keys:
            await burst(pilot, *keys)
        await steady_cursor(pilot)

    return run


def test_first_run_asks_the_reviewers_name_80x24(snap_compare, demo_like_vault: Path) -> None:
    app = build_app(Settings(), demo_like_vault)
    assert snap_compare(app, terminal_size=SMALL, run_before=_at(demo_like_vault))


@pytest.mark.parametrize(
    ("tab", "case"),
    [
        ("1", "CSPR-2026-004"),
        ("6", "CSPR-2026-003"),
        ("8", "CSPR-2026-003"),
        ("9", "CSPR-2026-003"),
    ],
    ids=["summary", "agencies", "recs", "audit"],
)
def test_case_tabs_80x24(snap_compare, demo_like_vault: Path, tab: str, case: str) -> None:
    assert snap_compare(
        app_for(demo_like_vault),
        terminal_size=SMALL,
        run_before=_at(demo_like_vault, tab, case=case),
    )


def test_guided_form_one_key_choices_and_step_strip_80x24(
    snap_compare, demo_like_vault: Path
) -> None:
    run = _at(demo_like_vault, "n", "enter", "y")
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=run)


def test_guided_form_step_list_80x24(snap_compare, demo_like_vault: Path) -> None:
    run = _at(demo_like_vault, "n", "enter", "y", "tab", "n", "ctrl+g")
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=run)


def test_notification_carried_over_80x24(snap_compare, demo_like_vault: Path) -> None:
    run = _at(demo_like_vault, "4", "e", case="CSPR-2026-002")
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=run)


def test_settings_screen_80x24(snap_compare, vault_path: Path) -> None:
    """On a vault that was never saved to: no backups, whose names hold the real time."""
    seed_vault(vault_path)
    assert snap_compare(app_for(vault_path), terminal_size=SMALL, run_before=_at(vault_path, "o"))


@pytest.mark.parametrize("keys", [("r",), ("f1",)], ids=["recommendations", "help"])
def test_other_screens_80x24(snap_compare, demo_like_vault: Path, keys) -> None:
    assert snap_compare(
        app_for(demo_like_vault), terminal_size=SMALL, run_before=_at(demo_like_vault, *keys)
    )


@pytest.mark.parametrize(
    "keys",
    [("c",), ("k",), ("k", "v")],
    ids=["chronology", "people", "redaction-review"],
)
def test_case_subscreens_80x24(snap_compare, demo_like_vault: Path, keys) -> None:
    """The chronology, the pseudonym key and the redaction review of the rapid review case."""
    run = _at(demo_like_vault, *keys, case="CSPR-2026-003")
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=run)


# Every screen class in cspr_tui/tui/screens and the 80x24 picture that shows it (with a
# line of text only that screen draws, to prove the picture is of that screen).
SCREEN_SNAPSHOTS: dict[str, tuple[str, str]] = {
    "UnlockScreen": ("test_unlock_screen_80x24", "Unlock cases.vault"),
    "DashboardScreen": ("test_dashboard[80x24]", "Deadlines, overdue first"),
    "CaseScreen": ("test_case_tabs_80x24[summary]", "Decision  (5 of 10)"),
    "FormScreen": ("test_guided_form_repeat_step_80x24", "Step 3 of"),
    "HelpScreen": ("test_other_screens_80x24[help]", "Lock now: close the vault"),
    "RecommendationsScreen": ("test_other_screens_80x24[recommendations]", "Recommendations:"),
    "SettingsScreen": ("test_settings_screen_80x24", "Reviewer name (named in the audit"),
    "ChronologyScreen": ("test_case_subscreens_80x24[chronology]", "Integrated chronology"),
    "PeopleScreen": ("test_case_subscreens_80x24[people]", "Pseudonym key: CSPR-2026-003"),
    "RedactionReviewScreen": (
        "test_case_subscreens_80x24[redaction-review]",
        "Redaction review: CSPR-2026-003",
    ),
}


def _screen_classes() -> set[str]:
    import importlib
    import inspect
    import pkgutil

    from textual.screen import Screen

    import cspr_tui.tui.screens as screens

    found = set()
    for module_info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"{screens.__name__}.{module_info.name}")
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Screen) and value.__module__ == module.__name__:
                found.add(name)
    return found


def _picture_lines(svg: str) -> list[str]:
    """The text of a snapshot picture, a line per terminal row."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        text = html.unescape(match[3]).replace("\xa0", " ")
        rows.setdefault(float(match[2]), []).append((float(match[1]), text))
    return ["".join(text for _x, text in sorted(parts)) for _y, parts in sorted(rows.items())]


def test_every_screen_has_a_picture_at_80x24() -> None:
    assert _screen_classes() == set(SCREEN_SNAPSHOTS)
    folder = Path(__file__).parent / "__snapshots__" / "test_snapshots"
    for screen, (name, words) in SCREEN_SNAPSHOTS.items():
        picture = folder / f"{name}.svg"
        assert picture.exists(), f"{screen}: no picture {picture.name}"
        svg = picture.read_text()
        assert 'viewBox="0 0 994 635.' in svg, f"{picture.name} is not 80x24"
        lines = _picture_lines(svg)
        assert any(words in line for line in lines), f"{screen}: {picture.name}: {words!r}"
