"""`cspr_tui.exports` names its public functions without loading their modules up front;
each name still resolves to the very object its module defines."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import cspr_tui.exports as exports


@pytest.mark.parametrize("name", exports.__all__)
def test_every_public_name_is_its_modules_own(name: str) -> None:
    home = importlib.import_module(f"cspr_tui.exports.{exports._HOME[name]}")
    assert getattr(exports, name) is getattr(home, name)


def test_all_and_the_lookup_table_list_the_same_names() -> None:
    assert sorted(exports.__all__) == sorted(exports._HOME)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_export"):
        exports.no_such_export  # noqa: B018


def test_importing_the_export_file_module_loads_no_office_library() -> None:
    code = (
        "import sys, cspr_tui.exports.export_file; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('docx', 'docxtpl', 'openpyxl', 'wordfreq')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"
