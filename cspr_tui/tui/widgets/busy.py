"""The spinner shown while the key is derived, quiet while its screen is hidden."""

from __future__ import annotations

from textual.widgets import LoadingIndicator


class BusyIndicator(LoadingIndicator):
    """Textual's `LoadingIndicator`, redrawn only while its screen is the one shown.

    The unlock screen keeps its indicator shown while the dashboard covers it (its fields
    are re-enabled on the next resume), and Textual redraws an indicator sixteen times a
    second for as long as it is in its screen's last layout, shown or not: a redraw of a
    hidden screen on every tick, for the whole of a session."""

    def automatic_refresh(self) -> None:
        if self.screen.is_current:
            super().automatic_refresh()
