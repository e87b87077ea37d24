"""Importing a case file from the dashboard (`i`): progress in a worker, the screen still
answering keys, escape cancelling before the save, all or nothing (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, ProgressBar, Static

from bench.data import make_cases
from cspr_tui.domain.case_json import dump_cases
from cspr_tui.settings import Settings
from cspr_tui.tui.dialogs.import_cases import ImportCasesDialog
from cspr_tui.tui.screens.dashboard import DashboardScreen
from tests.tui.conftest import build_app, burst, saved_store, seed_vault, unlock, wait_for


def case_file(folder: Path, count: int, *, bad_last: bool = False) -> Path:
    """`count` fictional cases in the documented schema; `bad_last`: the last one has a
    stage that does not exist, so the file must be refused whole."""
    data = dump_cases(make_cases(count))
    if bad_last:
        data["cases"][-1]["stage"] = "not_a_stage"
    path = folder / "cases.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def stored_refs(vault_path: Path) -> list[str]:
    with saved_store(vault_path) as store:
        return sorted(case.ref for case in store.list_cases())


async def open_dialog(pilot, path: Path) -> ImportCasesDialog:
    await unlock(pilot)
    assert isinstance(pilot.app.screen, DashboardScreen)
    await burst(pilot, "i")
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportCasesDialog)
    assert pilot.app.focused is dialog.query_one("#path", Input)
    await burst(pilot, *str(path))
    return dialog


def status(dialog: ImportCasesDialog) -> str:
    return str(dialog.query_one("#status", Static).content)


async def test_cases_imported_from_the_dashboard_are_in_the_vault(
    settings: Settings, vault_path: Path, tmp_path: Path
) -> None:
    seed_vault(vault_path)
    path = case_file(tmp_path, 150)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot, path)
        await burst(pilot, "ctrl+s")
        await wait_for(pilot, lambda: dialog.done is not None)
        assert "Imported 150 case(s) from cases.json: 150 new, 0 updated." in status(dialog)
        bar = dialog.query_one("#progress", ProgressBar)
        assert bar.total == 150 and bar.progress == 150
        await burst(pilot, "escape")  # closes, and the dashboard lists them
        assert isinstance(app.screen, DashboardScreen)
        await wait_for(pilot, lambda: len(app.screen.rows) == 150)
    assert stored_refs(vault_path) == sorted(case.ref for case in make_cases(150))


async def test_a_bad_case_at_the_end_saves_nothing_and_says_where(
    settings: Settings, vault_path: Path, tmp_path: Path
) -> None:
    seed_vault(vault_path)
    path = case_file(tmp_path, 120, bad_last=True)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot, path)
        await burst(pilot, "enter")  # Enter in the path box starts it too
        await wait_for(pilot, lambda: not dialog.running)
        error = str(dialog.query_one(".dialog-error", Static).content)
        assert error.startswith("Nothing was imported. cases.json: ")
        assert "$.cases[119]" in error and "stage" in error
        assert dialog.done is None
        await burst(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
    assert stored_refs(vault_path) == []


async def test_escape_cancels_the_import_before_the_save(
    settings: Settings, vault_path: Path, tmp_path: Path
) -> None:
    """Escape typed straight after ctrl+s reaches the dialog while the worker checks (the
    keys are not held back for the import), and nothing is saved."""
    seed_vault(vault_path)
    path = case_file(tmp_path, 400)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot, path)
        await burst(pilot, "ctrl+s", "escape")
        await wait_for(pilot, lambda: not dialog.running)
        assert status(dialog) == "Import cancelled: nothing was saved."
        assert isinstance(app.screen, ImportCasesDialog)  # still open, to try again
        await burst(pilot, "ctrl+s")  # and a second go imports them
        await wait_for(pilot, lambda: dialog.done is not None)
        assert dialog.done.added == 400
    assert len(stored_refs(vault_path)) == 400


async def test_ctrl_c_cancels_too_and_a_file_that_is_not_there_is_one_clear_line(
    settings: Settings, vault_path: Path, tmp_path: Path
) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot, tmp_path / "missing.json")
        await burst(pilot, "ctrl+s")
        error = str(dialog.query_one(".dialog-error", Static).content)
        # Its folder on one line, the file's name whole at the start of the next.
        folder, sentence = error.split("\n")
        assert folder.lstrip("…") in str(tmp_path / "missing.json")
        assert folder.endswith("/") and len(folder) <= 66
        assert sentence == "missing.json is not a file. Give the path of a case JSON file (.json)."
        assert not dialog.running
        field = dialog.query_one("#path", Input)
        field.value = ""
        path = case_file(tmp_path, 300)
        await burst(pilot, *str(path), "ctrl+s", "ctrl+c")
        await wait_for(pilot, lambda: not dialog.running)
        assert status(dialog) == "Import cancelled: nothing was saved."
    assert stored_refs(vault_path) == []


async def test_the_dashboard_footer_offers_the_import(settings: Settings, vault_path: Path) -> None:
    seed_vault(vault_path)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        shown = {
            binding.key: binding.description
            for (_node, binding, _enabled, _tip) in app.screen.active_bindings.values()
            if binding.show
        }
        assert shown.get("i") == "Import"


async def test_locking_during_the_import_saves_nothing_and_leaves_no_dialog(
    settings: Settings, vault_path: Path, tmp_path: Path
) -> None:
    """ctrl+l while the file is checked: the lock cancels the worker before its save, the
    dialog goes with the other screens, and the vault holds no imported case."""
    from cspr_tui.tui.screens.unlock import UnlockScreen

    seed_vault(vault_path)
    path = case_file(tmp_path, 400)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, path)
        await burst(pilot, "ctrl+s", "ctrl+l")
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        assert isinstance(app.screen, UnlockScreen)
        assert app.session is None
        await unlock(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert stored_refs(vault_path) == []


async def test_the_save_shows_its_steps_and_ends_on_what_was_imported(
    settings: Settings, vault_path: Path, tmp_path: Path, monkeypatch
) -> None:
    """Once the save starts the bar and the line follow its steps (cases prepared, then
    indexed, then the MiB of the vault written), posted from inside the transaction; the
    dialog ends on what was imported, whatever step was posted last."""
    seed_vault(vault_path)
    path = case_file(tmp_path, 150)
    shown: list[tuple[str, float | None, float]] = []
    original = ImportCasesDialog.on_save_step

    def noting(self: ImportCasesDialog, step) -> None:
        original(self, step)
        bar = self.query_one("#progress", ProgressBar)
        shown.append((status(self), bar.total, bar.progress))

    monkeypatch.setattr(ImportCasesDialog, "on_save_step", noting)
    app = build_app(settings, vault_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog(pilot, path)
        await burst(pilot, "ctrl+s")
        await wait_for(pilot, lambda: dialog.done is not None)
        assert "Imported 150 case(s) from cases.json: 150 new, 0 updated." in status(dialog)
    lines = [line for line, _total, _progress in shown]
    saving = "Saving in the vault (all or nothing): "
    assert f"{saving}preparing 100 of 150 case(s)…" in lines
    assert f"{saving}indexing 150 of 150 case(s)…" in lines
    assert (f"{saving}indexing 150 of 150 case(s)…", 150, 150) in shown
    written = [entry for entry in shown if entry[0].startswith(f"{saving}writing ")]
    assert written and written[-1][1] == written[-1][2] == vault_path.stat().st_size
    assert lines.index(f"{saving}preparing 150 of 150 case(s)…") < lines.index(written[0][0])
