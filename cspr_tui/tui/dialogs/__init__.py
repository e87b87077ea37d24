"""Modal dialogs returning small typed results (confirm, reason, new case, export...)."""

from cspr_tui.tui.dialogs.amend import AmendDialog, Answers
from cspr_tui.tui.dialogs.confirm import ConfirmDialog, ReasonDialog
from cspr_tui.tui.dialogs.export import ExportDialog, ExportDone
from cspr_tui.tui.dialogs.message import MessageDialog
from cspr_tui.tui.dialogs.new_case import NewCaseDialog
from cspr_tui.tui.dialogs.passphrase import ChangePassphraseDialog, PassphraseDialog
from cspr_tui.tui.dialogs.quarterly_update import QuarterlyUpdateDialog
from cspr_tui.tui.dialogs.recommendation import RecommendationDialog

__all__ = [
    "AmendDialog",
    "Answers",
    "ChangePassphraseDialog",
    "ConfirmDialog",
    "ExportDialog",
    "ExportDone",
    "MessageDialog",
    "NewCaseDialog",
    "PassphraseDialog",
    "QuarterlyUpdateDialog",
    "ReasonDialog",
    "RecommendationDialog",
]
