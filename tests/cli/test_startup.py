"""`cspr` loads only what the command it runs needs: building the parser must not load
the Word, Excel and redaction stacks (python-docx, docxtpl, openpyxl, wordfreq), so an
import or a listing starts quickly and holds no memory it will never use."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_run import cspr, one_case_vault

# The heavy stacks only an export, a template check or a redaction command needs.
HEAVY = ("docx", "docxtpl", "openpyxl", "wordfreq", "langcodes", "jinja2", "textual")
HEAVY_OURS = (
    "cspr_tui.exports.docx_report",
    "cspr_tui.exports.fillable",
    "cspr_tui.exports.xlsx_tracker",
    "cspr_tui.exports.redaction",
    "cspr_tui.tui",
)

# Runs `cspr ARGS` in the child through the real entry point, then prints what was loaded.
PROBE = """
import json, sys
from cspr_tui.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _loaded(*args: str) -> tuple[int, list[str]]:
    done = cspr(*args, code=PROBE)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], report["modules"]


def _heavy(modules: list[str]) -> list[str]:
    return [
        name
        for name in modules
        if name.split(".")[0] in HEAVY or any(name.startswith(ours) for ours in HEAVY_OURS)
    ]


def test_import_loads_no_word_excel_or_redaction_module(workspace: Path, tmp_path: Path) -> None:
    one_case_vault(workspace)
    exported = cspr("export", "json", "--out", str(tmp_path / "cases.json"))
    assert exported.returncode == 0, exported.stderr
    code, modules = _loaded("import", str(tmp_path / "cases.json"))
    assert code == 0
    assert "cspr_tui.domain.import_stream" in modules  # the probe saw the import run
    assert _heavy(modules) == []


def test_listing_cases_loads_no_export_stack(workspace: Path) -> None:
    one_case_vault(workspace)
    code, modules = _loaded("cases")
    assert code == 0
    assert _heavy(modules) == []


def test_an_export_still_loads_what_it_needs(workspace: Path, tmp_path: Path) -> None:
    """The lazy package names still resolve: the tracker export loads openpyxl when run."""
    one_case_vault(workspace)
    code, modules = _loaded("export", "tracker", "--out", str(tmp_path) + "/")
    assert code == 0
    assert "openpyxl" in modules
    assert "cspr_tui.exports.xlsx_tracker" in modules
