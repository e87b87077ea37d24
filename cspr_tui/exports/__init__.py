"""Word and Excel exports, redaction and safe export files: the only plaintext that leaves."""

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
