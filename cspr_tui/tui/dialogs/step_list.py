"""The form's steps with their state, to jump straight to one (ODK's hierarchy view)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cspr_tui.tui.widgets.footer import KeysFooter

MARKS = {"done": "✓ done", "needs answers": "• needs answers", "has errors": "! has errors"}


class StepListDialog(ModalScreen[int | None]):
    """Dismisses with the chosen step's index, or None."""

    DEFAULT_CSS = """
    StepListDialog {
        align: center middle;
    }
    StepListDialog > Vertical {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    StepListDialog .dialog-title {
        text-style: bold;
        color: $primary;
    }
    StepListDialog OptionList {
        height: auto;
        max-height: 16;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="steps.close"),
    ]

    def __init__(self, steps: list[tuple[str, str]], current: int) -> None:
        super().__init__()
        self.steps = steps
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Go to a step (Enter)", classes="dialog-title")
            yield OptionList(
                *[
                    Option(f"{i + 1}. {title}  {MARKS.get(state, '')}".rstrip(), id=str(i))
                    for i, (title, state) in enumerate(self.steps)
                ],
                id="steps",
            )
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        steps = self.query_one(OptionList)
        steps.highlighted = self.current
        steps.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_close(self) -> None:
        self.dismiss(None)
