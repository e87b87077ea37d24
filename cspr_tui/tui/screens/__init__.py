"""One screen per module: unlock, dashboard, case, guided form, recommendations, settings, help."""

from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.dashboard import DashboardScreen
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.screens.help import HelpScreen
from cspr_tui.tui.screens.recommendations import RecommendationsScreen
from cspr_tui.tui.screens.settings import SettingsScreen
from cspr_tui.tui.screens.unlock import UnlockScreen

__all__ = [
    "CaseScreen",
    "DashboardScreen",
    "FormScreen",
    "HelpScreen",
    "RecommendationsScreen",
    "SettingsScreen",
    "UnlockScreen",
]
