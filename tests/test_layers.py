"""The layers stay apart: the core never pulls in the UI, and lower layers never reach up.

Each check imports a package in a fresh interpreter and inspects `sys.modules`, so an
import hidden anywhere in the package (not only at its top) is caught.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

UI = ("textual", "cspr_tui.tui", "cspr_tui.cli")


def _modules_after_import(package: str) -> set[str]:
    code = (
        "import importlib, json, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def _hits(modules: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("cspr_tui.vault", (*UI, "cspr_tui.domain", "cspr_tui.forms", "cspr_tui.exports")),
        ("cspr_tui.forms", (*UI, "cspr_tui.domain", "cspr_tui.vault", "cspr_tui.exports")),
        ("cspr_tui.domain", (*UI, "cspr_tui.exports")),
        ("cspr_tui.exports", UI),
    ],
)
def test_core_package_does_not_import_upwards(package: str, forbidden: tuple[str, ...]) -> None:
    modules = _modules_after_import(package)
    assert package in modules
    assert _hits(modules, forbidden) == []
