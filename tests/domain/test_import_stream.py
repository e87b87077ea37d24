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
