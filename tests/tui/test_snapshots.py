"""Pinned pictures of every screen and dialog at 80x24, and the main ones at 120x40
(Textual 8.2.x); `test_every_screen_has_a_picture_at_80x24` fails when a screen or dialog
class under cspr_tui/tui has no picture.

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


# Every dialog (a ModalScreen anywhere under cspr_tui/tui) and its 80x24 picture.
DIALOG_SNAPSHOTS: dict[str, tuple[str, str]] = {
    "NewCaseDialog": ("test_dialogs_80x24[new-case]", "known by a pseudonym everywhere"),
    "ImportCasesDialog": ("test_dialogs_80x24[import-cases]", "Import cases from a JSON file"),
    "ExportDialog": ("test_dialogs_80x24[export]", "Quarter (financial year: Q1 is April"),
    "MessageDialog": ("test_dialogs_80x24[message]", "Urgent risk goes to the MASH or 999"),
    "ConfirmDialog": ("test_confirm_dialog_80x24", "Move the case on"),
    "ReasonDialog": ("test_dialogs_80x24[reason]", "Why is the case paused or deferred?"),
    "AmendDialog": ("test_dialogs_80x24[amend]", "Override a deadline"),
    "RecommendationDialog": ("test_dialogs_80x24[recommendation]", "Add a recommendation"),
    "PersonDialog": ("test_dialogs_80x24[person]", "Add a person to the key"),
    "RedactDocumentDialog": (
        "test_dialogs_80x24[redact-document]",
        "Redact a Word document against",
    ),
    "ChangePassphraseDialog": ("test_dialogs_80x24[change-passphrase]", "Change the passphrase"),
    "PassphraseDialog": ("test_restore_backup_dialog_80x24", "Restore a backup"),
    "QuarterlyUpdateDialog": (
        "test_quarterly_update_dialog_80x24",
        "Quarterly update: CSPR-2026-001-R1-A1",
    ),
    "StepListDialog": ("test_guided_form_step_list_80x24", "Go to a step (Enter)"),
    "ReviewerNameDialog": ("test_first_run_asks_the_reviewers_name_80x24", "Your name"),
}

# Base classes that are never shown themselves (each must have a subclass in the package).
SCREEN_BASES = {"StyledOnceScreen"}


def _all_screen_classes() -> dict[str, type]:
    """Every Screen subclass (ModalScreen included) defined anywhere under cspr_tui/tui."""
    import importlib
    import inspect
    import pkgutil

    from textual.screen import Screen

    import cspr_tui.tui as tui

    found: dict[str, type] = {}
    for module_info in pkgutil.walk_packages(tui.__path__, prefix=f"{tui.__name__}."):
        module = importlib.import_module(module_info.name)
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Screen) and value.__module__ == module.__name__:
                found[name] = value
    return found


def _screen_classes() -> set[str]:
    found = _all_screen_classes()
    for base in SCREEN_BASES:
        assert any(base in {b.__name__ for b in cls.__mro__[1:]} for cls in found.values()), (
            f"{base} is listed as a base but nothing derives from it"
        )
    return set(found) - SCREEN_BASES


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
    """Every Screen and ModalScreen class under cspr_tui/tui has an 80x24 picture showing
    it: a new screen or dialog without one fails here."""
    pictures = {**SCREEN_SNAPSHOTS, **DIALOG_SNAPSHOTS}
    assert _screen_classes() == set(pictures)
    folder = Path(__file__).parent / "__snapshots__" / "test_snapshots"
    for screen, (name, words) in pictures.items():
        picture = folder / f"{name}.svg"
        assert picture.exists(), f"{screen}: no picture {picture.name}"
        svg = picture.read_text()
        assert 'viewBox="0 0 994 635.' in svg, f"{picture.name} is not 80x24"
        lines = _picture_lines(svg)
        assert any(words in line for line in lines), f"{screen}: {picture.name}: {words!r}"


# -- every dialog (ModalScreen) too, at 80x24 -------------------------------------------------


@pytest.fixture
def monitoring_vault(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One case in monitoring, with its recommendation (for the quarterly update)."""
    monkeypatch.setattr(store_module, "_now", lambda: "2026-06-01T09:00:00+00:00")

    class FixedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    monkeypatch.setattr(audit_module, "datetime", FixedClock)
    seed_vault(vault_path, lambda store: case_values.case_at_stage(store, "monitoring"))
    return vault_path


def _pushed(path: Path, make_dialog):
    """run_before: unlock, then push the dialog `make_dialog()` builds (for a dialog whose
    way in shows changing data, such as a backup's name with the real time in it)."""

    async def run(pilot) -> None:
        await unlock(pilot)
        pilot.app.push_screen(make_dialog())
        await settle(pilot)
        await steady_cursor(pilot)

    return run


def _restore_dialog():
    from cspr_tui.tui.dialogs.passphrase import PassphraseDialog

    return PassphraseDialog(
        "Restore a backup",
        "The vault will be replaced by cases.vault.2026-06-01T09-00-00.bak (the current state "
        "is kept as a backup first). Type the passphrase to continue.",
    )


DIALOG_RUNS = {
    "new-case": ("n",),
    "import-cases": ("i",),
    "export": ("x",),
    "message": ("n", "enter", "f1"),
    "reason": ("2", "p", None),  # CSPR-2026-002 (screening): pause asks why
    "amend": ("3", "d", None),  # CSPR-2026-003: override a deadline's date
    "recommendation": ("3", "m", None),
    "person": ("3", "k", "n"),
    "redact-document": ("3", "k", "w"),
    "change-passphrase": ("o", "ctrl+t"),
}


@pytest.mark.parametrize("dialog", list(DIALOG_RUNS), ids=list(DIALOG_RUNS))
def test_dialogs_80x24(snap_compare, demo_like_vault: Path, dialog: str) -> None:
    keys = DIALOG_RUNS[dialog]
    if keys[0].isdigit():  # a case's number, then the keys on its screen
        run = _at(demo_like_vault, *[k for k in keys[1:] if k], case=f"CSPR-2026-00{keys[0]}")
    else:
        run = _at(demo_like_vault, *keys)
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=run)


def test_restore_backup_dialog_80x24(snap_compare, demo_like_vault: Path) -> None:
    run = _pushed(demo_like_vault, _restore_dialog)
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=run)


def _move_on_dialog():
    from cspr_tui.tui.dialogs.confirm import ConfirmDialog

    return ConfirmDialog(
        "Move the case on",
        "Move CSPR-2026-004 from Decision to Review in progress? "
        "This is recorded in the audit trail.",
        yes="Move on",
    )


def test_confirm_dialog_80x24(snap_compare, demo_like_vault: Path) -> None:
    run = _pushed(demo_like_vault, _move_on_dialog)
    assert snap_compare(app_for(demo_like_vault), terminal_size=SMALL, run_before=run)


def test_quarterly_update_dialog_80x24(snap_compare, monitoring_vault: Path) -> None:
    run = _at(monitoring_vault, "8", "u", case="CSPR-2026-001")
    assert snap_compare(app_for(monitoring_vault), terminal_size=SMALL, run_before=run)
