"""Widgets that report upward with messages and never touch the vault themselves."""

from cspr_tui.tui.widgets.case_table import CaseRow, CaseTable
from cspr_tui.tui.widgets.form_field import FieldEditor, FieldValidator, RepeatGroup, RepeatRow
from cspr_tui.tui.widgets.stage_bar import StageBar

__all__ = [
    "CaseRow",
    "CaseTable",
    "FieldEditor",
    "FieldValidator",
    "RepeatGroup",
    "RepeatRow",
    "StageBar",
]
