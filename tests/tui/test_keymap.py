"""The keyboard map (help screen and docs/keyboard.md) matches the bindings in the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspr_tui.tui.app import CsprApp
from cspr_tui.tui.keymap import KEYBOARD_MAP, keyboard_map_markdown
from cspr_tui.tui.screens.case import CaseScreen
from cspr_tui.tui.screens.chronology import ChronologyScreen
from cspr_tui.tui.screens.dashboard import DashboardScreen
from cspr_tui.tui.screens.form import FormScreen
from cspr_tui.tui.screens.people import PeopleScreen
from cspr_tui.tui.screens.recommendations import RecommendationsScreen
from cspr_tui.tui.screens.redaction_review import RedactionReviewScreen
from cspr_tui.tui.screens.settings import SettingsScreen
from cspr_tui.tui.screens.unlock import UnlockScreen

SCREENS = {
    "Everywhere": CsprApp,
    "Unlock": UnlockScreen,
    "Dashboard": DashboardScreen,
    "Case": CaseScreen,
    "Chronology": ChronologyScreen,
    "Guided form": FormScreen,
    "Recommendations": RecommendationsScreen,
    "Settings": SettingsScreen,
    "People": PeopleScreen,
    "Redaction review": RedactionReviewScreen,
}
# Keys that widgets or Textual handle themselves (enter selects, tab moves focus...).
# y / n / u are a short choice list's own keys (KeyChoice, tests/tui/test_key_choice.py);
# space is a tick list's (TickList, tests/tui/test_ticks.py).
BUILT_IN = {"enter", "tab", "shift+tab", "ctrl+p", "escape", "y", "n", "u", "space"}
NAMES = {"/": "slash", "1-9": "1", "[": "left_square_bracket", "]": "right_square_bracket"}


def bound_keys(owner: type) -> set[str]:
    keys: set[str] = set()
    for binding in owner.BINDINGS:
        keys.update(part.strip() for part in binding.key.split(","))
    return keys


@pytest.mark.parametrize(
    ("where", "keys", "what"), [row for row in KEYBOARD_MAP if row[0] in SCREENS]
)
def test_every_listed_key_is_bound(where: str, keys: str, what: str) -> None:
    bound = bound_keys(SCREENS[where])
    for token in keys.replace(" or ", " / ").split(" / "):
        token = NAMES.get(token.strip(), token.strip())
        if token in BUILT_IN:
            continue
        assert token in bound, f"{where}: {token} ({what}) is not bound"


def test_docs_keyboard_md_is_the_same_table() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "keyboard.md").read_text(encoding="utf-8")
    table = keyboard_map_markdown().split("\n", 2)[2]
    assert table in doc
