"""A read-only message (field help, a refusal with its explanation) closed with Escape or Enter."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from cspr_tui.tui.widgets.footer import KeysFooter


class MessageDialog(ModalScreen[None]):
    """Shows a title and a text; nothing to decide."""

    DEFAULT_CSS = """
    MessageDialog {
        align: center middle;
    }
    MessageDialog > Vertical {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    MessageDialog .dialog-title {
        text-style: bold;
        color: $primary;
    }
    MessageDialog VerticalScroll {
        height: auto;
        max-height: 16;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="message.close")
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dialog-title")
            with VerticalScroll():
                yield Static(self.text)
            yield Button("Close", id="close", compact=True)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#close").focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
