"""Word and Excel exports, redaction and safe export files: the only plaintext that leaves.

The names below load their module on first use (PEP 562), so importing one small part of
the package (`exports.export_file` for its warning) does not load python-docx, openpyxl,
docxtpl and the redaction word lists: `cspr import` and the app's start never need them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cspr_tui.exports.docx_report import (
        document_text,
        find_agency,
        template_path,
        write_case_report,
    )
    from cspr_tui.exports.export_file import ExportExists, safe_name_part, write_export
    from cspr_tui.exports.fillable import write_agency_report, write_referral_form
    from cspr_tui.exports.redaction import Finding, RedactionReviewNeeded, Redactor
    from cspr_tui.exports.xlsx_tracker import tracker_file_name, write_tracker

# Each public name and the module that defines it.
_HOME = {
    "ExportExists": "export_file",
    "Finding": "redaction",
    "RedactionReviewNeeded": "redaction",
    "Redactor": "redaction",
    "document_text": "docx_report",
    "find_agency": "docx_report",
    "safe_name_part": "export_file",
    "template_path": "docx_report",
    "tracker_file_name": "xlsx_tracker",
    "write_agency_report": "fillable",
    "write_case_report": "docx_report",
    "write_export": "export_file",
    "write_referral_form": "fillable",
    "write_tracker": "xlsx_tracker",
}

__all__ = [
    "ExportExists",
    "Finding",
    "RedactionReviewNeeded",
    "Redactor",
    "document_text",
    "find_agency",
    "safe_name_part",
    "template_path",
    "tracker_file_name",
    "write_agency_report",
    "write_case_report",
    "write_export",
    "write_referral_form",
    "write_tracker",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # found once; later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
