"""The import's collector pause: off for the block, back as it was after it (also when
the block fails), and `cspr import` really checks and saves with it off."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from cspr_tui.domain.import_stream import collector_paused
from tests.cli_run import cspr, one_case_vault


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a refused import")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


# In the child: note whether the collector ran during the store's import, then run cspr.
PROBE = """
import gc, json, sys
from cspr_tui.cli import main
from cspr_tui.domain.store import CaseStore
seen = []
original = CaseStore.import_cases
def noting(self, *args, **kwargs):
    seen.append(gc.isenabled())
    return original(self, *args, **kwargs)
CaseStore.import_cases = noting
code = main(sys.argv[1:])
print(json.dumps({"code": code, "during": seen, "after": gc.isenabled()}))
"""


def test_cspr_import_saves_with_the_collector_off(workspace: Path, tmp_path: Path) -> None:
    one_case_vault(workspace)
    exported = cspr("export", "json", "--out", str(tmp_path / "cases.json"))
    assert exported.returncode == 0, exported.stderr
    done = cspr("import", str(tmp_path / "cases.json"), code=PROBE)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "during": [False], "after": True}


def test_the_store_holds_no_case_it_was_handed_once_it_has_saved(tmp_path: Path) -> None:
    """The import hands its cases over (the list is emptied) and the plan lets each go as
    its document is built: afterwards nothing keeps them, so they were not kept alongside
    their documents while the vault wrote. The cases are still all saved."""
    import weakref

    from bench.data import make_cases
    from cspr_tui.domain.import_stream import import_cases
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import Settings
    from cspr_tui.vault import create_vault

    vault = create_vault(tmp_path / "v.vault", "an invented passphrase")
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        cases = make_cases(5)
        refs = sorted(case.ref for case in cases)
        alive = [weakref.ref(case) for case in cases]
        result = import_cases(store, cases, source="five.json")
        assert cases == []  # handed over
        gc.collect()
        assert [ref() for ref in alive] == [None] * 5
        assert (result.cases, result.added, result.updated) == (5, 5, 0)
        assert sorted(case.ref for case in store.list_cases()) == refs
    finally:
        vault.close()


def test_a_large_import_whose_save_fails_leaves_the_vault_and_the_store_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import of many cases is saved as one new snapshot (the change alone passes the
    compaction threshold): if writing it fails, the vault folder is byte for byte as it
    was, the store shows only what it held before, and the same import then succeeds."""
    import errno
    import os

    from bench.data import make_cases
    from cspr_tui.domain.import_stream import import_cases
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.errors import CsprError
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import Settings
    from cspr_tui.vault import atomic, create_vault
    from tests.cli_run import folder_digest

    folder = tmp_path / "vault"
    vault = create_vault(folder / "cases.vault", "an invented passphrase", backups=2)
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        first = store.create_case().ref
        before = folder_digest(folder)
        incoming = make_cases(60)  # about 1 MB of cases: past the 256 KiB threshold

        def disk_full(*_args: object) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        with monkeypatch.context() as patch:
            patch.setattr(atomic.os, "fsync", disk_full)
            with pytest.raises(CsprError, match="nothing was changed"):
                import_cases(store, list(incoming), source="sixty.json")
        assert folder_digest(folder) == before
        assert [case.ref for case in store.list_cases()] == [first]
        assert [s.ref for s in store.summaries()] == [first]
        result = import_cases(store, list(incoming), source="sixty.json")
        assert (result.added, result.updated) == (60, 0)
        assert vault.info().journal_bytes == 0  # saved as a snapshot, not appended
    finally:
        vault.close()


def test_a_large_import_tells_its_save_steps_in_order_up_to_the_file_written(
    tmp_path: Path,
) -> None:
    """With `progress`, the save tells its steps: the cases prepared (documents and audit
    entries), then indexed (summaries and search texts), then the bytes of the new snapshot
    written, each step counting up to its total; the last "writing" report is the size of
    the vault file now on disk, which opens again with every case."""
    from bench.data import make_cases
    from cspr_tui.domain.import_stream import import_cases
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import Settings
    from cspr_tui.vault import create_vault, open_vault

    path = tmp_path / "cases.vault"
    vault = create_vault(path, "an invented passphrase")
    seen: list[tuple[str, int, int]] = []
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        result = import_cases(
            store, make_cases(250), source="many.json", progress=lambda *a: seen.append(a)
        )
        assert (result.added, result.updated) == (250, 0)
        assert vault.info().journal_bytes == 0  # saved as one snapshot
    finally:
        vault.close()
    steps = [stage for stage, _done, _total in seen]
    assert steps[0] == "saving" and steps[-1] == "saving"
    assert list(dict.fromkeys(steps[1:-1])) == ["preparing", "indexing", "writing"]
    for step in ("preparing", "indexing"):
        told = [(done, total) for stage, done, total in seen if stage == step]
        assert told == [(100, 250), (200, 250), (250, 250)]
    written = [(done, total) for stage, done, total in seen if stage == "writing"]
    assert [done for done, _ in written] == sorted(done for done, _ in written)
    assert written[-1] == (path.stat().st_size, path.stat().st_size)
    reopened = open_vault(path, "an invented passphrase")
    try:
        store = CaseStore(reopened, Settings(), load_forms())
        assert len(store.list_cases()) == 250
    finally:
        reopened.close()


def test_an_import_told_nothing_saves_as_before(tmp_path: Path) -> None:
    """Without `progress` the save asks for none: the vault's writer is left without one."""
    from bench.data import make_cases
    from cspr_tui.domain.import_stream import import_cases
    from cspr_tui.domain.store import CaseStore
    from cspr_tui.forms import load_forms
    from cspr_tui.settings import Settings
    from cspr_tui.vault import create_vault

    vault = create_vault(tmp_path / "cases.vault", "an invented passphrase")
    try:
        store = CaseStore(vault, Settings(reviewer_name="Reviewer One"), load_forms())
        seen: list[tuple[str, int, int]] = []
        import_cases(store, make_cases(30), progress=lambda *a: seen.append(a))
        assert vault.write_progress is None  # given back once the save is over
        assert store._progress is None
        assert [s for s, *_ in seen].count("indexing") == 1
        result = import_cases(store, make_cases(30))
        assert (result.added, result.updated) == (0, 30)
    finally:
        vault.close()
