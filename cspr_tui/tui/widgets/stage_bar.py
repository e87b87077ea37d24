"""Where a case stands in the workflow and what the domain says is missing before the next step."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from cspr_tui.domain.case import STAGE_ORDER, Case, Stage


class StageBar(Static):
    """Two or three lines: progress dots with the stage, then the next step or what blocks it."""

    DEFAULT_CSS = """
    StageBar {
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $boost;
    }
    """

    def show_case(self, case: Case, check) -> None:
        stage = case.paused_from if case.stage == Stage.PAUSED and case.paused_from else case.stage
        position = STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 0
        text = Text()
        for index, _ in enumerate(STAGE_ORDER):
            text.append(
                "●" if index <= position else "○", style="bold" if index == position else ""
            )
        text.append(f"  {case.stage.label}", style="bold")
        if case.stage == Stage.PAUSED:
            text.append(f" (from {stage.label}; press p to resume)")
        else:
            text.append(f"  ({position + 1} of {len(STAGE_ORDER)})")
        text.append("\n")
        if case.stage in (Stage.PAUSED,):
            pass
        elif check.next_stage is None:
            text.append("No further stage.")
        elif check.allowed:
            text.append(f"Ready for {check.next_stage.label}: press a to move on.")
        else:
            count = len(check.missing)
            head = f"Before {check.next_stage.label}, {count} missing (a shows all): "
            body = "; ".join(check.missing) or "not allowed yet"
            room = max(2 * (self.app.size.width - 2) - len(head) - 12, 20)
            if len(body) > room:
                body = body[: room - 1].rstrip() + "…"
            text.append(head, style="bold")
            text.append(body)
        self.update(text)
