"""The keyboard map and a short glossary, so a new reviewer never has to guess a key or a term."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from cspr_tui.tui.keymap import keyboard_map_text
from cspr_tui.tui.widgets.footer import KeysFooter

GLOSSARY_MARKDOWN = """\
## Glossary

- **SIN**: Serious Incident Notification. The local authority tells the national Panel about
  a serious child safeguarding case, normally within 5 working days of becoming aware.
- **Panel**: the Child Safeguarding Practice Review Panel, which oversees national and local
  reviews and can commission a national review.
- **Rapid review**: a quick multi-agency look at the facts after a SIN, led by the three
  safeguarding partners (local authority, police, ICB); it decides what review, if any,
  should follow and is sent to the Panel.
- **LCSPR**: Local Child Safeguarding Practice Review, commissioned by the partners when the
  case meets the criteria; it ends in a published report with recommendations.
- **RAG**: Red, Amber, Green rating of each recommendation's progress (Blue for completed
  with evidence, Grey for not started, paused or superseded).
"""


class HelpScreen(ModalScreen[None]):
    """Keys first (what people need most), then the process vocabulary."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(keyboard_map_text(), id="help-keys")
            yield Markdown(GLOSSARY_MARKDOWN)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
