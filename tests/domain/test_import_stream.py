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
