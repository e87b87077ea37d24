"""The vault layer stands alone: importing it pulls in nothing from the layers above."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cspr_tui.vault import create_vault, open_vault


def test_vault_imports_no_upper_layer() -> None:
    code = "import sys, json, cspr_tui.vault; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(result.stdout))
    for banned in ("textual", "cspr_tui.domain", "cspr_tui.forms", "cspr_tui.exports"):
        assert not any(m == banned or m.startswith(banned + ".") for m in loaded), banned
    assert "cspr_tui.tui" not in loaded and "cspr_tui.cli" not in loaded


def test_reads_are_served_from_memory(workspace: Path) -> None:
    path = workspace / "vault" / "cases.vault"
    with create_vault(path, "pw") as vault:
        vault.db.table("cases").insert({"ref": "CSPR-2026-001"})
    with open_vault(path, "pw", readonly=True) as vault:
        path.write_bytes(b"overwritten behind our back")
        assert vault.db.table("cases").all() == [{"ref": "CSPR-2026-001"}]
