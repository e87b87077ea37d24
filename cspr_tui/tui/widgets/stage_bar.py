"""Where a case stands in the workflow, what is missing before the next step, and warnings.

Every word here comes from the domain: the stage as `workflow.stage_label` names it (a
deferral pending proceedings reads as such), and the `TransitionCheck`'s missing items and
warnings (e.g. a rapid review due within days with agency reports not in).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from cspr_tui.domain.case import STAGE_ORDER, Case, Stage
from cspr_tui.domain.workflow import TransitionCheck, stage_label
from cspr_tui.tui.words import missing_item, sentence


def clip(text: str, room: int) -> str:
    """`text` cut to `room` characters with an ellipsis (the full text is one key away)."""
    room = max(room, 4)
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


class StageBar(Static):
    """Progress dots with the stage, then the next step or what blocks it, then warnings."""

    DEFAULT_CSS = """
    StageBar {
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $boost;
    }
    """

    def show_case(self, case: Case, check: TransitionCheck) -> None:
        stage = case.paused_from if case.stage == Stage.PAUSED and case.paused_from else case.stage
        position = STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 0
        width = max(self.app.size.width - 2, 20)
        parts: list[str | tuple[str, str]] = []
        for index, _ in enumerate(STAGE_ORDER):
            parts.append(("●" if index <= position else "○", "bold" if index == position else ""))
        parts.append((f"  {stage_label(case)}", "bold"))
        if case.stage == Stage.PAUSED:
            parts.append(f" (from {stage.label}; press p to resume)")
        else:
            parts.append(f"  ({position + 1} of {len(STAGE_ORDER)})")
        # Missing items share the room with warnings: each gets its lines, never hidden.
        lines_for_missing = 1 if check.warnings else 2
        if case.stage == Stage.PAUSED:
            pass
        elif check.next_stage is None:
            parts.append("\nNo further stage.")
        elif check.allowed:
            parts.append(f"\nReady for {check.next_stage.label}: press a to move on.")
        else:
            head = f"Before {check.next_stage.label}, {len(check.missing)} missing (a shows all): "
            body = "; ".join(missing_item(m) for m in check.missing) or "Not allowed yet"
            parts.append(("\n" + head, "bold"))
            # Lines wrap at word boundaries: leave slack so the clip lands inside the room.
            parts.append(clip(body, lines_for_missing * width - len(head) - 12))
        for warning in check.warnings[:1]:
            more = f" (+{len(check.warnings) - 1} more)" if len(check.warnings) > 1 else ""
            parts.append(("\n⚠ ", "bold $warning"))
            parts.append((clip(sentence(warning), 2 * width - 14 - len(more)) + more, "$warning"))
        self.update(Content.assemble(*parts))
