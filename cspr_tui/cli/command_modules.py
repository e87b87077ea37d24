"""The command groups `cspr` offers, in the order `cspr --help` lists them."""

from __future__ import annotations

import importlib
from types import ModuleType

_NAMES = (
    "cspr_tui.cli.app_commands",
    "cspr_tui.cli.vault_commands",
    "cspr_tui.cli.case_commands",
    "cspr_tui.cli.template_commands",
    "cspr_tui.cli.export_commands",
    "cspr_tui.cli.returns_commands",
    "cspr_tui.cli.redaction_commands",
    "cspr_tui.cli.where_commands",
)


def _load() -> list[ModuleType]:
    modules = []
    for name in _NAMES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency, not a group not yet written
                raise
    return modules


MODULES: list[ModuleType] = _load()
